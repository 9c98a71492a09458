package dev.llmbench.site.analysis;

import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.Environment;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.Warning;

import java.util.List;

/**
 * Everything the pages show about one results file (one engine on one model in one release).
 *
 * @param label     display name of the engine, e.g. {@code java (CPU)} or {@code NPU (Metal)} for imported files
 * @param source    the file it came from (for messages and the JSON 결과 section)
 * @param legacy    true when imported from the old tool's {@code benchmark_results.json}
 * @param metrics   the analysis metrics of the design
 * @param warnings  validity warnings: from the file, from the import, from the analysis
 */
public record EngineReport(String label, String source, boolean legacy, EngineInfo engine, ModelInfo model,
                           Environment environment, Protocol protocol, LoadMetrics load,
                           List<ScenarioSummary> scenarios, Metrics metrics, List<Warning> warnings) {
    public EngineReport {
        scenarios = List.copyOf(scenarios);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * The analysis metrics. A null field was not measured; the pages print "—" with a note, never an invented
     * number. {@code *Estimated} flags mark values that came estimated from an imported file.
     *
     * @param prefillScalingMsPerToken least-squares slope of median TTFT over distinct prompt lengths
     * @param prefillScalingR2         R² of that fit
     * @param decodeTpsCv              population stddev / mean of the scenario medians of decode TPS
     * @param gpuUtilisation           device kernel time / step wall time across scenarios, or null
     * @param kernelOverheadUs         (step wall - kernel time) / kernel count, microseconds, or null
     * @param peakMemoryEstimated      true when the peak memory figure was estimated, not measured
     * @param gpuUtilisationEstimated  true when the utilisation figure was estimated (legacy files)
     */
    public record Metrics(Double prefillScalingMsPerToken, Double prefillScalingR2, Double decodeTpsCv,
                          Double gpuUtilisation, Double kernelOverheadUs, boolean peakMemoryEstimated,
                          boolean gpuUtilisationEstimated) {
    }
}
