package dev.llmbench.site.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.Warning;
import dev.llmbench.site.SiteException;
import dev.llmbench.results.CacheFill;
import dev.llmbench.site.analysis.Analyzer;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the old Python tool's {@code benchmark_results.json}: {@code environment}, {@code compile_time_sec},
 * {@code weight_load_time_sec}, {@code peak_memory_mb}, {@code analysis{...}}, {@code npu_results[]} and
 * {@code cpu_results[]}. Its summaries carry no raw samples, so they are kept as medians with their (population)
 * spread, and every flaw of that tool is flagged with a warning.
 *
 * <p>Besides the old tool's fields, the optional top-level keys {@code model_id}, {@code dtype},
 * {@code prefill_seq_len} and {@code max_cache_len} are read when present (the old tool took them as arguments).
 *
 * <p>The old tool's later version measured context scaling instead ({@link #looksScaling}): {@code environment},
 * {@code compile_time_sec}, {@code weight_load_time_sec}, {@code prompt_length}, {@code max_cache_len},
 * {@code executor_results[]} and {@code dag_results[]} of {@code position}, {@code step_time_ms},
 * {@code step_time_std_ms}, {@code tps} and {@code ttft_ms}. Each list becomes an engine with context positions; the
 * executor is the reference its ratios are taken against, as on the old tool's page.
 */
public final class LegacyImporter {
    /** The only model the old tool benchmarked (its {@code MODEL_ID}); used when the file does not name one. */
    static final String DEFAULT_MODEL = "Qwen2.5-1.5B-Instruct";
    /** Keys of {@code environment} shown on the page, in this order. */
    private static final List<String> ENV_KEYS = List.of("chipset", "ram_gb", "macos", "metal_gpu", "python", "platform", "machine");

    private LegacyImporter() {
    }

    /** True when the JSON tree has the old tool's shape, either version. */
    public static boolean looksLegacy(JsonNode tree) {
        return tree != null && tree.isObject() && !tree.has("schema_version")
                && (tree.has("npu_results") || tree.has("cpu_results") || looksScaling(tree));
    }

    /** True when the JSON tree is the old tool's later, context-scaling file. */
    static boolean looksScaling(JsonNode tree) {
        return tree != null && tree.isObject() && (tree.has("executor_results") || tree.has("dag_results"))
                && !tree.has("npu_results") && !tree.has("cpu_results");
    }

    /**
     * The later file's two result lists as two engines (those that are not empty): {@code Executor} (the reference,
     * marked as the baseline) and {@code DAGExecutor}.
     */
    static List<EngineReport> readScaling(String file, JsonNode tree) throws SiteException {
        Reader r = new Reader(file);
        Map<String, String> env = r.environment(tree);
        double compileSec = r.optNumber(tree, "compile_time_sec", "$.compile_time_sec");
        double loadSec = r.optNumber(tree, "weight_load_time_sec", "$.weight_load_time_sec");
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String key : List.of("prompt_length", "prefill_seq_len", "max_cache_len")) {
            double v = r.optNumber(tree, key, "$." + key);
            if (v > 0) {
                settings.put(key, (long) v);
            }
        }
        env.put("model_id", r.optString(tree, "model_id", DEFAULT_MODEL));
        env.put("dtype", r.optString(tree, "dtype", "bf16"));
        List<ContextSummary> executor = r.positions(tree, "executor_results");
        List<ContextSummary> dag = r.positions(tree, "dag_results");
        if (executor.isEmpty() && dag.isEmpty()) {
            throw r.error("$", "executor_results and dag_results are both empty: the file holds no measurement");
        }
        boolean cuda = cudaBackend(r, tree, executor);
        // the old tool's page: 3 timings per position, no warm-up at a position
        Protocol protocol = new Protocol("context", 0, 3, "time.perf_counter", 0, true, "tokenizer", 0);
        LoadMetrics load = new LoadMetrics(compileSec * 1000, loadSec * 1000, null, null, null, null);
        List<Warning> warnings = List.of(new Warning("context_population_stddev", "the spread of each position is the"
                + " population standard deviation (n), not the sample standard deviation (n - 1), and the raw samples"
                + " were not kept", null));
        EngineReport.Metrics none = new EngineReport.Metrics(null, null, null, null, null, false, false, false);
        List<EngineReport> out = new ArrayList<>();
        if (!executor.isEmpty()) {
            Map<String, Object> marked = new LinkedHashMap<>(settings);
            if (!dag.isEmpty()) {
                marked.put("baseline", true);
            }
            out.add(new EngineReport("Executor", file, true, new EngineInfo("executor", "legacy", marked), null, null,
                    protocol, load, List.of(), none, warnings, env, Map.of(), executor));
        }
        if (!dag.isEmpty() && cuda) {
            // the CUDA run times an empty block as its weight load (its DAG executor loads the weights untimed)
            LoadMetrics cudaLoad = new LoadMetrics(compileSec * 1000, 0, null, null, null, null);
            out.add(new EngineReport(CUDA_DAG_LABEL, file, true, new EngineInfo(CUDA_DAG, "legacy", settings), null, null,
                    protocol, cudaLoad, List.of(), none, warnings, env, Map.of(), dag));
        } else if (!dag.isEmpty()) {
            out.add(new EngineReport("DAGExecutor", file, true, new EngineInfo("dag", "legacy", settings), null, null,
                    protocol, load, List.of(), none, warnings, env, Map.of(), dag));
        }
        return out;
    }

    /**
     * True when the later file's DAG list is the CUDA backend's: the file says {@code "backend": "cuda"} (a key the
     * old tool never wrote), or, as the old tool writes it with {@code --backend cuda}, it holds DAG results only and
     * its environment is not macOS (the Metal backends run on macOS only; the CUDA run leaves {@code macos} empty).
     */
    private static boolean cudaBackend(Reader r, JsonNode tree, List<ContextSummary> executor) throws SiteException {
        String backend = r.optString(tree, "backend", "");
        if (!backend.isEmpty()) {
            if (!backend.equals("cuda") && !backend.equals("metal")) {
                throw r.error("$.backend", "expected \"metal\" or \"cuda\", found \"" + backend + "\"");
            }
            return backend.equals("cuda");
        }
        JsonNode env = tree.get("environment");
        if (!executor.isEmpty() || env == null || !env.isObject()) {
            return false;
        }
        String platform = env.path("platform").asText("");
        String macos = env.path("macos").asText("");
        return !platform.isBlank() && macos.isBlank() && !platform.startsWith("macOS") && !platform.startsWith("Darwin");
    }

    /** Engine name of the later file's CUDA DAG results ({@code --backend cuda}). */
    public static final String CUDA_DAG = "dag-cuda";
    /** Its label on the page; the Metal lists are labelled with "(Metal)" beside it. */
    public static final String CUDA_DAG_LABEL = "DAGExecutor (CUDA)";

    /**
     * The later file's Metal lists beside a CUDA file of it in one release: "Executor" and "DAGExecutor" become
     * "Executor (Metal)" and "DAGExecutor (Metal)", so that the page names each engine's backend as the old tool's
     * page does (Metal (M4 Pro) against CUDA (RTX 3090 Ti)). Other runs, and a release of Metal files only, keep their
     * labels.
     */
    public static List<EngineReport> labelBackends(List<EngineReport> runs) {
        if (runs.stream().noneMatch(LegacyImporter::isCudaDag)) {
            return runs;
        }
        List<EngineReport> out = new ArrayList<>(runs);
        for (int i = 0; i < out.size(); i++) {
            EngineReport e = out.get(i);
            if (e.legacy() && e.engine() != null && List.of("executor", "dag").contains(e.engine().name())
                    && !e.context().isEmpty()) {
                out.set(i, new EngineReport(e.label() + " (Metal)", e.source(), e.legacy(), e.engine(), e.model(),
                        e.environment(), e.protocol(), e.load(), e.scenarios(), e.metrics(), e.warnings(),
                        e.sourceEnvironment(), e.concurrency(), e.context()));
            }
        }
        return out;
    }

    /** True for an engine of the later file run on the old tool's CUDA backend. */
    public static boolean isCudaDag(EngineReport e) {
        return e.legacy() && e.engine() != null && CUDA_DAG.equals(e.engine().name());
    }

    /**
     * One report per non-empty result list: NPU (Metal GPU) first, then the CPU baseline; for the later file
     * ({@link #looksScaling}) the executor, then the DAG executor.
     */
    public static List<EngineReport> read(String file, JsonNode tree) throws SiteException {
        if (looksScaling(tree)) {
            return readScaling(file, tree);
        }
        Reader r = new Reader(file);
        Map<String, String> env = r.environment(tree);
        double compileSec = r.optNumber(tree, "compile_time_sec", "$.compile_time_sec");
        double loadSec = r.optNumber(tree, "weight_load_time_sec", "$.weight_load_time_sec");
        double peakMb = r.optNumber(tree, "peak_memory_mb", "$.peak_memory_mb");
        JsonNode analysis = tree.get("analysis");
        if (analysis != null && !analysis.isObject() && !analysis.isNull()) {
            throw r.error("$.analysis", "expected an object");
        }
        double utilPct = analysis == null ? 0 : r.optNumber(analysis, "gpu_utilization_percent", "$.analysis.gpu_utilization_percent");
        double perKernelUs = analysis == null ? 0 : r.optNumber(analysis, "kernel_launch_overhead_us", "$.analysis.kernel_launch_overhead_us");
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String key : List.of("prefill_seq_len", "max_cache_len")) {
            double v = r.optNumber(tree, key, "$." + key);
            if (v > 0) {
                settings.put(key, (long) v);
            }
        }
        env.put("model_id", r.optString(tree, "model_id", DEFAULT_MODEL));
        env.put("dtype", r.optString(tree, "dtype", "bf16"));

        List<Warning> npuEos = new ArrayList<>();
        List<Warning> cpuEos = new ArrayList<>();
        List<ScenarioSummary> npu = r.results(tree, "npu_results", npuEos);
        List<ScenarioSummary> cpu = r.results(tree, "cpu_results", cpuEos);
        if (npu.isEmpty() && cpu.isEmpty()) {
            throw r.error("$", "npu_results and cpu_results are both empty: the file holds no measurement");
        }
        Protocol protocol = new Protocol("legacy", 3, 5, "time.perf_counter", 0, false, "tokenizer", 0);
        List<EngineReport> out = new ArrayList<>();
        if (!npu.isEmpty()) {
            LoadMetrics load = new LoadMetrics(compileSec * 1000, loadSec * 1000,
                    peakMb > 0 ? Math.round(peakMb * 1024 * 1024) : null,
                    peakMb > 0 ? "estimated by the old tool from weight and buffer sizes" : null, null, null);
            List<Warning> w = new ArrayList<>(commonWarnings(npu));
            w.addAll(npuEos);
            boolean estimated = utilPct > 0 || perKernelUs > 0 || peakMb > 0;
            if (estimated) {
                w.add(new Warning("estimated_metrics", "GPU utilisation, kernel overhead and peak memory are the old tool's"
                        + " estimates (an assumed 2 us per dispatch, step time per kernel, summed buffer sizes), not measurements", null));
            }
            out.add(report("NPU (Metal GPU)", file, new EngineInfo("metal", "legacy", settings), protocol, load, npu,
                    utilPct > 0 ? utilPct / 100.0 : null, perKernelUs > 0 ? perKernelUs : null, peakMb > 0, w, env));
        }
        if (!cpu.isEmpty()) {
            List<Warning> w = new ArrayList<>(commonWarnings(cpu));
            w.addAll(cpuEos);
            out.add(report("CPU", file, new EngineInfo("cpu", "legacy", Map.of()), protocol, null, cpu,
                    null, null, false, w, env));
        }
        return out;
    }

    private static EngineReport report(String label, String file, EngineInfo engine, Protocol protocol, LoadMetrics load,
                                       List<ScenarioSummary> scenarios, Double util, Double perKernelUs,
                                       boolean peakEstimated, List<Warning> warnings, Map<String, String> env) {
        Analyzer.Fit fit = Analyzer.prefillScaling(scenarios);
        EngineReport.Metrics m = new EngineReport.Metrics(fit == null ? null : fit.slope(), fit == null ? null : fit.r2(),
                Analyzer.decodeTpsCv(scenarios), util, perKernelUs, peakEstimated, util != null, perKernelUs != null);
        return new EngineReport(label, file, true, engine, null, null, protocol, load, scenarios, m, warnings, env);
    }

    private static List<Warning> commonWarnings(List<ScenarioSummary> scenarios) {
        List<Warning> w = new ArrayList<>(Analyzer.ttftGrowth(scenarios).stream().toList());
        w.add(new Warning("decode_tps_counts_prefill_token", "decode TPS divides all generated tokens by the decode time,"
                + " counting the first token, which came from the prefill: it overstates the rate by tokens / (tokens - 1)", null));
        w.add(new Warning("population_stddev", "the spread shown is the population standard deviation (n), not the"
                + " sample standard deviation (n - 1), and the raw samples were not kept", null));
        return w;
    }

    /** Reads with messages that name the file and the JSON path. */
    private static final class Reader {
        private final String file;

        Reader(String file) {
            this.file = file;
        }

        SiteException error(String path, String problem) {
            return SiteException.invalidInput(file + " at " + path + ": " + problem
                    + " (read as the old tool's benchmark_results.json)");
        }

        Map<String, String> environment(JsonNode tree) throws SiteException {
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode e = tree.get("environment");
            if (e == null || e.isNull()) {
                return env;
            }
            if (!e.isObject()) {
                throw error("$.environment", "expected an object");
            }
            for (String key : ENV_KEYS) {
                JsonNode v = e.get(key);
                if (v == null || v.isNull()) {
                    continue;
                }
                if (!v.isValueNode()) {
                    throw error("$.environment." + key, "expected a string or a number");
                }
                String text = v.isNumber() ? formatPlain(v.doubleValue()) : v.asText();
                // the old tool writes ram_gb 0 where sysctl is missing (Linux), as it writes "unknown" for a chip
                if (!text.isBlank() && !"unknown".equals(text) && !(v.isNumber() && v.doubleValue() == 0)) {
                    env.put(key, text);
                }
            }
            return env;
        }

        String optString(JsonNode node, String key, String fallback) throws SiteException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw error("$." + key, "expected a non-empty string");
            }
            return v.asText();
        }

        double optNumber(JsonNode node, String key, String path) throws SiteException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return 0;
            }
            return number(v, path);
        }

        double number(JsonNode v, String path) throws SiteException {
            if (v == null || v.isNull()) {
                throw error(path, "missing; expected a number");
            }
            if (!v.isNumber()) {
                throw error(path, "expected a number, found " + v.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            double d = v.doubleValue();
            if (!Double.isFinite(d) || d < 0) {
                throw error(path, "expected a finite number >= 0, found " + v.asText());
            }
            return d;
        }

        int integer(JsonNode v, String path, int min) throws SiteException {
            if (v == null || v.isNull()) {
                throw error(path, "missing; expected an integer");
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
                throw error(path, "expected an integer >= " + min + ", found " + v.asText());
            }
            return v.intValue();
        }

        /** Context positions of one list of the later file, ascending; each position once. */
        List<ContextSummary> positions(JsonNode tree, String key) throws SiteException {
            JsonNode list = tree.get(key);
            List<ContextSummary> out = new ArrayList<>();
            if (list == null || list.isNull()) {
                return out;
            }
            if (!list.isArray()) {
                throw error("$." + key, "expected an array of positions");
            }
            for (int i = 0; i < list.size(); i++) {
                String p = "$." + key + "[" + i + "]";
                JsonNode s = list.get(i);
                if (!s.isObject()) {
                    throw error(p, "expected an object with position, step_time_ms, step_time_std_ms, tps and ttft_ms");
                }
                int position = integer(s.get("position"), p + ".position", 1);
                double step = number(s.get("step_time_ms"), p + ".step_time_ms");
                double sd = number(s.get("step_time_std_ms"), p + ".step_time_std_ms");
                double tps = number(s.get("tps"), p + ".tps");
                JsonNode ttftNode = s.get("ttft_ms");
                Double ttft = ttftNode == null || ttftNode.isNull() ? null : number(ttftNode, p + ".ttft_ms");
                for (ContextSummary earlier : out) {
                    if (earlier.position() == position) {
                        throw error(p + ".position", "position " + position + " appears twice; expected each position once");
                    }
                }
                out.add(new ContextSummary(position, CacheFill.DIRECT, 1, Summary.ofMedian(step, sd, true),
                        tps > 0 ? tps : Double.NaN, ttft));
            }
            out.sort(java.util.Comparator.comparingInt(ContextSummary::position));
            return out;
        }

        /** Scenario summaries of one list; early-EOS warnings (the old tool stopped at EOS) go to {@code eos}. */
        List<ScenarioSummary> results(JsonNode tree, String key, List<Warning> eos) throws SiteException {
            JsonNode list = tree.get(key);
            List<ScenarioSummary> out = new ArrayList<>();
            if (list == null || list.isNull()) {
                return out;
            }
            if (!list.isArray()) {
                throw error("$." + key, "expected an array of scenario results");
            }
            for (int i = 0; i < list.size(); i++) {
                String p = "$." + key + "[" + i + "]";
                JsonNode s = list.get(i);
                if (!s.isObject()) {
                    throw error(p, "expected an object");
                }
                JsonNode id = s.get("scenario_id");
                if (id == null || !id.isTextual() || id.asText().isBlank()) {
                    throw error(p + ".scenario_id", "expected a non-empty string such as \"S1\"");
                }
                int prompt = integer(s.get("prompt_length"), p + ".prompt_length", 1);
                int decode = integer(s.get("decode_length"), p + ".decode_length", 1);
                Summary ttft = Summary.ofMedian(number(s.get("ttft_median_ms"), p + ".ttft_median_ms"),
                        number(s.get("ttft_std_ms"), p + ".ttft_std_ms"), true);
                Summary tps = Summary.ofMedian(number(s.get("tps_median"), p + ".tps_median"),
                        number(s.get("tps_std"), p + ".tps_std"), true);
                Summary prefill = Summary.ofMedian(number(s.get("prefill_tps_median"), p + ".prefill_tps_median"),
                        number(s.get("prefill_tps_std"), p + ".prefill_tps_std"), true);
                List<Double> steps = new ArrayList<>();
                JsonNode st = s.get("step_tps_median");
                if (st != null && !st.isNull()) {
                    if (!st.isArray()) {
                        throw error(p + ".step_tps_median", "expected an array of numbers");
                    }
                    for (int j = 0; j < st.size(); j++) {
                        steps.add(number(st.get(j), p + ".step_tps_median[" + j + "]"));
                    }
                }
                JsonNode actual = s.get("actual_decode_tokens");
                if (actual != null && !actual.isNull()) {
                    int made = integer(actual, p + ".actual_decode_tokens", 0);
                    if (made < decode) {
                        eos.add(new Warning("token_count_mismatch", "stopped at EOS after " + made + " of " + decode
                                + " tokens, so runs may differ in length and their TPS is not comparable", id.asText()));
                    }
                }
                out.add(new ScenarioSummary(id.asText(), prompt, decode, ttft, tps, prefill, steps, null, null));
            }
            return out;
        }
    }

    private static String formatPlain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
