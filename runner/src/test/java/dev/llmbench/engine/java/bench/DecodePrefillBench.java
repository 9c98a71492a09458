package dev.llmbench.engine.java.bench;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.java.JavaEngineProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prefill and decode tokens/s of the Java engine on the scenarios S1..S6 (prompt, decode tokens):
 * (16,32) (64,64) (256,128) (512,256) (1024,128) (64,512). Per scenario the best of {@code reps} runs is printed:
 * prefill tokens/s = prompt / TTFT, decode tokens/s = (decode - 1) / sum of step times (the definitions of the
 * pages). Before each scenario the read bandwidth is measured ({@link StreamBench}, 2 threads, 1 GiB, best of 4) and
 * decode is printed as a fraction of the bound it sets (bandwidth / bf16 weight bytes per token). At the end, peak
 * resident memory (VmHWM of /proc/self/status) after warm-up, which is the engine's own peak (its buffers are all
 * allocated at open), and at the end, which also counts the bandwidth tests' buffers. Four short runs warm the JIT
 * first.
 *
 * <p>A benchmark, not a test. Run from the repository root:
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp runner/target/classes:runner/target/test-classes:$(cat runner/target/cp.txt) \
 *   dev.llmbench.engine.java.bench.DecodePrefillBench [model=synthetic:qwen2.5-1.5b] [reps=2] [scenarios=S1,...,S6]
 * </pre>
 */
public final class DecodePrefillBench {
    private static final Map<String, int[]> SCENARIOS = new java.util.LinkedHashMap<>();

    static {
        SCENARIOS.put("S1", new int[]{16, 32});
        SCENARIOS.put("S2", new int[]{64, 64});
        SCENARIOS.put("S3", new int[]{256, 128});
        SCENARIOS.put("S4", new int[]{512, 256});
        SCENARIOS.put("S5", new int[]{1024, 128});
        SCENARIOS.put("S6", new int[]{64, 512});
    }

    private DecodePrefillBench() {
    }

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "synthetic:qwen2.5-1.5b";
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String[] ids = args.length > 2 ? args[2].split(",") : SCENARIOS.keySet().toArray(String[]::new);
        EngineOptions options = new EngineOptions(model, EngineOptions.DEFAULT_PREFILL_SEQ_LEN,
                EngineOptions.DEFAULT_MAX_CACHE_LEN, 0, 42L, Map.of());
        System.out.printf(Locale.ROOT, "load average before: %s", Files.readString(Path.of("/proc/loadavg")));
        try (Engine engine = new JavaEngineProvider().open(options)) {
            System.out.printf(Locale.ROOT, "%s %s %,d params, weights ready in %.0f ms, settings %s%n",
                    engine.model().name(), engine.model().dtype(), engine.model().parameters(), engine.weightLoadMs(),
                    engine.info().settings());
            SplittableRandom random = new SplittableRandom(7);
            // JIT warm-up: matrix-matrix (prefill) and matrix-vector (decode) paths, short and long chunks
            for (int[] w : new int[][]{{16, 16}, {64, 16}, {300, 8}, {16, 16}}) {
                run(engine, w[0], w[1], random);
            }
            printMemory("after warm-up");
            // bf16 weights, each read once per decode step (the tied LM head reads the whole embedding)
            double gbPerToken = engine.model().parameters() * 2 / 1e9;
            System.out.println("scenario prompt decode | TTFT ms | prefill tok/s | decode tok/s (best of " + reps
                    + ") | read bandwidth just before, GB/s | decode as a fraction of bandwidth / " + String.format(
                    Locale.ROOT, "%.3f", gbPerToken) + " GB | heap allocated per decode step (last run) | load average");
            for (String id : ids) {
                int[] s = SCENARIOS.get(id.trim());
                double bestPrefill = 0;
                double bestDecode = 0;
                double bestTtft = Double.MAX_VALUE;
                double allocation = 0;
                // the machine's bandwidth moves with other load, so it is measured next to each scenario
                double bandwidth = StreamBench.measure(2, 1L << 30, 4, false);
                for (int r = 0; r < reps; r++) {
                    double[] m = run(engine, s[0], s[1], random);
                    allocation = m[2];
                    bestTtft = Math.min(bestTtft, m[0]);
                    bestPrefill = Math.max(bestPrefill, s[0] / (m[0] / 1000));
                    bestDecode = Math.max(bestDecode, (s[1] - 1) / (m[1] / 1000));
                }
                System.out.printf(Locale.ROOT, "%s %5d %5d | %9.1f | %8.2f | %6.3f | %5.1f | %4.0f %% | %.0f B/step | load %s",
                        id, s[0], s[1], bestTtft, bestPrefill, bestDecode, bandwidth,
                        100 * bestDecode * gbPerToken / bandwidth, allocation, Files.readString(Path.of("/proc/loadavg")));
                if (engine.sawNonFiniteLogits()) {
                    System.out.println("  non-finite logits seen");
                }
            }
        }
        printMemory("at the end (the peak includes the bandwidth tests' 1 GiB buffers)");
        System.out.printf(Locale.ROOT, "load average after: %s", Files.readString(Path.of("/proc/loadavg")));
    }

    private static void printMemory(String when) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) {
                System.out.println(when + ": " + line.replaceAll("\\s+", " "));
            }
        }
    }

    /** Heap bytes allocated so far by all live threads (the engine's workers included). */
    private static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** One run: {TTFT ms, sum of decode step ms, heap bytes allocated per decode step}. */
    private static double[] run(Engine engine, int prompt, int decode, SplittableRandom random) {
        int[] ids = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            ids[i] = random.nextInt(engine.vocabSize());
        }
        engine.reset();
        long t0 = System.nanoTime();
        int next = engine.prefill(ids, prompt);
        double ttft = (System.nanoTime() - t0) / 1e6;
        double steps = 0;
        long allocated = allocatedBytes();
        for (int i = 1; i < decode; i++) {
            long s = System.nanoTime();
            next = engine.decode(next);
            steps += (System.nanoTime() - s) / 1e6;
        }
        return new double[]{ttft, steps, (allocatedBytes() - allocated) / (double) (decode - 1)};
    }
}
