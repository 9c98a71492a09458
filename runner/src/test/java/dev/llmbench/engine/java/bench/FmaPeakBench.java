package dev.llmbench.engine.java.bench;

import dev.llmbench.model.ModelConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * The f32 FMA throughput that the Vector API reaches on this machine: each thread runs twelve independent chains of
 * vector FMAs on registers (enough to cover the FMA latency), the best of several passes is printed. It bounds the
 * prefill speed of an engine whose matrix products run on f32 FMAs: prompt tokens/s &lt;= FLOP/s / (2 x the
 * parameters that a prompt token multiplies, the LM head and embedding excluded).
 *
 * <p>A benchmark, not a test. Run from the repository root:
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp runner/target/classes:runner/target/test-classes:$(cat runner/target/cp.txt) \
 *   dev.llmbench.engine.java.bench.FmaPeakBench [threads=2] [model preset=qwen2.5-1.5b]
 * </pre>
 */
public final class FmaPeakBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final long ITERATIONS = 100_000_000L;

    private FmaPeakBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        String preset = args.length > 1 ? args[1] : "qwen2.5-1.5b";
        double best = 0;
        for (int pass = 0; pass < 5; pass++) {
            Thread[] ts = new Thread[threads];
            float[] sink = new float[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> sink[id] = chains(ITERATIONS, 1e-9f * (id + 1)));
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double gflops = 2.0 * F.length() * 12 * ITERATIONS * threads / s / 1e9;
            best = Math.max(best, gflops);
            System.out.printf(Locale.ROOT, "pass %d: %.1f GFLOP/s (%d threads, %d-bit vectors, checksum %.3g)%n",
                    pass, gflops, threads, F.vectorBitSize(), sink[0]);
        }
        ModelConfig c = ModelConfig.preset(preset).orElseThrow(() -> new IllegalArgumentException("unknown preset " + preset));
        long embedding = (long) c.vocabSize() * c.hiddenSize() * (c.tieWordEmbeddings() ? 1 : 2);
        double flopPerToken = 2.0 * (c.parameterCount() - embedding);
        System.out.printf(Locale.ROOT, "f32 FMA peak: %.1f GFLOP/s; prefill bound for %s: %.1f prompt tokens/s "
                + "(%.2f GFLOP per token, attention not counted)%n", best, preset, best * 1e9 / flopPerToken, flopPerToken / 1e9);
    }

    private static float chains(long iterations, float seed) {
        FloatVector a = FloatVector.broadcast(F, 1.0000001f);
        FloatVector b = FloatVector.broadcast(F, seed);
        FloatVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
