package dev.llmbench.engine.java;

import dev.llmbench.engine.EngineException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic random bf16 weights of a config's exact shapes, in one off-heap block, made in parallel.
 *
 * <p>Element {@code i} of tensor {@code n} is a pure function of {@code (seed, n, i)} (a SplitMix64 hash of a counter
 * gives four 16-bit uniforms), so any thread may fill any range and the result never depends on the thread count.
 * Matrices are uniform in {@code ±sqrt(3 / in_features)} (unit variance in, unit variance out), norm weights
 * {@code 1 ± 0.1}, biases {@code ±0.1}: activations stay O(1) through every layer and the logits are finite.
 */
final class SyntheticWeights {
    /** Elements per work unit (a multiple of 4: one hash makes four elements). */
    private static final int CHUNK = 1 << 20;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SyntheticWeights() {
    }

    static Weights generate(ModelConfig c, long seed, Arena arena, WorkerPool pool) throws EngineException {
        return Weights.bind(c, tensors(c, seed, arena, pool), Map.of(), "synthetic model");
    }

    /** The named tensors of a Qwen2 checkpoint of config {@code c}, filled from {@code seed}. */
    static Map<String, Tensor> tensors(ModelConfig c, long seed, Arena arena, WorkerPool pool) throws EngineException {
        Map<String, long[]> shapes = Weights.expectedShapes(c);
        List<String> names = List.copyOf(shapes.keySet());
        long[] offsets = new long[names.size()];
        long total = 0;
        for (int i = 0; i < names.size(); i++) {
            offsets[i] = total;
            total += (numel(shapes.get(names.get(i))) * 2 + 63) & ~63L; // 64-byte aligned tensors
        }
        MemorySegment block;
        try {
            block = arena.allocate(total, 64);
        } catch (OutOfMemoryError e) {
            throw new EngineException(EngineException.Kind.INVALID_INPUT, "synthetic weights need " + (total >> 20)
                    + " MiB of native memory and the allocation failed (" + e.getMessage()
                    + "); free memory or choose a smaller model (e.g. synthetic:qwen2.5-0.5b)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Fill fill = new Fill(names.size());
        int units = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            long[] shape = shapes.get(name);
            long n = numel(shape);
            Tensor t = new Tensor(name, DType.BF16, shape, block.asSlice(offsets[i], n * 2));
            tensors.put(name, t);
            fill.tensors[i] = t;
            fill.scale[i] = scale(name, shape);
            fill.center[i] = name.endsWith("norm.weight") ? 1f : 0f;
            units += (int) ((n + CHUNK - 1) / CHUNK);
            fill.unitEnd[i] = units;
        }
        fill.seed = seed;
        pool.run(fill, units);
        return tensors;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static float scale(String name, long[] shape) {
        if (name.endsWith("norm.weight")) {
            return 0.1f;
        }
        if (name.endsWith(".bias")) {
            return 0.1f;
        }
        return (float) Math.sqrt(3.0 / shape[1]);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** bf16 bits of {@code center + scale * u}, {@code u} uniform in [-1, 1) from 16 bits, rounded to nearest even. */
    static short element(int bits16, float center, float scale) {
        float f = center + (bits16 - 32768) * (scale / 32768f);
        int b = Float.floatToRawIntBits(f);
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    private static final class Fill extends WorkerPool.Op {
        final Tensor[] tensors;
        final float[] scale;
        final float[] center;
        final int[] unitEnd;
        long seed;

        Fill(int n) {
            tensors = new Tensor[n];
            scale = new float[n];
            center = new float[n];
            unitEnd = new int[n];
        }

        @Override
        void unit(int u, int worker) {
            int ti = 0;
            while (u >= unitEnd[ti]) {
                ti++;
            }
            long first = (long) (u - (ti == 0 ? 0 : unitEnd[ti - 1])) * CHUNK;
            Tensor t = tensors[ti];
            long end = Math.min(first + CHUNK, t.numel());
            MemorySegment seg = t.data();
            float s = scale[ti];
            float c0 = center[ti];
            long base = mix(seed ^ (ti + 1) * 0x9E3779B97F4A7C15L);
            for (long i = first; i < end; i += 4) {
                long h = mix(base + (i >>> 2) * 0xD1B54A32D192ED03L);
                if (i + 4 <= end) {
                    long packed = (element((int) (h & 0xFFFF), c0, s) & 0xFFFFL)
                            | (element((int) ((h >>> 16) & 0xFFFF), c0, s) & 0xFFFFL) << 16
                            | (element((int) ((h >>> 32) & 0xFFFF), c0, s) & 0xFFFFL) << 32
                            | (element((int) (h >>> 48), c0, s) & 0xFFFFL) << 48;
                    seg.set(LONG_LE, i * 2, packed);
                } else {
                    for (long j = i; j < end; j++) {
                        seg.set(Tensor.SHORT, j * 2, element((int) ((h >>> (16 * (j - i))) & 0xFFFF), c0, s));
                    }
                }
            }
        }
    }
}
