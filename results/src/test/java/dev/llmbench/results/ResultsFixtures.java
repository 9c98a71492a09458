package dev.llmbench.results;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic results for the golden files: samples follow the shape real runs have (warm-ups slower, a few percent
 * jitter, TTFT growing with the prompt), drawn from fixed seeds so the files never change unless the format does.
 */
final class ResultsFixtures {
    /** Golden file name to the results it must hold. */
    static Map<String, BenchmarkResults> all() {
        Map<String, BenchmarkResults> all = new LinkedHashMap<>();
        all.put("java-cpu-complete.json", cpuComplete());
        all.put("cuda-gpu-kernels.json", gpuWithKernels());
        all.put("java-cpu-failed.json", failedPartial());
        return all;
    }

    private ResultsFixtures() {
    }

    /** The Java engine on a CPU: S1..S3, 3 warm-ups and 5 measured runs each, generated ids kept. */
    static BenchmarkResults cpuComplete() {
        Random random = new Random(20261128L);
        RunInfo run = new RunInfo("v0.1.0", RunStatus.COMPLETE, Instant.parse("2026-11-20T08:15:30.125Z"),
                Instant.parse("2026-11-20T08:19:02.500Z"), null, tool());
        Environment env = new Environment("Linux", "6.8.0-49-generic", "amd64", "AMD EPYC 9554 64-Core Processor", 16,
                68_719_476_736L, null, null, "25.0.1+8-LTS (Eclipse Adoptium)");
        EngineInfo engine = new EngineInfo("java", "0.1.0", Map.of("prefill_seq_len", 128, "max_cache_len", 2048,
                "threads", 16, "vector_species", "Species[float, 16, S_512_BIT]"));
        ModelInfo model = new ModelInfo("Qwen2.5-0.5B-Instruct", "file", "bf16", 494_032_768L,
                "3f8a1c0e5b7d92f4a6c1e0b8d7f3a2c5e9b1d4f6a8c0e2b4d6f8a1c3e5b7d9f1", "Qwen2ForCausalLM");
        Protocol protocol = new Protocol("quick", 3, 5, "System.nanoTime", 21.5, true, "tokenizer", 42L);
        LoadMetrics load = new LoadMetrics(0, 412.875, 1_348_009_984L, "VmHWM from /proc/self/status", null, null);
        List<ScenarioResult> scenarios = List.of(
                scenario(random, "S1", 16, 32, 3, 5, 61.0, 44.0, true, false),
                scenario(random, "S2", 64, 64, 3, 5, 233.0, 44.5, true, false),
                scenario(random, "S3", 256, 128, 3, 5, 905.0, 45.5, true, false));
        return new BenchmarkResults(1, run, env, engine, model, protocol, load, scenarios, List.of());
    }

    /** The CUDA engine: device-side kernel time and kernel count for the prefill and every decode step. */
    static BenchmarkResults gpuWithKernels() {
        Random random = new Random(7L);
        RunInfo run = new RunInfo("v0.1.0", RunStatus.COMPLETE, Instant.parse("2026-11-20T09:00:00Z"),
                Instant.parse("2026-11-20T09:00:41.018Z"), null, tool());
        Environment env = new Environment("Linux", "5.15.0-126-generic", "amd64", "Intel(R) Xeon(R) Platinum 8480+", 16,
                137_438_953_472L, "NVIDIA H100 80GB HBM3", "CUDA 12.8, driver 570.124.06", "25.0.1+8-LTS (Eclipse Adoptium)");
        EngineInfo engine = new EngineInfo("cuda", "0.1.0", Map.of("prefill_seq_len", 512, "max_cache_len", 4096,
                "cuda_graphs", true, "device", 0));
        ModelInfo model = new ModelInfo("synthetic:qwen2.5-1.5b", "synthetic", "bf16", 1_543_714_304L,
                "9c2e4a6b8d0f1e3c5a7b9d2f4e6a8c0b1d3f5e7a9c2b4d6e8f0a1c3b5d7e9f2a", "Qwen2ForCausalLM");
        Protocol protocol = new Protocol("quick", 3, 5, "System.nanoTime", 19.0, true, "seeded", 1234L);
        LoadMetrics load = new LoadMetrics(1_184.25, 2_077.5, 4_614_782_976L, "VmHWM from /proc/self/status",
                3_321_888_768L, "cudaMemGetInfo before and after load");
        List<ScenarioResult> scenarios = List.of(
                scenario(random, "S1", 16, 32, 3, 5, 9.5, 4.1, false, true),
                scenario(random, "S2", 64, 64, 3, 5, 11.2, 4.15, false, true));
        return new BenchmarkResults(1, run, env, engine, model, protocol, load, scenarios, List.of());
    }

    /** A run that failed in S3 after two warm-ups: what was measured is kept, with the error and a warning. */
    static BenchmarkResults failedPartial() {
        Random random = new Random(99L);
        RunInfo run = new RunInfo("v0.2.0-rc1", RunStatus.FAILED, Instant.parse("2026-11-21T22:40:00Z"),
                Instant.parse("2026-11-21T22:41:13.700Z"),
                "S3 run 2: the engine stopped: java.lang.OutOfMemoryError: Java heap space (raise -Xmx or lower max_cache_len)",
                tool());
        Environment env = new Environment("Mac OS X", "15.1", "aarch64", "Apple M3 Pro", 12, 38_654_705_664L, null, null,
                "25.0.1+8-LTS (Eclipse Adoptium)");
        EngineInfo engine = new EngineInfo("java", "0.2.0-rc1", Map.of("prefill_seq_len", 64, "max_cache_len", 1024));
        ModelInfo model = new ModelInfo("synthetic:qwen2.5-0.5b", "synthetic", "f32", 494_032_768L,
                "5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d", "Qwen2ForCausalLM");
        Protocol protocol = new Protocol("default", 3, 5, "System.nanoTime", 41.0, true, "seeded", 42L);
        LoadMetrics load = new LoadMetrics(0, 96.5, null, null, null, null);
        List<ScenarioResult> scenarios = List.of(
                scenario(random, "S1", 16, 32, 3, 5, 140.0, 61.0, false, false),
                scenario(random, "S2", 64, 64, 3, 5, 530.0, 62.5, false, false),
                scenario(random, "S3", 256, 128, 2, 0, 2_150.0, 66.0, false, false));
        List<Warning> warnings = List.of(new Warning("high_cv", "decode TPS varies by 7.9% across measured runs (CV above 5%)", "S2"));
        return new BenchmarkResults(1, run, env, engine, model, protocol, load, scenarios, warnings);
    }

    private static RunInfo.ToolInfo tool() {
        return new RunInfo.ToolInfo("llmbench", "0.1.0", "8d2fe9f0c3a1b5e7d9f1a3c5e7b9d1f3a5c7e9b1");
    }

    private static ScenarioResult scenario(Random random, String id, int prompt, int decode, int warmups, int measured,
                                           double ttftMs, double stepMs, boolean keepIds, boolean kernels) {
        List<RunSample> runs = new ArrayList<>();
        for (int i = 0; i < warmups + measured; i++) {
            boolean warmup = i < warmups;
            // First warm-up pays for JIT/graph capture; later ones settle.
            double slow = i == 0 ? 1.35 : warmup ? 1.05 : 1.0;
            double ttft = round(ttftMs * slow * jitter(random, 0.03));
            List<Double> steps = new ArrayList<>();
            for (int s = 0; s < decode - 1; s++) {
                // Steps slow slightly as the KV cache grows.
                steps.add(round(stepMs * slow * (1 + 0.0004 * (prompt + s)) * jitter(random, 0.02)));
            }
            List<Integer> ids = new ArrayList<>();
            if (keepIds) {
                for (int t = 0; t < decode; t++) {
                    ids.add(random.nextInt(151_936));
                }
            }
            RunSample.KernelStats kernel = null;
            if (kernels) {
                List<Double> kernelMs = new ArrayList<>();
                List<Integer> kernelCount = new ArrayList<>();
                for (double s : steps) {
                    kernelMs.add(round(s * 0.93 * jitter(random, 0.005)));
                    kernelCount.add(197);
                }
                kernel = new RunSample.KernelStats(round(ttft * 0.88), 225, kernelMs, kernelCount);
            }
            runs.add(new RunSample(i, warmup, ttft, steps, ids, kernel));
        }
        return new ScenarioResult(id, prompt, decode, runs);
    }

    private static double jitter(Random random, double spread) {
        return 1 + spread * (2 * random.nextDouble() - 1);
    }

    /** Microsecond resolution, as the runner stores. */
    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
