package dev.llmbench.engine.java.bench;

import dev.llmbench.model.ModelConfig;
import dev.llmbench.model.SyntheticWeights;

import java.lang.foreign.Arena;
import java.util.Locale;

/**
 * Time to fill the weights of a synthetic model on the host ({@link SyntheticWeights#generate}), the best of several
 * passes, with the vector fill or, with {@code -Dllmbench.synthetic.scalar=true}, the scalar one. Run both in one
 * sitting to compare them.
 *
 * <p>A benchmark, not a test. Run from the repository root:
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp runner/target/classes:runner/target/test-classes:$(cat runner/target/cp.txt) \
 *   dev.llmbench.engine.java.bench.SyntheticBench [model=qwen2.5-1.5b] [threads=0] [passes=3]
 * </pre>
 */
public final class SyntheticBench {
    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "qwen2.5-1.5b";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ModelConfig config = ModelConfig.preset(model).orElseThrow(() -> new IllegalArgumentException("no preset " + model));
        double best = Double.MAX_VALUE;
        long bytes = 0;
        for (int p = 0; p < passes; p++) {
            try (Arena arena = Arena.ofShared()) {
                long t0 = System.nanoTime();
                var tensors = SyntheticWeights.generate(config, 42, arena, threads);
                double ms = (System.nanoTime() - t0) / 1e6;
                bytes = tensors.values().stream().mapToLong(t -> t.data().byteSize()).sum();
                best = Math.min(best, ms);
                System.out.printf(Locale.ROOT, "pass %d: %.0f ms%n", p + 1, ms);
            }
        }
        System.out.printf(Locale.ROOT, "%s, %s fill, threads %d: best %.0f ms for %.2f GB (%.2f GB/s)%n", model,
                Boolean.getBoolean("llmbench.synthetic.scalar") ? "scalar" : "vector", threads, best, bytes / 1e9,
                bytes / 1e6 / best);
    }
}
