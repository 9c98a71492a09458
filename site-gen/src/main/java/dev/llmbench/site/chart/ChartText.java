package dev.llmbench.site.chart;

import java.util.Locale;

/**
 * Every word drawn on a chart, per page language. Numbers are formatted here too, locale-free, so a chart looks the
 * same whatever the JVM's default locale.
 */
record ChartText(String ttftTitle, String promptAxis, String ttftAxis,
                 String stepTitle, String tokens, String stepAxis, String stepTpsAxis, String median, String noStepData,
                 String throughputTitle, String scenarioAxis, String throughputAxis, String prefill, String decode, String prefillShort, String decodeShort,
                 String noScenarioData, String trendTtftTitle, String trendDecodeTitle, String releaseAxis,
                 String decodeTpsAxis, String logScale) {

    static final ChartText KO = new ChartText(
            "프롬프트 길이별 TTFT", "프롬프트 길이 (토큰)", "TTFT (ms)",
            "스텝별 Decode TPS", "토큰", "디코드 스텝", "TPS (토큰/초)", "중앙값", "스텝별 측정값이 없습니다",
            "시나리오별 처리량", "시나리오", "처리량 (토큰/초)", "Prefill (토큰/초)", "Decode (토큰/초)", "Prefill", "Decode",
            "시나리오 측정값이 없습니다", "릴리스별 TTFT 추이", "릴리스별 Decode TPS 추이", "릴리스",
            "Decode TPS (토큰/초)", "로그 축");

    static final ChartText EN = new ChartText(
            "Prompt Length vs TTFT", "Prompt Length (tokens)", "TTFT (ms)",
            "Per-Step TPS", "tokens", "Decode Step", "TPS (tokens/sec)", "Median", "No per-step data",
            "Throughput by Scenario", "Scenario", "Throughput (tokens/sec)", "Prefill (tok/s)", "Decode (tok/s)", "prefill", "decode",
            "No scenario data", "Median TTFT by Release", "Median Decode TPS by Release", "Release",
            "Decode TPS (tokens/sec)", "log scale");

    /** @param lang {@code ko} or {@code en}, as the pages' {@code --lang} */
    static ChartText of(String lang) {
        return switch (lang) {
            case "ko" -> KO;
            case "en" -> EN;
            case null -> throw new IllegalArgumentException("chart language is missing: use ko or en");
            default -> throw new IllegalArgumentException("chart language '" + lang + "' is not supported: use ko or en");
        };
    }

    /** e.g. {@code Per-Step TPS (S6: 512 tokens)} */
    String stepTitle(String scenario, int decodeTokens) {
        return stepTitle + " (" + scenario + ": " + decodeTokens + " " + tokens + ")";
    }

    /** e.g. {@code Median: 15.7} */
    String medianLabel(double value) {
        return median + ": " + oneDecimal(value);
    }

    /** an axis title marked as logarithmic: {@code TTFT (ms)} becomes {@code TTFT (ms, log scale)} */
    String logAxis(String axisTitle) {
        return axisTitle.endsWith(")")
                ? axisTitle.substring(0, axisTitle.length() - 1) + ", " + logScale + ")"
                : axisTitle + " (" + logScale + ")";
    }

    static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
