package dev.llmbench.site.analysis;

import java.util.List;

/**
 * One scenario of one engine run, summarised across its measured runs.
 *
 * @param id           scenario id (S1..S6 or a user suite's id)
 * @param promptTokens prompt length
 * @param decodeTokens requested decode tokens
 * @param ttftMs       TTFT, ms
 * @param decodeTps    decode tokens/s per run: (tokens - 1) / sum of step times
 * @param prefillTps   prompt tokens / TTFT per run
 * @param stepTps      per decode step, the median over runs of 1000 / step ms (length decode_tokens - 1)
 * @param gpuUtilisation  device kernel time / step wall time (median over steps and runs), or null when not measured
 * @param kernelOverheadUs (step wall - kernel time) / kernel count, microseconds, or null when not measured
 */
public record ScenarioSummary(String id, int promptTokens, int decodeTokens, Summary ttftMs, Summary decodeTps,
                              Summary prefillTps, List<Double> stepTps, Double gpuUtilisation, Double kernelOverheadUs) {
    public ScenarioSummary {
        stepTps = stepTps == null ? List.of() : List.copyOf(stepTps);
    }
}
