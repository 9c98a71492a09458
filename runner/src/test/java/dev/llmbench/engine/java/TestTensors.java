package dev.llmbench.engine.java;

import dev.llmbench.model.DType;
import dev.llmbench.model.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random tensors and vectors for kernel tests. */
final class TestTensors {
    private TestTensors() {
    }

    /** A tensor of {@code shape} with values uniform in [-1, 1), rounded to {@code dtype}. */
    static Tensor random(Arena arena, DType dtype, long seed, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment seg = arena.allocate(n * dtype.bytes() + 1, 4).asSlice(1); // deliberately misaligned
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            put(seg, dtype, i, (float) (r.nextDouble() * 2 - 1));
        }
        return new Tensor("test", dtype, shape, seg);
    }

    static void put(MemorySegment seg, DType dtype, long i, float f) {
        switch (dtype) {
            case BF16 -> {
                int b = Float.floatToRawIntBits(f);
                seg.set(Tensor.SHORT, i * 2, (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16));
            }
            case F16 -> seg.set(Tensor.SHORT, i * 2, Float.floatToFloat16(f));
            case F32 -> seg.set(Tensor.FLOAT, i * 4, f);
        }
    }

    static float[] vector(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
