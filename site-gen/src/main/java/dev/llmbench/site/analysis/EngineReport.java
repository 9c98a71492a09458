package dev.llmbench.site.analysis;

import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.Environment;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.StreamLevel;
import dev.llmbench.results.Warning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the pages show about one results file (one engine on one model in one release).
 *
 * @param label     display name of the engine, e.g. {@code java (CPU)} or {@code NPU (Metal)} for imported files
 * @param source    the file it came from (for messages and the JSON 결과 section)
 * @param legacy    true when imported from the old tool's {@code benchmark_results.json}
 * @param metrics   the analysis metrics of the design
 * @param warnings  validity warnings: from the file, from the import, from the analysis
 * @param sourceEnvironment for imported files, what the file says about the machine and model in its own terms
 *                  (keys such as {@code chipset}, {@code ram_gb}, {@code macos}, {@code python}, {@code model_id},
 *                  {@code dtype}), in file order; empty for our own files. Imported files have no
 *                  {@link Environment} or {@link ModelInfo} ({@code environment} and {@code model} are null there),
 *                  as they lack fields those records require.
 * @param concurrency for scenarios run with several simultaneous streams, their levels (one stream first), by
 *                  scenario id in scenario order; empty when none was
 * @param context   positions of the context suite, ascending; empty when it was not run
 */
public record EngineReport(String label, String source, boolean legacy, EngineInfo engine, ModelInfo model,
                           Environment environment, Protocol protocol, LoadMetrics load,
                           List<ScenarioSummary> scenarios, Metrics metrics, List<Warning> warnings,
                           Map<String, String> sourceEnvironment, Map<String, List<StreamLevel>> concurrency,
                           List<ContextSummary> context) {
    public EngineReport {
        context = context == null ? List.of() : List.copyOf(context);
        concurrency = concurrency == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(concurrency));
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("label must be a non-empty string");
        }
        scenarios = List.copyOf(scenarios);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        sourceEnvironment = sourceEnvironment == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sourceEnvironment));
    }

    /** A report without context positions. */
    public EngineReport(String label, String source, boolean legacy, EngineInfo engine, ModelInfo model,
                        Environment environment, Protocol protocol, LoadMetrics load,
                        List<ScenarioSummary> scenarios, Metrics metrics, List<Warning> warnings,
                        Map<String, String> sourceEnvironment, Map<String, List<StreamLevel>> concurrency) {
        this(label, source, legacy, engine, model, environment, protocol, load, scenarios, metrics, warnings,
                sourceEnvironment, concurrency, List.of());
    }

    /** A report of one of our own results files (no source environment). */
    public EngineReport(String label, String source, boolean legacy, EngineInfo engine, ModelInfo model,
                        Environment environment, Protocol protocol, LoadMetrics load,
                        List<ScenarioSummary> scenarios, Metrics metrics, List<Warning> warnings) {
        this(label, source, legacy, engine, model, environment, protocol, load, scenarios, metrics, warnings, Map.of(),
                Map.of(), List.of());
    }

    /** A report without concurrency levels (imported files, one-stream runs). */
    public EngineReport(String label, String source, boolean legacy, EngineInfo engine, ModelInfo model,
                        Environment environment, Protocol protocol, LoadMetrics load,
                        List<ScenarioSummary> scenarios, Metrics metrics, List<Warning> warnings,
                        Map<String, String> sourceEnvironment) {
        this(label, source, legacy, engine, model, environment, protocol, load, scenarios, metrics, warnings,
                sourceEnvironment, Map.of(), List.of());
    }

    /**
     * Whether this file holds the context suite (KV cache positions) rather than a suite of scenarios: its protocol
     * names the suite {@code context}, or, for a file without a protocol (imported), it has positions and no
     * scenarios. One engine's release may have one file of each kind; the page shows them as one engine.
     */
    public boolean contextSuite() {
        if (protocol != null && protocol.suite() != null) {
            return "context".equals(protocol.suite());
        }
        return scenarios.isEmpty() && !context.isEmpty();
    }

    /** The model's name; imported legacy files carry it only in their own environment block. */
    public String modelName() {
        return model != null ? model.name() : sourceEnvironment.getOrDefault("model_id", "?");
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
     * @param kernelOverheadEstimated  true when the kernel overhead figure was estimated (legacy files: the old tool
     *                                 reported step time / kernel count, not an overhead)
     */
    public record Metrics(Double prefillScalingMsPerToken, Double prefillScalingR2, Double decodeTpsCv,
                          Double gpuUtilisation, Double kernelOverheadUs, boolean peakMemoryEstimated,
                          boolean gpuUtilisationEstimated, boolean kernelOverheadEstimated) {

        /** Metrics with the kernel overhead measured (or absent). */
        public Metrics(Double prefillScalingMsPerToken, Double prefillScalingR2, Double decodeTpsCv,
                       Double gpuUtilisation, Double kernelOverheadUs, boolean peakMemoryEstimated,
                       boolean gpuUtilisationEstimated) {
            this(prefillScalingMsPerToken, prefillScalingR2, decodeTpsCv, gpuUtilisation, kernelOverheadUs,
                    peakMemoryEstimated, gpuUtilisationEstimated, false);
        }
    }
}
