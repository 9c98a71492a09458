package dev.llmbench.site.analysis;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.DeviceTime;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Statistics;
import dev.llmbench.results.StreamLevel;
import dev.llmbench.results.Validity;
import dev.llmbench.results.Warning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns raw results into the analysis model, with the design's definitions:
 * statistics from measured runs only (warm-ups left out), decode TPS of a run = (tokens - 1) / sum of step times,
 * prefill TPS = prompt tokens / TTFT, kernel metrics only from measured kernel statistics.
 */
public final class Analyzer {
    private Analyzer() {
    }

    /** Analyses one results file. */
    public static EngineReport analyze(BenchmarkResults r, String label, String source) {
        List<Warning> warnings = new ArrayList<>(Validity.recheck(r));
        if (r.run().status() != RunStatus.COMPLETE) {
            warnings.add(new Warning("incomplete_run", "the run ended as " + r.run().status().json()
                    + (r.run().error() == null ? "" : " (" + r.run().error() + ")")
                    + "; only the scenarios it finished are shown", null));
        }
        List<ScenarioSummary> scenarios = new ArrayList<>();
        Map<String, List<StreamLevel>> concurrency = new LinkedHashMap<>();
        Optional<DeviceTime> device = Optional.of(new DeviceTime(0, 0, 0)); // empty once a scenario lacks kernel stats
        for (ScenarioResult s : r.scenarios()) {
            List<RunSample> runs = s.measuredRuns();
            if (runs.isEmpty()) {
                warnings.add(new Warning("no_measured_runs", "scenario has no measured run yet; left out", s.id()));
                continue;
            }
            ScenarioSummary summary = summarise(s, runs);
            scenarios.add(summary);
            List<StreamLevel> levels = StreamLevel.of(s);
            if (levels.size() > 1) {
                concurrency.put(s.id(), levels);
            }
            device = device.flatMap(d -> DeviceTime.sum(runs).map(d::plus));
        }
        Optional<DeviceTime> measured = scenarios.isEmpty() ? Optional.empty() : device.filter(d -> d.stepMs() > 0);
        Double utilisation = measured.map(DeviceTime::utilisation).orElse(null);
        Double overheadUs = measured.isPresent() && measured.get().overheadUs().isPresent()
                ? measured.get().overheadUs().getAsDouble() : null;
        Fit fit = prefillScaling(scenarios);
        EngineReport.Metrics metrics = new EngineReport.Metrics(fit == null ? null : fit.slope(),
                fit == null ? null : fit.r2(), decodeTpsCv(scenarios), utilisation, overheadUs,
                false, false, false);
        return new EngineReport(label, source, false, r.engine(), r.model(), r.environment(), r.protocol(),
                r.load(), scenarios, metrics, warnings, Map.of(), concurrency, context(r, warnings));
    }

    /** The context positions with measured runs, each over every measured step; a position without one is noted. */
    static List<ContextSummary> context(BenchmarkResults r, List<Warning> warnings) {
        List<ContextSummary> out = new ArrayList<>();
        for (ContextPosition p : r.context()) {
            if (p.measuredRuns().isEmpty()) {
                warnings.add(new Warning("context_position_unmeasured", "context position " + p.position()
                        + " has no measured run yet; left out", null));
                continue;
            }
            Summary step = Summary.of(p.measuredStepMs());
            out.add(new ContextSummary(p.position(), p.fill(), p.steps(), step, ContextPosition.tps(step.median()), null));
        }
        return out;
    }

    static ScenarioSummary summarise(ScenarioResult s, List<RunSample> runs) {
        List<Double> ttft = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        List<Double> prefill = new ArrayList<>();
        for (RunSample run : runs) {
            ttft.add(run.ttftMs());
            double tps = run.decodeTps();
            if (Double.isFinite(tps)) {
                decode.add(tps);
            }
            double prefillTps = run.prefillTps(s.promptTokens());
            if (Double.isFinite(prefillTps)) {
                prefill.add(prefillTps);
            }
        }
        int steps = s.decodeTokens() - 1;
        List<Double> stepTps = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            List<Double> atStep = new ArrayList<>(runs.size());
            for (RunSample run : runs) {
                if (i >= run.stepMs().size()) {
                    continue; // a run that stopped short has no time for this step
                }
                double tps = run.stepTps(i);
                if (Double.isFinite(tps)) {
                    atStep.add(tps);
                }
            }
            stepTps.add(atStep.isEmpty() ? Double.NaN : Statistics.of(atStep).median());
        }
        Optional<DeviceTime> device = steps > 0 ? DeviceTime.of(runs) : Optional.empty();
        Double util = device.map(DeviceTime::utilisation).orElse(null);
        Double overhead = device.isPresent() && device.get().overheadUs().isPresent()
                ? device.get().overheadUs().getAsDouble() : null;
        return new ScenarioSummary(s.id(), s.promptTokens(), s.decodeTokens(), Summary.of(ttft),
                decode.isEmpty() ? null : Summary.of(decode), prefill.isEmpty() ? null : Summary.of(prefill),
                stepTps, util, overhead);
    }

    /** The TTFT rule of {@link Validity} over summaries (an imported file keeps no raw samples to decide it from). */
    public static Optional<Warning> ttftGrowth(List<ScenarioSummary> scenarios) {
        return Validity.ttftGrowth(scenarios.stream()
                .map(s -> new Validity.PromptTtft(s.id(), s.promptTokens(), s.ttftMs().median())).toList());
    }

    /** Median TTFT per distinct prompt length; where two scenarios share a length, the first in suite order counts. */
    static Map<Integer, Double> firstMedianByPromptLength(List<ScenarioSummary> scenarios) {
        Map<Integer, Double> byLength = new LinkedHashMap<>();
        for (ScenarioSummary s : scenarios) {
            byLength.putIfAbsent(s.promptTokens(), s.ttftMs().median());
        }
        return byLength;
    }

    /** Least-squares line of TTFT (ms) over prompt length (tokens). */
    public record Fit(double slope, double intercept, double r2) {
    }

    /**
     * Prefill scaling: least-squares slope of median TTFT over distinct prompt lengths, ms/token, with R².
     * Null with fewer than two distinct lengths.
     */
    public static Fit prefillScaling(List<ScenarioSummary> scenarios) {
        Map<Integer, Double> byLength = firstMedianByPromptLength(scenarios);
        if (byLength.size() < 2) {
            return null;
        }
        double n = byLength.size();
        double mx = 0;
        double my = 0;
        for (Map.Entry<Integer, Double> e : byLength.entrySet()) {
            mx += e.getKey();
            my += e.getValue();
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (Map.Entry<Integer, Double> e : byLength.entrySet()) {
            double dx = e.getKey() - mx;
            double dy = e.getValue() - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        // all medians equal: the line explains everything there is to explain
        double r2 = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
        return new Fit(slope, intercept, r2);
    }

    /** Population stddev / mean of the scenario medians of decode TPS (a fraction), or null with fewer than two. */
    public static Double decodeTpsCv(List<ScenarioSummary> scenarios) {
        double[] medians = scenarios.stream().filter(s -> s.decodeTps() != null)
                .mapToDouble(s -> s.decodeTps().median()).toArray();
        if (medians.length < 2) {
            return null;
        }
        double cv = Statistics.of(medians).populationCv();
        return Double.isNaN(cv) ? null : cv;
    }

    // --- releases -------------------------------------------------------------------------------------------

    /**
     * Builds a release page's model. The baseline is, among two or more engines: the engine run whose settings
     * carry {@code baseline = true}; else the one whose engine is {@code java} (the pure-Java CPU engine); else
     * the one named {@code cpu} (imported CPU results). With no single such run there is no baseline.
     * Speed-ups compare scenarios of the same id and lengths on the same model.
     */
    public static ReleaseReport release(String tag, List<EngineReport> runs) {
        List<EngineReport> engines = distinctLabels(dev.llmbench.site.input.LegacyImporter.labelBackends(runs));
        EngineReport base = engines.stream().map(EngineReport::label).distinct().count() < 2 ? null : baseline(engines);
        String baseLabel = base == null ? null : base.label();
        List<EngineReport> ordered = new ArrayList<>(engines);
        // the baseline engine last; one engine's files side by side, its scenarios before its context suite
        ordered.sort(Comparator.comparing((EngineReport e) -> e.label().equals(baseLabel))
                .thenComparing(EngineReport::label).thenComparing(EngineReport::contextSuite));
        List<ReleaseReport.Speedup> speedups = new ArrayList<>();
        if (base != null) {
            for (EngineReport e : ordered) {
                if (e.label().equals(baseLabel) || !sameModel(e, base)) {
                    continue;
                }
                for (ScenarioSummary s : e.scenarios()) {
                    ScenarioSummary b = base.scenarios().stream().filter(x -> x.id().equals(s.id())
                            && x.promptTokens() == s.promptTokens() && x.decodeTokens() == s.decodeTokens())
                            .findFirst().orElse(null);
                    if (b == null || s.ttftMs().median() <= 0 || b.decodeTps() == null || s.decodeTps() == null
                            || b.decodeTps().median() <= 0) {
                        continue;
                    }
                    speedups.add(new ReleaseReport.Speedup(e.label(), s.id(), b.ttftMs().median() / s.ttftMs().median(),
                            s.decodeTps().median() / b.decodeTps().median()));
                }
            }
        }
        return new ReleaseReport(tag, ordered, baseLabel, speedups);
    }

    /**
     * Labels name an engine on its release page. One engine's scenario file and context-suite file share its label:
     * the page shows them as one engine, its scenarios in the results and its positions in the context section.
     * Otherwise labels must differ: runs of one engine on several models, or two files of one engine and one suite
     * kind, get the model name added, and runs that still collide (the same engine, model and suite kind twice) the
     * file name.
     */
    static List<EngineReport> distinctLabels(List<EngineReport> runs) {
        List<EngineReport> out = new ArrayList<>(runs);
        Map<String, List<EngineReport>> byLabel = new LinkedHashMap<>();
        out.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        java.util.Set<String> withModel = new java.util.HashSet<>();
        byLabel.forEach((label, group) -> {
            boolean models = group.stream().map(EngineReport::modelName).distinct().count() > 1;
            boolean sameKind = group.stream().map(EngineReport::contextSuite).distinct().count() < group.size();
            if (models || sameKind) {
                withModel.add(label);
            }
        });
        for (int i = 0; i < out.size(); i++) {
            EngineReport e = out.get(i);
            if (withModel.contains(e.label())) {
                out.set(i, relabel(e, e.label() + " · " + e.modelName()));
            }
        }
        Map<String, Integer> count = new java.util.HashMap<>();
        out.forEach(e -> count.merge(kindKey(e), 1, Integer::sum));
        for (int i = 0; i < out.size(); i++) {
            EngineReport e = out.get(i);
            if (count.get(kindKey(e)) > 1) {
                out.set(i, relabel(e, e.label() + " · " + java.nio.file.Path.of(e.source()).getFileName()));
            }
        }
        return out;
    }

    private static String kindKey(EngineReport e) {
        return e.label() + (e.contextSuite() ? "\u0000context" : "\u0000scenarios");
    }

    private static EngineReport relabel(EngineReport e, String label) {
        return new EngineReport(label, e.source(), e.legacy(), e.engine(), e.model(), e.environment(), e.protocol(),
                e.load(), e.scenarios(), e.metrics(), e.warnings(), e.sourceEnvironment(), e.concurrency(), e.context());
    }

    /**
     * The engine the context suite's ratios are taken against: the baseline when it ran the suite, else the first
     * engine on the page that did; null when fewer than two engines ran it.
     */
    public static EngineReport contextReference(ReleaseReport release) {
        List<EngineReport> withContext = release.engines().stream().filter(e -> !e.context().isEmpty()).toList();
        if (withContext.size() < 2) {
            return null;
        }
        return withContext.stream().filter(e -> e.label().equals(release.baseline())).findFirst()
                .orElse(withContext.getFirst());
    }

    static EngineReport baseline(List<EngineReport> engines) {
        List<EngineReport> marked = engines.stream().filter(e -> e.engine() != null
                && Boolean.TRUE.equals(e.engine().settings().get("baseline"))).toList();
        if (oneEngine(marked)) {
            return preferScenarios(marked);
        }
        for (String name : List.of("java", "cpu")) {
            List<EngineReport> named = engines.stream().filter(e -> e.engine() != null && name.equals(e.engine().name())).toList();
            if (oneEngine(named)) {
                return preferScenarios(named);
            }
        }
        return null;
    }

    /** One engine on the page: one file, or its scenario file and its context-suite file under one label. */
    private static boolean oneEngine(List<EngineReport> runs) {
        return !runs.isEmpty() && runs.stream().map(EngineReport::label).distinct().count() == 1;
    }

    private static EngineReport preferScenarios(List<EngineReport> runs) {
        return runs.stream().filter(e -> !e.contextSuite()).findFirst().orElse(runs.getFirst());
    }

    private static boolean sameModel(EngineReport a, EngineReport b) {
        String ma = a.model() == null ? null : a.model().name();
        String mb = b.model() == null ? null : b.model().name();
        return Objects.equals(ma, mb);
    }

    /** Display label of an engine run: engine name and where it ran. */
    public static String label(EngineInfo engine, String accelerator) {
        return engine.name() + " (" + (accelerator == null || accelerator.isBlank() ? "CPU" : accelerator) + ")";
    }
}
