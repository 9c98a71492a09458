package dev.llmbench.site;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.Environment;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.RunInfo;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.ResultsWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic results files of realistic shape for tests, the docs pages and the site benchmark: a pure-Java CPU
 * engine and a CUDA engine (with kernel statistics) on synthetic Qwen2.5-0.5B, cost models fitted to plausible
 * timings, seeded noise. Regenerate the checked-in set with
 * {@code java ... dev.llmbench.site.FixtureResults site-gen/src/test/resources/results}.
 */
public final class FixtureResults {
    static final int[][] SCENARIOS = {{16, 32}, {64, 64}, {256, 128}, {512, 256}, {1024, 128}, {64, 512}};

    private FixtureResults() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "site-gen/src/test/resources/results");
        writeSet(root);
    }

    /** Two releases, each with the java and the cuda engine. */
    public static void writeSet(Path root) throws IOException {
        write(root.resolve("v0.1.0/java-qwen2.5-0.5b.json"), java("v0.1.0", 1.0, 11L, Instant.parse("2026-10-01T09:00:00Z")));
        write(root.resolve("v0.1.0/cuda-qwen2.5-0.5b.json"), cuda("v0.1.0", 1.0, 12L, Instant.parse("2026-10-01T10:00:00Z")));
        write(root.resolve("v0.2.0/java-qwen2.5-0.5b.json"), java("v0.2.0", 0.86, 21L, Instant.parse("2026-11-01T09:00:00Z")));
        write(root.resolve("v0.2.0/cuda-qwen2.5-0.5b.json"), cuda("v0.2.0", 0.93, 22L, Instant.parse("2026-11-01T10:00:00Z")));
    }

    /** Writes one file (the JSON of {@link ResultsWriter#toJson}). */
    public static void write(Path file, BenchmarkResults r) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, ResultsWriter.toJson(r), StandardCharsets.UTF_8);
    }

    static ModelInfo model() {
        return new ModelInfo("synthetic:qwen2.5-0.5b", "synthetic", "bf16", 494_032_768L,
                "3f1c9a0d7be24e55a1c0f6b8d2e4a9c7b1d3e5f7a9c1e3b5d7f9a1c3e5b7d9f1", "Qwen2ForCausalLM");
    }

    static Protocol protocol() {
        return new Protocol("default", 3, 5, "System.nanoTime", 21.5, true, "seeded", 42L);
    }

    /** The CPU engine: TTFT about 0.9 ms per prompt token, decode steps about 78 ms growing with the context. */
    public static BenchmarkResults java(String release, double speed, long seed, Instant start) {
        Random rnd = new Random(seed);
        Environment env = new Environment("Linux", "6.8.0-48-generic", "amd64", "AMD EPYC 9454 48-Core Processor", 2,
                24L * 1024 * 1024 * 1024, null, null, "25.0.1+8-LTS (Eclipse Adoptium)");
        EngineInfo engine = new EngineInfo("java", "0.1.0", Map.of("prefill_seq_len", 256, "max_cache_len", 2048, "threads", 2));
        List<ScenarioResult> scenarios = new ArrayList<>();
        for (int i = 0; i < SCENARIOS.length; i++) {
            int prompt = SCENARIOS[i][0];
            int decode = SCENARIOS[i][1];
            List<RunSample> runs = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                double ttft = speed * (18 + 0.92 * prompt) * noise(rnd, 0.02);
                List<Double> steps = new ArrayList<>();
                for (int s = 1; s < decode; s++) {
                    steps.add(round(speed * (76 + 0.004 * (prompt + s)) * noise(rnd, 0.015)));
                }
                runs.add(new RunSample(r, r < 3, round(ttft), steps, List.of(), null));
            }
            scenarios.add(new ScenarioResult("S" + (i + 1), prompt, decode, runs));
        }
        return new BenchmarkResults(1, new RunInfo(release, RunStatus.COMPLETE, start, start.plusSeconds(1800), null,
                new RunInfo.ToolInfo("llmbench", "0.1.0", "0f3a5c7e9b1d")), env, engine, model(), protocol(),
                new LoadMetrics(0, 412.5 * speed, 1_402_000_000L, "VmHWM from /proc/self/status", null, null),
                scenarios, List.of());
    }

    /** The CUDA engine: TTFT a few ms, decode steps about 2.4 ms of which about 2.1 ms in 290 kernels. */
    public static BenchmarkResults cuda(String release, double speed, long seed, Instant start) {
        Random rnd = new Random(seed);
        Environment env = new Environment("Linux", "6.8.0-48-generic", "amd64", "Intel(R) Xeon(R) Platinum 8480+", 16,
                128L * 1024 * 1024 * 1024, "NVIDIA H100 80GB HBM3", "550.54.15", "25.0.1+8-LTS (Eclipse Adoptium)");
        EngineInfo engine = new EngineInfo("cuda", "0.1.0", Map.of("prefill_seq_len", 512, "max_cache_len", 2048, "cuda_graphs", true));
        List<ScenarioResult> scenarios = new ArrayList<>();
        for (int i = 0; i < SCENARIOS.length; i++) {
            int prompt = SCENARIOS[i][0];
            int decode = SCENARIOS[i][1];
            List<RunSample> runs = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                double ttft = speed * (3.1 + 0.0185 * prompt) * noise(rnd, 0.03);
                List<Double> steps = new ArrayList<>();
                List<Double> kernelMs = new ArrayList<>();
                List<Integer> kernelCount = new ArrayList<>();
                for (int s = 1; s < decode; s++) {
                    double kernel = speed * (2.08 + 0.00012 * (prompt + s)) * noise(rnd, 0.01);
                    double wall = kernel + 0.29 * noise(rnd, 0.08);
                    steps.add(round(wall));
                    kernelMs.add(round(kernel));
                    kernelCount.add(290);
                }
                runs.add(new RunSample(r, r < 3, round(ttft), steps, List.of(),
                        new RunSample.KernelStats(round(ttft * 0.9), 310, kernelMs, kernelCount)));
            }
            scenarios.add(new ScenarioResult("S" + (i + 1), prompt, decode, runs));
        }
        return new BenchmarkResults(1, new RunInfo(release, RunStatus.COMPLETE, start, start.plusSeconds(300), null,
                new RunInfo.ToolInfo("llmbench", "0.1.0", "0f3a5c7e9b1d")), env, engine, model(), protocol(),
                new LoadMetrics(1840.0, 655.0 * speed, 2_210_000_000L, "VmHWM from /proc/self/status",
                        1_296_000_000L, "cudaMemGetInfo, peak of used bytes"), scenarios, List.of());
    }

    private static double noise(Random rnd, double sd) {
        return Math.max(0.5, 1 + rnd.nextGaussian() * sd);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
