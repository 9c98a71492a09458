package dev.llmbench.site.analysis;

import java.util.List;

/**
 * One scenario of one engine run, summarised across its measured runs.
 *
 * @param id           scenario id (S1..S6 or a user suite's id)
 * @param promptTokens prompt length
 * @param decodeTokens requested decode tokens
 * @param ttftMs       TTFT, ms
 * @param decodeTps    decode tokens/s per run: (tokens - 1) / sum of step times; null when the scenario decodes one token
 * @param prefillTps   prompt tokens / TTFT per run; null when every TTFT was 0
 * @param stepTps      per decode step, the median over runs of 1000 / step ms (length decode_tokens - 1; NaN where
 *                     every run's step took 0 ms)
 * @param gpuUtilisation  device kernel time / step wall time (median over steps and runs), or null when not measured
 * @param kernelOverheadUs (step wall - kernel time) / kernel count, microseconds, or null when not measured
 */
public record ScenarioSummary(String id, int promptTokens, int decodeTokens, Summary ttftMs, Summary decodeTps,
                              Summary prefillTps, List<Double> stepTps, Double gpuUtilisation, Double kernelOverheadUs) {
    public ScenarioSummary {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must be a non-empty string");
        }
        if (ttftMs == null) {
            throw new IllegalArgumentException("ttftMs is required");
        }
        stepTps = stepTps == null ? List.of() : List.copyOf(stepTps);
    }
}
