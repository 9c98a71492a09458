package dev.llmbench.engine.java;

import dev.llmbench.model.DType;
import dev.llmbench.model.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every vector kernel against {@link ScalarKernels}, per weight dtype.
 *
 * <p>Tolerance of a dot product of length K: the vector kernels and the double-precision oracle see the same
 * (dtype-rounded) inputs and differ only in the f32 rounding of the sum, which in any summation order is bounded by
 * {@code gamma_K * sum |w_k x_k|} with {@code gamma_K ~ K * 2^-24} (Higham, recursive summation); that bound, with 1%
 * slack and 1e-6 absolute for sums near zero, is what is asserted.
 */
class KernelsTest {

    // odd sizes exercise the scalar tails: 77 columns = 4 full 16-lane vectors + 13 (bf16: 2 vectors of 16 pairs + 13),
    // 97 = 3 vectors of pairs + an odd last column; 13 rows = 3 tiles of 4 + 1
    @ParameterizedTest
    @EnumSource(DType.class)
    void gemvMatchesScalarOracle(DType dtype) {
        for (int[] size : new int[][]{{13, 77}, {64, 128}, {7, 300}, {9, 97}}) {
            try (Arena arena = Arena.ofConfined()) {
                Tensor w = TestTensors.random(arena, dtype, 1, size[0], size[1]);
                Tensor bias = TestTensors.random(arena, dtype, 2, size[0]);
                float[] x = TestTensors.vector(3, size[1]);
                float[] out = new float[size[0]];
                float[] scratch = new float[Kernels.scratchFloats(size[1])];
                // two row ranges, as two threads would split them
                float[] pairs = pairs(x, size[1]);
                Kernels.gemv(w, 0, 5, x, 0, pairs, out, 0, bias, false, scratch);
                Kernels.gemv(w, 5, size[0], x, 0, pairs, out, 0, bias, false, scratch);
                assertClose(out, ScalarKernels.matmul(w, x, 1, bias), ScalarKernels.magnitude(w, x, 1), size[1]);
            }
        }
    }

    // 4200 columns = four full column blocks + 104; 70 tokens = a packed group + a tail of 6 (a 4-token tile and
    // two single dot products); rows 0..94 in one unit = 15 tiles of 6 + 5 single rows, row 95 in a second
    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmBlocksOverColumnsTokensAndRows(DType dtype) {
        try (Arena arena = Arena.ofConfined()) {
            int rows = 96;
            int cols = 4200;
            int tokens = 70;
            Tensor w = TestTensors.random(arena, dtype, 21, rows, cols);
            Tensor bias = TestTensors.random(arena, dtype, 22, rows);
            float[] x = TestTensors.vector(23, tokens * cols);
            float[] out = new float[tokens * rows];
            float[] scratch = new float[Kernels.scratchFloats(cols)];
            float[] xp = packed(x, tokens, cols);
            Kernels.gemm(w, 0, rows - 1, x, xp, tokens, out, rows, bias, false, scratch);
            Kernels.gemm(w, rows - 1, rows, x, xp, tokens, out, rows, bias, false, scratch);
            assertClose(out, ScalarKernels.matmul(w, x, tokens, bias), ScalarKernels.magnitude(w, x, tokens), cols);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmMatchesScalarOracleForEveryTokenCount(DType dtype) {
        // tails alone (1..63 tokens), one whole group, and a group + a tail of 36
        for (int tokens : new int[]{1, 2, 4, 7, 9, 16, 33, 64, 100}) {
            try (Arena arena = Arena.ofConfined()) {
                Tensor w = TestTensors.random(arena, dtype, 4, 13, 77);
                float[] x = TestTensors.vector(5, tokens * 77);
                float[] out = new float[tokens * 13];
                float[] scratch = new float[Kernels.scratchFloats(77)];
                float[] xp = packed(x, tokens, 77);
                Kernels.gemm(w, 0, 8, x, xp, tokens, out, 13, null, false, scratch);
                Kernels.gemm(w, 8, 13, x, xp, tokens, out, 13, null, false, scratch);
                assertClose(out, ScalarKernels.matmul(w, x, tokens, null), ScalarKernels.magnitude(w, x, tokens), 77);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void accumulateAddsToTheOutput(DType dtype) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = TestTensors.random(arena, dtype, 6, 8, 32);
            float[] x = TestTensors.vector(7, 3 * 32);
            float[] viaGemm = new float[3 * 8];
            java.util.Arrays.fill(viaGemm, 1f);
            Kernels.gemm(w, 0, 8, x, packed(x, 3, 32), 3, viaGemm, 8, null, true, new float[Kernels.scratchFloats(32)]);
            float[] viaGemv = new float[8];
            java.util.Arrays.fill(viaGemv, 1f);
            Kernels.gemv(w, 0, 8, x, 0, pairs(x, 32), viaGemv, 0, null, true, new float[Kernels.scratchFloats(32)]);
            float[] expected = ScalarKernels.matmul(w, x, 3, null);
            float[] mag = ScalarKernels.magnitude(w, x, 3);
            for (int i = 0; i < expected.length; i++) {
                expected[i] += 1f;
            }
            assertClose(viaGemm, expected, mag, 33);
            assertClose(viaGemv, java.util.Arrays.copyOf(expected, 8), java.util.Arrays.copyOf(mag, 8), 33);
        }
    }

    @Test
    void packPutsTheTokensOfWholeGroupsInLanes() {
        int tokens = 2 * Kernels.GROUP + 3;
        int cols = 5;
        float[] x = TestTensors.vector(9, tokens * cols);
        float[] xp = packed(x, tokens, cols);
        assertThat(xp).hasSize(2 * Kernels.GROUP * cols);
        for (int t = 0; t < 2 * Kernels.GROUP; t++) {
            for (int k = 0; k < cols; k++) {
                int g = t / Kernels.GROUP;
                assertThat(xp[(g * cols + k) * Kernels.GROUP + t % Kernels.GROUP]).isEqualTo(x[t * cols + k]);
            }
        }
    }

    private static float[] pairs(float[] x, int cols) {
        float[] p = new float[cols];
        Kernels.splitPairs(x, 0, cols, p);
        return p;
    }

    /** The inputs packed as {@link Kernels#gemm} takes them, group by group, in two column slices each. */
    private static float[] packed(float[] x, int tokens, int cols) {
        float[] xp = new float[Kernels.packedFloats(tokens, cols)];
        java.util.Arrays.fill(xp, Float.NaN); // every element must be written
        for (int g = 0; g < Kernels.groups(tokens); g++) {
            Kernels.pack(x, cols, xp, g, 0, cols / 2);
            Kernels.pack(x, cols, xp, g, cols / 2, cols);
        }
        return xp;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void unpackRowIsTheDtypeValue(DType dtype) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = TestTensors.random(arena, dtype, 8, 3, 45);
            float[] row = new float[45];
            Kernels.unpackRow(w, 2, row, 0);
            for (int k = 0; k < 45; k++) {
                assertThat(row[k]).isEqualTo(w.getFloat(2 * 45 + k));
            }
        }
    }

    // 40 = 2 vectors + 8 (d tail), 11 positions = 2 groups of 4 + 3, keys of one head inside rows of 3 heads
    @Test
    void attentionScoresAndValuesMatchScalar() {
        int d = 40;
        int heads = 3;
        int n = 11;
        long stride = (long) heads * d * 4;
        long base = d * 4L; // the second head
        try (Arena arena = Arena.ofConfined()) {
            var keys = arena.allocate(n * stride);
            var values = arena.allocate(n * stride);
            float[] kv = TestTensors.vector(31, n * heads * d * 2);
            for (int i = 0; i < n * heads * d; i++) {
                keys.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, kv[i]);
                values.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, kv[n * heads * d + i]);
            }
            float[] q = TestTensors.vector(32, d + 5);
            float[] s = new float[n + 2];
            Kernels.attentionScores(q, 5, keys, base, stride, d, n, 0.5f, s, 2);
            float[] p = TestTensors.vector(33, n + 1);
            float[] out = new float[d + 3];
            java.util.Arrays.fill(out, 1f); // accumulates into the output
            Kernels.attentionValues(p, 1, n, values, base, stride, d, out, 3);
            for (int j = 0; j < n; j++) {
                double want = 0;
                double mag = 0;
                for (int i = 0; i < d; i++) {
                    double term = (double) q[5 + i] * keys.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, j * heads * d + d + i);
                    want += term;
                    mag += Math.abs(term);
                }
                assertThat((double) Math.abs(s[2 + j] - 0.5 * want)).isLessThanOrEqualTo(0.5 * (d + 1) * 0x1p-24 * 1.01 * mag + 1e-6);
            }
            for (int i = 0; i < d; i++) {
                double want = 0;
                double mag = 0;
                for (int j = 0; j < n; j++) {
                    double term = (double) p[1 + j] * values.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, j * heads * d + d + i);
                    want += term;
                    mag += Math.abs(term);
                }
                assertThat((double) Math.abs(out[3 + i] - 1 - want)).isLessThanOrEqualTo((n + 2) * 0x1p-24 * 1.01 * (mag + 1) + 1e-6);
            }
        }
    }

    @Test
    void rmsnormSoftmaxSiluRopeMatchScalar() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor norm = TestTensors.random(arena, DType.BF16, 9, 70);
            float[] x = TestTensors.vector(10, 70);
            float[] got = new float[70];
            float[] want = new float[70];
            Kernels.rmsnorm(x, 0, got, 0, norm, 70, 1e-6f);
            ScalarKernels.rmsnorm(x, 0, want, 0, norm, 70, 1e-6);
            assertCloseAbs(got, want, 1e-5f);
        }
        float[] s = TestTensors.vector(11, 37);
        for (int i = 0; i < s.length; i++) {
            s[i] *= 20; // wide range: the max shift matters
        }
        float[] want = s.clone();
        Kernels.softmax(s, 0, 37);
        ScalarKernels.softmax(want, 0, 37);
        assertCloseAbs(s, want, 1e-6f);

        float[] g = TestTensors.vector(12, 50);
        float[] u = TestTensors.vector(13, 50);
        float[] expected = new float[50];
        for (int i = 0; i < 50; i++) {
            g[i] *= 8;
            expected[i] = ScalarKernels.silu(g[i]) * u[i];
        }
        Kernels.siluMul(g, u, 0, 50);
        assertCloseAbs(g, expected, 1e-5f);

        int d = 16;
        int pos = 1000;
        double theta = 1_000_000.0;
        float[] v = TestTensors.vector(14, d);
        float[] ref = v.clone();
        float[] cos = new float[d / 2];
        float[] sin = new float[d / 2];
        for (int i = 0; i < d / 2; i++) {
            float invFreq = (float) (1.0 / Math.pow(theta, (float) (2 * i) / d));
            cos[i] = (float) Math.cos(pos * invFreq);
            sin[i] = (float) Math.sin(pos * invFreq);
        }
        Kernels.rope(v, 0, d, cos, sin, 0);
        ScalarKernels.rope(ref, 0, d, pos, theta);
        assertCloseAbs(v, ref, 1e-6f);
    }

    /** {@code terms}: summands per output (K, plus one for a bias or an accumulated value). */
    private static void assertClose(float[] got, float[] want, float[] magnitude, int terms) {
        assertThat(got).hasSameSizeAs(want);
        float rel = 1.01f * (terms + 1) * 0x1p-24f;
        for (int i = 0; i < got.length; i++) {
            float tol = rel * magnitude[i] + 1e-6f;
            assertThat(Math.abs(got[i] - want[i])).as("element %d: got %s, oracle %s", i, got[i], want[i])
                    .isLessThanOrEqualTo(tol);
        }
    }

    private static void assertCloseAbs(float[] got, float[] want, float tol) {
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] - want[i])).as("element %d: got %s, oracle %s", i, got[i], want[i])
                    .isLessThanOrEqualTo(tol);
        }
    }
}
