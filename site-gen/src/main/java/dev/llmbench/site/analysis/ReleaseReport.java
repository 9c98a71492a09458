package dev.llmbench.site.analysis;

import java.util.List;

/**
 * One release's page: every engine run of it, and the speed-ups over the baseline engine when one is present.
 *
 * @param release  release tag
 * @param engines  engine runs, baseline last when there is one
 * @param baseline label of the baseline engine (the CPU engine), or null
 * @param speedups per non-baseline engine and scenario: TTFT and decode TPS ratios over the baseline
 */
public record ReleaseReport(String release, List<EngineReport> engines, String baseline, List<Speedup> speedups) {
    public ReleaseReport {
        engines = List.copyOf(engines);
        speedups = speedups == null ? List.of() : List.copyOf(speedups);
    }

    /**
     * @param engine       label of the faster engine
     * @param scenario     scenario id
     * @param ttftSpeedup  baseline median TTFT / engine median TTFT (> 1: faster)
     * @param decodeSpeedup engine median decode TPS / baseline median decode TPS; the prefill TPS ratio is the TTFT
     *                      ratio (prefill TPS = prompt tokens / TTFT), so it has no field of its own
     */
    public record Speedup(String engine, String scenario, double ttftSpeedup, double decodeSpeedup) {
    }
}
