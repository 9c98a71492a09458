package dev.llmbench.engine.java;

import dev.llmbench.model.Tensor;
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

    /** Weight rows of one register tile of {@link #gemm}. */
    static final int TILE_ROWS = 6;
    /**
     * Tokens of one packed group and of one register tile of {@link #gemm}: four vectors, so a tile holds
     * 6 x 4 = 24 accumulators (of 32 vector registers) and each column step costs 4 vector loads and 6 broadcasts for
     * 24 FMAs.
     */
    static final int GROUP = 4 * L;
    /**
     * Column block of {@link #gemm}: a block's packed inputs ({@code 64 tokens x 1024 x 4 B = 256 KB}) and a unit's
     * widened weights ({@code 96 x 1024 x 4 B = 384 KB}) share the 1 MB L2 of a core.
     */
    static final int KC = 1024;
    /** Most weight rows one {@link #gemm} call (one work unit) may take. */
    static final int MAX_UNIT_ROWS = 96;

    private Kernels() {
    }

    /** Floats of per-thread scratch that {@link #gemv} and {@link #gemm} need for rows of {@code cols} columns. */
    static int scratchFloats(int cols) {
        // gemm: a (unit rows, column block) weight block, then the unit's sums for one token group; gemv (f16): one row
        return Math.max(MAX_UNIT_ROWS * (KC + GROUP), cols);
    }

    /** Floats of the packed input of {@link #gemm}: the whole groups of {@code tokens}, times {@code cols}. */
    static int packedFloats(int tokens, int cols) {
        return Math.multiplyExact(groups(tokens) * GROUP, cols);
    }

    /** Whole groups of {@link #GROUP} tokens in {@code tokens}; the tail of a chunk is not packed. */
    static int groups(int tokens) {
        return tokens / GROUP;
    }

    /**
     * Packs columns {@code [k0, k1)} of group {@code g} of the inputs {@code x} (tokens, cols) for {@link #gemm}:
     * column-major within the group, {@code xp[(g * cols + k) * GROUP + lane] = x[(g * GROUP + lane) * cols + k]}.
     * A vector load from the packed group is then one column for {@link #L} consecutive tokens.
     */
    static void pack(float[] x, int cols, float[] xp, int g, int k0, int k1) {
        int t0 = g * GROUP;
        int base = g * cols * GROUP;
        // 64 columns at a time: that span of the group (64 x 256 B) stays in L1 while every token fills its lane
        for (int b0 = k0; b0 < k1; b0 += 64) {
            int b1 = Math.min(k1, b0 + 64);
            for (int lane = 0; lane < GROUP; lane++) {
                int src = (t0 + lane) * cols;
                for (int k = b0; k < b1; k++) {
                    xp[base + k * GROUP + lane] = x[src + k];
                }
            }
        }
    }

    static FloatVector bf16(MemorySegment seg, long byteOffset) {
        IntVector wide = (IntVector) ShortVector.fromMemorySegment(S, seg, byteOffset, LE)
                .convertShape(VectorOperators.S2I, I, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The low (even) bf16 halves of 32-bit pairs as f32. */
    private static FloatVector low(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The high (odd) bf16 halves of 32-bit pairs as f32. */
    private static FloatVector high(IntVector pairs) {
        return pairs.lanewise(VectorOperators.AND, 0xFFFF_0000).reinterpretAsFloats();
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

    /** Stores the sums of rows {@code row + i * quarter}, {@code i = 0..3}. */
    private static void storeQuarters(float[] out, int outOff, int row, int quarter, float s0, float s1, float s2,
                                      float s3, Tensor bias, boolean accumulate) {
        store(out, outOff + row, s0, bias, row, accumulate);
        store(out, outOff + row + quarter, s1, bias, row + quarter, accumulate);
        store(out, outOff + row + 2 * quarter, s2, bias, row + 2 * quarter, accumulate);
        store(out, outOff + row + 3 * quarter, s3, bias, row + 3 * quarter, accumulate);
    }

    /**
     * The even elements of {@code x[xOff, xOff + cols)}, then the odd ones, into {@code pairs} ({@code cols / 2}
     * each; an odd last element is left out): the layout in which {@link #gemv} reads bf16 weights two at a time.
     */
    static void splitPairs(float[] x, int xOff, int cols, float[] pairs) {
        int half = cols / 2;
        for (int i = 0; i < half; i++) {
            pairs[i] = x[xOff + 2 * i];
            pairs[half + i] = x[xOff + 2 * i + 1];
        }
    }

    /**
     * Matrix-vector product for one token (decode): streams each weight row once. Rows go four at a time, a quarter
     * of the row range apart, so that each thread reads four long sequential streams at once: on short rows (1536
     * columns) that read up to about 1.6x faster than four neighbouring rows, each a short stream of its own.
     * bf16 weights are read as 32-bit pairs: a pair's low half is the even element, widened by a left shift, and its
     * high half the odd one, widened by masking the low half off. That spares the lane-widening conversion of
     * {@link #bf16}.
     *
     * @param x       input (cols) at {@code xOff}
     * @param pairs   the same input split by {@link #splitPairs} (read for bf16 weights)
     * @param out     output (rows) at {@code outOff}
     * @param scratch per-thread buffer of {@link #scratchFloats} floats (f16 only)
     */
    static void gemv(Tensor w, int r0, int r1, float[] x, int xOff, float[] pairs, float[] out, int outOff,
                     Tensor bias, boolean accumulate, float[] scratch) {
        int cols = w.cols();
        int bound = F.loopBound(cols);
        MemorySegment seg = w.data();
        int r = r0;
        int quarter = (r1 - r0) / 4;
        switch (w.dtype()) {
            case BF16 -> {
                int half = cols / 2;
                int pairBound = F.loopBound(half);
                long stride = (long) quarter * cols * 2;
                for (int j = 0; j < quarter; j++) {
                    int row = r0 + j;
                    long b0 = (long) row * cols * 2, b1 = b0 + stride, b2 = b1 + stride, b3 = b2 + stride;
                    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                    for (int k = 0; k < pairBound; k += L) {
                        FloatVector even = FloatVector.fromArray(F, pairs, k);
                        FloatVector odd = FloatVector.fromArray(F, pairs, half + k);
                        long o = k * 4L;
                        IntVector w0 = IntVector.fromMemorySegment(I, seg, b0 + o, LE);
                        IntVector w1 = IntVector.fromMemorySegment(I, seg, b1 + o, LE);
                        IntVector w2 = IntVector.fromMemorySegment(I, seg, b2 + o, LE);
                        IntVector w3 = IntVector.fromMemorySegment(I, seg, b3 + o, LE);
                        a0 = low(w0).fma(even, a0);
                        a0 = high(w0).fma(odd, a0);
                        a1 = low(w1).fma(even, a1);
                        a1 = high(w1).fma(odd, a1);
                        a2 = low(w2).fma(even, a2);
                        a2 = high(w2).fma(odd, a2);
                        a3 = low(w3).fma(even, a3);
                        a3 = high(w3).fma(odd, a3);
                    }
                    float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
                    float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
                    for (int k = 2 * pairBound; k < cols; k++) {
                        float xk = x[xOff + k];
                        long e = (long) row * cols + k;
                        long q = (long) quarter * cols;
                        s0 += w.getFloat(e) * xk;
                        s1 += w.getFloat(e + q) * xk;
                        s2 += w.getFloat(e + 2 * q) * xk;
                        s3 += w.getFloat(e + 3 * q) * xk;
                    }
                    storeQuarters(out, outOff, row, quarter, s0, s1, s2, s3, bias, accumulate);
                }
                r = r0 + 4 * quarter;
            }
            case F32 -> {
                long stride = (long) quarter * cols * 4;
                for (int j = 0; j < quarter; j++) {
                    int row = r0 + j;
                    long b0 = (long) row * cols * 4, b1 = b0 + stride, b2 = b1 + stride, b3 = b2 + stride;
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
                        long e = (long) row * cols + k;
                        long q = (long) quarter * cols;
                        s0 += w.getFloat(e) * xk;
                        s1 += w.getFloat(e + q) * xk;
                        s2 += w.getFloat(e + 2 * q) * xk;
                        s3 += w.getFloat(e + 3 * q) * xk;
                    }
                    storeQuarters(out, outOff, row, quarter, s0, s1, s2, s3, bias, accumulate);
                }
                r = r0 + 4 * quarter;
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
     * Matrix-matrix product for a chunk of {@code tokens} tokens (prefill). Whole groups of {@link #GROUP} tokens
     * come packed by {@link #pack}, so that lanes run along tokens: a register tile of {@link #TILE_ROWS} weight rows
     * x {@link #GROUP} tokens keeps its 24 sums in registers over a whole column block, each step broadcasting one
     * widened weight per row against four input vectors, with no lane reductions. The tail of the chunk (fewer than
     * a group) would leave most lanes of such a tile idle, so it runs as dot products along the columns on the
     * unpacked inputs, in tiles of 4 rows x 4 tokens. Blocking:
     * <ul>
     * <li>columns in blocks of {@link #KC}: the unit's rows {@code [r0, r1)} of one column block are widened to f32
     *     into {@code scratch} once ({@code (r1 - r0) x KC} floats) and serve every token,</li>
     * <li>token groups: one group's column block (256 KB packed) stays in L2 while every row tile of the unit passes
     *     over it; the unit's sums for the group are then added to {@code out} token by token.</li>
     * </ul>
     *
     * @param x       inputs (tokens, cols), row stride {@code cols}; only the tail is read from here
     * @param xp      the whole groups of {@code x} packed by {@link #pack}
     * @param out     output (tokens, outStride), this call writes columns {@code [r0, r1)}
     * @param scratch per-thread buffer of {@link #scratchFloats} floats; {@code r1 - r0 <= MAX_UNIT_ROWS}
     */
    static void gemm(Tensor w, int r0, int r1, float[] x, float[] xp, int tokens, float[] out, int outStride,
                     Tensor bias, boolean accumulate, float[] scratch) {
        int cols = w.cols();
        int rows = r1 - r0;
        if (rows > MAX_UNIT_ROWS) {
            throw new IllegalArgumentException("gemm row block of " + rows + " exceeds " + MAX_UNIT_ROWS);
        }
        int sums = MAX_UNIT_ROWS * KC;
        int groups = groups(tokens);
        for (int k0 = 0; k0 < cols; k0 += KC) {
            int kn = Math.min(KC, cols - k0);
            for (int i = 0; i < rows; i++) {
                unpackRange(w, r0 + i, k0, kn, scratch, i * kn);
            }
            for (int g = 0; g < groups; g++) {
                int xOff = (g * cols + k0) * GROUP;
                int i = 0;
                for (; i + TILE_ROWS <= rows; i += TILE_ROWS) {
                    tile6x4(scratch, i * kn, kn, xp, xOff, scratch, sums + i * GROUP);
                }
                for (; i < rows; i++) {
                    for (int v = 0; v < 4; v++) {
                        tile1x1(scratch, i * kn, kn, xp, xOff + v * L, scratch, sums + i * GROUP + v * L);
                    }
                }
                flush(scratch, sums, rows, g * GROUP, GROUP, out, outStride, r0, k0 == 0, bias, accumulate);
            }
            int t0 = groups * GROUP;
            int n = tokens - t0;
            if (n > 0) {
                int i = 0;
                for (; i + 4 <= rows; i += 4) {
                    int t = 0;
                    for (; t + 4 <= n; t += 4) {
                        tile4x4(scratch, i * kn, kn, x, (t0 + t) * cols + k0, cols, scratch, sums + i * GROUP + t);
                    }
                    for (; t < n; t++) {
                        for (int a = 0; a < 4; a++) {
                            scratch[sums + (i + a) * GROUP + t] = dot(scratch, (i + a) * kn, x, (t0 + t) * cols + k0, kn);
                        }
                    }
                }
                for (; i < rows; i++) {
                    for (int t = 0; t < n; t++) {
                        scratch[sums + i * GROUP + t] = dot(scratch, i * kn, x, (t0 + t) * cols + k0, kn);
                    }
                }
                flush(scratch, sums, rows, t0, n, out, outStride, r0, k0 == 0, bias, accumulate);
            }
        }
    }

    /**
     * Adds one column block's sums of {@code n} tokens from {@code t0}, {@code s[sOff + r * GROUP + t]} for the
     * unit's rows, to {@code out}, token by token, so that each token's row run is written in order (writing tile by
     * tile would touch one cache line per token for every few rows). The first column block also applies the bias
     * and the accumulate mode.
     */
    private static void flush(float[] s, int sOff, int rows, int t0, int n, float[] out, int outStride, int r0,
                              boolean first, Tensor bias, boolean accumulate) {
        for (int t = 0; t < n; t++) {
            int o = (t0 + t) * outStride + r0;
            int src = sOff + t;
            if (!first || accumulate) {
                for (int r = 0; r < rows; r++) {
                    out[o + r] += s[src + r * GROUP];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    out[o + r] = s[src + r * GROUP];
                }
            }
            if (first && bias != null) {
                for (int r = 0; r < rows; r++) {
                    out[o + r] += bias.getFloat(r0 + r);
                }
            }
        }
    }

    /**
     * 6 widened weight rows at {@code wf[wOff]} (row stride {@code kn}) x 4 vectors of packed tokens at
     * {@code xp[xOff]} (column stride {@link #GROUP}) over {@code kn} columns; sums of row {@code a} go to
     * {@code sums[sOff + a * GROUP, + GROUP)}, one per token. Unrolled by hand, like every register tile here: the
     * JIT keeps vectors in registers only as named locals, and an array of them is boxed (about 30x slower).
     */
    private static void tile6x4(float[] wf, int wOff, int kn, float[] xp, int xOff, float[] sums, int sOff) {
        int w0 = wOff, w1 = w0 + kn, w2 = w1 + kn, w3 = w2 + kn, w4 = w3 + kn, w5 = w4 + kn;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        for (int k = 0; k < kn; k++) {
            int xo = xOff + k * GROUP;
            FloatVector x0 = FloatVector.fromArray(F, xp, xo);
            FloatVector x1 = FloatVector.fromArray(F, xp, xo + L);
            FloatVector x2 = FloatVector.fromArray(F, xp, xo + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, xp, xo + 3 * L);
            FloatVector w = FloatVector.broadcast(F, wf[w0 + k]);
            c00 = w.fma(x0, c00);
            c01 = w.fma(x1, c01);
            c02 = w.fma(x2, c02);
            c03 = w.fma(x3, c03);
            w = FloatVector.broadcast(F, wf[w1 + k]);
            c10 = w.fma(x0, c10);
            c11 = w.fma(x1, c11);
            c12 = w.fma(x2, c12);
            c13 = w.fma(x3, c13);
            w = FloatVector.broadcast(F, wf[w2 + k]);
            c20 = w.fma(x0, c20);
            c21 = w.fma(x1, c21);
            c22 = w.fma(x2, c22);
            c23 = w.fma(x3, c23);
            w = FloatVector.broadcast(F, wf[w3 + k]);
            c30 = w.fma(x0, c30);
            c31 = w.fma(x1, c31);
            c32 = w.fma(x2, c32);
            c33 = w.fma(x3, c33);
            w = FloatVector.broadcast(F, wf[w4 + k]);
            c40 = w.fma(x0, c40);
            c41 = w.fma(x1, c41);
            c42 = w.fma(x2, c42);
            c43 = w.fma(x3, c43);
            w = FloatVector.broadcast(F, wf[w5 + k]);
            c50 = w.fma(x0, c50);
            c51 = w.fma(x1, c51);
            c52 = w.fma(x2, c52);
            c53 = w.fma(x3, c53);
        }
        int s = sOff;
        c00.intoArray(sums, s);
        c01.intoArray(sums, s + L);
        c02.intoArray(sums, s + 2 * L);
        c03.intoArray(sums, s + 3 * L);
        s += GROUP;
        c10.intoArray(sums, s);
        c11.intoArray(sums, s + L);
        c12.intoArray(sums, s + 2 * L);
        c13.intoArray(sums, s + 3 * L);
        s += GROUP;
        c20.intoArray(sums, s);
        c21.intoArray(sums, s + L);
        c22.intoArray(sums, s + 2 * L);
        c23.intoArray(sums, s + 3 * L);
        s += GROUP;
        c30.intoArray(sums, s);
        c31.intoArray(sums, s + L);
        c32.intoArray(sums, s + 2 * L);
        c33.intoArray(sums, s + 3 * L);
        s += GROUP;
        c40.intoArray(sums, s);
        c41.intoArray(sums, s + L);
        c42.intoArray(sums, s + 2 * L);
        c43.intoArray(sums, s + 3 * L);
        s += GROUP;
        c50.intoArray(sums, s);
        c51.intoArray(sums, s + L);
        c52.intoArray(sums, s + 2 * L);
        c53.intoArray(sums, s + 3 * L);
    }

    /** One weight row x one vector of tokens (rows past the last whole tile): sums at {@code sums[sOff, + L)}. */
    private static void tile1x1(float[] wf, int wOff, int kn, float[] xp, int xOff, float[] sums, int sOff) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0;
        int k = 0;
        for (; k + 2 <= kn; k += 2) {
            c0 = FloatVector.broadcast(F, wf[wOff + k]).fma(FloatVector.fromArray(F, xp, xOff + k * GROUP), c0);
            c1 = FloatVector.broadcast(F, wf[wOff + k + 1]).fma(FloatVector.fromArray(F, xp, xOff + (k + 1) * GROUP), c1);
        }
        for (; k < kn; k++) {
            c0 = FloatVector.broadcast(F, wf[wOff + k]).fma(FloatVector.fromArray(F, xp, xOff + k * GROUP), c0);
        }
        c0.add(c1).intoArray(sums, sOff);
    }

    /**
     * 4 widened weight rows at {@code wf[wOff]} (row stride {@code kn}) x 4 tokens at {@code x[xOff]} (row stride
     * {@code xStride}) as dot products over {@code kn} columns; the sum of (row a, token b) goes to
     * {@code sums[sOff + a * GROUP + b]}.
     */
    private static void tile4x4(float[] wf, int wOff, int kn, float[] x, int xOff, int xStride, float[] sums, int sOff) {
        int r1 = sOff + GROUP, r2 = r1 + GROUP, r3 = r2 + GROUP;
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
        sums[r1] = c10.reduceLanes(VectorOperators.ADD);
        sums[r1 + 1] = c11.reduceLanes(VectorOperators.ADD);
        sums[r1 + 2] = c12.reduceLanes(VectorOperators.ADD);
        sums[r1 + 3] = c13.reduceLanes(VectorOperators.ADD);
        sums[r2] = c20.reduceLanes(VectorOperators.ADD);
        sums[r2 + 1] = c21.reduceLanes(VectorOperators.ADD);
        sums[r2 + 2] = c22.reduceLanes(VectorOperators.ADD);
        sums[r2 + 3] = c23.reduceLanes(VectorOperators.ADD);
        sums[r3] = c30.reduceLanes(VectorOperators.ADD);
        sums[r3 + 1] = c31.reduceLanes(VectorOperators.ADD);
        sums[r3 + 2] = c32.reduceLanes(VectorOperators.ADD);
        sums[r3 + 3] = c33.reduceLanes(VectorOperators.ADD);
        for (int kk = bound; kk < kn; kk++) {
            for (int a = 0; a < 4; a++) {
                for (int b = 0; b < 4; b++) {
                    sums[sOff + a * GROUP + b] += wf[wOff + a * kn + kk] * x[xOff + b * xStride + kk];
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
        float inv = 1f / expShifted(s, off, n, max(s, off, n));
        for (int i = 0; i < n; i++) {
            s[off + i] *= inv;
        }
    }

    static float max(float[] s, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[off + i]);
        }
        return max;
    }

    /** {@code s[i] = exp(s[i] - max)} over {@code s[off, off + n)}; returns their sum. */
    static float expShifted(float[] s, int off, int n, float max) {
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
        return sum;
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
