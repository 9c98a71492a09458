package dev.llmbench.engine.java;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API kernels, f32 accumulation. Weights are read straight from their {@link MemorySegment}: bf16 widens to
 * f32 by a 16-bit left shift of the bits, f32 loads as is, f16 widens through {@link Float#float16ToFloat}
 * into a per-thread row buffer (the Vector API has no lane-wise f16 conversion). Matmuls compute
 * {@code out[t][r] (+)= sum_k W[r][k] * x[t][k] + bias[r]} for a row range {@code [r0, r1)}, so callers split rows
 * across threads. {@link ScalarKernels} is the oracle for every kernel here.
 */
final class Kernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Half-width shorts that widen to one full f32 vector. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Register tile of {@link #gemm}: weight rows x tokens. */
    static final int GEMM_ROWS = 4;
    static final int GEMM_TOKENS = 4;
    /**
     * Column block of {@link #gemm}: 2048 f32 = 8 KB per weight row or input token; long enough that the 16 lane
     * reductions closing each register tile cost little next to its FMAs.
     */
    static final int GEMM_COLS = 2048;
    /** Token block of {@link #gemm}: 64 tokens x 8 KB = 512 KB of inputs, kept in the 1 MB L2 of a core. */
    static final int GEMM_TOKEN_BLOCK = 64;
    /** Most weight rows one {@link #gemm} call (one work unit) may take. */
    static final int MAX_UNIT_ROWS = 64;

    private Kernels() {
    }

    /** Floats of per-thread scratch that {@link #gemv} and {@link #gemm} need for rows of {@code cols} columns. */
    static int scratchFloats(int cols) {
        // gemm: a (unit rows, column block) weight block, then one tile's sums; gemv (f16): one row
        return Math.max(MAX_UNIT_ROWS * GEMM_COLS + GEMM_ROWS * GEMM_TOKENS, cols);
    }

    static FloatVector bf16(MemorySegment seg, long byteOffset) {
        IntVector wide = (IntVector) ShortVector.fromMemorySegment(S, seg, byteOffset, LE)
                .convertShape(VectorOperators.S2I, I, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector f32(MemorySegment seg, long byteOffset) {
        return FloatVector.fromMemorySegment(F, seg, byteOffset, LE);
    }

    /** Row {@code row} of {@code w} as f32 into {@code dst[dstOff, dstOff + cols)}. */
    static void unpackRow(Tensor w, int row, float[] dst, int dstOff) {
        unpackRange(w, row, 0, w.cols(), dst, dstOff);
    }

    /** Columns {@code [k0, k0 + cols)} of row {@code row} of {@code w} as f32 into {@code dst[dstOff, dstOff + cols)}. */
    static void unpackRange(Tensor w, int row, int k0, int cols, float[] dst, int dstOff) {
        MemorySegment seg = w.data();
        long base = (long) row * w.cols() + k0;
        int bound = F.loopBound(cols);
        int k = 0;
        switch (w.dtype()) {
            case BF16 -> {
                for (; k < bound; k += L) {
                    bf16(seg, (base + k) * 2).intoArray(dst, dstOff + k);
                }
            }
            case F32 -> {
                for (; k < bound; k += L) {
                    f32(seg, (base + k) * 4).intoArray(dst, dstOff + k);
                }
            }
            case F16 -> {
                for (; k < cols; k++) {
                    dst[dstOff + k] = Float.float16ToFloat(seg.get(Tensor.SHORT, (base + k) * 2));
                }
            }
        }
        for (; k < cols; k++) {
            dst[dstOff + k] = w.getFloat(base + k);
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += L) {
            acc = FloatVector.fromArray(F, a, aOff + k).fma(FloatVector.fromArray(F, b, bOff + k), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            s += a[aOff + k] * b[bOff + k];
        }
        return s;
    }

    /** Dot product of {@code a[aOff..+n)} with {@code n} native-order floats of {@code b} at byte {@code bOff}. */
    static float dot(float[] a, int aOff, MemorySegment b, long bOff, int n) {
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += L) {
            acc = FloatVector.fromArray(F, a, aOff + k)
                    .fma(FloatVector.fromMemorySegment(F, b, bOff + k * 4L, NATIVE), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            s += a[aOff + k] * b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, bOff + k * 4L);
        }
        return s;
    }

    /**
     * Attention scores {@code s[sOff + j] = scale * q . key_j} for positions {@code j in [0, n)}; key {@code j} is
     * {@code d} native-order floats at byte {@code base + j * stride}. Four positions at a time, so that four
     * independent FMA chains hide the FMA latency (one chain over d = 128 would wait on itself).
     */
    static void attentionScores(float[] q, int qOff, MemorySegment keys, long base, long stride, int d, int n,
                                float scale, float[] s, int sOff) {
        int bound = F.loopBound(d);
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            long k0 = base + j * stride, k1 = k0 + stride, k2 = k1 + stride, k3 = k2 + stride;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector qv = FloatVector.fromArray(F, q, qOff + i);
                long o = i * 4L;
                a0 = FloatVector.fromMemorySegment(F, keys, k0 + o, NATIVE).fma(qv, a0);
                a1 = FloatVector.fromMemorySegment(F, keys, k1 + o, NATIVE).fma(qv, a1);
                a2 = FloatVector.fromMemorySegment(F, keys, k2 + o, NATIVE).fma(qv, a2);
                a3 = FloatVector.fromMemorySegment(F, keys, k3 + o, NATIVE).fma(qv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < d; i++) {
                float qi = q[qOff + i];
                long o = i * 4L;
                s0 += qi * keys.get(ValueLayout.JAVA_FLOAT_UNALIGNED, k0 + o);
                s1 += qi * keys.get(ValueLayout.JAVA_FLOAT_UNALIGNED, k1 + o);
                s2 += qi * keys.get(ValueLayout.JAVA_FLOAT_UNALIGNED, k2 + o);
                s3 += qi * keys.get(ValueLayout.JAVA_FLOAT_UNALIGNED, k3 + o);
            }
            s[sOff + j] = s0 * scale;
            s[sOff + j + 1] = s1 * scale;
            s[sOff + j + 2] = s2 * scale;
            s[sOff + j + 3] = s3 * scale;
        }
        for (; j < n; j++) {
            s[sOff + j] = dot(q, qOff, keys, base + j * stride, d) * scale;
        }
    }

    /**
     * Attention output {@code out[outOff, outOff + d) += sum_j s[sOff + j] * value_j} over {@code j in [0, n)};
     * value {@code j} at byte {@code base + j * stride}. One output vector at a time, accumulated in registers over
     * all positions with four independent chains, so nothing is stored per position.
     */
    static void attentionValues(float[] s, int sOff, int n, MemorySegment values, long base, long stride, int d,
                                float[] out, int outOff) {
        int bound = F.loopBound(d);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long col = base + i * 4L;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                long v0 = col + j * stride;
                a0 = FloatVector.fromMemorySegment(F, values, v0, NATIVE).fma(FloatVector.broadcast(F, s[sOff + j]), a0);
                a1 = FloatVector.fromMemorySegment(F, values, v0 + stride, NATIVE).fma(FloatVector.broadcast(F, s[sOff + j + 1]), a1);
                a2 = FloatVector.fromMemorySegment(F, values, v0 + 2 * stride, NATIVE)
                        .fma(FloatVector.broadcast(F, s[sOff + j + 2]), a2);
                a3 = FloatVector.fromMemorySegment(F, values, v0 + 3 * stride, NATIVE)
                        .fma(FloatVector.broadcast(F, s[sOff + j + 3]), a3);
            }
            for (; j < n; j++) {
                a0 = FloatVector.fromMemorySegment(F, values, col + j * stride, NATIVE).fma(FloatVector.broadcast(F, s[sOff + j]), a0);
            }
            a0.add(a1).add(a2.add(a3)).add(FloatVector.fromArray(F, out, outOff + i)).intoArray(out, outOff + i);
        }
        for (; i < d; i++) {
            float sum = 0;
            for (int j = 0; j < n; j++) {
                sum += s[sOff + j] * values.get(ValueLayout.JAVA_FLOAT_UNALIGNED, base + j * stride + i * 4L);
            }
            out[outOff + i] += sum;
        }
    }

    private static void store(float[] out, int idx, float sum, Tensor bias, int row, boolean accumulate) {
        float v = bias == null ? sum : sum + bias.getFloat(row);
        out[idx] = accumulate ? out[idx] + v : v;
    }

    /**
     * Matrix-vector product for one token (decode): streams each weight row once.
     *
     * @param x       input (cols) at {@code xOff}
     * @param out     output (rows) at {@code outOff}
     * @param scratch per-thread buffer of {@link #scratchFloats} floats (f16 only)
     */
    static void gemv(Tensor w, int r0, int r1, float[] x, int xOff, float[] out, int outOff, Tensor bias,
                     boolean accumulate, float[] scratch) {
        int cols = w.cols();
        int bound = F.loopBound(cols);
        MemorySegment seg = w.data();
        int r = r0;
        switch (w.dtype()) {
            case BF16 -> {
                for (; r + 4 <= r1; r += 4) {
                    long b0 = (long) r * cols * 2, b1 = b0 + cols * 2L, b2 = b1 + cols * 2L, b3 = b2 + cols * 2L;
                    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                    int k = 0;
                    for (; k < bound; k += L) {
                        FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
                        long o = k * 2L;
                        a0 = bf16(seg, b0 + o).fma(xv, a0);
                        a1 = bf16(seg, b1 + o).fma(xv, a1);
                        a2 = bf16(seg, b2 + o).fma(xv, a2);
                        a3 = bf16(seg, b3 + o).fma(xv, a3);
                    }
                    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
                    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
                    for (; k < cols; k++) {
                        float xk = x[xOff + k];
                        long e = (long) r * cols + k;
                        s0 += w.getFloat(e) * xk;
                        s1 += w.getFloat(e + cols) * xk;
                        s2 += w.getFloat(e + 2L * cols) * xk;
                        s3 += w.getFloat(e + 3L * cols) * xk;
                    }
                    store(out, outOff + r, s0, bias, r, accumulate);
                    store(out, outOff + r + 1, s1, bias, r + 1, accumulate);
                    store(out, outOff + r + 2, s2, bias, r + 2, accumulate);
                    store(out, outOff + r + 3, s3, bias, r + 3, accumulate);
                }
            }
            case F32 -> {
                for (; r + 4 <= r1; r += 4) {
                    long b0 = (long) r * cols * 4, b1 = b0 + cols * 4L, b2 = b1 + cols * 4L, b3 = b2 + cols * 4L;
                    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                    int k = 0;
                    for (; k < bound; k += L) {
                        FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
                        long o = k * 4L;
                        a0 = f32(seg, b0 + o).fma(xv, a0);
                        a1 = f32(seg, b1 + o).fma(xv, a1);
                        a2 = f32(seg, b2 + o).fma(xv, a2);
                        a3 = f32(seg, b3 + o).fma(xv, a3);
                    }
                    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
                    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
                    for (; k < cols; k++) {
                        float xk = x[xOff + k];
                        long e = (long) r * cols + k;
                        s0 += w.getFloat(e) * xk;
                        s1 += w.getFloat(e + cols) * xk;
                        s2 += w.getFloat(e + 2L * cols) * xk;
                        s3 += w.getFloat(e + 3L * cols) * xk;
                    }
                    store(out, outOff + r, s0, bias, r, accumulate);
                    store(out, outOff + r + 1, s1, bias, r + 1, accumulate);
                    store(out, outOff + r + 2, s2, bias, r + 2, accumulate);
                    store(out, outOff + r + 3, s3, bias, r + 3, accumulate);
                }
            }
            case F16 -> {
                // no lane-wise f16 widening: unpack the row once, then a vector dot
            }
        }
        for (; r < r1; r++) {
            unpackRow(w, r, scratch, 0);
            store(out, outOff + r, dot(scratch, 0, x, xOff, cols), bias, r, accumulate);
        }
    }

    /**
     * Matrix-matrix product for a chunk of {@code tokens} tokens (prefill), blocked so that each weight element is
     * read from memory once per chunk and the inner loop runs from L1/L2:
     * <ul>
     * <li>columns in blocks of {@link #GEMM_COLS}: the rows {@code [r0, r1)} of one column block are widened to f32
     *     into {@code scratch} ({@code (r1 - r0) x GEMM_COLS} floats, 256 KB for a 32-row unit),</li>
     * <li>tokens in blocks of {@link #GEMM_TOKEN_BLOCK}: that block's inputs ({@code 64 x 8 KB}) stay in L2 while
     *     every row group of the unit uses them,</li>
     * <li>register tiles of {@link #GEMM_ROWS} rows x {@link #GEMM_TOKENS} tokens (16 accumulators, 8 loads per
     *     16 FMAs).</li>
     * </ul>
     * Partial sums of the column blocks add up in {@code out}.
     *
     * @param x       input (tokens, cols), row stride {@code cols}
     * @param out     output (tokens, outStride), this call writes columns {@code [r0, r1)}
     * @param scratch per-thread buffer of {@link #scratchFloats} floats; {@code r1 - r0 <= MAX_UNIT_ROWS}
     */
    static void gemm(Tensor w, int r0, int r1, float[] x, int tokens, float[] out, int outStride, Tensor bias,
                     boolean accumulate, float[] scratch) {
        int cols = w.cols();
        int rows = r1 - r0;
        if (rows > MAX_UNIT_ROWS) {
            throw new IllegalArgumentException("gemm row block of " + rows + " exceeds " + MAX_UNIT_ROWS);
        }
        int sums = MAX_UNIT_ROWS * GEMM_COLS;
        for (int k0 = 0; k0 < cols; k0 += GEMM_COLS) {
            int kn = Math.min(GEMM_COLS, cols - k0);
            for (int i = 0; i < rows; i++) {
                unpackRange(w, r0 + i, k0, kn, scratch, i * kn);
            }
            boolean first = k0 == 0;
            for (int t0 = 0; t0 < tokens; t0 += GEMM_TOKEN_BLOCK) {
                int t1 = Math.min(tokens, t0 + GEMM_TOKEN_BLOCK);
                int i = 0;
                for (; i + GEMM_ROWS <= rows; i += GEMM_ROWS) {
                    int t = t0;
                    for (; t + GEMM_TOKENS <= t1; t += GEMM_TOKENS) {
                        tile4x4(scratch, i * kn, kn, x, t * cols + k0, cols, scratch, sums);
                        for (int a = 0; a < GEMM_ROWS; a++) {
                            for (int b = 0; b < GEMM_TOKENS; b++) {
                                add(out, (t + b) * outStride + r0 + i + a, scratch[sums + a * GEMM_TOKENS + b],
                                        first, bias, r0 + i + a, accumulate);
                            }
                        }
                    }
                    for (; t < t1; t++) {
                        for (int a = 0; a < GEMM_ROWS; a++) {
                            add(out, t * outStride + r0 + i + a, dot(scratch, (i + a) * kn, x, t * cols + k0, kn),
                                    first, bias, r0 + i + a, accumulate);
                        }
                    }
                }
                for (; i < rows; i++) {
                    for (int t = t0; t < t1; t++) {
                        add(out, t * outStride + r0 + i, dot(scratch, i * kn, x, t * cols + k0, kn), first, bias,
                                r0 + i, accumulate);
                    }
                }
            }
        }
    }

    /** Adds one column block's partial sum; the first block also applies the bias and the accumulate mode. */
    private static void add(float[] out, int idx, float sum, boolean first, Tensor bias, int row, boolean accumulate) {
        if (first) {
            store(out, idx, sum, bias, row, accumulate);
        } else {
            out[idx] += sum;
        }
    }

    /**
     * 4 weight rows at {@code wf[wOff]} (row stride {@code kn}) x 4 tokens at {@code x[xOff]} (row stride
     * {@code xStride}) over {@code kn} columns; the 16 sums go to {@code sums[sOff]}, row-major (row, token).
     */
    private static void tile4x4(float[] wf, int wOff, int kn, float[] x, int xOff, int xStride, float[] sums, int sOff) {
        int bound = F.loopBound(kn);
        int x0 = xOff, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        int w0 = wOff, w1 = w0 + kn, w2 = w1 + kn, w3 = w2 + kn;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        int k = 0;
        for (; k < bound; k += L) {
            FloatVector v0 = FloatVector.fromArray(F, x, x0 + k);
            FloatVector v1 = FloatVector.fromArray(F, x, x1 + k);
            FloatVector v2 = FloatVector.fromArray(F, x, x2 + k);
            FloatVector v3 = FloatVector.fromArray(F, x, x3 + k);
            FloatVector w = FloatVector.fromArray(F, wf, w0 + k);
            c00 = w.fma(v0, c00);
            c01 = w.fma(v1, c01);
            c02 = w.fma(v2, c02);
            c03 = w.fma(v3, c03);
            w = FloatVector.fromArray(F, wf, w1 + k);
            c10 = w.fma(v0, c10);
            c11 = w.fma(v1, c11);
            c12 = w.fma(v2, c12);
            c13 = w.fma(v3, c13);
            w = FloatVector.fromArray(F, wf, w2 + k);
            c20 = w.fma(v0, c20);
            c21 = w.fma(v1, c21);
            c22 = w.fma(v2, c22);
            c23 = w.fma(v3, c23);
            w = FloatVector.fromArray(F, wf, w3 + k);
            c30 = w.fma(v0, c30);
            c31 = w.fma(v1, c31);
            c32 = w.fma(v2, c32);
            c33 = w.fma(v3, c33);
        }
        sums[sOff] = c00.reduceLanes(VectorOperators.ADD);
        sums[sOff + 1] = c01.reduceLanes(VectorOperators.ADD);
        sums[sOff + 2] = c02.reduceLanes(VectorOperators.ADD);
        sums[sOff + 3] = c03.reduceLanes(VectorOperators.ADD);
        sums[sOff + 4] = c10.reduceLanes(VectorOperators.ADD);
        sums[sOff + 5] = c11.reduceLanes(VectorOperators.ADD);
        sums[sOff + 6] = c12.reduceLanes(VectorOperators.ADD);
        sums[sOff + 7] = c13.reduceLanes(VectorOperators.ADD);
        sums[sOff + 8] = c20.reduceLanes(VectorOperators.ADD);
        sums[sOff + 9] = c21.reduceLanes(VectorOperators.ADD);
        sums[sOff + 10] = c22.reduceLanes(VectorOperators.ADD);
        sums[sOff + 11] = c23.reduceLanes(VectorOperators.ADD);
        sums[sOff + 12] = c30.reduceLanes(VectorOperators.ADD);
        sums[sOff + 13] = c31.reduceLanes(VectorOperators.ADD);
        sums[sOff + 14] = c32.reduceLanes(VectorOperators.ADD);
        sums[sOff + 15] = c33.reduceLanes(VectorOperators.ADD);
        for (int kk = bound; kk < kn; kk++) {
            for (int a = 0; a < 4; a++) {
                for (int b = 0; b < 4; b++) {
                    sums[sOff + a * 4 + b] += wf[wOff + a * kn + kk] * x[xOff + b * xStride + kk];
                }
            }
        }
    }

    /** {@code out = x * rsqrt(mean(x^2) + eps) * w}, one row of {@code n}. */
    static void rmsnorm(float[] x, int xOff, float[] out, int outOff, Tensor w, int n, float eps) {
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + k);
            acc = v.fma(v, acc);
        }
        float ss = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            ss += x[xOff + k] * x[xOff + k];
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * inv * w.getFloat(i);
        }
    }

    /** {@code g[i] = silu(g[i]) * u[i]} over {@code [off, off + n)}; silu(a) = a / (1 + e^-a). */
    static void siluMul(float[] g, float[] u, int off, int n) {
        int bound = F.loopBound(n);
        int k = 0;
        for (; k < bound; k += L) {
            FloatVector a = FloatVector.fromArray(F, g, off + k);
            FloatVector e = a.neg().lanewise(VectorOperators.EXP);
            a.div(e.add(1f)).mul(FloatVector.fromArray(F, u, off + k)).intoArray(g, off + k);
        }
        for (; k < n; k++) {
            float a = g[off + k];
            g[off + k] = a / (1f + (float) Math.exp(-a)) * u[off + k];
        }
    }

    /**
     * Softmax in place over {@code s[off, off + n)}: exponentials of {@code s - max}, then divided by their sum.
     */
    static void softmax(float[] s, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[off + i]);
        }
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += L) {
            FloatVector e = FloatVector.fromArray(F, s, off + k).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(s, off + k);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            float e = (float) Math.exp(s[off + k] - max);
            s[off + k] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            s[off + i] *= inv;
        }
    }

    /**
     * Rotate-half RoPE (the Hugging Face convention: pairs {@code (i, i + d/2)}) on one head of {@code d} values.
     *
     * @param cos (d/2) for this position, {@code sin} likewise, both at {@code tOff}
     */
    static void rope(float[] v, int off, int d, float[] cos, float[] sin, int tOff) {
        int half = d / 2;
        for (int i = 0; i < half; i++) {
            float a = v[off + i];
            float b = v[off + half + i];
            float c = cos[tOff + i];
            float s = sin[tOff + i];
            v[off + i] = a * c - b * s;
            v[off + half + i] = b * c + a * s;
        }
    }
}
