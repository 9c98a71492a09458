package dev.llmbench.engine.java.bench;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.java.JavaEngineProvider;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prefill and decode tokens/s of the Java engine on the scenarios S1..S6 (prompt, decode tokens):
 * (16,32) (64,64) (256,128) (512,256) (1024,128) (64,512). Per scenario the median of {@code reps} runs is printed:
 * prefill tokens/s = prompt / TTFT, decode tokens/s = (decode - 1) / sum of step times (the definitions of the
 * pages). The machine's read bandwidth moves with the load of its neighbours (readings from 22 to 75 GB/s within
 * minutes), so it is sampled during the very runs it is compared with: after every 16 decode steps, one untimed
 * {@link StreamBench} pass over 512 MiB on 2 threads. Decode is printed as a fraction of the bound that the median
 * sample of its run sets (bandwidth / bf16 weight bytes per token), median over the runs. At the end, peak resident
 * memory (VmHWM of /proc/self/status) after warm-up, which is the engine's own peak (its buffers are all allocated
 * at open), and at the end, which also counts the bandwidth buffer. Four short runs warm the JIT first.
 *
 * <p>A benchmark, not a test. Run from the repository root:
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmn64m --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp runner/target/classes:runner/target/test-classes:$(cat runner/target/cp.txt) \
 *   dev.llmbench.engine.java.bench.DecodePrefillBench [model=synthetic:qwen2.5-1.5b] [reps=3] [scenarios=S1,...,S6]
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
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
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
                run(engine, w[0], w[1], random, null);
            }
            printMemory("after warm-up");
            // bf16 weights, each read once per decode step (the tied LM head reads the whole embedding)
            double gbPerToken = engine.model().parameters() * 2 / 1e9;
            try (Arena arena = Arena.ofShared()) {
                MemorySegment streamBuffer = StreamBench.buffer(arena, 512L << 20);
                System.out.println("scenario prompt decode | TTFT ms | prefill tok/s | decode tok/s | read bandwidth"
                        + " during the decode steps, GB/s | decode / (bandwidth / " + String.format(Locale.ROOT,
                        "%.3f", gbPerToken) + " GB) | heap allocated per decode step | load average  (medians of "
                        + reps + " runs)");
                for (String id : ids) {
                    int[] s = SCENARIOS.get(id.trim());
                    double[] ttft = new double[reps];
                    double[] prefill = new double[reps];
                    double[] decode = new double[reps];
                    double[] bandwidth = new double[reps];
                    double[] fraction = new double[reps];
                    double allocation = 0;
                    for (int r = 0; r < reps; r++) {
                        double[] m = run(engine, s[0], s[1], random, streamBuffer);
                        ttft[r] = m[0];
                        prefill[r] = s[0] / (m[0] / 1000);
                        decode[r] = (s[1] - 1) / (m[1] / 1000);
                        allocation = Math.max(allocation, m[2]);
                        bandwidth[r] = m[3];
                        fraction[r] = decode[r] * gbPerToken / m[3];
                    }
                    System.out.printf(Locale.ROOT, "%s %5d %5d | %9.1f | %8.2f | %6.3f | %5.1f | %4.0f %% | %.0f B/step | load %s",
                            id, s[0], s[1], median(ttft), median(prefill), median(decode), median(bandwidth),
                            100 * median(fraction), allocation, Files.readString(Path.of("/proc/loadavg")));
                    if (engine.sawNonFiniteLogits()) {
                        System.out.println("  non-finite logits seen");
                    }
                }
            }
        }
        printMemory("at the end (the peak includes the 512 MiB bandwidth buffer)");
        System.out.printf(Locale.ROOT, "load average after: %s", Files.readString(Path.of("/proc/loadavg")));
    }

    private static void printMemory(String when) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) {
                System.out.println(when + ": " + line.replaceAll("\\s+", " "));
            }
        }
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += Math.max(0, x);
        }
        return s;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    /**
     * One run: {TTFT ms, sum of decode step ms, heap bytes allocated per decode step, median GB/s of the stream
     * passes made between every 16 decode steps (untimed; 0 without {@code stream})}.
     */
    private static double[] run(Engine engine, int prompt, int decode, SplittableRandom random, MemorySegment stream)
            throws Exception {
        int[] ids = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            ids[i] = random.nextInt(engine.vocabSize());
        }
        engine.reset();
        long t0 = System.nanoTime();
        int next = engine.prefill(ids, prompt);
        double ttft = (System.nanoTime() - t0) / 1e6;
        double steps = 0;
        double[] samples = new double[decode / 16 + 1];
        int sampled = 0;
        // the engine's own allocation: this thread's inside the decode calls, and its workers' (which run nothing else)
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("llmbench-java-")).mapToLong(Thread::threadId).toArray();
        long workersBefore = sum(mx.getThreadAllocatedBytes(workers));
        long mine = 0;
        for (int i = 1; i < decode; i++) {
            if (stream != null && (i - 1) % 16 == 0) {
                samples[sampled++] = StreamBench.pass(stream, 2);
            }
            long a = mx.getCurrentThreadAllocatedBytes();
            long s = System.nanoTime();
            next = engine.decode(next);
            steps += (System.nanoTime() - s) / 1e6;
            mine += mx.getCurrentThreadAllocatedBytes() - a;
        }
        double perStep = (mine + sum(mx.getThreadAllocatedBytes(workers)) - workersBefore) / (double) (decode - 1);
        return new double[]{ttft, steps, perStep, sampled == 0 ? 0 : median(java.util.Arrays.copyOf(samples, sampled))};
    }
}
