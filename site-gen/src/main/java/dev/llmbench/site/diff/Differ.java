package dev.llmbench.site.diff;

import dev.llmbench.results.SignificanceResult;
import dev.llmbench.results.Statistics;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two releases cell by cell. A cell's verdict needs both a practical and a statistical difference:
 * the median must move by at least {@code threshold}, and the exact Mann-Whitney U test on the raw samples must
 * reject "same distribution" at {@code alpha}. With 5 runs a side the smallest two-sided p is 2/252 = 0.008, so
 * the test can fire at the default protocol.
 */
public final class Differ {
    public static final double DEFAULT_THRESHOLD = 0.05;
    public static final double DEFAULT_ALPHA = 0.05;

    private final double threshold;
    private final double alpha;

    public Differ(double threshold, double alpha) {
        if (!(threshold >= 0 && threshold < 10)) {
            throw new IllegalArgumentException("threshold must be a fraction in [0, 10), got " + threshold);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        this.threshold = threshold;
        this.alpha = alpha;
    }

    public ReleaseDiff compare(ReleaseReport oldRelease, ReleaseReport newRelease) {
        Map<Key, EngineReport> olds = byKey(oldRelease);
        Map<Key, EngineReport> news = byKey(newRelease);
        List<EngineDiff> engines = new ArrayList<>();
        List<ReleaseDiff.Unmatched> unmatched = new ArrayList<>();
        for (Map.Entry<Key, EngineReport> e : news.entrySet()) {
            EngineReport old = olds.get(e.getKey());
            if (old == null) {
                unmatched.add(new ReleaseDiff.Unmatched(e.getKey().run(), newRelease.release(), e.getKey().contextSuite()));
            } else {
                engines.add(compare(oldRelease.release(), old, newRelease.release(), e.getValue()));
            }
        }
        for (Key key : olds.keySet()) {
            if (!news.containsKey(key)) {
                unmatched.add(new ReleaseDiff.Unmatched(key.run(), oldRelease.release(), key.contextSuite()));
            }
        }
        return new ReleaseDiff(oldRelease.release(), newRelease.release(), threshold, alpha, engines, unmatched);
    }

    EngineDiff compare(String oldRelease, EngineReport old, String newRelease, EngineReport neu) {
        Map<String, ScenarioSummary> oldById = new LinkedHashMap<>();
        old.scenarios().forEach(s -> oldById.put(s.id(), s));
        List<CellDiff> cells = new ArrayList<>();
        List<String> onlyNew = new ArrayList<>();
        for (ScenarioSummary n : neu.scenarios()) {
            ScenarioSummary o = oldById.remove(n.id());
            if (o == null) {
                onlyNew.add(n.id());
                continue;
            }
            for (Metric m : Metric.values()) {
                Summary before = m.of(o);
                Summary after = m.of(n);
                // imported summaries may lack a metric (no decode steps): nothing to compare then
                if (before != null && after != null) {
                    cells.add(cell(n.id(), m, before, after));
                }
            }
        }
        // the context suite, position by position like scenarios: the step time of every measured step
        Map<Integer, ContextSummary> oldByPosition = new LinkedHashMap<>();
        old.context().forEach(p -> oldByPosition.put(p.position(), p));
        List<Integer> onlyNewPositions = new ArrayList<>();
        for (ContextSummary n : neu.context()) {
            ContextSummary o = oldByPosition.remove(n.position());
            if (o == null) {
                onlyNewPositions.add(n.position());
            } else {
                cells.add(cell(Integer.toString(n.position()), Metric.CONTEXT_STEP_MS, o.stepMs(), n.stepMs()));
            }
        }
        List<RunWarnings> warnings = new ArrayList<>(warnings(oldRelease, old));
        warnings.addAll(warnings(newRelease, neu));
        return new EngineDiff(neu.label(), neu.modelName(), cells, List.copyOf(oldById.keySet()), onlyNew,
                List.copyOf(oldByPosition.keySet()), onlyNewPositions, conditions(old, neu), warnings,
                neu.contextSuite() && old.contextSuite());
    }

    /** A run's validity warnings grouped by code, scenarios in the order they came. */
    static List<RunWarnings> warnings(String release, EngineReport r) {
        Map<String, java.util.LinkedHashSet<String>> byCode = new LinkedHashMap<>();
        for (var w : r.warnings()) {
            var scenarios = byCode.computeIfAbsent(w.code(), k -> new java.util.LinkedHashSet<>());
            if (w.scenario() != null) {
                scenarios.add(w.scenario());
            }
        }
        List<RunWarnings> out = new ArrayList<>();
        byCode.forEach((code, scenarios) -> out.add(new RunWarnings(release, code, List.copyOf(scenarios))));
        return out;
    }

    /**
     * What differs in how the two runs were measured: the machine (but not the tool, whose change is the point), the
     * model, the engine's settings that both runs report, the protocol. Same machine, model and settings give an empty
     * list.
     */
    static List<ConditionChange> conditions(EngineReport old, EngineReport neu) {
        Map<String, String> a = conditionValues(old);
        Map<String, String> b = conditionValues(neu);
        List<ConditionChange> changes = new ArrayList<>();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (k.startsWith("engine.settings.") && !(a.containsKey(k) && b.containsKey(k))) {
                continue; // a newer engine describes itself with more settings; only a value both report can change
            }
            String x = a.getOrDefault(k, "—");
            String y = b.getOrDefault(k, "—");
            if (!x.equals(y)) {
                changes.add(new ConditionChange(k, x, y));
            }
        }
        return changes;
    }

    private static Map<String, String> conditionValues(EngineReport r) {
        Map<String, String> v = new LinkedHashMap<>();
        if (r.environment() != null) {
            var e = r.environment();
            put(v, "environment.os", e.os());
            put(v, "environment.os_version", e.osVersion());
            put(v, "environment.arch", e.arch());
            put(v, "environment.cpu", e.cpu());
            put(v, "environment.cores", e.cores());
            put(v, "environment.memory_bytes", e.memoryBytes());
            put(v, "environment.accelerator", e.accelerator());
            put(v, "environment.driver", e.driver());
            put(v, "environment.jdk", e.jdk());
        } else {
            r.sourceEnvironment().forEach((k, x) -> put(v, "environment." + k, x));
        }
        if (r.model() != null) {
            put(v, "model.name", r.model().name());
            put(v, "model.source", r.model().source());
            put(v, "model.dtype", r.model().dtype());
            put(v, "model.parameters", r.model().parameters());
            put(v, "model.config_sha256", r.model().configSha256());
        }
        if (r.engine() != null && r.engine().settings() != null) {
            new java.util.TreeMap<>(r.engine().settings()).forEach((k, x) -> put(v, "engine.settings." + k, x));
        }
        if (r.protocol() != null) {
            var p = r.protocol();
            put(v, "protocol.suite", p.suite());
            put(v, "protocol.warmup_runs", p.warmupRuns());
            put(v, "protocol.measured_runs", p.measuredRuns());
            put(v, "protocol.ignore_eos", p.ignoreEos());
            put(v, "protocol.prompt_source", p.promptSource());
            put(v, "protocol.seed", p.seed());
        }
        return v;
    }

    private static void put(Map<String, String> v, String key, Object value) {
        if (value != null) {
            v.put(key, String.valueOf(value));
        }
    }

    CellDiff cell(String scenario, Metric metric, Summary old, Summary neu) {
        double change = old.median() == 0 ? Double.NaN : (neu.median() - old.median()) / old.median();
        Double p = null;
        if (old.samples().size() >= 2 && neu.samples().size() >= 2) {
            SignificanceResult r = Statistics.mannWhitneyU(old.samples(), neu.samples());
            p = r.pValue();
        }
        Verdict verdict;
        if (Double.isNaN(change)) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (Math.abs(change) < threshold) {
            verdict = Verdict.UNCHANGED;
        } else if (p == null || p >= alpha) {
            verdict = Verdict.INCONCLUSIVE;
        } else {
            boolean up = change > 0;
            verdict = up == metric.higherIsBetter() ? Verdict.BETTER : Verdict.WORSE;
        }
        return new CellDiff(scenario, metric, old.median(), neu.median(), change, p, old.samples().size(),
                neu.samples().size(), verdict);
    }

    /**
     * What a run is matched by across releases: engine label, model and suite kind, so an engine's scenario file
     * meets the other release's scenario file and its context-suite file the other's context-suite file.
     */
    private record Key(String run, boolean contextSuite) {
    }

    private static Map<Key, EngineReport> byKey(ReleaseReport r) {
        Map<Key, EngineReport> map = new LinkedHashMap<>();
        for (EngineReport e : r.engines()) {
            map.put(new Key(e.label() + " / " + e.modelName(), e.contextSuite()), e);
        }
        return map;
    }
}
