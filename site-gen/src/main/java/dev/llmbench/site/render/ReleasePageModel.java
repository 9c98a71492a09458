package dev.llmbench.site.render;

import dev.llmbench.results.Environment;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.Warning;
import dev.llmbench.results.CacheFill;
import dev.llmbench.site.analysis.Analyzer;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.results.Statistics;
import dev.llmbench.results.StreamLevel;
import dev.llmbench.site.analysis.Summary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data model of one release page in one language, as the templates see it: every value already formatted
 * by the language's {@link NumberFormatter} and made Markdown-safe with {@link MarkdownText}, so a template only
 * places strings.
 */
public final class ReleasePageModel {
    private static final long MIB = 1024L * 1024;
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Lang lang;
    private final NumberFormatter fmt;
    private final Messages msg;

    private ReleasePageModel(Lang lang) {
        this.lang = lang;
        this.fmt = NumberFormatter.of(lang);
        this.msg = Messages.of(lang);
    }

    /**
     * @param charts chart files written for this page, by file name (benchmark_chart.png, ...), as links relative to
     *               the page; absent charts are left off the page
     */
    public static Map<String, Object> build(ReleaseReport release, Lang lang, Map<String, String> charts) {
        return new ReleasePageModel(lang).model(release, charts);
    }

    private Map<String, Object> model(ReleaseReport release, Map<String, String> charts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lang", lang.code());
        m.put("text", new TextMethod(msg));
        m.put("release", MarkdownText.escape(release.release()));
        m.put("releaseCode", MarkdownText.code(release.release()));
        List<EngineReport> engines = release.engines();
        m.put("engineLabels", listing(distinct(engines.stream().map(e -> MarkdownText.escape(e.label())).toList())));
        m.put("models", join(distinct(engines.stream().map(this::modelLine).toList())));
        m.put("modelNames", join(distinct(engines.stream().map(e -> MarkdownText.escape(e.modelName())).toList())));
        boolean severalEngines = engines.stream().map(EngineReport::label).distinct().count() > 1;
        // the one-line form, which templates of earlier versions (--templates) print; the page's own shows the table
        m.put("settings", String.join("; ", perEngine(engines, this::settingsText, e -> severalEngines, " ")));
        m.put("settingsTable", settingsTable(engines));
        // the method's runs are the scenarios' where there are any; the context section names its own
        EngineReport first = engines.stream().filter(e -> !e.contextSuite()).findFirst().orElse(engines.getFirst());
        m.put("warmupRuns", Integer.toString(first.protocol() == null ? 0 : first.protocol().warmupRuns()));
        m.put("measuredRuns", Integer.toString(first.protocol() == null ? 0 : first.protocol().measuredRuns()));
        m.put("legacy", engines.stream().anyMatch(EngineReport::legacy));
        m.put("allLegacy", engines.stream().allMatch(EngineReport::legacy));
        m.put("ignoreEos", engines.stream().allMatch(e -> e.protocol() != null && e.protocol().ignoreEos()));
        m.put("scenarios", scenarios(engines));
        m.put("hasScenarios", engines.stream().anyMatch(e -> !e.scenarios().isEmpty()));
        m.put("context", context(release));
        m.put("fallbackSuite", engines.stream().allMatch(e -> e.scenarios().isEmpty()) ? "context" : "default");
        // the old tool's files name no engine in their environment: labelled only where they ran on different machines
        boolean legacyMachines = engines.stream().filter(EngineReport::legacy).map(this::environmentText).distinct().count() > 1;
        m.put("environments", perEngine(engines, this::environmentText, e -> e.environment() != null || legacyMachines, ": "));
        m.put("engines", byLabel(engines).values().stream().map(this::engine).toList());
        m.put("warnings", warnings(engines));
        m.put("baseline", release.baseline() == null ? null : MarkdownText.escape(release.baseline()));
        m.put("speedups", release.speedups().stream().map(s -> Map.of(
                "engine", MarkdownText.escape(s.engine()), "id", MarkdownText.escape(s.scenario()),
                "ttft", fmt.times(s.ttftSpeedup()), "decode", fmt.times(s.decodeSpeedup()))).toList());
        Map<String, String> c = new LinkedHashMap<>();
        charts.forEach((k, v) -> c.put(k.replace(".png", ""), v));
        m.put("charts", c);
        m.put("longestDecode", longestDecode(engines));
        m.put("reproduce", reproduce(release));
        m.put("files", engines.stream().map(e -> MarkdownText.code(sourceName(release, e))).distinct().toList());
        return m;
    }

    private List<Map<String, String>> scenarios(List<EngineReport> engines) {
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (EngineReport e : engines) {
            for (ScenarioSummary s : e.scenarios()) {
                String key = s.id() + "/" + s.promptTokens() + "/" + s.decodeTokens();
                rows.computeIfAbsent(key, k -> Map.of("id", MarkdownText.escape(s.id()),
                        "prompt", Integer.toString(s.promptTokens()), "decode", Integer.toString(s.decodeTokens()),
                        "description", description(s)));
            }
        }
        return new ArrayList<>(rows.values());
    }

    /** Built-in scenarios (default S1-S6, quick Q1-Q3) by id and shape; a user suite's scenario is "custom". */
    private static final Map<String, int[]> BUILT_IN = Map.of(
            "S1", new int[] {16, 32}, "S2", new int[] {64, 64}, "S3", new int[] {256, 128}, "S4", new int[] {512, 256},
            "S5", new int[] {1024, 128}, "S6", new int[] {64, 512},
            "Q1", new int[] {16, 16}, "Q2", new int[] {64, 32}, "Q3", new int[] {128, 16});

    private String description(ScenarioSummary s) {
        int[] shape = BUILT_IN.get(s.id());
        if (shape != null && shape[0] == s.promptTokens() && shape[1] == s.decodeTokens()) {
            return msg.get("scenario." + s.id());
        }
        return msg.get("scenario.custom");
    }

    /**
     * One engine's files by its label, in page order: a scenario file and a context-suite file of one engine share
     * it (see {@link Analyzer#distinctLabels}).
     */
    private static Map<String, List<EngineReport>> byLabel(List<EngineReport> engines) {
        Map<String, List<EngineReport>> out = new LinkedHashMap<>();
        engines.forEach(e -> out.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        return out;
    }

    /** The name of a file's suite kind, that tells one engine's two files apart on the page. */
    private String suiteName(EngineReport e) {
        return msg.get(e.contextSuite() ? "suite.context" : "suite.scenarios");
    }

    /**
     * One line per engine, {@code label + separator + text}: where an engine's files give different texts, one line
     * per file with its suite named ("cuda (NVIDIA H200), context suite"); the same text once. Empty texts are left
     * out, and the label too where {@code labelled} says so, unless the engine's files need telling apart.
     */
    private List<String> perEngine(List<EngineReport> engines, java.util.function.Function<EngineReport, String> text,
                                   java.util.function.Predicate<EngineReport> labelled, String separator) {
        List<String> lines = new ArrayList<>();
        for (List<EngineReport> files : byLabel(engines).values()) {
            List<EngineReport> with = files.stream().filter(e -> !text.apply(e).isEmpty()).toList();
            if (with.isEmpty()) {
                continue;
            }
            String label = MarkdownText.escape(with.getFirst().label());
            if (with.stream().map(text).distinct().count() == 1) {
                lines.add((labelled.test(with.getFirst()) ? label + separator : "") + text.apply(with.getFirst()));
            } else {
                for (EngineReport e : with) {
                    lines.add(msg.get("page.engineSuite", label, suiteName(e)) + separator + text.apply(e));
                }
            }
        }
        return distinct(lines);
    }

    /**
     * One engine's section of the results: its scenario file's tables, or its only file's; the load and memory of
     * its context-suite file beside a scenario file in a table of their own, headed with the suite, when they differ.
     */
    private Map<String, Object> engine(List<EngineReport> files) {
        EngineReport e = files.stream().filter(f -> !f.contextSuite()).findFirst().orElse(files.getFirst());
        Map<String, Object> m = engine(e);
        List<Map<String, Object>> more = new ArrayList<>();
        for (EngineReport other : files) {
            if (other != e && !loadRows(other).equals(loadRows(e))) {
                more.add(Map.of("head", msg.get("page.metricTable.suiteHead", suiteName(other)),
                        "metrics", metrics(other)));
            }
        }
        m.put("suiteMetrics", more);
        return m;
    }

    private Map<String, Object> engine(EngineReport e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", MarkdownText.escape(e.label()));
        m.put("legacy", e.legacy());
        List<Map<String, String>> rows = new ArrayList<>();
        for (ScenarioSummary s : e.scenarios()) {
            rows.add(Map.of("id", MarkdownText.escape(s.id()), "prompt", Integer.toString(s.promptTokens()),
                    "decode", Integer.toString(s.decodeTokens()), "ttft", pm(s.ttftMs(), 1),
                    "decodeTps", pm(s.decodeTps(), 1),
                    "prefillTps", s.prefillTps() == null ? NumberFormatter.NONE : fmt.fixed(s.prefillTps().median(), 0)));
        }
        m.put("rows", rows);
        m.put("metrics", metrics(e));
        m.put("concurrency", concurrency(e));
        return m;
    }

    /**
     * The context suite's section, or null when no engine ran it: per engine its positions (TPS, step time median ±
     * sample stddev, fill), and with two or more engines one table of every engine side by side with each one's TPS
     * over the reference engine's.
     */
    private Map<String, Object> context(ReleaseReport release) {
        List<EngineReport> engines = release.engines().stream().filter(e -> !e.context().isEmpty()).toList();
        if (engines.isEmpty()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> perEngine = new ArrayList<>();
        for (EngineReport e : engines) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("label", MarkdownText.escape(e.label()));
            List<Map<String, String>> rows = new ArrayList<>();
            for (ContextSummary p : e.context()) {
                rows.add(Map.of("position", Integer.toString(p.position()), "tps", fmt.fixed(p.tps(), 1),
                        "step", pm(p.stepMs(), stepDecimals(p.stepMs().median())),
                        "fill", msg.get("context.fill." + p.fill().json())));
            }
            em.put("rows", rows);
            ContextSummary peak = e.context().stream().max(java.util.Comparator.comparingDouble(ContextSummary::tps))
                    .orElseThrow();
            em.put("peakTps", fmt.fixed(peak.tps(), 1));
            em.put("peakPosition", Integer.toString(peak.position()));
            Double ttft = e.context().getFirst().ttftMs();
            em.put("ttft", ttft == null ? null : fmt.fixed(ttft, 1));
            perEngine.add(em);
        }
        m.put("engines", perEngine);
        m.put("direct", engines.stream().anyMatch(e -> e.context().stream().anyMatch(p -> p.fill() == CacheFill.DIRECT)));
        m.put("prefill", engines.stream().anyMatch(e -> e.context().stream().anyMatch(p -> p.fill() == CacheFill.PREFILL)));
        m.put("legacy", engines.stream().anyMatch(EngineReport::legacy));
        // beside scenarios, whose runs the method section gives, the context suite's own runs per position
        boolean scenarios = release.engines().stream().anyMatch(e -> !e.scenarios().isEmpty());
        List<String> runs = distinct(engines.stream().filter(e -> scenarios && e.protocol() != null && !e.legacy())
                .map(e -> msg.get("page.context.runs.value", Integer.toString(e.protocol().warmupRuns()),
                        Integer.toString(e.protocol().measuredRuns()), Integer.toString(e.context().getFirst().steps())))
                .toList());
        m.put("runs", runs.isEmpty() ? null : String.join("; ", runs));
        m.put("comparison", contextComparison(release, engines));
        return m;
    }

    private Map<String, Object> contextComparison(ReleaseReport release, List<EngineReport> engines) {
        EngineReport reference = Analyzer.contextReference(release);
        if (reference == null) {
            return null;
        }
        List<EngineReport> columns = new ArrayList<>();
        columns.add(reference);
        engines.stream().filter(e -> e != reference).forEach(columns::add);
        List<String> header = new ArrayList<>();
        for (EngineReport e : columns) {
            header.add(msg.get("context.col.tps", MarkdownText.escape(e.label())));
            header.add(msg.get("context.col.step", MarkdownText.escape(e.label())));
        }
        for (EngineReport e : columns.subList(1, columns.size())) {
            header.add(MarkdownText.escape(e.label()) + " / " + MarkdownText.escape(reference.label()));
        }
        java.util.TreeSet<Integer> positions = new java.util.TreeSet<>();
        columns.forEach(e -> e.context().forEach(p -> positions.add(p.position())));
        List<List<String>> rows = new ArrayList<>();
        for (int position : positions) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(position));
            for (EngineReport e : columns) {
                ContextSummary p = at(e, position);
                cells.add(p == null ? NumberFormatter.NONE : fmt.fixed(p.tps(), 1));
                cells.add(p == null ? NumberFormatter.NONE : fmt.fixed(p.stepMs().median(), stepDecimals(p.stepMs().median())));
            }
            ContextSummary base = at(reference, position);
            for (EngineReport e : columns.subList(1, columns.size())) {
                ContextSummary p = at(e, position);
                cells.add(p == null || base == null || !(base.tps() > 0) ? NumberFormatter.NONE : fmt.times(p.tps() / base.tps()));
            }
            rows.add(cells);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reference", MarkdownText.escape(reference.label()));
        m.put("header", header);
        m.put("rows", rows);
        m.put("metricsHeader", columns.stream().map(e -> MarkdownText.escape(e.label())).toList());
        m.put("ratioHeader", header.subList(2 * columns.size(), header.size()));
        m.put("metrics", contextMetrics(reference, columns));
        m.put("metricsIntro", msg.get(columns.stream().anyMatch(e -> ttftOf(e) != null)
                ? "page.context.metrics.intro.ttft" : "page.context.metrics.intro"));
        return m;
    }

    /**
     * The engines' summary side by side, as the old tool's page sets Metal beside CUDA: TTFT where a file has one
     * (the old tool's fixed prefill window), peak TPS, the median over positions of the TPS ratio, compile and weight
     * loading time. The ratio cells are speed-ups over the reference: its TTFT / the engine's, the engine's peak TPS /
     * the reference's, the median of the per-position ratios; the times have none.
     */
    private List<List<String>> contextMetrics(EngineReport reference, List<EngineReport> columns) {
        List<EngineReport> others = columns.subList(1, columns.size());
        List<List<String>> rows = new ArrayList<>();
        if (columns.stream().anyMatch(e -> e.context().getFirst().ttftMs() != null)) {
            List<String> r = new ArrayList<>(List.of(msg.get("page.context.ttft")));
            columns.forEach(e -> r.add(ttftOf(e) == null ? NumberFormatter.NONE : fmt.fixed(ttftOf(e), 1) + " ms"));
            Double base = ttftOf(reference);
            others.forEach(e -> r.add(base == null || ttftOf(e) == null || !(ttftOf(e) > 0) ? NumberFormatter.NONE
                    : fmt.times(base / ttftOf(e))));
            rows.add(r);
        }
        List<String> peak = new ArrayList<>(List.of(msg.get("page.context.peak")));
        columns.forEach(e -> peak.add(msg.get("page.context.peak.value", fmt.fixed(peakOf(e).tps(), 1),
                Integer.toString(peakOf(e).position()))));
        others.forEach(e -> peak.add(fmt.times(peakOf(e).tps() / peakOf(reference).tps())));
        rows.add(peak);
        List<String> ratio = new ArrayList<>(List.of(msg.get("page.context.medianRatio")));
        columns.forEach(e -> ratio.add(NumberFormatter.NONE));
        for (EngineReport e : others) {
            List<Double> ratios = new ArrayList<>();
            for (ContextSummary p : e.context()) {
                ContextSummary b = at(reference, p.position());
                if (b != null && b.tps() > 0 && p.tps() > 0) {
                    ratios.add(p.tps() / b.tps());
                }
            }
            ratio.add(ratios.isEmpty() ? NumberFormatter.NONE : fmt.times(median(ratios)));
        }
        rows.add(ratio);
        List<String> compile = new ArrayList<>(List.of(msg.get("metric.compile")));
        List<String> weights = new ArrayList<>(List.of(msg.get("metric.weightLoad")));
        for (EngineReport e : columns) {
            List<Map<String, String>> load = loadRows(e);
            compile.add(load.get(0).get("value"));
            weights.add(load.get(1).get("value"));
        }
        others.forEach(e -> {
            compile.add(NumberFormatter.NONE);
            weights.add(NumberFormatter.NONE);
        });
        rows.add(compile);
        rows.add(weights);
        return rows;
    }

    private static Double ttftOf(EngineReport e) {
        return e.context().getFirst().ttftMs();
    }

    private static ContextSummary peakOf(EngineReport e) {
        return e.context().stream().max(java.util.Comparator.comparingDouble(ContextSummary::tps)).orElseThrow();
    }

    private static double median(List<Double> values) {
        List<Double> v = values.stream().sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static ContextSummary at(EngineReport e, int position) {
        return e.context().stream().filter(p -> p.position() == position).findFirst().orElse(null);
    }

    /** Two decimals for steps under 10 ms, else one (the old page's 359.5). */
    private static int stepDecimals(double ms) {
        return ms < 10 ? 2 : 1;
    }

    /** One row per scenario and concurrency level: output tokens/s, TTFT and inter-token latency p50 / p90 / p99. */
    private List<Map<String, String>> concurrency(EngineReport e) {
        List<Map<String, String>> rows = new ArrayList<>();
        e.concurrency().forEach((id, levels) -> {
            for (StreamLevel l : levels) {
                rows.add(Map.of("id", MarkdownText.escape(id), "streams", Integer.toString(l.streams()),
                        "output", fmt.fixed(l.outputTps().median(), 1), "ttft", percentiles(l.ttftMs(), 1),
                        "itl", l.itlMs() == null ? NumberFormatter.NONE : percentiles(l.itlMs(), 2)));
            }
        });
        return rows;
    }

    private String percentiles(Statistics s, int decimals) {
        return fmt.fixed(s.percentile(50), decimals) + " / " + fmt.fixed(s.percentile(90), decimals) + " / "
                + fmt.fixed(s.percentile(99), decimals);
    }

    private String pm(Summary s, int decimals) {
        if (s == null) {
            return NumberFormatter.NONE;
        }
        return fmt.fixed(s.median(), decimals) + " ± " + fmt.fixed(s.stddev(), decimals);
    }

    private List<Map<String, String>> metrics(EngineReport e) {
        List<Map<String, String>> rows = loadRows(e);
        if (e.scenarios().isEmpty()) {
            return rows; // a file of the context suite only: the scenario metrics do not apply
        }
        EngineReport.Metrics mt = e.metrics();
        String est = msg.get("metric.estimated");
        rows.add(row(msg.get("metric.prefillScaling"), mt.prefillScalingMsPerToken() == null ? msg.get("value.noFit")
                : fmt.fixed(mt.prefillScalingMsPerToken(), 3) + " " + msg.get("unit.msPerToken")
                + " (R² " + fmt.fixed(mt.prefillScalingR2(), 2) + ")"));
        rows.add(row(msg.get("metric.decodeCv"), mt.decodeTpsCv() == null ? msg.get("value.noCv")
                : fmt.percent(mt.decodeTpsCv(), 1)));
        boolean cpu = isCpu(e);
        String none = cpu ? msg.get("value.notMeasuredCpu") : msg.get("value.notMeasured");
        rows.add(row(msg.get("metric.gpuUtil") + (mt.gpuUtilisationEstimated() ? est : ""),
                mt.gpuUtilisation() == null ? none : fmt.percent(mt.gpuUtilisation(), 1)));
        rows.add(row(msg.get("metric.kernelOverhead") + (mt.kernelOverheadEstimated() ? est : ""),
                mt.kernelOverheadUs() == null ? none : fmt.fixed(mt.kernelOverheadUs(), 1) + " " + msg.get("unit.usPerKernel")));
        return rows;
    }

    /** Compile and weight loading time, peak memory: what every file has, whatever its suite. */
    private List<Map<String, String>> loadRows(EngineReport e) {
        List<Map<String, String>> rows = new ArrayList<>();
        EngineReport.Metrics mt = e.metrics();
        LoadMetrics load = e.load();
        String est = msg.get("metric.estimated");
        String weightLoad = e.model() != null && "synthetic".equals(e.model().source()) ? msg.get("metric.weightGeneration")
                : msg.get("metric.weightLoad");
        if (load != null) {
            rows.add(row(msg.get("metric.compile"), load.compileMs() == 0 ? msg.get("value.noCompile")
                    : fmt.fixed(load.compileMs() / 1000, 2) + " " + msg.get("unit.sec")));
            rows.add(row(weightLoad, dev.llmbench.site.input.LegacyImporter.isCudaDag(e) ? msg.get("value.legacyCudaLoad")
                    : fmt.fixed(load.weightLoadMs() / 1000, 2) + " " + msg.get("unit.sec")));
            boolean peakEst = mt.peakMemoryEstimated();
            if (load.peakMemoryBytes() != null) {
                String method = peakEst ? msg.get("peak.method.estimated")
                        : msg.get("peak.method", methodText(load.peakMemoryMethod()));
                rows.add(row(msg.get("metric.peakMemory") + (peakEst ? est : ""),
                        fmt.grouped((double) load.peakMemoryBytes() / MIB, 0) + " MB (" + method + ")"));
            } else {
                rows.add(row(msg.get("metric.peakMemory"), msg.get("value.noPeak")));
            }
            if (load.deviceMemoryBytes() != null) {
                rows.add(row(msg.get("metric.deviceMemory"), fmt.grouped((double) load.deviceMemoryBytes() / MIB, 0)
                        + " MB (" + msg.get("peak.method", methodText(load.deviceMemoryMethod())) + ")"));
            }
        } else {
            rows.add(row(msg.get("metric.compile"), msg.get("value.noLoad")));
            rows.add(row(weightLoad, msg.get("value.noLoad")));
            rows.add(row(msg.get("metric.peakMemory"), msg.get("value.noLoad")));
        }
        return rows;
    }

    /** How a memory figure was measured, in the page's language where the method is one our engines record. */
    private String methodText(String method) {
        String key = MEMORY_METHODS.get(method);
        String text = key == null ? null : msg.find(key);
        return text != null ? text : MarkdownText.escape(method);
    }

    /** The memory measuring methods our runner and engines write, by message key. */
    private static final Map<String, String> MEMORY_METHODS = Map.of(
            "VmHWM from /proc/self/status", "method.vmhwm",
            "getrusage(RUSAGE_SELF) ru_maxrss", "method.maxrss",
            "cudaMemGetInfo: device memory in use at its highest sample (after load, after runs) minus before load; "
                    + "the CUDA context itself excluded", "method.cudaMemGetInfo",
            "MTLDevice.currentAllocatedSize: highest sample (after load, after runs) minus before load",
            "method.metalAllocated");

    private static boolean isCpu(EngineReport e) {
        if (e.environment() != null) {
            return e.environment().accelerator() == null;
        }
        return e.engine() != null && "cpu".equals(e.engine().name());
    }

    private static Map<String, String> row(String name, String value) {
        return Map.of("name", name, "value", value);
    }

    private List<Map<String, String>> warnings(List<EngineReport> engines) {
        List<Map<String, String>> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (EngineReport e : engines) {
            for (Warning w : e.warnings()) {
                String text = msg.find("warning." + w.code());
                // a code this version does not know keeps the file's own (English) explanation
                String body = text != null ? text : MarkdownText.escape(w.message());
                String where = MarkdownText.escape(e.label())
                        + (w.scenario() == null ? "" : ", " + msg.get("warning.scenario", MarkdownText.escape(w.scenario())));
                String line = where + ": " + body;
                if (seen.add(line)) {
                    out.add(Map.of("text", line, "code", MarkdownText.code(w.code())));
                }
            }
        }
        return out;
    }

    private String modelLine(EngineReport e) {
        ModelInfo mi = e.model();
        if (mi == null) {
            return MarkdownText.escape(e.modelName()) + " (" + MarkdownText.escape(dtypeName(e.sourceEnvironment().getOrDefault("dtype", "?"))) + ")";
        }
        String params = fmt.fixed(mi.parameters() / 1e9, 2) + "B";
        String kind = lang == Lang.KO ? ("synthetic".equals(mi.source()) ? "합성 가중치" : "파일")
                : ("synthetic".equals(mi.source()) ? "synthetic weights" : "file");
        return MarkdownText.escape(mi.name()) + " (" + MarkdownText.escape(dtypeName(mi.dtype())) + ", " + params
                + ", " + kind + ", " + msg.get("model.configHash") + " `" + MarkdownText.code(shortHash(mi.configSha256())) + "`)";
    }

    private static String shortHash(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static String dtypeName(String dtype) {
        return switch (dtype) {
            case "bf16" -> "BFloat16";
            case "f16" -> "Float16";
            case "f32" -> "Float32";
            default -> dtype;
        };
    }

    /**
     * The engines' settings as a table: a column per engine, a row per setting any of them wrote (in the order they
     * first appear), a dash where an engine has none. Where an engine's files (its scenario and context suites) wrote
     * different values, the cell gives each suite's; null where no file has settings.
     */
    private Map<String, Object> settingsTable(List<EngineReport> engines) {
        Map<String, List<EngineReport>> columns = new LinkedHashMap<>();
        byLabel(engines).forEach((label, files) -> {
            List<EngineReport> with = files.stream()
                    .filter(e -> e.engine() != null && !e.engine().settings().isEmpty()).toList();
            if (!with.isEmpty()) {
                columns.put(label, with);
            }
        });
        if (columns.isEmpty()) {
            return null;
        }
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        columns.values().forEach(files -> files.forEach(e -> keys.addAll(e.engine().settings().keySet())));
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean perSuite = false;
        for (String key : keys) {
            List<String> cells = new ArrayList<>();
            for (List<EngineReport> files : columns.values()) {
                boolean same = sameEverywhere(files, key);
                cells.add(settingCell(files, key, same));
                perSuite |= files.size() > 1 && !same;
            }
            rows.add(Map.of("key", MarkdownText.escape(key), "values", cells)); // text, not code: a table cell's pipes
        }
        return Map.of("engines", columns.keySet().stream().map(MarkdownText::escape).toList(), "rows", rows,
                "perSuite", perSuite);
    }

    /** Whether every one of an engine's files wrote the same value of a setting. */
    private static boolean sameEverywhere(List<EngineReport> files, String key) {
        return files.stream().allMatch(e -> e.engine().settings().containsKey(key))
                && files.stream().map(e -> String.valueOf(e.engine().settings().get(key))).distinct().count() == 1;
    }

    /**
     * One engine's value of a setting: once where every file of it wrote the same one ({@code same}), else each suite's
     * that wrote one; a dash if none did.
     */
    private String settingCell(List<EngineReport> files, String key, boolean same) {
        List<EngineReport> with = files.stream().filter(e -> e.engine().settings().containsKey(key)).toList();
        if (with.isEmpty()) {
            return "—";
        }
        List<String> values = with.stream().map(e -> String.valueOf(e.engine().settings().get(key))).toList();
        if (same) {
            return MarkdownText.escape(values.getFirst());
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < with.size(); i++) {
            parts.add(msg.get("page.settings.suiteValue", suiteName(with.get(i)), MarkdownText.escape(values.get(i))));
        }
        return String.join(" · ", parts);
    }

    /** The engine's settings of one file as code, or empty. */
    private String settingsText(EngineReport e) {
        if (e.engine() == null || e.engine().settings().isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        e.engine().settings().forEach((k, v) -> parts.add(k + "=" + v));
        return "`" + MarkdownText.code(String.join(", ", parts)) + "`";
    }

    /** The machine one file was measured on, a sentence. */
    private String environmentText(EngineReport e) {
        Environment env = e.environment();
        if (env == null) {
            Map<String, String> s = e.sourceEnvironment();
            List<String> parts = new ArrayList<>();
            if (s.containsKey("chipset")) {
                parts.add(s.get("chipset"));
            }
            if (s.containsKey("ram_gb")) {
                parts.add(msg.get("env.ram", ramGb(s.get("ram_gb"))));
            }
            if (s.containsKey("macos")) {
                parts.add("macOS " + s.get("macos"));
            } else if (s.containsKey("platform")) {
                parts.add(s.get("platform"));
            }
            if (s.containsKey("python")) {
                parts.add("Python " + s.get("python"));
            }
            return MarkdownText.escape(String.join(", ", parts)) + ".";
        }
        List<String> parts = new ArrayList<>();
        parts.add(env.cpu() + " (" + msg.get("env.cores", Integer.toString(env.cores())) + ")");
        parts.add(msg.get("env.ram", fmt.fixed(env.memoryBytes() / GIB, 0)));
        if (env.accelerator() != null) {
            parts.add(env.accelerator() + (env.driver() == null ? "" : " (" + msg.get("env.driver", env.driver()) + ")"));
        }
        parts.add(env.os() + (env.osVersion() == null ? "" : " " + env.osVersion()) + (env.arch() == null ? "" : " " + env.arch()));
        parts.add("JDK " + env.jdk());
        return MarkdownText.escape(String.join(", ", parts)) + ".";
    }

    private String ramGb(String text) {
        try {
            return fmt.fixed(Double.parseDouble(text), 0);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private Map<String, String> longestDecode(List<EngineReport> engines) {
        ScenarioSummary best = null;
        for (EngineReport e : engines) {
            for (ScenarioSummary s : e.scenarios()) {
                if (best == null || s.decodeTokens() > best.decodeTokens()) {
                    best = s;
                }
            }
        }
        return best == null ? Map.of("id", "—", "tokens", "0")
                : Map.of("id", MarkdownText.escape(best.id()), "tokens", Integer.toString(best.decodeTokens()));
    }

    private List<String> reproduce(ReleaseReport release) {
        List<String> lines = new ArrayList<>();
        String tag = release.release();
        for (EngineReport e : release.engines()) {
            if (e.legacy() || e.engine() == null || e.model() == null) {
                continue;
            }
            String suite = e.protocol() == null ? "default" : e.protocol().suite();
            String cmd = "./bench run --engine " + e.engine().name() + " --model " + e.model().name()
                    + " --suite " + suite + runOptions(e)
                    + (e.protocol() == null ? "" : " --warmup " + e.protocol().warmupRuns() + " --runs " + e.protocol().measuredRuns())
                    + " --release " + tag + " --json " + sourceName(release, e);
            lines.add(MarkdownText.code(cmd));
        }
        return lines;
    }

    /**
     * The options that reproduce a run: the cache settings the engine reported (a GPU run's prefill chunk is rarely
     * the default), and for the context suite its steps, and its positions when not the default ones.
     */
    private static String runOptions(EngineReport e) {
        StringBuilder b = new StringBuilder();
        Object maxCache = e.engine().settings().get("max_cache_len");
        Object window = e.engine().settings().get("prefill_seq_len");
        if (maxCache != null) {
            b.append(" --max-cache-len ").append(maxCache);
        }
        if (window != null) {
            b.append(" --prefill-seq-len ").append(window);
        }
        if (e.context().isEmpty()) {
            return b.toString();
        }
        b.append(" --steps ").append(e.context().getFirst().steps());
        List<Integer> positions = e.context().stream().map(ContextSummary::position).toList();
        boolean standard = maxCache instanceof Number m && window instanceof Number w && positions.equals(
                dev.llmbench.results.ContextPosition.defaultPositions(m.intValue(), w.intValue()));
        if (!standard) {
            b.append(" --positions ").append(String.join(",", positions.stream().map(String::valueOf).toList()));
        }
        return b.toString();
    }

    /** Where the file lives in the repository's results layout. */
    static String sourceName(ReleaseReport release, EngineReport e) {
        String file = Path.of(e.source()).getFileName().toString();
        return "benchmarks/results/" + release.release() + "/" + file;
    }

    /** "a, b and c" in English; Korean lists with commas. */
    private String listing(List<String> parts) {
        if (lang != Lang.EN || parts.size() < 2) {
            return join(parts);
        }
        return join(parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
    }

    private static String join(List<String> parts) {
        return String.join(", ", parts);
    }

    private static List<String> distinct(List<String> in) {
        return new ArrayList<>(new LinkedHashSet<>(in));
    }
}
