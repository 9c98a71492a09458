package dev.llmbench.engine.java;

import dev.llmbench.model.ModelConfig;
import dev.llmbench.model.SyntheticWeights;
import dev.llmbench.model.Tensor;
import dev.llmbench.model.Weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Qwen2 forward pass over {@link Weights}: embedding, per layer (RMSNorm, q/k/v with bias, RoPE, grouped-query
 * attention over the KV cache, o_proj, RMSNorm, SiLU-gated MLP) with residuals, final RMSNorm, LM head, greedy argmax.
 *
 * <p>A prompt runs in chunks of up to {@code chunk} tokens: every projection of a chunk is one matrix-matrix product
 * ({@link Kernels#gemm}); attention is causal within the chunk and over all earlier positions in the cache. Decode runs
 * the same code with a chunk of one token, where projections are matrix-vector products ({@link Kernels#gemv}).
 * Logits are computed for the last position only. All buffers are allocated here, once: a step allocates nothing.
 * The KV cache is f32. For the context suite the cache can also be filled directly with random values
 * ({@link #fillCache}).
 */
final class Qwen2Model {
    private final ModelConfig c;
    private final Weights w;
    private final WorkerPool pool;
    private final int chunk;
    private final int maxCacheLen;
    private final float eps;

    // activations of one chunk, row-major per token
    private final float[] x;      // (chunk, dim) residual stream
    private final float[] xb;     // (chunk, dim) normalised input of a sub-layer
    private final float[] q;      // (chunk, qDim)
    private final float[] k;      // (chunk, kvDim)
    private final float[] v;      // (chunk, kvDim)
    private final float[] att;    // (chunk, qDim) attention output before o_proj
    private final float[] hb;     // (chunk, ffn) gate, then silu(gate) * up
    private final float[] hb2;    // (chunk, ffn) up
    private final float[] logits; // (vocab)
    private final float[] packed; // the input of a prefill matmul, packed by Kernels.pack
    private final float[] pairs;  // the input of a decode matmul, split by Kernels.splitPairs
    // off-heap, native-order f32 (so that 2 MB per-layer arrays do not each take two 2 MB heap regions)
    private final MemorySegment keyCache;   // (layer, maxCacheLen, kvDim)
    private final MemorySegment valueCache; // (layer, maxCacheLen, kvDim)
    private final float[] cos;    // (maxCacheLen, headDim / 2)
    private final float[] sin;    // (maxCacheLen, headDim / 2)
    private final float[][] scratch; // (thread, Kernels.scratchFloats(max cols)) widened weight rows
    private final float[][] scores;  // (thread, heads per kv head * maxCacheLen) attention weights of one group
    // decode attention split over position ranges: per (range, query head) the values, maximum and sum
    private final int maxSplits;
    private final float[] partOut;   // (range, heads, headDim)
    private final float[] partMax;   // (range, heads)
    private final float[] partSum;   // (range, heads)
    private final int[] one = new int[1];
    /** Cache positions per attention block. */
    private static final int ATTENTION_BLOCK = 32;

    private final PackOp pack = new PackOp();
    private final MatMulOp matmul = new MatMulOp();
    private final AttentionOp attention = new AttentionOp();
    private final NormOp norm = new NormOp();
    private final RopeCacheOp ropeAndCache = new RopeCacheOp();
    private final SiluMulOp siluMul = new SiluMulOp();
    // the projections of every layer, made once: a step allocates nothing
    private final Projection[][] qkv;   // (layer) q, k, v of the normalised input, with bias
    private final Projection[] oProj;   // (layer) o_proj of the attention output, added to the residual stream
    private final Projection[][] gateUp; // (layer) gate and up of the normalised input
    private final Projection[] down;    // (layer) down_proj of SiLU(gate) * up, added to the residual stream
    private final Projection lmHead;
    private final FillOp fill = new FillOp();

    private int pos;
    private boolean nonFinite;

    /** Buffers come from the heap, the KV cache from {@code arena} (which must outlive this model). */
    Qwen2Model(Weights w, WorkerPool pool, Arena arena, int chunk, int maxCacheLen) {
        this.c = w.config();
        this.w = w;
        this.pool = pool;
        this.chunk = chunk;
        this.maxCacheLen = maxCacheLen;
        this.eps = (float) c.rmsNormEps();
        int dim = c.hiddenSize();
        x = new float[chunk * dim];
        xb = new float[chunk * dim];
        q = new float[chunk * c.qDim()];
        k = new float[chunk * c.kvDim()];
        v = new float[chunk * c.kvDim()];
        att = new float[chunk * c.qDim()];
        hb = new float[Math.multiplyExact(chunk, c.intermediateSize())];
        hb2 = new float[chunk * c.intermediateSize()];
        logits = new float[c.vocabSize()];
        int maxCols = Math.max(Math.max(dim, c.qDim()), c.intermediateSize()); // widest matmul input
        packed = new float[chunk > 1 ? Kernels.packedFloats(chunk, maxCols) : 0];
        pairs = new float[maxCols];
        long cacheBytes = Math.multiplyExact((long) c.numLayers() * maxCacheLen, (long) c.kvDim() * Float.BYTES);
        keyCache = arena.allocate(cacheBytes, 64);
        valueCache = arena.allocate(cacheBytes, 64);
        int layers = c.numLayers();
        qkv = new Projection[layers][];
        oProj = new Projection[layers];
        gateUp = new Projection[layers][];
        down = new Projection[layers];
        for (int l = 0; l < layers; l++) {
            Weights.Layer layer = w.layers()[l];
            qkv[l] = new Projection[] {new Projection(layer.q(), layer.qBias(), q), new Projection(layer.k(), layer.kBias(), k),
                    new Projection(layer.v(), layer.vBias(), v)};
            oProj[l] = new Projection(layer.o(), null, x);
            gateUp[l] = new Projection[] {new Projection(layer.gate(), null, hb), new Projection(layer.up(), null, hb2)};
            down[l] = new Projection(layer.down(), null, x);
        }
        lmHead = new Projection(w.lmHead(), null, logits);
        int half = c.headDim() / 2;
        cos = new float[maxCacheLen * half];
        sin = new float[maxCacheLen * half];
        for (int i = 0; i < half; i++) {
            // f32 like Hugging Face: inv_freq = 1 / theta^(2i/d), angle = pos * inv_freq
            float invFreq = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / c.headDim()));
            for (int p = 0; p < maxCacheLen; p++) {
                float angle = p * invFreq;
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        scratch = new float[pool.size()][Kernels.scratchFloats(maxCols)];
        scores = new float[pool.size()][c.numHeads() / c.numKvHeads() * maxCacheLen];
        maxSplits = Math.max(1, Math.ceilDiv(2 * pool.size(), c.numKvHeads()));
        partOut = new float[maxSplits * c.qDim()];
        partMax = new float[maxSplits * c.numHeads()];
        partSum = new float[maxSplits * c.numHeads()];
    }

    int position() {
        return pos;
    }

    boolean sawNonFinite() {
        return nonFinite;
    }

    /** Logits of the last position of the last call, (vocab); valid until the next call. */
    float[] logits() {
        return logits;
    }

    void reset() {
        pos = 0;
        nonFinite = false;
    }

    /**
     * Starts a new sequence whose first {@code positions} cache entries of every layer hold random keys and values
     * (uniform in [-1, 1), from {@code seed}), so that the next {@link #decode} runs at position {@code positions}:
     * the context suite's direct fill. Attention reads it like a real cache of that length; it is not a prompt.
     */
    void fillCache(int positions, long seed) {
        if (positions < 1 || positions >= maxCacheLen) {
            throw new IllegalArgumentException("cannot fill " + positions + " cache positions: expected 1 to "
                    + (maxCacheLen - 1) + " (max_cache_len " + maxCacheLen + " less the position the next step writes)");
        }
        fill.run(positions, seed);
        pos = positions;
        nonFinite = false;
    }

    /** Element {@code index} (of kvDim) of {@code layer}'s keys (part 0) or values (part 1) at {@code position}, for tests. */
    float cached(int part, int layer, int position, int index) {
        return (part == 0 ? keyCache : valueCache).get(ValueLayout.JAVA_FLOAT,
                cacheOffset(layer, position) + (long) index * Float.BYTES);
    }

    /** Runs {@code ids[0, length)} from an empty cache and returns the greedy next token. */
    int prefill(int[] ids, int length) {
        if (length <= 0 || length > ids.length) {
            throw new IllegalArgumentException("prompt length must be in [1, " + ids.length + "], got " + length);
        }
        if (length > maxCacheLen) {
            throw new IllegalArgumentException("prompt of " + length + " tokens exceeds max_cache_len " + maxCacheLen
                    + ": raise max_cache_len to at least prompt + decode tokens");
        }
        for (int i = 0; i < length; i++) {
            checkId(ids[i]);
        }
        pos = 0;
        for (int start = 0; start < length; start += chunk) {
            int n = Math.min(chunk, length - start);
            forward(ids, start, n, start + n == length);
        }
        return argmax();
    }

    /** Feeds one token at the next position and returns the greedy next token. */
    int decode(int token) {
        checkId(token);
        if (pos >= maxCacheLen) {
            throw new IllegalStateException("KV cache is full: position " + pos + " reaches max_cache_len "
                    + maxCacheLen + "; raise max_cache_len to at least prompt + decode tokens");
        }
        one[0] = token;
        forward(one, 0, 1, true);
        return argmax();
    }

    private void checkId(int id) {
        if (id < 0 || id >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + c.vocabSize() + ")");
        }
    }

    /**
     * Tokens {@code ids[off, off + n)} at positions {@code pos..pos+n-1}; advances {@code pos}. In the last layer
     * only the keys and values of a chunk are needed, except for the last position of the prompt, which the logits
     * need: the rest of that layer runs for that one position (or not at all for an earlier chunk), which saves
     * about 1/layers of a prefill.
     */
    private void forward(int[] ids, int off, int n, boolean wantLogits) {
        int dim = c.hiddenSize();
        for (int t = 0; t < n; t++) {
            Kernels.unpackRow(w.embed(), ids[off + t], x, t * dim);
        }
        int end = pos + n;
        int tokens = n;
        for (int l = 0; l < c.numLayers(); l++) {
            Weights.Layer layer = w.layers()[l];
            norm.run(x, layer.inputNorm(), tokens);           // xb = RMSNorm(x)
            matmul.write(xb, tokens, qkv[l]);                 // q, k, v = projections of xb, with bias
            ropeAndCache.run(l, tokens);                      // RoPE on q and k; k and v into the cache
            if (l == c.numLayers() - 1 && tokens > 1) {
                if (!wantLogits) {
                    break;
                }
                // continue with the last position only, moved to row 0
                System.arraycopy(q, (tokens - 1) * c.qDim(), q, 0, c.qDim());
                System.arraycopy(x, (tokens - 1) * dim, x, 0, dim);
                pos += tokens - 1;
                tokens = 1;
            }
            attention.run(l, tokens);                         // att = attention over the cache
            matmul.addTo(att, tokens, oProj[l]);              // x += o_proj(att)
            norm.run(x, layer.postNorm(), tokens);            // xb = RMSNorm(x)
            matmul.write(xb, tokens, gateUp[l]);              // hb, hb2 = gate(xb), up(xb)
            siluMul.run(tokens);                              // hb = SiLU(hb) * hb2
            matmul.addTo(hb, tokens, down[l]);                // x += down_proj(hb)
        }
        pos = end;
        if (wantLogits) {
            Kernels.rmsnorm(x, (tokens - 1) * dim, xb, 0, w.finalNorm(), dim, eps);
            matmul.write(xb, 1, lmHead);
        }
    }

    /** Byte offset of (layer, position) in the KV cache. */
    private long cacheOffset(int layer, int position) {
        return ((long) layer * maxCacheLen + position) * c.kvDim() * Float.BYTES;
    }

    private int argmax() {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        boolean finite = true;
        for (int i = 0; i < logits.length; i++) {
            float val = logits[i];
            finite &= Float.isFinite(val);
            if (val > bestValue) {
                bestValue = val;
                best = i;
            }
        }
        nonFinite |= !finite;
        return best;
    }

    /** One matrix of a matrix product, its bias (or null), and where its output goes. */
    private record Projection(Tensor weight, Tensor bias, float[] out) {
    }

    /** Up to three projections of one input, split into row blocks across the pool. */
    private final class MatMulOp extends WorkerPool.Op {
        private final Tensor[] weight = new Tensor[3];
        private final Tensor[] bias = new Tensor[3];
        private final float[][] out = new float[3][];
        private final int[] unitEnd = new int[3];
        private final int[] rowsPerUnit = new int[3];
        private int count;
        private float[] in;
        private int tokens;
        private boolean accumulate;

        private final Projection[] one = new Projection[1]; // so that a single projection allocates no array

        /** Each projection's output = W . in (+ bias), for {@code tokens} rows of {@code in}. */
        void write(float[] in, int tokens, Projection[] projections) {
            run(in, tokens, false, projections);
        }

        /** The projection's output = W . in (+ bias). */
        void write(float[] in, int tokens, Projection projection) {
            one[0] = projection;
            run(in, tokens, false, one);
        }

        /** The projection's output += W . in: a residual add. */
        void addTo(float[] in, int tokens, Projection projection) {
            one[0] = projection;
            run(in, tokens, true, one);
        }

        private void run(float[] in, int tokens, boolean accumulate, Projection[] projections) {
            this.in = in;
            this.tokens = tokens;
            this.accumulate = accumulate;
            int cols = projections[0].weight().cols();
            if (tokens > 1) {
                pack.run(in, tokens, cols);
            } else {
                Kernels.splitPairs(in, 0, cols, pairs);
            }
            count = 0;
            int units = 0;
            for (Projection p : projections) {
                units = add(p.weight(), p.bias(), p.out(), units);
            }
            pool.run(this, units);
        }

        private int add(Tensor wt, Tensor b, float[] o, int units) {
            // decode: long row runs stream best, but keep >= 8 units per thread for balance; prefill: fixed blocks
            int rpu = tokens == 1
                    ? Math.clamp(wt.rows() / (8 * pool.size()) / 4 * 4, 4, Tuning.DECODE_ROWS)
                    : Tuning.PREFILL_ROWS;
            weight[count] = wt;
            bias[count] = b;
            out[count] = o;
            rowsPerUnit[count] = rpu;
            units += (wt.rows() + rpu - 1) / rpu;
            unitEnd[count++] = units;
            return units;
        }

        @Override
        void unit(int u, int worker) {
            int i = 0;
            while (u >= unitEnd[i]) {
                i++;
            }
            int first = i == 0 ? 0 : unitEnd[i - 1];
            Tensor wt = weight[i];
            int r0 = (u - first) * rowsPerUnit[i];
            int r1 = Math.min(r0 + rowsPerUnit[i], wt.rows());
            if (tokens == 1) {
                Kernels.gemv(wt, r0, r1, in, 0, pairs, out[i], 0, bias[i], accumulate, scratch[worker]);
            } else {
                Kernels.gemm(wt, r0, r1, in, packed, tokens, out[i], wt.rows(), bias[i], accumulate, scratch[worker]);
            }
        }
    }

    /**
     * Packs the whole token groups of a prefill matmul's input for {@link Kernels#gemm}; one unit per (group, slice
     * of columns).
     */
    private final class PackOp extends WorkerPool.Op {
        /** Columns per unit: 512 x 64 tokens x 4 B = 128 KB written per unit. */
        private static final int SLICE = 512;
        private float[] in;
        private int cols;
        private int slices;

        void run(float[] in, int tokens, int cols) {
            this.in = in;
            this.cols = cols;
            slices = (cols + SLICE - 1) / SLICE;
            pool.run(this, Kernels.groups(tokens) * slices);
        }

        @Override
        void unit(int u, int worker) {
            int k0 = u % slices * SLICE;
            Kernels.pack(in, cols, packed, u / slices, k0, Math.min(cols, k0 + SLICE));
        }
    }

    /**
     * Causal grouped-query attention. Keys and values are visited in blocks of {@link #ATTENTION_BLOCK} positions
     * ({@code 32 x head_dim} floats, 16 KB at head_dim 128, which stays in L1) and each block serves every query head
     * of its group before the next is read, so the cache is read once per group, not once per head.
     * <ul>
     * <li>Prefill: one unit per (token, kv head) covering the query heads that share it.</li>
     * <li>Decode (one token; too few (token, kv head) pairs to feed the threads): the positions are split into
     *     ranges, one unit per (kv head, range); each keeps its own softmax maximum, sum and weighted values, and
     *     the ranges are merged after ({@link #merge}) as in split-K "flash decoding".</li>
     * </ul>
     */
    private final class AttentionOp extends WorkerPool.Op {
        /** Fewest positions worth a range of their own. */
        private static final int MIN_SPLIT = 64;
        private int layer;
        private int splits;

        void run(int layer, int tokens) {
            this.layer = layer;
            if (tokens == 1) {
                // at least two units per thread, but no range shorter than MIN_SPLIT positions
                int wanted = Math.ceilDiv(2 * pool.size(), c.numKvHeads());
                splits = Math.clamp((pos + 1) / MIN_SPLIT, 1, Math.min(wanted, maxSplits));
                pool.run(this, c.numKvHeads() * splits);
                merge();
            } else {
                splits = 0;
                pool.run(this, tokens * c.numKvHeads());
            }
        }

        @Override
        void unit(int u, int worker) {
            int hd = c.headDim();
            int group = c.numHeads() / c.numKvHeads();
            float[] s = scores[worker]; // (heads of the group, maxCacheLen)
            if (splits == 0) {
                int t = u / c.numKvHeads();
                int g = u % c.numKvHeads();
                int n = pos + t + 1; // this token sees positions 0..pos+t
                int q0 = t * c.qDim() + g * group * hd;
                groupScores(g, q0, 0, n, s);
                for (int h = 0; h < group; h++) {
                    Kernels.softmax(s, h * maxCacheLen, n);
                }
                java.util.Arrays.fill(att, q0, q0 + group * hd, 0f);
                groupValues(g, 0, n, s, att, q0);
                return;
            }
            int g = u / splits;
            int part = u % splits;
            int n = pos + 1;
            int span = Math.ceilDiv(n, splits);
            int j0 = Math.min(n, part * span);
            int j1 = Math.min(n, j0 + span);
            int h0 = g * group; // first query head of the group
            int o0 = (part * c.numHeads() + h0) * hd;
            java.util.Arrays.fill(partOut, o0, o0 + group * hd, 0f);
            if (j0 == j1) {
                for (int h = 0; h < group; h++) {
                    partMax[part * c.numHeads() + h0 + h] = Float.NEGATIVE_INFINITY;
                    partSum[part * c.numHeads() + h0 + h] = 0f;
                }
                return;
            }
            groupScores(g, h0 * hd, j0, j1, s);
            for (int h = 0; h < group; h++) {
                int off = h * maxCacheLen + j0;
                float max = Kernels.max(s, off, j1 - j0);
                partMax[part * c.numHeads() + h0 + h] = max;
                partSum[part * c.numHeads() + h0 + h] = Kernels.expShifted(s, off, j1 - j0, max);
            }
            groupValues(g, j0, j1, s, partOut, o0);
        }

        /** Scores of the group's query heads (at {@code q[q0]}) for positions {@code [j0, j1)}, unnormalised. */
        private void groupScores(int g, int q0, int j0, int j1, float[] s) {
            int hd = c.headDim();
            int group = c.numHeads() / c.numKvHeads();
            float scale = (float) (1.0 / Math.sqrt(hd));
            long base = cacheOffset(layer, 0) + (long) g * hd * Float.BYTES;
            long stride = (long) c.kvDim() * Float.BYTES;
            for (int b = j0; b < j1; b += ATTENTION_BLOCK) {
                int jn = Math.min(ATTENTION_BLOCK, j1 - b);
                for (int h = 0; h < group; h++) {
                    Kernels.attentionScores(q, q0 + h * hd, keyCache, base + b * stride, stride, hd, jn, scale, s,
                            h * maxCacheLen + b);
                }
            }
        }

        /** {@code out[o0 + h * head_dim, ...) += sum_j s[h][j] * value_j} for the group's heads over {@code [j0, j1)}. */
        private void groupValues(int g, int j0, int j1, float[] s, float[] out, int o0) {
            int hd = c.headDim();
            int group = c.numHeads() / c.numKvHeads();
            long base = cacheOffset(layer, 0) + (long) g * hd * Float.BYTES;
            long stride = (long) c.kvDim() * Float.BYTES;
            for (int b = j0; b < j1; b += ATTENTION_BLOCK) {
                int jn = Math.min(ATTENTION_BLOCK, j1 - b);
                for (int h = 0; h < group; h++) {
                    Kernels.attentionValues(s, h * maxCacheLen + b, jn, valueCache, base + b * stride, stride, hd,
                            out, o0 + h * hd);
                }
            }
        }

        /** Merges the ranges of a decode step into {@code att}: each range's values weighted by its share of the sum. */
        private void merge() {
            int hd = c.headDim();
            for (int h = 0; h < c.numHeads(); h++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < splits; p++) {
                    max = Math.max(max, partMax[p * c.numHeads() + h]);
                }
                float sum = 0f;
                java.util.Arrays.fill(att, h * hd, (h + 1) * hd, 0f);
                for (int p = 0; p < splits; p++) {
                    float m = partMax[p * c.numHeads() + h];
                    if (m == Float.NEGATIVE_INFINITY) {
                        continue; // an empty range
                    }
                    float weight = (float) Math.exp(m - max);
                    sum += weight * partSum[p * c.numHeads() + h];
                    int src = (p * c.numHeads() + h) * hd;
                    for (int i = 0; i < hd; i++) {
                        att[h * hd + i] += weight * partOut[src + i];
                    }
                }
                float inv = 1f / sum;
                for (int i = 0; i < hd; i++) {
                    att[h * hd + i] *= inv;
                }
            }
        }
    }

    /**
     * The direct fill: one unit per (layer, keys or values, block of {@link #BLOCK} positions). Element {@code i} of a
     * layer's keys or values is a hash of its index and the seed, so the contents do not depend on the thread count.
     */
    private final class FillOp extends WorkerPool.Op {
        private static final int BLOCK = 256;
        private int positions;
        private int blocks;
        private long seed;

        void run(int positions, long seed) {
            this.positions = positions;
            this.seed = seed;
            blocks = Math.ceilDiv(positions, BLOCK);
            pool.run(this, c.numLayers() * 2 * blocks);
        }

        @Override
        void unit(int u, int worker) {
            int block = u % blocks;
            int part = u / blocks; // layer * 2 + (0 keys, 1 values)
            int layer = part / 2;
            MemorySegment cache = part % 2 == 0 ? keyCache : valueCache;
            long base = SyntheticWeights.mix(seed ^ (part + 1) * 0x9E3779B97F4A7C15L);
            long first = (long) block * BLOCK * c.kvDim();
            long end = (long) Math.min(positions, (block + 1) * BLOCK) * c.kvDim();
            long at = cacheOffset(layer, 0);
            for (long i = first; i < end; i++) {
                // the top 24 bits of the hash, as a float in [-1, 1)
                float value = (SyntheticWeights.mix(base + i) >>> 40) * 0x1p-23f - 1f;
                cache.set(ValueLayout.JAVA_FLOAT, at + i * Float.BYTES, value);
            }
        }
    }

    /** xb = RMSNorm(src) * weight for every token of a chunk; one unit per token. */
    private final class NormOp extends WorkerPool.Op {
        private float[] src;
        private Tensor weight;

        void run(float[] src, Tensor weight, int tokens) {
            this.src = src;
            this.weight = weight;
            pool.run(this, tokens);
        }

        @Override
        void unit(int t, int worker) {
            Kernels.rmsnorm(src, t * c.hiddenSize(), xb, t * c.hiddenSize(), weight, c.hiddenSize(), eps);
        }
    }

    /** RoPE on every head of q and k at positions pos + t, then k and v into the layer's cache; one unit per token. */
    private final class RopeCacheOp extends WorkerPool.Op {
        private int layer;

        void run(int layer, int tokens) {
            this.layer = layer;
            pool.run(this, tokens);
        }

        @Override
        void unit(int t, int worker) {
            int hd = c.headDim();
            int tOff = (pos + t) * (hd / 2);
            for (int h = 0; h < c.numHeads(); h++) {
                Kernels.rope(q, t * c.qDim() + h * hd, hd, cos, sin, tOff);
            }
            for (int h = 0; h < c.numKvHeads(); h++) {
                Kernels.rope(k, t * c.kvDim() + h * hd, hd, cos, sin, tOff);
            }
            int kvDim = c.kvDim();
            long at = cacheOffset(layer, pos + t);
            MemorySegment.copy(k, t * kvDim, keyCache, ValueLayout.JAVA_FLOAT, at, kvDim);
            MemorySegment.copy(v, t * kvDim, valueCache, ValueLayout.JAVA_FLOAT, at, kvDim);
        }
    }

    /** hb = SiLU(hb) * hb2 for every token of a chunk; one unit per token. */
    private final class SiluMulOp extends WorkerPool.Op {
        void run(int tokens) {
            pool.run(this, tokens);
        }

        @Override
        void unit(int t, int worker) {
            Kernels.siluMul(hb, hb2, t * c.intermediateSize(), c.intermediateSize());
        }
    }
}
