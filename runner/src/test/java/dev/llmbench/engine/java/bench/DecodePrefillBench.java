package dev.llmbench.engine.java.bench;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.java.JavaEngineProvider;
import dev.llmbench.results.Statistics;

import java.lang.foreign.Arena;
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
 * minutes), so it is sampled during the very runs it is compared with: before every window of 4 decode steps, one
 * untimed {@link StreamBench} pass over 256 MiB on 2 threads (kept up between passes). Each window's decode speed is divided by the bound
 * that its own sample sets (bandwidth / bf16 weight bytes per token), and the median of these fractions over all
 * windows of all runs is printed, as is the median bandwidth. At the end, peak resident
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
    /** Decode steps per bandwidth sample. */
    private static final int WINDOW = 4;
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
            try (Arena arena = Arena.ofShared();
                 StreamBench.Streamer streamBuffer = new StreamBench.Streamer(StreamBench.buffer(arena, 256L << 20), 2)) {
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
                    double[] fractions = new double[0];
                    double allocation = 0;
                    for (int r = 0; r < reps; r++) {
                        double[] m = run(engine, s[0], s[1], random, streamBuffer);
                        ttft[r] = m[0];
                        prefill[r] = s[0] / (m[0] / 1000);
                        decode[r] = (s[1] - 1) / (m[1] / 1000);
                        allocation = Math.max(allocation, m[2]);
                        bandwidth[r] = m[3];
                        double[] f = java.util.Arrays.copyOfRange(m, 4, m.length);
                        for (int i = 0; i < f.length; i++) {
                            f[i] *= gbPerToken;
                        }
                        fractions = concat(fractions, f);
                    }
                    System.out.printf(Locale.ROOT, "%s %5d %5d | %9.1f | %8.2f | %6.3f | %5.1f | %4.0f %% | %.0f B/step | load %s",
                            id, s[0], s[1], median(ttft), median(prefill), median(decode), median(bandwidth),
                            100 * median(fractions), allocation, Files.readString(Path.of("/proc/loadavg")));
                    if (engine.sawNonFiniteLogits()) {
                        System.out.println("  non-finite logits seen");
                    }
                }
            }
        }
        printMemory("at the end (the peak includes the 256 MiB bandwidth buffer)");
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
        return Statistics.of(v).median();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * One run: {TTFT ms, sum of decode step ms, heap bytes allocated per decode step, median GB/s of the stream
     * passes, then per window of 4 steps its tokens/s divided by the GB/s of the pass just before it} (no stream
     * passes and no windows without {@code stream}).
     */
    private static double[] run(Engine engine, int prompt, int decode, SplittableRandom random, StreamBench.Streamer stream)
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
        int windows = (decode - 1) / WINDOW;
        double[] samples = new double[windows];
        double[] perGb = new double[windows];
        // the engine's own allocation: this thread's inside the decode calls, and its workers' (which run nothing else)
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("llmbench-java-")).mapToLong(Thread::threadId).toArray();
        long workersBefore = sum(mx.getThreadAllocatedBytes(workers));
        long mine = 0;
        double windowMs = 0;
        for (int i = 1; i < decode; i++) {
            int w = (i - 1) / WINDOW;
            boolean sampling = stream != null && w < windows;
            if (sampling && (i - 1) % WINDOW == 0) {
                samples[w] = stream.pass();
                windowMs = 0;
            }
            long a = mx.getCurrentThreadAllocatedBytes();
            long s = System.nanoTime();
            next = engine.decode(next);
            double ms = (System.nanoTime() - s) / 1e6;
            mine += mx.getCurrentThreadAllocatedBytes() - a;
            steps += ms;
            windowMs += ms;
            if (sampling && i % WINDOW == 0) {
                perGb[w] = WINDOW / (windowMs / 1000) / samples[w];
            }
        }
        double perStep = (mine + sum(mx.getThreadAllocatedBytes(workers)) - workersBefore) / (double) (decode - 1);
        double[] result = new double[4 + (stream == null ? 0 : windows)];
        result[0] = ttft;
        result[1] = steps;
        result[2] = perStep;
        result[3] = stream == null || windows == 0 ? 0 : median(samples);
        if (stream != null) {
            System.arraycopy(perGb, 0, result, 4, windows);
        }
        return result;
    }
}
