package dev.llmbench.engine.java;

import dev.llmbench.model.Tensor;

/**
 * The naive scalar oracle of {@link Kernels}: one element at a time, in index order, accumulated in double so that
 * it is more exact than any f32 kernel it judges. Weights are read through {@link Tensor#getFloat}, which is the
 * definition of each dtype's value.
 */
final class ScalarKernels {
    private ScalarKernels() {
    }

    /** {@code out[t][r] = sum_k W[r][k] x[t][k] + bias[r]} for all rows; out is (tokens, rows). */
    static float[] matmul(Tensor w, float[] x, int tokens, Tensor bias) {
        int rows = w.rows();
        int cols = w.cols();
        float[] out = new float[tokens * rows];
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += (double) w.getFloat((long) r * cols + k) * x[t * cols + k];
                }
                out[t * rows + r] = (float) (s + (bias == null ? 0 : bias.getFloat(r)));
            }
        }
        return out;
    }

    /** Sum of {@code |W[r][k] x[t][k]|} per output: the scale of the rounding error an f32 sum may make. */
    static float[] magnitude(Tensor w, float[] x, int tokens) {
        int rows = w.rows();
        int cols = w.cols();
        float[] out = new float[tokens * rows];
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += Math.abs((double) w.getFloat((long) r * cols + k) * x[t * cols + k]);
                }
                out[t * rows + r] = (float) s;
            }
        }
        return out;
    }

    static void rmsnorm(float[] x, int xOff, float[] out, int outOff, Tensor w, int n, double eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) x[xOff + i] * x[xOff + i];
        }
        double inv = 1.0 / Math.sqrt(ss / n + eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (float) (x[xOff + i] * inv * w.getFloat(i));
        }
    }

    static void softmax(float[] s, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(s[off + i] - max);
        }
        for (int i = 0; i < n; i++) {
            s[off + i] = (float) (Math.exp(s[off + i] - max) / sum);
        }
    }

    static float silu(float a) {
        return (float) (a / (1.0 + Math.exp(-a)));
    }

    /** Rotate-half RoPE at position {@code pos}: {@code out = x cos + rotate_half(x) sin}, rotate_half(x) = (-x2, x1). */
    static void rope(float[] v, int off, int d, int pos, double theta) {
        int half = d / 2;
        for (int i = 0; i < half; i++) {
            float invFreq = (float) (1.0 / Math.pow(theta, (float) (2 * i) / d));
            float angle = pos * invFreq;
            double c = (float) Math.cos(angle);
            double s = (float) Math.sin(angle);
            double a = v[off + i];
            double b = v[off + half + i];
            v[off + i] = (float) (a * c - b * s);
            v[off + half + i] = (float) (b * c + a * s);
        }
    }
}
