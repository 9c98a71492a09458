package dev.llmbench.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A weight tensor: a slice of a mapped safetensors file (or of the synthetic weight block), never a copy.
 * Row-major; a 2-D tensor is {@code (rows, cols)} as in a Hugging Face {@code Linear.weight}
 * {@code (out_features, in_features)}.
 *
 * @param name  tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param data  {@code numel * dtype.bytes()} bytes, little-endian
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    /** One bf16 or f16 element: little-endian, any alignment (mapped tensors need not be aligned). */
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /** One f32 element: little-endian, any alignment. */
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Checks that {@code data} holds exactly {@code shape}'s elements of {@code dtype}; copies {@code shape}. */

    public Tensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension: " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (data.byteSize() != n * dtype.bytes()) {
            throw new IllegalArgumentException("tensor " + name + " holds " + data.byteSize() + " bytes, shape "
                    + Arrays.toString(shape) + " of " + dtype.label() + " needs " + n * dtype.bytes());
        }
    }

    /** Number of elements. */
    public long numel() {
        return data.byteSize() / dtype.bytes();
    }

    /** Rows of a 2-D tensor. */
    public int rows() {
        return Math.toIntExact(shape[0]);
    }

    /** Columns of a 2-D tensor (the reduction dimension of a matmul). */
    public int cols() {
        return Math.toIntExact(shape[1]);
    }

    /** Element {@code i} (flat index) as f32. Scalar: for norms, biases, embedding rows and the oracle. */
    public float getFloat(long i) {
        return switch (dtype) {
            case BF16 -> Float.intBitsToFloat((data.get(SHORT, i * 2) & 0xFFFF) << 16);
            case F16 -> Float.float16ToFloat(data.get(SHORT, i * 2));
            case F32 -> data.get(FLOAT, i * 4);
        };
    }

    /** The shape as {@code [d0, d1, ...]}, for messages. */
    public String shapeString() {
        return Arrays.toString(shape);
    }
}
