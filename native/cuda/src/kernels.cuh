// The CUDA kernels of the llmbench engine, in the order a step runs them. native/metal/src/kernels.metal
// holds the same kernels in MSL under the same names; keep the two side by side.
//
// Arithmetic is f32 throughout (weights are read in their stored dtype and widened); only the prefill GEMM
// inputs may be bf16/f16 (tensor cores), see engine.cu. Shapes: dim = hidden_size, ffn = intermediate_size,
// hd = head_dim, nq / nkv = query / key-value heads, qkv_rows = (nq + 2 nkv) hd.
//
// Decode kernels read the position from device memory (Step::pos), so one captured CUDA graph serves every
// step. Kernels start with pdl_wait(): launched with programmatic dependent launch, a kernel's blocks may be
// resident before the previous kernel ends and must not read its outputs before the wait returns; they write
// nothing before it either. They call pdl_launch_dependents() as soon as their first weight loads are issued
// (pdl_launch_early), so the next kernel's blocks, where registers allow, are resident and loading their own
// weights while this kernel runs; a kernel's wait still covers every earlier one, since each of them waited for
// the one before.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <stdint.h>

namespace lb {

constexpr int kWarp = 32;

/** What the host hands a decode step and reads back; lives in pinned host memory and on the device. */
struct StepIn {
    int32_t token; // below 0: the previous step's greedy token, read from StepOut (a step launched ahead)
    int32_t pos;   // position of `token`; attention reads positions [0, pos]
};

struct StepOut {
    unsigned long long argmax_key; // see argmax_key(); the host decodes the id
    int32_t non_finite;            // 1 once a logit was NaN or infinite (sticky until lb_reset)
    int32_t pad;
};

// ---- programmatic dependent launch (Hopper) ------------------------------------------------------------
__device__ __forceinline__ void pdl_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ __forceinline__ void pdl_launch_dependents() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.launch_dependents;");
#endif
}

/**
 * Decode kernels let the next kernel launch as soon as their own first weight loads are issued, so its blocks,
 * where they find room, load their weights while this kernel still runs. Measured on an H200 against launching
 * after the main loop: 769 -> 838 tok/s (S1).
 */
__device__ __forceinline__ void pdl_launch_early() { pdl_launch_dependents(); }

// ---- element conversions ----------------------------------------------------------------------------------
__device__ __forceinline__ float to_f32(float v) { return v; }
__device__ __forceinline__ float to_f32(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float to_f32(__half v) { return __half2float(v); }

template <typename T> __device__ __forceinline__ T from_f32(float v);
template <> __device__ __forceinline__ float from_f32<float>(float v) { return v; }
template <> __device__ __forceinline__ __nv_bfloat16 from_f32<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }
template <> __device__ __forceinline__ __half from_f32<__half>(float v) { return __float2half_rn(v); }

/** Elements of W in one 16-byte load. */
template <typename W> struct Vec16 {
    static constexpr int N = 16 / sizeof(W);
};

/** The two bf16 values of the 32 bits `w` (the first in the low half) as f32. */
__device__ __forceinline__ void widen_bf16_pair(uint32_t w, float &first, float &second) {
    first = __uint_as_float(w << 16);
    second = __uint_as_float(w & 0xFFFF0000u);
}

/** Widens the 16 bytes `raw` of W elements into f32. */
__device__ __forceinline__ void widen(uint4 raw, float (&out)[8], __nv_bfloat16) {
    const uint32_t w[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) widen_bf16_pair(w[i], out[2 * i], out[2 * i + 1]);
}

__device__ __forceinline__ void widen(uint4 raw, float (&out)[8], __half) {
    const uint32_t w[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        __half2 h = *reinterpret_cast<const __half2 *>(&w[i]);
        float2 f = __half22float2(h);
        out[2 * i] = f.x;
        out[2 * i + 1] = f.y;
    }
}

__device__ __forceinline__ void widen(uint4 raw, float (&out)[4], float) {
    out[0] = __uint_as_float(raw.x);
    out[1] = __uint_as_float(raw.y);
    out[2] = __uint_as_float(raw.z);
    out[3] = __uint_as_float(raw.w);
}

/**
 * N (2 or 4) consecutive KV-cache elements of type KV (f32 or bf16) as one load brought them, widened to f32 only
 * where they are used: a load issued before pdl_wait() is not waited for until then.
 */
template <typename KV, int N> struct KvPack;

template <> struct KvPack<float, 4> {
    float4 r;
    __device__ __forceinline__ void load(const float *p) { r = *reinterpret_cast<const float4 *>(p); }
    __device__ __forceinline__ void zero() { r = make_float4(0.f, 0.f, 0.f, 0.f); }
    __device__ __forceinline__ void get(float (&f)[4]) const { f[0] = r.x, f[1] = r.y, f[2] = r.z, f[3] = r.w; }
};

template <> struct KvPack<float, 2> {
    float2 r;
    __device__ __forceinline__ void load(const float *p) { r = *reinterpret_cast<const float2 *>(p); }
    __device__ __forceinline__ void zero() { r = make_float2(0.f, 0.f); }
    __device__ __forceinline__ void get(float (&f)[2]) const { f[0] = r.x, f[1] = r.y; }
};

template <> struct KvPack<__nv_bfloat16, 4> {
    uint2 r;
    __device__ __forceinline__ void load(const __nv_bfloat16 *p) { r = *reinterpret_cast<const uint2 *>(p); }
    __device__ __forceinline__ void zero() { r = make_uint2(0u, 0u); }
    __device__ __forceinline__ void get(float (&f)[4]) const {
        widen_bf16_pair(r.x, f[0], f[1]);
        widen_bf16_pair(r.y, f[2], f[3]);
    }
};

template <> struct KvPack<__nv_bfloat16, 2> {
    uint32_t r;
    __device__ __forceinline__ void load(const __nv_bfloat16 *p) { r = *reinterpret_cast<const uint32_t *>(p); }
    __device__ __forceinline__ void zero() { r = 0u; }
    __device__ __forceinline__ void get(float (&f)[2]) const { widen_bf16_pair(r, f[0], f[1]); }
};

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xFFFFFFFFu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xFFFFFFFFu, v, o));
    return v;
}

/** Sum over the block; every thread gets it. `red` holds one float per warp. */
__device__ __forceinline__ float block_sum(float v, float *red) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) red[warp] = v;
    __syncthreads();
    float s = 0.f;
    for (int i = 0; i < warps; ++i) s += red[i];
    return s;
}

/** 1 / sqrt(mean(x^2) + eps) of x[0..n), as Hugging Face's Qwen2RMSNorm computes it in f32. */
__device__ __forceinline__ float block_inv_rms(const float *x, int n, float eps, float *red) {
    float ss = 0.f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ss += x[i] * x[i];
    ss = block_sum(ss, red);
    return rsqrtf(ss / n + eps);
}

/**
 * Greedy argmax as one 64-bit key: the logit's bits made order-preserving in the high word, and
 * 0xFFFFFFFF - id in the low word, so atomicMax keeps the largest logit and, among equal ones, the
 * smallest id (torch.argmax's choice).
 */
__device__ __forceinline__ unsigned long long argmax_key(float v, uint32_t id) {
    uint32_t b = __float_as_uint(v);
    b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return (static_cast<unsigned long long>(b) << 32) | (0xFFFFFFFFu - id);
}

/** The id an argmax_key holds. */
__host__ __device__ __forceinline__ int32_t argmax_id(unsigned long long key) {
    return static_cast<int32_t>(0xFFFFFFFFu - static_cast<uint32_t>(key & 0xFFFFFFFFull));
}

// ---- the warp matrix-vector core ---------------------------------------------------------------------------
/**
 * Streams NR weight rows (each K elements of W, 16-byte aligned) through one warp, U 16-byte loads per row and
 * lane per round: a warp reads 512 contiguous bytes of a row per load. Rounds are double-buffered: the next
 * round's loads are in flight while this one is multiplied, and a kernel may load its first round before
 * pdl_wait(), while the previous kernel still runs (weights never depend on it).
 */
template <typename W, int NR, int U>
struct RowStream {
    static constexpr int N = Vec16<W>::N;
    uint4 raw[NR][U];

    /** Loads round c0 (chunks [c0, c0 + U*32) of every row; zeros past the end). */
    __device__ __forceinline__ void load(const W *const (&rows)[NR], int chunks, int c0) {
        const int c = c0 + (threadIdx.x & 31);
#pragma unroll
        for (int r = 0; r < NR; ++r)
#pragma unroll
            for (int u = 0; u < U; ++u)
                raw[r][u] = c + u * kWarp < chunks ? __ldcs(reinterpret_cast<const uint4 *>(rows[r]) + c + u * kWarp)
                                                   : make_uint4(0u, 0u, 0u, 0u);
    }

    /**
     * acc[r] = W[r] . v over all K, every lane getting the full sums; round 0 must already be loaded
     * (load(rows, chunks, 0)). With `next`, the last round's multiply overlaps the loads of round 0 of the rows
     * the warp streams next (same K).
     */
    __device__ __forceinline__ void dots(const W *const (&rows)[NR], int K, const float *__restrict__ v, float (&acc)[NR],
                                         const W *const (*next)[NR] = nullptr) {
        const int chunks = K / N, lane = threadIdx.x & 31;
#pragma unroll
        for (int r = 0; r < NR; ++r) acc[r] = 0.f;
        for (int c0 = 0; c0 < chunks; c0 += U * kWarp) {
            const bool more = c0 + U * kWarp < chunks;
            uint4 cur[NR][U];
#pragma unroll
            for (int r = 0; r < NR; ++r)
#pragma unroll
                for (int u = 0; u < U; ++u) cur[r][u] = raw[r][u];
            if (more) load(rows, chunks, c0 + U * kWarp);
            else if (next != nullptr) load(*next, chunks, 0);
            const int c = c0 + lane;
#pragma unroll
            for (int u = 0; u < U; ++u) {
                if (c + u * kWarp >= chunks) break;
                float xv[N];
                const float4 *vp = reinterpret_cast<const float4 *>(v + (c + u * kWarp) * N);
#pragma unroll
                for (int i = 0; i < N / 4; ++i) {
                    const float4 f = vp[i];
                    xv[4 * i] = f.x, xv[4 * i + 1] = f.y, xv[4 * i + 2] = f.z, xv[4 * i + 3] = f.w;
                }
#pragma unroll
                for (int r = 0; r < NR; ++r) {
                    float wf[N];
                    widen(cur[r][u], wf, W());
#pragma unroll
                    for (int i = 0; i < N; ++i) acc[r] = fmaf(wf[i], xv[i], acc[r]);
                }
            }
        }
#pragma unroll
        for (int r = 0; r < NR; ++r) acc[r] = warp_sum(acc[r]);
    }
};

/** Shared-memory vector of the normalised input: xn[i] = x[i] * inv_rms * norm_w[i]. Needs dim floats + 32. */
template <typename W>
__device__ __forceinline__ void norm_into_shared(const float *__restrict__ x, const W *__restrict__ norm_w, int dim,
                                                 float eps, float *xn, float *red) {
    const float inv = block_inv_rms(x, dim, eps, red);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) xn[i] = x[i] * inv * to_f32(norm_w[i]);
    __syncthreads();
}

// ---- decode step ---------------------------------------------------------------------------------------------
/** x = embedding row of the step's token (below 0: the previous step's greedy token); resets the step's argmax. One block. */
template <typename W>
__global__ void embed_token_kernel(const W *__restrict__ embed, const StepIn *__restrict__ in, float *__restrict__ x,
                                   int dim, StepOut *out) {
    pdl_wait();
    const int32_t token = in->token >= 0 ? in->token : argmax_id(out->argmax_key);
    __syncthreads(); // every thread has the previous step's key before thread 0 clears it
    const W *row = embed + static_cast<size_t>(token) * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) x[i] = to_f32(row[i]);
    if (threadIdx.x == 0) out->argmax_key = 0ull;
    pdl_launch_dependents();
}

/**
 * The end of the q/k/v projections for rows i and i + hd/2 of one head of the stacked [q; k; v] (values a, b, bias
 * added): q and k heads are rotated by RoPE at `pos`; q goes to q_row (nq*hd), k and v into the cache at `pos`.
 */
template <typename KV>
__device__ __forceinline__ void store_roped(int head, int i, float a, float b, float c, float s, int pos,
                                            float *__restrict__ q_row, KV *__restrict__ k_cache,
                                            KV *__restrict__ v_cache, int nq, int nkv, int hd, int max_len) {
    const int half = hd / 2;
    if (head < nq + nkv) { // q and k heads rotate; v heads do not
        const float ra = a * c - b * s, rb = b * c + a * s;
        a = ra, b = rb;
    }
    if (head < nq) {
        q_row[head * hd + i] = a;
        q_row[head * hd + i + half] = b;
        return;
    }
    const bool is_k = head < nq + nkv;
    const int kvh = is_k ? head - nq : head - nq - nkv;
    KV *cache = (is_k ? k_cache : v_cache) + (static_cast<size_t>(kvh) * max_len + pos) * hd;
    cache[i] = from_f32<KV>(a);
    cache[i + half] = from_f32<KV>(b);
}

/** store_roped with the rotation of pair i at `pos` read from the RoPE tables. */
template <typename KV>
__device__ __forceinline__ void rope_and_store(int head, int i, float a, float b, const float *__restrict__ rope_cos,
                                               const float *__restrict__ rope_sin, int pos, float *__restrict__ q_row,
                                               KV *__restrict__ k_cache, KV *__restrict__ v_cache, int nq, int nkv,
                                               int hd, int max_len) {
    const int half = hd / 2;
    store_roped(head, i, a, b, rope_cos[pos * half + i], rope_sin[pos * half + i], pos, q_row, k_cache, v_cache, nq, nkv,
                hd, max_len);
}

/**
 * RMSNorm + q/k/v projections with bias + RoPE + KV-cache write, for one token. A warp unit is one rotation
 * pair (rows i and i + hd/2 of one head of the stacked [q; k; v] matrix), so RoPE needs no exchange between
 * warps. q goes to q_out (f32, nq*hd); k and v go to the cache at position in->pos.
 */
template <typename W, int U, typename KV>
__global__ void __launch_bounds__(256, 2) qkv_rope_kernel(const float *__restrict__ x, const W *__restrict__ norm_w, float eps,
                                                       const W *__restrict__ wqkv, const W *__restrict__ bias,
                                                       const StepIn *__restrict__ in, const float *__restrict__ rope_cos,
                                                       const float *__restrict__ rope_sin, float *__restrict__ q_out,
                                                       KV *__restrict__ k_cache, KV *__restrict__ v_cache, int dim,
                                                       int nq, int nkv, int hd, int max_len) {
    extern __shared__ float smem[]; // xn (dim), red (32)
    float *xn = smem, *red = smem + dim;
    const int half = hd / 2, units = (nq + 2 * nkv) * half, chunks = dim / Vec16<W>::N;
    const int warps = blockDim.x / kWarp, warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    auto rows_of = [&](int u, const W *(&rows)[2]) {
        const int r0 = (u / half) * hd + u % half;
        rows[0] = wqkv + static_cast<size_t>(r0) * dim;
        rows[1] = wqkv + static_cast<size_t>(r0 + half) * dim;
    };
    RowStream<W, 2, U> stream;
    const int u0 = blockIdx.x * warps + warp;
    const W *rows[2];
    if (u0 < units) rows_of(u0, rows), stream.load(rows, chunks, 0);
    pdl_launch_early();
    pdl_wait();
    norm_into_shared(x, norm_w, dim, eps, xn, red);
    const int pos = in->pos;
    for (int u = u0; u < units; u += gridDim.x * warps) {
        const int head = u / half, i = u % half;
        const int r0 = head * hd + i, r1 = r0 + half;
        const int un = u + gridDim.x * warps;
        const W *next[2] = {nullptr, nullptr};
        if (un < units) rows_of(un, next);
        float acc[2];
        stream.dots(rows, dim, xn, acc, un < units ? &next : nullptr);
        rows[0] = next[0], rows[1] = next[1];
        if (lane != 0) continue;
        rope_and_store(head, i, acc[0] + to_f32(bias[r0]), acc[1] + to_f32(bias[r1]), rope_cos, rope_sin, pos, q_out,
                       k_cache, v_cache, nq, nkv, hd, max_len);
    }
    pdl_launch_dependents();
}

/** Positions of the KV cache one attention block covers in a decode step: one per thread when scoring. */
constexpr int kAttnSplit = 128;
/** Query heads per KV head the decode attention kernel supports (grouped-query attention). */
constexpr int kMaxGroup = 16;

/**
 * Floats per head in attn_decode's score rows: a split's positions, or the split count for the combine, rounded up
 * to a multiple of 4 so the float4 reduction area after the rows stays 16-byte aligned.
 */
__host__ __device__ constexpr int attn_score_span(int splits) {
    return ((splits > kAttnSplit ? splits : kAttnSplit) + 3) & ~3;
}

/** Shared memory of attn_decode_kernel, bytes: q (group, hd), score rows (group, span), V sums (group, 512). */
__host__ __device__ constexpr size_t attn_decode_smem(int group, int hd, int splits) {
    return sizeof(float) * static_cast<size_t>(group) * (hd + attn_score_span(splits) + 512);
}

/**
 * Every thread of a block whose split's partial is written: arrives on `counter` and answers whether this block is the
 * last of `n` to arrive (the one that combines); lets the next kernel launch.
 */
__device__ __forceinline__ bool last_to_arrive(unsigned int *counter, int n) {
    __shared__ bool last;
    __threadfence();
    __syncthreads();
    pdl_launch_dependents();
    if (threadIdx.x == 0) last = atomicAdd(counter, 1u) == static_cast<unsigned>(n - 1);
    __syncthreads();
    if (last) __threadfence();
    return last;
}

/**
 * The end of a decode attention block whose split wrote its partial (part_ml: (max, sum) per head and split; part_o:
 * unnormalised weighted V) for heads [h0, h0 + group): the last block of the `splits` to arrive on `counter` combines
 * the `used` non-empty splits into out (group * HD floats), with weights exp(m_s - M) / L per (head, split) in the
 * shared memory `wm` (group * used floats) first, then every output element summing its splits with independent
 * loads. Every thread of every block of the grid row calls it.
 */
template <int HD>
__device__ __forceinline__ void combine_splits(float *wm, const float *ml, const float *po, float *out,
                                               unsigned int *counter, int group, int used, int splits) {
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31, warps = blockDim.x / kWarp;
    if (!last_to_arrive(counter, splits)) return;
    for (int i = threadIdx.x; i < group * used; i += blockDim.x) {
        const int g = i / used, s = i % used;
        wm[i] = __ldcg(&ml[(g * splits + s) * 2]);
    }
    __syncthreads();
    for (int g = warp; g < group; g += warps) {
        float m = -INFINITY;
        for (int s = lane; s < used; s += kWarp) m = fmaxf(m, wm[g * used + s]);
        m = warp_max(m);
        float l = 0.f;
        for (int s = lane; s < used; s += kWarp) l += __expf(wm[g * used + s] - m) * __ldcg(&ml[(g * splits + s) * 2 + 1]);
        l = warp_sum(l);
        for (int s = lane; s < used; s += kWarp) wm[g * used + s] = __expf(wm[g * used + s] - m) / l;
    }
    __syncthreads();
    for (int i = threadIdx.x; i < group * HD; i += blockDim.x) {
        const int g = i / HD, d = i % HD;
        const float *src = po + static_cast<size_t>(g) * splits * HD + d;
        float o = 0.f;
#pragma unroll 8
        for (int s = 0; s < used; ++s) o = fmaf(wm[g * used + s], __ldcg(src + static_cast<size_t>(s) * HD), o);
        out[i] = o;
    }
    if (threadIdx.x == 0) *counter = 0u;
}

/**
 * Splits a head's last block combines in one round of loads (combine_quick); more take combine_splits, or merge in
 * runs of this many in attn_decode_group_kernel (merge_in_runs).
 */
constexpr int kQuickCombine = 16;

/**
 * Merges splits [first, first + n) of `group` heads' partials (ml: (max, sum); po: weighted V; head g's split s at
 * g * stride + s) in one block: every split's max and sum into shared memory in one round (wm: 2 * group * n floats),
 * a warp a head turns them into weights there, and then the output's 16-byte chunks are shared out, `parts` threads a
 * chunk where the block has threads to spare (at most red_n / chunks; red holds red_n float4), each summing every
 * parts-th split with 16 loads in flight. Head g's output goes to out + g * out_stride * HD: normalised where out_ml
 * is null, else as a partial of its own, (max, sum) to out_ml + g * out_stride * 2.
 */
template <int HD>
__device__ __forceinline__ void merge_splits(float *wm, float4 *red, int red_n, const float *ml, const float *po, int stride,
                                             int group, int first, int n, float *out, int out_stride, float *out_ml) {
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31, warps = blockDim.x / kWarp;
    for (int i = threadIdx.x; i < 2 * group * n; i += blockDim.x) {
        const int g = i / (2 * n), r = i % (2 * n);
        wm[i] = __ldcg(&ml[(static_cast<size_t>(g) * stride + first) * 2 + r]);
    }
    __syncthreads();
    for (int g = warp; g < group; g += warps) {
        float *w = wm + 2 * g * n;
        float m = -INFINITY;
        for (int s = lane; s < n; s += kWarp) m = fmaxf(m, w[2 * s]);
        m = warp_max(m);
        float l = 0.f;
        for (int s = lane; s < n; s += kWarp) l += __expf(w[2 * s] - m) * w[2 * s + 1];
        l = warp_sum(l);
        __syncwarp();
        const float inv = out_ml ? 1.f : 1.f / l;
        for (int s = lane; s < n; s += kWarp) w[2 * s] = __expf(w[2 * s] - m) * inv;
        if (out_ml && lane == 0) {
            float *dst = out_ml + static_cast<size_t>(g) * out_stride * 2;
            dst[0] = m, dst[1] = l;
        }
    }
    __syncthreads();
    constexpr int N4 = HD / 4;
    const int chunks = group * N4;
    const int parts = max(1, min(static_cast<int>(blockDim.x) / chunks, red_n / chunks));
    for (int i = threadIdx.x; i < chunks * parts; i += blockDim.x) {
        const int c = i % chunks, part = i / chunks, g = c / N4;
        const float *w = wm + 2 * g * n;
        const float4 *po4 = reinterpret_cast<const float4 *>(po + (static_cast<size_t>(g) * stride + first) * HD) + c % N4;
        float4 acc = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll 16
        for (int s = part; s < n; s += parts) {
            const float ws = w[2 * s];
            const float4 v = __ldcg(po4 + static_cast<size_t>(s) * N4);
            acc.x = fmaf(ws, v.x, acc.x), acc.y = fmaf(ws, v.y, acc.y), acc.z = fmaf(ws, v.z, acc.z), acc.w = fmaf(ws, v.w, acc.w);
        }
        red[i] = acc;
    }
    __syncthreads();
    for (int c = threadIdx.x; c < chunks; c += blockDim.x) {
        float4 o = red[c];
        for (int p = 1; p < parts; ++p) {
            const float4 r = red[p * chunks + c];
            o.x += r.x, o.y += r.y, o.z += r.z, o.w += r.w;
        }
        reinterpret_cast<float4 *>(out + static_cast<size_t>(c / N4) * out_stride * HD)[c % N4] = o;
    }
}

/**
 * The end of a decode attention block whose split wrote its partials for heads [h0, h0 + group) (part_o / part_ml:
 * head h's split s at h * splits + s): the last block of each run of kQuickCombine splits merges the run into a
 * partial of its own (after all nq heads' splits: nq * n1 of them, n1 runs a head; its arrival counter after the nq
 * heads' ones, one a group of heads and run), then the last run to finish merges the runs into attn_out; counters
 * are left at zero. No block merges more than kQuickCombine partials a head in a chain of loads. Every thread of
 * every block calls it.
 */
template <int HD>
__device__ __forceinline__ void merge_in_runs(float *wm, float4 *red, int red_n, float *part_o, float *part_ml,
                                              unsigned int *counters, float *attn_out, int groups, int group, int h0,
                                              int split, int splits, int used) {
    constexpr int S1 = kQuickCombine;
    const int nq = groups * group, n1 = (splits + S1 - 1) / S1, runs = (used + S1 - 1) / S1, run = split / S1;
    const float *ml = part_ml + static_cast<size_t>(h0) * splits * 2, *po = part_o + static_cast<size_t>(h0) * splits * HD;
    float *po1 = part_o + static_cast<size_t>(nq) * splits * HD, *ml1 = part_ml + static_cast<size_t>(nq) * splits * 2;
    unsigned int *c1 = counters + nq + (h0 / group) * n1 + run;
    const int n = min(S1, used - run * S1);
    if (!last_to_arrive(c1, n)) return;
    merge_splits<HD>(wm, red, red_n, ml, po, splits, group, run * S1, n, po1 + (static_cast<size_t>(h0) * n1 + run) * HD, n1,
                     ml1 + (static_cast<size_t>(h0) * n1 + run) * 2);
    if (threadIdx.x == 0) *c1 = 0u;
    if (!last_to_arrive(&counters[h0], runs)) return;
    merge_splits<HD>(wm, red, red_n, ml1 + static_cast<size_t>(h0) * n1 * 2, po1 + static_cast<size_t>(h0) * n1 * HD, n1, group,
                     0, runs, attn_out + static_cast<size_t>(h0) * HD, 1, nullptr);
    if (threadIdx.x == 0) counters[h0] = 0u;
}

/**
 * combine_splits for one head of at most kQuickCombine splits, in one round of loads: a thread per output element
 * reads every split's (max, sum) and its element of every split's weighted V at once, then weighs them itself, so
 * the last block's combine is one trip to L2 instead of two with a barrier between.
 */
template <int HD>
__device__ __forceinline__ void combine_quick(const float *ml, const float *po, float *out, unsigned int *counter, int used) {
    if (!last_to_arrive(counter, used)) return;
    for (int d = threadIdx.x; d < HD; d += blockDim.x) {
        float m[kQuickCombine], l[kQuickCombine], o[kQuickCombine];
#pragma unroll
        for (int s = 0; s < kQuickCombine; ++s) {
            if (s >= used) break;
            m[s] = __ldcg(&ml[s * 2]), l[s] = __ldcg(&ml[s * 2 + 1]), o[s] = __ldcg(po + static_cast<size_t>(s) * HD + d);
        }
        float M = -INFINITY;
#pragma unroll
        for (int s = 0; s < kQuickCombine; ++s)
            if (s < used) M = fmaxf(M, m[s]);
        float L = 0.f, O = 0.f;
#pragma unroll
        for (int s = 0; s < kQuickCombine; ++s) {
            if (s >= used) break;
            const float w = __expf(m[s] - M);
            L = fmaf(w, l[s], L);
            O = fmaf(w, o[s], O);
        }
        out[d] = O / L;
    }
    if (threadIdx.x == 0) *counter = 0u;
}

/**
 * A warp's K rows for decode attention, 8 lanes a position: lane group lane / 8 takes positions base + 4i + lane / 8,
 * each lane HD / 32 pieces of 4 elements (piece j*8 + lane % 8 of the row), so a load instruction covers four rows'
 * whole 128-byte lines (64-byte halves of them for a bf16 cache). `before`: the rows before pos, which earlier steps
 * wrote (loaded before pdl_wait()); else the row at pos, which the kernel before writes.
 */
template <int HD, int RI, typename KV>
__device__ __forceinline__ void load_k_rows(KvPack<KV, 4> (&k4)[RI][HD / 32], const KV *kc, int base, int pos, int lane, bool before) {
    const KV *kbase = kc + 4 * (lane % 8);
#pragma unroll
    for (int i = 0; i < RI; ++i) {
        const int pp = base + 4 * i + lane / 8;
        if (before ? pp < pos : pp == pos) {
#pragma unroll
            for (int j = 0; j < HD / 32; ++j) k4[i][j].load(kbase + static_cast<size_t>(pp) * HD + j * 32);
        }
    }
}

/** The score of position base + lane (lanes below 4 RI) against the query qs (HD floats, scaled), from load_k_rows' rows. */
template <int HD, int RI, typename KV>
__device__ __forceinline__ float warp_score(const KvPack<KV, 4> (&k4)[RI][HD / 32], const float *qs, int lane) {
    constexpr int C = HD / 32;
    float4 qv[C];
#pragma unroll
    for (int j = 0; j < C; ++j) qv[j] = reinterpret_cast<const float4 *>(qs)[j * 8 + lane % 8];
    float score = -INFINITY;
#pragma unroll
    for (int i = 0; i < RI; ++i) {
        float a = 0.f;
#pragma unroll
        for (int j = 0; j < C; ++j) {
            float k[4];
            k4[i][j].get(k);
            a = fmaf(qv[j].x, k[0], fmaf(qv[j].y, k[1], fmaf(qv[j].z, k[2], fmaf(qv[j].w, k[3], a))));
        }
        a += __shfl_xor_sync(0xFFFFFFFFu, a, 1);
        a += __shfl_xor_sync(0xFFFFFFFFu, a, 2);
        a += __shfl_xor_sync(0xFFFFFFFFu, a, 4);
        // position base + 4i + g's score, from its group's first lane to lane 4i + g
        const float s = __shfl_sync(0xFFFFFFFFu, a, (lane & 3) * 8);
        if (lane / 4 == i) score = s;
    }
    return score;
}

/** A lane's share of V row `row`: dimensions [lane*D, lane*D + D) (D = HD / 32: 2 or 4), zeros unless `real`. */
template <int HD, typename KV>
__device__ __forceinline__ void v_row_share(const KV *vc, int row, int lane, bool real, KvPack<KV, HD / kWarp> &dst) {
    if (real) dst.load(vc + static_cast<size_t>(row) * HD + lane * (HD / kWarp));
    else dst.zero();
}

/** v += w * the V share `vv` (v_row_share). */
template <typename KV, int D>
__device__ __forceinline__ void add_v_share(float (&v)[D], float w, const KvPack<KV, D> &vv) {
    float f[D];
    vv.get(f);
#pragma unroll
    for (int d = 0; d < D; ++d) v[d] = fmaf(w, f[d], v[d]);
}

/**
 * Decode attention for one query head a block, a warp per PW positions (32 or 16): block (h, s) covers positions
 * [s*WARPS*PW, (s+1)*WARPS*PW) of KV head h / group. Eight lanes score a position together, so the warp's K loads read
 * whole 128-byte lines (loaded before pdl_wait() where an earlier step wrote the row); lane j then holds position j's
 * score, the warp's softmax runs on shuffles, and the lane owns HD/32 dimensions of the weighted V, the warp's PW V
 * rows loaded at once: after the softmax for 32 positions a warp of an f32 cache, before pdl_wait() too (VPRE) for 16
 * or for a bf16 cache (then K and V of the warp's rows fit its registers, and the V sum waits for no load; with a
 * bf16 cache and the V rows after the softmax, 96 registers a thread, S4 decoded at 945 tok/s against 1002 on an
 * H200). The warps' partials meet in shared memory, and splits combine as in combine_quick (up to kQuickCombine of
 * them) or combine_splits. No barrier between scoring and the V sum. Blocks past the cache's length return at once, so the grid, fixed in the captured graph, covers
 * max_cache_len at little cost. Block: WARPS * 32 threads; HD 64 or 128.
 * Shared memory: attn_decode_warp_smem.
 */
template <int HD, int WARPS, int PW, typename KV, bool VPRE = (PW < kWarp || sizeof(KV) < 4)>
__global__ void __launch_bounds__(WARPS * 32) attn_decode_warp_kernel(const float *__restrict__ q, const KV *__restrict__ k_cache,
                                                               const KV *__restrict__ v_cache, const StepIn *__restrict__ in,
                                                               float *__restrict__ part_o, float *__restrict__ part_ml,
                                                               unsigned int *__restrict__ counters, float *__restrict__ attn_out,
                                                               int nq, int nkv, int max_len, float scale) {
    static_assert(PW == 16 || PW == kWarp, "a warp scores 16 or 32 positions");
    constexpr int D = HD / kWarp; // dimensions a lane owns in the V sum
    constexpr int SPLIT = WARPS * PW;
    extern __shared__ float4 smem4[]; // qs (HD), wo (WARPS, HD), wml (WARPS, 2), combine weights (splits)
    float *qs = reinterpret_cast<float *>(smem4), *wo = qs + HD, *wml = wo + WARPS * HD, *comb = wml + 2 * WARPS;
    const int h = blockIdx.x, kvh = h / (nq / nkv), split = blockIdx.y, splits = gridDim.y;
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    const int pos = in->pos, len = pos + 1, used = (len + SPLIT - 1) / SPLIT;
    if (split >= used) return; // past the cache's length: the grid is sized for max_len, fixed in the captured graph
    const int start = split * SPLIT, end = min(len, start + SPLIT);
    const int base = start + warp * PW, p = base + lane; // this lane's position (lanes below PW)
    const KV *kc = k_cache + static_cast<size_t>(kvh) * max_len * HD;
    const KV *vc = v_cache + static_cast<size_t>(kvh) * max_len * HD;
    constexpr int RI = PW / 4;
    KvPack<KV, 4> k4[RI][HD / 32];
    load_k_rows<HD, RI>(k4, kc, base, pos, lane, true);
    // V rows: the warp's rows below the block's end
    const int rows = max(0, min(PW, end - base));
    KvPack<KV, D> vv[PW];
    auto vrow = [&](int j) { v_row_share<HD>(vc, base + j, lane, j < rows, vv[j]); };
    if constexpr (VPRE) {
#pragma unroll
        for (int j = 0; j < PW; ++j)
            if (base + j != pos) vrow(j);
    } else if (p < pos) {
        for (int i = 0; i < HD; i += 128 / sizeof(KV)) asm volatile("prefetch.global.L2 [%0];" ::"l"(vc + static_cast<size_t>(p) * HD + i));
    }
    pdl_launch_early();
    pdl_wait();
    load_k_rows<HD, RI>(k4, kc, base, pos, lane, false);
    if constexpr (VPRE) {
#pragma unroll
        for (int j = 0; j < PW; ++j)
            if (base + j == pos) vrow(j);
    }
    for (int i = threadIdx.x; i < HD; i += blockDim.x) qs[i] = q[static_cast<size_t>(h) * HD + i] * scale;
    __syncthreads();
    float score = warp_score<HD, RI, KV>(k4, qs, lane);
    const bool scored = lane < PW && p < end;
    if (!scored) score = -INFINITY;
    const float m = warp_max(score);
    const float e = scored ? __expf(score - m) : 0.f;
    const float l = warp_sum(e);
    float o[D];
#pragma unroll
    for (int d = 0; d < D; ++d) o[d] = 0.f;
    if constexpr (!VPRE) {
#pragma unroll
        for (int j = 0; j < PW; ++j) vrow(j);
    }
#pragma unroll
    for (int j = 0; j < PW; ++j) add_v_share(o, __shfl_sync(0xFFFFFFFFu, e, j), vv[j]);
#pragma unroll
    for (int d = 0; d < D; ++d) wo[warp * HD + lane * D + d] = o[d];
    if (lane == 0) wml[2 * warp] = m, wml[2 * warp + 1] = l;
    __syncthreads();
    // the block's partial: the warps' (m, l, o) rescaled to the block's max
    float M = -INFINITY;
#pragma unroll
    for (int w = 0; w < WARPS; ++w) M = fmaxf(M, wml[2 * w]);
    float L = 0.f, scale_w[WARPS];
#pragma unroll
    for (int w = 0; w < WARPS; ++w) {
        scale_w[w] = wml[2 * w + 1] > 0.f ? __expf(wml[2 * w] - M) : 0.f;
        L = fmaf(scale_w[w], wml[2 * w + 1], L);
    }
    float *po = part_o + static_cast<size_t>(h) * splits * HD;
    float *ml = part_ml + static_cast<size_t>(h) * splits * 2;
    for (int d = threadIdx.x; d < HD; d += blockDim.x) {
        float O = 0.f;
#pragma unroll
        for (int w = 0; w < WARPS; ++w) O = fmaf(scale_w[w], wo[w * HD + d], O);
        if (used == 1) attn_out[static_cast<size_t>(h) * HD + d] = O / L;
        else po[static_cast<size_t>(split) * HD + d] = O;
    }
    if (used == 1) {
        pdl_launch_dependents();
        return;
    }
    if (threadIdx.x == 0) ml[split * 2] = M, ml[split * 2 + 1] = L;
    if (used <= kQuickCombine) {
        combine_quick<HD>(ml, po, attn_out + static_cast<size_t>(h) * HD, &counters[h], used);
        return;
    }
    combine_splits<HD>(comb, ml, po, attn_out + static_cast<size_t>(h) * HD, &counters[h], 1, used, used);
}

/** Shared memory of attn_decode_warp_kernel, bytes. */
__host__ __device__ constexpr size_t attn_decode_warp_smem(int hd, int warps, int splits) {
    return sizeof(float) * static_cast<size_t>((1 + warps) * hd + 2 * warps + splits);
}

/**
 * Decode attention for long caches (from grouped_from in the engine): a block per G query heads of one KV head (of its
 * kv_group) and WARPS * 32 positions, so each K and V row is read once for the G heads instead of once per head. Block
 * (b, s) covers heads [b*G, b*G + G) and positions [s*WARPS*32, (s+1)*WARPS*32), a warp 32 of them; eight lanes score a
 * position for each head in turn (the K rows stay in registers, loaded before pdl_wait() where an earlier step wrote
 * them; the queries come from shared memory); each head's softmax runs on shuffles; the warp's 32 V rows load at once
 * and feed every head's sum. The block writes a partial per head as attn_decode_warp_kernel does; the last block of
 * each run of kQuickCombine splits merges the run into a partial of its own, and the last run to finish merges the
 * runs, so that no block merges more than kQuickCombine partials a head in a chain of loads (one block merging all 255
 * splits of a 32K cache cost about 20 µs a layer on an H200). A step of one split writes attn_out itself.
 * Block: WARPS * 32 threads; HD 64 or 128. Shared memory: attn_decode_group_smem.
 */
template <int HD, int WARPS, int G, typename KV>
__global__ void __launch_bounds__(WARPS * 32) attn_decode_group_kernel(const float *__restrict__ q, const KV *__restrict__ k_cache,
                                                                const KV *__restrict__ v_cache, const StepIn *__restrict__ in,
                                                                float *__restrict__ part_o, float *__restrict__ part_ml,
                                                                unsigned int *__restrict__ counters, float *__restrict__ attn_out,
                                                                int max_len, float scale, int kv_group) {
    constexpr int PW = kWarp, D = HD / kWarp, SPLIT = WARPS * PW, RI = PW / 4;
    extern __shared__ float4 smem4[]; // qs (G, HD), wo (WARPS, G, HD), wml (WARPS, G, 2), merge weights (attn_decode_group_smem)
    float *qs = reinterpret_cast<float *>(smem4), *wo = qs + G * HD, *wml = wo + WARPS * G * HD, *comb = wml + 2 * WARPS * G;
    const int h0 = blockIdx.x * G, kvh = h0 / kv_group, split = blockIdx.y, splits = gridDim.y;
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    const int pos = in->pos, len = pos + 1, used = (len + SPLIT - 1) / SPLIT;
    if (split >= used) return; // past the cache's length: the grid is sized for max_len, fixed in the captured graph
    const int start = split * SPLIT, end = min(len, start + SPLIT);
    const int base = start + warp * PW, p = base + lane;
    const KV *kc = k_cache + static_cast<size_t>(kvh) * max_len * HD;
    const KV *vc = v_cache + static_cast<size_t>(kvh) * max_len * HD;
    KvPack<KV, 4> k4[RI][HD / 32];
    load_k_rows<HD, RI>(k4, kc, base, pos, lane, true);
    if (p < pos)
        for (int i = 0; i < HD; i += 128 / sizeof(KV)) asm volatile("prefetch.global.L2 [%0];" ::"l"(vc + static_cast<size_t>(p) * HD + i));
    pdl_launch_early();
    pdl_wait();
    load_k_rows<HD, RI>(k4, kc, base, pos, lane, false);
    for (int i = threadIdx.x; i < G * HD; i += blockDim.x) qs[i] = q[static_cast<size_t>(h0) * HD + i] * scale;
    __syncthreads();
    const bool scored = p < end;
    float e[G], m[G];
#pragma unroll
    for (int g = 0; g < G; ++g) {
        float score = warp_score<HD, RI, KV>(k4, qs + g * HD, lane);
        if (!scored) score = -INFINITY;
        m[g] = warp_max(score);
        e[g] = scored ? __expf(score - m[g]) : 0.f;
    }
    float o[G][D];
#pragma unroll
    for (int g = 0; g < G; ++g)
#pragma unroll
        for (int d = 0; d < D; ++d) o[g][d] = 0.f;
    const int rows = max(0, min(PW, end - base));
    KvPack<KV, D> vv[PW]; // the K rows' registers are free again
#pragma unroll
    for (int j = 0; j < PW; ++j) v_row_share<HD>(vc, base + j, lane, j < rows, vv[j]);
#pragma unroll
    for (int g = 0; g < G; ++g)
#pragma unroll
        for (int j = 0; j < PW; ++j) add_v_share(o[g], __shfl_sync(0xFFFFFFFFu, e[g], j), vv[j]);
#pragma unroll
    for (int g = 0; g < G; ++g) {
        const float l = warp_sum(e[g]);
#pragma unroll
        for (int d = 0; d < D; ++d) wo[(warp * G + g) * HD + lane * D + d] = o[g][d];
        if (lane == 0) wml[2 * (warp * G + g)] = m[g], wml[2 * (warp * G + g) + 1] = l;
    }
    __syncthreads();
    // each head's partial: the warps' (m, l, o) rescaled to the block's max for that head
    for (int i = threadIdx.x; i < G * HD; i += blockDim.x) {
        const int g = i / HD, d = i % HD;
        float M = -INFINITY;
#pragma unroll
        for (int w = 0; w < WARPS; ++w) M = fmaxf(M, wml[2 * (w * G + g)]);
        float L = 0.f, O = 0.f;
#pragma unroll
        for (int w = 0; w < WARPS; ++w) {
            const float sw = wml[2 * (w * G + g) + 1] > 0.f ? __expf(wml[2 * (w * G + g)] - M) : 0.f;
            L = fmaf(sw, wml[2 * (w * G + g) + 1], L);
            O = fmaf(sw, wo[(w * G + g) * HD + d], O);
        }
        const int h = h0 + g;
        if (used == 1) {
            attn_out[static_cast<size_t>(h) * HD + d] = O / L;
        } else {
            part_o[(static_cast<size_t>(h) * splits + split) * HD + d] = O;
            float *ml = part_ml + (static_cast<size_t>(h) * splits + split) * 2;
            if (d == 0) ml[0] = M, ml[1] = L;
        }
    }
    if (used == 1) {
        pdl_launch_dependents();
        return;
    }
    merge_in_runs<HD>(comb, reinterpret_cast<float4 *>(wo), WARPS * G * HD / 4, part_o, part_ml, counters, attn_out, gridDim.x, G,
                      h0, split, splits, used);
}

/** Shared memory of attn_decode_group_kernel, bytes. */
__host__ __device__ constexpr size_t attn_decode_group_smem(int hd, int warps, int group, int splits) {
    const int runs = (splits + kQuickCombine - 1) / kQuickCombine, n = runs > kQuickCombine ? runs : kQuickCombine;
    return sizeof(float) * static_cast<size_t>(group * hd + warps * group * hd + 2 * warps * group + 2 * group * n);
}

/**
 * Decode attention, split over the sequence (flash-decoding): block (b, s) scores positions
 * [s*128, s*128+128) of the cache against query heads [b*group, b*group+group), which share one KV head, and
 * writes a partial (max, sum, weighted V). The engine runs a block per query head (group 1): the heads' blocks read
 * their shared KV rows from L2, and each block's chain of dependent steps is a sixth as long as for six heads. A thread scores one position for every head of the group (HD/4 independent
 * 16-byte loads of its K row in flight); for the weighted V a thread owns one dimension and reads V rows
 * coalesced, eight positions' loads at a time. The last block of a KV head to finish (an atomic counter)
 * combines the splits into attn_out. Splits past the current length write an empty partial, so the grid is
 * fixed and the kernel fits in a captured graph. Block: 128 threads.
 */
template <int HD, typename KV>
__global__ void __launch_bounds__(128) attn_decode_kernel(const float *__restrict__ q, const KV *__restrict__ k_cache,
                                                          const KV *__restrict__ v_cache, const StepIn *__restrict__ in,
                                                          float *__restrict__ part_o, float *__restrict__ part_ml,
                                                          unsigned int *__restrict__ counters, float *__restrict__ attn_out,
                                                          int nq, int nkv, int group, int max_len, float scale) {
    extern __shared__ float4 smem4[]; // qs (group*HD), scores (group*max(kAttnSplit, splits)), red (group*512)
    const int h0 = blockIdx.x * group, kvh = h0 / (nq / nkv), split = blockIdx.y, splits = gridDim.y;
    const int span = attn_score_span(splits);
    float *qs = reinterpret_cast<float *>(smem4), *scores = qs + group * HD;
    // positions before in->pos were written by earlier steps: their K rows are loaded (and V rows prefetched into
    // L2) before pdl_wait(), while qkv_rope still runs; only the current position waits for it
    const int pos = in->pos, len = pos + 1;
    const int used = (len + kAttnSplit - 1) / kAttnSplit;
    // a context of one split: split 0 writes the output itself, the other blocks have nothing to do
    if (used == 1 && split != 0) return;
    const int start = split * kAttnSplit, end = min(len, start + kAttnSplit), n = max(0, end - start);
    __shared__ float lsum[kMaxGroup];
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31, warps = blockDim.x / kWarp;
    const KV *kc = k_cache + static_cast<size_t>(kvh) * max_len * HD;
    const KV *vc = v_cache + static_cast<size_t>(kvh) * max_len * HD;
    const int p = threadIdx.x; // kAttnSplit == blockDim.x: a thread scores one position
    const bool mine = p < n, early = mine && start + p < pos;
    KvPack<KV, 4> k4[HD / 4];
    const KV *kr = kc + static_cast<size_t>(start + p) * HD;
    if (early) {
#pragma unroll
        for (int i = 0; i < HD / 4; ++i) k4[i].load(kr + 4 * i);
    }
    constexpr int LINE = 128 / sizeof(KV); // elements a 128-byte line
    for (int i = threadIdx.x * LINE; i < n * HD; i += blockDim.x * LINE) // one prefetch per line
        if (start + i / HD < pos) asm volatile("prefetch.global.L2 [%0];" ::"l"(vc + static_cast<size_t>(start) * HD + i));
    pdl_launch_early();
    pdl_wait();
    if (mine && !early) {
#pragma unroll
        for (int i = 0; i < HD / 4; ++i) k4[i].load(kr + 4 * i);
    }
    for (int i = threadIdx.x; i < group * HD; i += blockDim.x) qs[i] = q[h0 * HD + i] * scale;
    __syncthreads();
    // scores: a thread per position, every head of the group
    if (mine) {
        const float4 *q4 = reinterpret_cast<const float4 *>(qs);
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g) {
            if (g >= group) break;
            float acc = 0.f;
#pragma unroll
            for (int i = 0; i < HD / 4; ++i) {
                const float4 qv = q4[g * (HD / 4) + i];
                float k[4];
                k4[i].get(k);
                acc = fmaf(qv.x, k[0], fmaf(qv.y, k[1], fmaf(qv.z, k[2], fmaf(qv.w, k[3], acc))));
            }
            scores[g * span + p] = acc;
        }
    }
    __syncthreads();
    // softmax numerators and the split's (max, sum) per head: a warp per head
    float *ml = part_ml + (static_cast<size_t>(h0) * splits) * 2;
    for (int g = warp; g < group; g += warps) {
        float m = -INFINITY;
        for (int p = lane; p < n; p += kWarp) m = fmaxf(m, scores[g * span + p]);
        m = warp_max(m);
        float l = 0.f;
        for (int p = lane; p < n; p += kWarp) {
            const float e = __expf(scores[g * span + p] - m);
            scores[g * span + p] = e;
            l += e;
        }
        l = warp_sum(l);
        if (lane == 0) {
            ml[(g * splits + split) * 2] = m;
            ml[(g * splits + split) * 2 + 1] = l;
            lsum[g] = l;
        }
    }
    __syncthreads();
    // weighted V: HD/4 threads per position, each owning 4 dimensions (one 16-byte load of a V row), 128/(HD/4)
    // positions at a time, eight rounds of loads in flight; the rows' sums meet in shared memory
    constexpr int TPP = HD / 4, R = 128 / TPP;
    float *po = part_o + static_cast<size_t>(h0) * splits * HD;
    float *red = scores + group * span; // (R, group, HD)
    {
        const int col = threadIdx.x % TPP, row = threadIdx.x / TPP;
        float4 acc[kMaxGroup];
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g) acc[g] = make_float4(0.f, 0.f, 0.f, 0.f);
        for (int p0 = row; p0 < n; p0 += 8 * R) {
            KvPack<KV, 4> vv[8];
#pragma unroll
            for (int j = 0; j < 8; ++j) {
                const int p = p0 + j * R;
                if (p < n) vv[j].load(vc + static_cast<size_t>(start + p) * HD + 4 * col);
                else vv[j].zero();
            }
#pragma unroll
            for (int j = 0; j < 8; ++j) {
                const int p = p0 + j * R;
                if (p >= n) break;
                float v[4];
                vv[j].get(v);
#pragma unroll
                for (int g = 0; g < kMaxGroup; ++g) {
                    if (g >= group) break;
                    const float w = scores[g * span + p];
                    acc[g].x = fmaf(w, v[0], acc[g].x);
                    acc[g].y = fmaf(w, v[1], acc[g].y);
                    acc[g].z = fmaf(w, v[2], acc[g].z);
                    acc[g].w = fmaf(w, v[3], acc[g].w);
                }
            }
        }
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g) {
            if (g >= group) break;
            reinterpret_cast<float4 *>(red + (row * group + g) * HD)[col] = acc[g];
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < group * HD; i += blockDim.x) {
        const int g = i / HD, d = i % HD;
        float o = 0.f;
        for (int r = 0; r < R; ++r) o += red[(r * group + g) * HD + d];
        if (used == 1)
            attn_out[(h0 + g) * HD + d] = o / lsum[g];
        else
            po[(static_cast<size_t>(g) * splits + split) * HD + d] = o;
    }
    if (used == 1) {
        pdl_launch_dependents();
        return;
    }
    combine_splits<HD>(scores, ml, po, attn_out + static_cast<size_t>(h0) * HD, &counters[blockIdx.x], group, used, splits);
}

/**
 * x[r] += W[r] . v for every row r (o_proj and down_proj with their residual add). A warp unit is NR consecutive
 * rows, or 1/KSPLIT of each of them: KSPLIT warps share the rows when K is long, each streaming its part, so the
 * 1536 rows of a projection keep every multiprocessor's loads in flight; the parts meet in shared memory and are
 * added in a fixed order. Block: 256 threads, (8 / KSPLIT) * NR rows at a time.
 */
template <typename W, int KSPLIT, int NR, int U>
__global__ void __launch_bounds__(256, 2) gemv_residual_kernel(const W *__restrict__ w, const float *__restrict__ v,
                                                               float *__restrict__ x, int rows, int K) {
    __shared__ float parts[8 * NR];
    const int warps = blockDim.x / kWarp, warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    const int groups = warps / KSPLIT, part = warp % KSPLIT, local = warp / KSPLIT, per_block = groups * NR;
    const int Kp = K / KSPLIT, chunks = Kp / Vec16<W>::N;
    auto rows_at = [&](int base, const W *(&rp)[NR]) { // rows past the end read the last row; their sums are dropped
#pragma unroll
        for (int r = 0; r < NR; ++r)
            rp[r] = w + static_cast<size_t>(min(base + local * NR + r, rows - 1)) * K + static_cast<size_t>(part) * Kp;
    };
    RowStream<W, NR, U> stream;
    const W *rp[NR];
    rows_at(blockIdx.x * per_block, rp);
    if (blockIdx.x * per_block + local * NR < rows) stream.load(rp, chunks, 0);
    pdl_launch_early();
    pdl_wait();
    for (int base = blockIdx.x * per_block; base < rows; base += gridDim.x * per_block) {
        const int bn = base + gridDim.x * per_block;
        float acc[NR];
#pragma unroll
        for (int r = 0; r < NR; ++r) acc[r] = 0.f;
        if (base + local * NR < rows) {
            const W *next[NR];
            rows_at(bn, next);
            stream.dots(rp, Kp, v + static_cast<size_t>(part) * Kp, acc, bn + local * NR < rows ? &next : nullptr);
#pragma unroll
            for (int r = 0; r < NR; ++r) rp[r] = next[r];
        }
        if (lane == 0)
#pragma unroll
            for (int r = 0; r < NR; ++r) parts[warp * NR + r] = acc[r];
        __syncthreads();
        if (threadIdx.x < per_block && base + static_cast<int>(threadIdx.x) < rows) {
            const int g = threadIdx.x / NR, r = threadIdx.x % NR;
            float sum = 0.f;
#pragma unroll
            for (int k = 0; k < KSPLIT; ++k) sum += parts[(g * KSPLIT + k) * NR + r];
            x[base + threadIdx.x] += sum;
        }
        __syncthreads();
    }
    pdl_launch_dependents();
}

/**
 * RMSNorm + gate and up projections + SiLU(gate) * up, for one token. wgu is [gate; up] stacked (2 ffn rows),
 * so a warp unit reads gate row i and up row i and writes h[i].
 */
template <typename W, int U>
__global__ void __launch_bounds__(256, 2) gate_up_kernel(const float *__restrict__ x, const W *__restrict__ norm_w, float eps,
                                                      const W *__restrict__ wgu, float *__restrict__ h, int dim, int ffn) {
    extern __shared__ float smem[];
    float *xn = smem, *red = smem + dim;
    const int warps = blockDim.x / kWarp, warp = threadIdx.x / kWarp, lane = threadIdx.x & 31, chunks = dim / Vec16<W>::N;
    RowStream<W, 2, U> stream;
    const int u0 = blockIdx.x * warps + warp;
    const W *rows[2] = {wgu + static_cast<size_t>(u0) * dim, wgu + static_cast<size_t>(ffn + u0) * dim};
    if (u0 < ffn) stream.load(rows, chunks, 0);
    pdl_launch_early();
    pdl_wait();
    norm_into_shared(x, norm_w, dim, eps, xn, red);
    for (int u = u0; u < ffn; u += gridDim.x * warps) {
        const int un = u + gridDim.x * warps;
        const W *next[2] = {wgu + static_cast<size_t>(un) * dim, wgu + static_cast<size_t>(ffn + un) * dim};
        float acc[2];
        stream.dots(rows, dim, xn, acc, un < ffn ? &next : nullptr);
        rows[0] = next[0], rows[1] = next[1];
        if (lane == 0) h[u] = acc[0] / (1.f + expf(-acc[0])) * acc[1];
    }
    pdl_launch_dependents();
}

/**
 * Final RMSNorm + LM head + greedy argmax for one token: logits[r] = W[r] . norm(x), and the block's best
 * (logit, id) folded into out->argmax_key with one atomicMax. Flags NaN or infinite logits.
 */
template <typename W, int U>
__global__ void __launch_bounds__(256, 2) lm_head_kernel(const float *__restrict__ x, const W *__restrict__ norm_w, float eps,
                                                      const W *__restrict__ head, float *__restrict__ logits, int dim,
                                                      int vocab, StepOut *out) {
    extern __shared__ float smem[];
    float *xn = smem, *red = smem + dim;
    __shared__ unsigned long long best[32];
    const int warps = blockDim.x / kWarp, warp = threadIdx.x / kWarp, lane = threadIdx.x & 31, chunks = dim / Vec16<W>::N;
    const int units = (vocab + 1) / 2, u0 = blockIdx.x * warps + warp;
    RowStream<W, 2, U> stream;
    const W *rows[2] = {head + static_cast<size_t>(2 * u0) * dim, head + static_cast<size_t>(min(2 * u0 + 1, vocab - 1)) * dim};
    if (u0 < units) stream.load(rows, chunks, 0);
    pdl_launch_early();
    pdl_wait();
    norm_into_shared(x, norm_w, dim, eps, xn, red);
    unsigned long long mine = 0ull;
    bool bad = false;
    for (int u = u0; u < units; u += gridDim.x * warps) {
        const int r0 = 2 * u, r1 = min(2 * u + 1, vocab - 1);
        const int un = u + gridDim.x * warps;
        const W *next[2] = {head + static_cast<size_t>(2 * un) * dim, head + static_cast<size_t>(min(2 * un + 1, vocab - 1)) * dim};
        float acc[2];
        stream.dots(rows, dim, xn, acc, un < units ? &next : nullptr);
        rows[0] = next[0], rows[1] = next[1];
        if (lane == 0) {
            logits[r0] = acc[0];
            logits[r1] = acc[1];
            bad |= !isfinite(acc[0]) || !isfinite(acc[1]);
            unsigned long long k0 = argmax_key(acc[0], r0), k1 = argmax_key(acc[1], r1);
            mine = max(mine, max(k0, k1));
        }
    }
    pdl_launch_dependents();
    if (lane == 0) best[warp] = mine;
    if (bad) out->non_finite = 1;
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned long long b = 0ull;
        for (int i = 0; i < warps; ++i) b = max(b, best[i]);
        atomicMax(&out->argmax_key, b);
    }
}

// ---- decode kernels for rows that fit a lane's registers ------------------------------------------------------
// When a row is at most 32*U 16-byte chunks (a 1536-wide bf16 row is 192, U = 6), a lane reads chunks lane,
// lane + 32, ... of every row, so it multiplies them with the same U*N values of the input vector each time: the
// lane keeps those in registers (LaneVec), and the inner loop reads no shared memory (Nsight Compute put half the
// stalls of the shared-memory kernels above on those reads). A warp streams its rows through two register
// buffers, the next row's loads in flight while it multiplies the current one; RMSNorm needs no block barrier, as
// the 32 lanes of a warp together hold the whole vector.

/** A lane's U 16-byte chunks of one row of W (chunks lane + 32u; zeros past the row's end). */
template <typename W, int U>
struct RowLoad {
    uint4 raw[U];

    __device__ __forceinline__ void load(const W *row, int chunks) {
        const int lane = threadIdx.x & 31;
#pragma unroll
        for (int u = 0; u < U; ++u) {
            const int c = lane + u * kWarp;
            raw[u] = c < chunks ? __ldcs(reinterpret_cast<const uint4 *>(row) + c) : make_uint4(0u, 0u, 0u, 0u);
        }
    }
};

/** The lane's share of an input vector: the f32 values its RowLoad chunks multiply. */
template <typename W, int U>
struct LaneVec {
    static constexpr int N = Vec16<W>::N;
    float v[U][N];

    /** v = src at the lane's chunks (zeros past `chunks`). */
    __device__ __forceinline__ void load(const float *__restrict__ src, int chunks) {
        const int lane = threadIdx.x & 31;
#pragma unroll
        for (int u = 0; u < U; ++u) {
            const int c = lane + u * kWarp;
#pragma unroll
            for (int i = 0; i < N / 4; ++i) {
                const float4 f = c < chunks ? reinterpret_cast<const float4 *>(src + c * N)[i] : make_float4(0.f, 0.f, 0.f, 0.f);
                v[u][4 * i] = f.x, v[u][4 * i + 1] = f.y, v[u][4 * i + 2] = f.z, v[u][4 * i + 3] = f.w;
            }
        }
    }

    /** RMSNorm in place: v = v / rms(whole vector) * norm weight (its chunks in `w`). Every lane of the warp calls it. */
    __device__ __forceinline__ void rms_norm(const RowLoad<W, U> &w, int dim, float eps) {
        float ss = 0.f;
#pragma unroll
        for (int u = 0; u < U; ++u)
#pragma unroll
            for (int i = 0; i < N; ++i) ss = fmaf(v[u][i], v[u][i], ss);
        const float inv = rsqrtf(warp_sum(ss) / dim + eps);
#pragma unroll
        for (int u = 0; u < U; ++u) {
            float wf[N];
            widen(w.raw[u], wf, W());
#pragma unroll
            for (int i = 0; i < N; ++i) v[u][i] = v[u][i] * inv * wf[i];
        }
    }

    /** The row's dot product with this vector, summed over the warp (every lane gets it). */
    __device__ __forceinline__ float dot(const RowLoad<W, U> &row) const {
        float acc = 0.f;
#pragma unroll
        for (int u = 0; u < U; ++u) {
            float wf[N];
            widen(row.raw[u], wf, W());
#pragma unroll
            for (int i = 0; i < N; ++i) acc = fmaf(wf[i], v[u][i], acc);
        }
        return warp_sum(acc);
    }
};

/**
 * Streams the warp's rows row(0) .. row(n-1) and calls use(i, row(i) . x) for each; `a` must hold row(0) already
 * (loaded before pdl_wait()). Two buffers alternate, so the next row's loads are in flight during each multiply.
 */
template <typename W, int U, typename Row, typename Use>
__device__ __forceinline__ void stream_rows(int n, int chunks, Row row, const LaneVec<W, U> &x, RowLoad<W, U> &a, Use use) {
    RowLoad<W, U> b;
    for (int i = 0; i < n; i += 2) {
        if (i + 1 < n) b.load(row(i + 1), chunks);
        use(i, x.dot(a));
        if (i + 2 < n) a.load(row(i + 2), chunks);
        if (i + 1 < n) use(i + 1, x.dot(b));
    }
}

/**
 * Where a lane kernel's rows wait before they are multiplied: here a warp's next row in registers (two buffers,
 * stream_rows); pipe.cuh's RowPipe keeps several rows a warp in shared memory instead. Either takes smem(rows a
 * warp) bytes of dynamic shared memory ahead of the kernel's own, is built over it, starts the warp's first rows with
 * prime() before pdl_wait() and multiplies them all with stream().
 */
template <typename W, int U>
struct RegisterRows {
    static constexpr int kMinBlocks = 2; // blocks of 256 threads a multiprocessor (128 registers a thread)
    static constexpr size_t smem(long) { return 0; }
    RowLoad<W, U> a;

    __device__ explicit RegisterRows(uint4 *) {}

    template <typename Row>
    __device__ __forceinline__ void prime(int n, int chunks, Row row) {
        if (n > 0) a.load(row(0), chunks);
    }

    template <typename Row, typename Use>
    __device__ __forceinline__ void stream(int n, int chunks, Row row, const LaneVec<W, U> &x, Use use) {
        stream_rows(n, chunks, row, x, a, use);
    }
};

/** Rows of a warp that streams units u0, u0 + stride, ... of `rows_per_unit` rows each, below `units`. */
__device__ __forceinline__ int unit_rows(int u0, int stride, int units, int rows_per_unit) {
    return u0 < units ? (units - u0 + stride - 1) / stride * rows_per_unit : 0;
}

/**
 * RMSNorm + q/k/v projections with bias + RoPE + KV-cache write, as qkv_rope_kernel, rows in a lane's registers. A
 * warp computes one row, so its loads are all issued before pdl_wait(): warps w and w + 4 of a block take rows i and
 * i + hd/2 of one head (a rotation pair), meet in shared memory, and warp w writes the pair. Block: 256 threads,
 * 4 pairs at a time.
 */
template <typename W, int U, typename KV>
__global__ void __launch_bounds__(256, 2) qkv_rope_lane_kernel(const float *__restrict__ x, const W *__restrict__ norm_w,
                                                               float eps, const W *__restrict__ wqkv, const W *__restrict__ bias,
                                                               const StepIn *__restrict__ in, const float *__restrict__ rope_cos,
                                                               const float *__restrict__ rope_sin, float *__restrict__ q_out,
                                                               KV *__restrict__ k_cache, KV *__restrict__ v_cache, int dim,
                                                               int nq, int nkv, int hd, int max_len) {
    constexpr int PAIRS = 4;
    __shared__ float sums[2 * PAIRS];
    const int half = hd / 2, units = (nq + 2 * nkv) * half, chunks = dim / Vec16<W>::N;
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31, slot = warp % PAIRS, upper = warp / PAIRS;
    const int stride = gridDim.x * PAIRS;
    auto row = [&](int u) { return wqkv + static_cast<size_t>((u / half) * hd + u % half + upper * half) * dim; };
    RowLoad<W, U> a, nw;
    if (blockIdx.x * PAIRS + slot < units) a.load(row(blockIdx.x * PAIRS + slot), chunks);
    nw.load(norm_w, chunks);
    // the pair's biases and rotation, read before the wait too: the position is the host's, copied before the step
    const int pos = in->pos;
    const bool stores = upper == 0 && lane == 0;
    float b0 = 0.f, b1 = 0.f, rc = 1.f, rs = 0.f;
    auto fetch = [&](int u) {
        if (!stores || u >= units) return;
        const int k = u % half, r0 = (u / half) * hd + k;
        b0 = to_f32(bias[r0]), b1 = to_f32(bias[r0 + half]);
        rc = rope_cos[pos * half + k], rs = rope_sin[pos * half + k];
    };
    fetch(blockIdx.x * PAIRS + slot);
    pdl_launch_early();
    pdl_wait();
    LaneVec<W, U> xv;
    xv.load(x, chunks);
    xv.rms_norm(nw, dim, eps);
    for (int base = blockIdx.x * PAIRS; base < units; base += stride) { // the same trips for every warp of the block
        const int u = base + slot;
        float acc = 0.f;
        if (u < units) {
            acc = xv.dot(a);
            if (u + stride < units) a.load(row(u + stride), chunks);
        }
        if (lane == 0) sums[warp] = acc;
        __syncthreads();
        if (stores && u < units)
            store_roped(u / half, u % half, sums[slot] + b0, sums[slot + PAIRS] + b1, rc, rs, pos, q_out, k_cache, v_cache,
                        nq, nkv, hd, max_len);
        fetch(u + stride);
        __syncthreads();
    }
}

/**
 * RMSNorm + gate and up projections + SiLU(gate) * up, as gate_up_kernel, the lane's share of the vector in registers
 * and its rows waiting in Rows (RegisterRows, or pipe.cuh's RowPipe).
 */
template <typename W, int U, typename Rows = RegisterRows<W, U>>
__global__ void __launch_bounds__(256, Rows::kMinBlocks) gate_up_lane_kernel(const float *__restrict__ x,
                                                                             const W *__restrict__ norm_w, float eps,
                                                                             const W *__restrict__ wgu,
                                                                             float *__restrict__ h, int dim, int ffn) {
    extern __shared__ uint4 lane_smem[]; // Rows' own
    const int chunks = dim / Vec16<W>::N, warps = blockDim.x / kWarp, lane = threadIdx.x & 31;
    const int u0 = blockIdx.x * warps + threadIdx.x / kWarp, stride = gridDim.x * warps;
    const int n = unit_rows(u0, stride, ffn, 2);
    auto row = [&](int i) { return wgu + static_cast<size_t>(u0 + (i >> 1) * stride + (i & 1) * ffn) * dim; };
    Rows src(lane_smem);
    src.prime(n, chunks, row);
    RowLoad<W, U> nw;
    nw.load(norm_w, chunks);
    pdl_launch_early();
    pdl_wait();
    if (n == 0) return;
    LaneVec<W, U> xv;
    xv.load(x, chunks);
    xv.rms_norm(nw, dim, eps);
    float gate = 0.f;
    src.stream(n, chunks, row, xv, [&](int i, float acc) {
        if ((i & 1) == 0) gate = acc;
        else if (lane == 0) h[u0 + (i >> 1) * stride] = gate / (1.f + expf(-gate)) * acc;
    });
}

/** Final RMSNorm + LM head + greedy argmax, as lm_head_kernel, the lane's share of the vector and its rows in registers. */
template <typename W, int U>
__global__ void __launch_bounds__(256, 2) lm_head_lane_kernel(const float *__restrict__ x, const W *__restrict__ norm_w,
                                                              float eps, const W *__restrict__ head, float *__restrict__ logits,
                                                              int dim, int vocab, StepOut *out) {
    using Rows = RegisterRows<W, U>;
    __shared__ unsigned long long best[32];
    const int chunks = dim / Vec16<W>::N, warps = blockDim.x / kWarp, warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    const int r0 = blockIdx.x * warps + warp, stride = gridDim.x * warps;
    const int n = unit_rows(r0, stride, vocab, 1);
    auto row = [&](int i) { return head + static_cast<size_t>(r0 + i * stride) * dim; };
    Rows src(nullptr);
    src.prime(n, chunks, row);
    RowLoad<W, U> nw;
    nw.load(norm_w, chunks);
    pdl_launch_early();
    pdl_wait();
    unsigned long long mine = 0ull;
    bool bad = false;
    if (n > 0) {
        LaneVec<W, U> xv;
        xv.load(x, chunks);
        xv.rms_norm(nw, dim, eps);
        src.stream(n, chunks, row, xv, [&](int i, float acc) {
            const int r = r0 + i * stride;
            if (lane == 0) logits[r] = acc;
            bad |= !isfinite(acc);
            mine = max(mine, argmax_key(acc, r));
        });
    }
    if (lane == 0) best[warp] = mine;
    if (bad && lane == 0) out->non_finite = 1;
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned long long b = 0ull;
        for (int i = 0; i < warps; ++i) b = max(b, best[i]);
        atomicMax(&out->argmax_key, b);
    }
}

/**
 * x[r] += W[r] . v (o_proj and down_proj with their residual add), the lane's share of v in registers and its rows
 * waiting in Rows (RegisterRows, or pipe.cuh's RowPipe). KSPLIT == 1: a warp streams whole rows r0, r0 + stride, ...
 * KSPLIT > 1 (a long K): the block takes a run of consecutive rows, warp w streams part w of each (K/KSPLIT
 * columns), and the parts meet in shared memory after Rows' own (rows_per_block * KSPLIT floats), added in a fixed
 * order. Block: 256 threads; KSPLIT is 1 or 8.
 */
template <typename W, int U, int KSPLIT, typename Rows = RegisterRows<W, U>>
__global__ void __launch_bounds__(256, Rows::kMinBlocks) gemv_residual_lane_kernel(const W *__restrict__ w,
                                                                                   const float *__restrict__ v,
                                                                                   float *__restrict__ x, int rows, int K,
                                                                                   int rows_per_block) {
    extern __shared__ uint4 lane_smem[]; // Rows' own, then (rows_per_block, KSPLIT) parts when KSPLIT > 1
    float *parts = reinterpret_cast<float *>(lane_smem) + Rows::smem(rows_per_block) / sizeof(float);
    const int warps = blockDim.x / kWarp, warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    const int Kp = K / KSPLIT, chunks = Kp / Vec16<W>::N, part = KSPLIT > 1 ? warp : 0;
    const int r0 = KSPLIT > 1 ? blockIdx.x * rows_per_block : blockIdx.x * warps + warp;
    const int stride = KSPLIT > 1 ? 1 : gridDim.x * warps;
    const int n = KSPLIT > 1 ? max(0, min(rows_per_block, rows - r0)) : unit_rows(r0, stride, rows, 1);
    auto row = [&](int i) { return w + static_cast<size_t>(r0 + i * stride) * K + static_cast<size_t>(part) * Kp; };
    Rows src(lane_smem);
    src.prime(n, chunks, row);
    pdl_launch_early();
    pdl_wait();
    if (n == 0) return;
    LaneVec<W, U> vv;
    vv.load(v + static_cast<size_t>(part) * Kp, chunks);
    src.stream(n, chunks, row, vv, [&](int i, float acc) {
        if (lane != 0) return;
        if (KSPLIT > 1) parts[i * KSPLIT + part] = acc;
        else x[r0 + i * stride] += acc;
    });
    if (KSPLIT > 1) {
        __syncthreads();
        for (int r = threadIdx.x; r < n; r += blockDim.x) {
            float sum = 0.f;
#pragma unroll
            for (int k = 0; k < KSPLIT; ++k) sum += parts[r * KSPLIT + k];
            x[r0 + r] += sum;
        }
    }
}

// ---- prefill -------------------------------------------------------------------------------------------------
/** x[t] = embedding row of ids[t]; resets the argmax. Grid: one block per token. */
template <typename W>
__global__ void embed_rows_kernel(const W *__restrict__ embed, const int32_t *__restrict__ ids, float *__restrict__ x,
                                  int dim, StepOut *out) {
    const int t = blockIdx.x;
    const W *row = embed + static_cast<size_t>(ids[t]) * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) x[static_cast<size_t>(t) * dim + i] = to_f32(row[i]);
    if (t == 0 && threadIdx.x == 0) out->argmax_key = 0ull;
}

/** xn[t] = RMSNorm(x[t]) * norm_w, in the GEMM input type A. Grid: one block per token. */
template <typename W, typename A>
__global__ void rmsnorm_rows_kernel(const float *__restrict__ x, const W *__restrict__ norm_w, float eps,
                                    A *__restrict__ xn, int dim) {
    __shared__ float red[32];
    const float *row = x + static_cast<size_t>(blockIdx.x) * dim;
    const float inv = block_inv_rms(row, dim, eps, red);
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        xn[static_cast<size_t>(blockIdx.x) * dim + i] = from_f32<A>(row[i] * inv * to_f32(norm_w[i]));
}

/**
 * Bias + RoPE on the [q; k; v] rows of a chunk (qkv: T rows of qkv_rows f32, from the GEMM); q to q_out
 * (T rows of nq*hd), k and v into the cache at positions p0 + t, and where k_f32 is given (a bf16 cache) each key and
 * value as written, widened back, into the layer's f32 copies k_f32 / v_f32 (the cache's layout), which the prefill
 * attention reads. Grid: one block per token.
 */
template <typename W, typename KV>
__global__ void bias_rope_cache_kernel(const float *__restrict__ qkv, const W *__restrict__ bias,
                                       const float *__restrict__ rope_cos, const float *__restrict__ rope_sin,
                                       float *__restrict__ q_out, KV *__restrict__ k_cache, KV *__restrict__ v_cache,
                                       float *__restrict__ k_f32, float *__restrict__ v_f32, int p0, int nq, int nkv,
                                       int hd, int max_len) {
    const int t = blockIdx.x, pos = p0 + t, half = hd / 2, heads = nq + 2 * nkv;
    const float *row = qkv + static_cast<size_t>(t) * heads * hd;
    for (int u = threadIdx.x; u < heads * half; u += blockDim.x) {
        const int head = u / half, i = u % half, r0 = head * hd + i, r1 = r0 + half;
        rope_and_store(head, i, row[r0] + to_f32(bias[r0]), row[r1] + to_f32(bias[r1]), rope_cos, rope_sin, pos,
                       q_out + static_cast<size_t>(t) * nq * hd, k_cache, v_cache, nq, nkv, hd, max_len);
        if (k_f32 != nullptr && head >= nq) { // the thread's own two values, read back as the cache holds them
            const bool is_k = head < nq + nkv;
            const size_t at = (static_cast<size_t>(is_k ? head - nq : head - nq - nkv) * max_len + pos) * hd + i;
            const KV *cache = is_k ? k_cache : v_cache;
            float *copy = is_k ? k_f32 : v_f32;
            copy[at] = to_f32(cache[at]);
            copy[at + half] = to_f32(cache[at + half]);
        }
    }
}

/**
 * One layer's bf16 keys and values at positions [0, L) widened into f32 copies of the same layout (kv heads, max_len,
 * hd), which the prefill attention reads: the positions before a chunk (bias_rope_cache_kernel writes the chunk's).
 * Grid: y = 2 (keys, values), x strides over nkv * L * hd.
 */
__global__ void cache_to_f32_kernel(const __nv_bfloat16 *__restrict__ k_cache, const __nv_bfloat16 *__restrict__ v_cache,
                                    float *__restrict__ k_out, float *__restrict__ v_out, int nkv, int L, int hd, int max_len) {
    const __nv_bfloat16 *src = blockIdx.y == 0 ? k_cache : v_cache;
    float *dst = blockIdx.y == 0 ? k_out : v_out;
    const size_t n = static_cast<size_t>(nkv) * L * hd;
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
        const size_t h = i / (static_cast<size_t>(L) * hd), r = i % (static_cast<size_t>(L) * hd);
        const size_t at = h * max_len * hd + r;
        dst[at] = __bfloat162float(src[at]);
    }
}

/** Queries per warp and warps per block of the prefill attention kernel; keys per shared-memory tile. */
constexpr int kPrefillQPW = 4;
constexpr int kPrefillWarps = 8;
constexpr int kPrefillQ = kPrefillQPW * kPrefillWarps;
constexpr int kPrefillKeys = 32;

/** Shared memory of attn_prefill_kernel<HD>, bytes. */
constexpr size_t attn_prefill_smem(int hd) {
    return sizeof(float) * (static_cast<size_t>(kPrefillQ) * hd + kPrefillKeys * (hd + 1) + kPrefillKeys * hd);
}

/**
 * Causal prefill attention in f32 (online softmax over key tiles, flash-attention style). Block (qb, h):
 * queries t in [qb*32, qb*32+32) of query head h against cache positions [0, p0 + t]. A warp owns 4 queries;
 * lane j scores key j of the tile for them, then every lane accumulates HD/32 output dimensions.
 * Output attn (T rows of nq*HD) in the GEMM input type A.
 */
template <int HD, typename A>
__global__ void __launch_bounds__(kPrefillWarps * kWarp) attn_prefill_kernel(
        const float *__restrict__ q, const float *__restrict__ k_cache, const float *__restrict__ v_cache,
        A *__restrict__ attn, int T, int p0, int nq, int nkv, int max_len, float scale) {
    constexpr int DPL = (HD + kWarp - 1) / kWarp; // output dims per lane
    extern __shared__ float smem[];
    float *qs = smem;                           // (32 queries, HD), pre-scaled
    float *ks = qs + kPrefillQ * HD;            // (32 keys, HD + 1): padded, lanes read different rows
    float *vs = ks + kPrefillKeys * (HD + 1);   // (32 keys, HD)
    const int h = blockIdx.y, kvh = h / (nq / nkv), t0 = blockIdx.x * kPrefillQ;
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    for (int i = threadIdx.x; i < kPrefillQ * HD; i += blockDim.x) {
        const int t = t0 + i / HD;
        qs[i] = t < T ? q[(static_cast<size_t>(t) * nq + h) * HD + i % HD] * scale : 0.f;
    }
    const float *kc = k_cache + static_cast<size_t>(kvh) * max_len * HD;
    const float *vc = v_cache + static_cast<size_t>(kvh) * max_len * HD;
    float m[kPrefillQPW], l[kPrefillQPW], acc[kPrefillQPW][DPL];
#pragma unroll
    for (int j = 0; j < kPrefillQPW; ++j) {
        m[j] = -INFINITY, l[j] = 0.f;
#pragma unroll
        for (int d = 0; d < DPL; ++d) acc[j][d] = 0.f;
    }
    const int last_pos = p0 + min(T, t0 + kPrefillQ) - 1; // the block's last query position
    for (int k0 = 0; k0 <= last_pos; k0 += kPrefillKeys) {
        __syncthreads();
        for (int i = threadIdx.x; i < kPrefillKeys * HD; i += blockDim.x) {
            const int kk = k0 + i / HD, d = i % HD;
            const bool in = kk <= last_pos;
            ks[(i / HD) * (HD + 1) + d] = in ? kc[static_cast<size_t>(kk) * HD + d] : 0.f;
            vs[i] = in ? vc[static_cast<size_t>(kk) * HD + d] : 0.f;
        }
        __syncthreads();
        const int key = k0 + lane;
        float s[kPrefillQPW];
#pragma unroll
        for (int j = 0; j < kPrefillQPW; ++j) s[j] = 0.f;
        const float *kr = ks + lane * (HD + 1);
        const float *qw = qs + warp * kPrefillQPW * HD;
#pragma unroll 8
        for (int d = 0; d < HD; ++d) {
            const float kv = kr[d];
#pragma unroll
            for (int j = 0; j < kPrefillQPW; ++j) s[j] = fmaf(qw[j * HD + d], kv, s[j]);
        }
#pragma unroll
        for (int j = 0; j < kPrefillQPW; ++j) {
            const int qpos = p0 + t0 + warp * kPrefillQPW + j;
            if (key > qpos) s[j] = -INFINITY; // causal mask (also covers keys past the tile's end)
            const float tile_max = warp_max(s[j]);
            const float m_new = fmaxf(m[j], tile_max);
            if (m_new == -INFINITY) continue; // a query past T: nothing to attend to
            const float corr = __expf(m[j] - m_new);
            const float p = __expf(s[j] - m_new);
            l[j] = l[j] * corr + warp_sum(p);
            m[j] = m_new;
#pragma unroll
            for (int d = 0; d < DPL; ++d) acc[j][d] *= corr;
            for (int kk = 0; kk < kPrefillKeys; ++kk) {
                const float pk = __shfl_sync(0xFFFFFFFFu, p, kk);
#pragma unroll
                for (int d = 0; d < DPL; ++d) {
                    const int dd = lane + d * kWarp;
                    if (dd < HD) acc[j][d] = fmaf(pk, vs[kk * HD + dd], acc[j][d]);
                }
            }
        }
    }
#pragma unroll
    for (int j = 0; j < kPrefillQPW; ++j) {
        const int t = t0 + warp * kPrefillQPW + j;
        if (t >= T) continue;
#pragma unroll
        for (int d = 0; d < DPL; ++d) {
            const int dd = lane + d * kWarp;
            if (dd < HD) attn[(static_cast<size_t>(t) * nq + h) * HD + dd] = from_f32<A>(acc[j][d] / l[j]);
        }
    }
}

/**
 * Causal softmax in place over the score rows of a chunk (cuBLAS attention path): s holds, per query head h
 * and token t, the row of L = p0 + T scores against cache positions [0, L), already scaled; row (h, t) keeps
 * positions [0, p0 + t] and zeroes the rest. Grid: (T, nq), one block per row.
 */
__global__ void softmax_causal_kernel(float *__restrict__ s, int T, int L, int p0) {
    __shared__ float red[32];
    const int t = blockIdx.x, h = blockIdx.y, keep = p0 + t + 1;
    float *row = s + (static_cast<size_t>(h) * T + t) * L;
    float m = -INFINITY;
    for (int i = threadIdx.x; i < keep; i += blockDim.x) m = fmaxf(m, row[i]);
    {
        const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
        m = warp_max(m);
        if (lane == 0) red[warp] = m;
        __syncthreads();
        m = -INFINITY;
        for (int i = 0; i < warps; ++i) m = fmaxf(m, red[i]);
        __syncthreads();
    }
    float l = 0.f;
    for (int i = threadIdx.x; i < keep; i += blockDim.x) {
        const float e = __expf(row[i] - m);
        row[i] = e;
        l += e;
    }
    l = block_sum(l, red);
    const float inv = 1.f / l;
    for (int i = threadIdx.x; i < L; i += blockDim.x) row[i] = i < keep ? row[i] * inv : 0.f;
}

/** q (T, nq*hd) token-major to qh (nq, T, hd) head-major, scaled: the A operand of the score GEMMs. */
__global__ void q_head_major_kernel(const float *__restrict__ q, float *__restrict__ qh, int T, int nq, int hd, float scale) {
    const size_t n = static_cast<size_t>(T) * nq * hd;
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
        const size_t t = i / (static_cast<size_t>(nq) * hd), h = (i / hd) % nq, d = i % hd;
        qh[(h * T + t) * hd + d] = q[i] * scale;
    }
}

/** f32 to the GEMM input type A, n elements (the cuBLAS attention output before o_proj). */
template <typename A>
__global__ void convert_kernel(const float *__restrict__ src, A *__restrict__ dst, size_t n) {
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x)
        dst[i] = from_f32<A>(src[i]);
}

/** h[t][i] = SiLU(gu[t][i]) * gu[t][ffn + i] in the GEMM input type A (gu: T rows of 2 ffn f32). */
template <typename A>
__global__ void silu_mul_kernel(const float *__restrict__ gu, A *__restrict__ h, int T, int ffn) {
    const size_t n = static_cast<size_t>(T) * ffn;
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<size_t>(gridDim.x) * blockDim.x) {
        const size_t t = i / ffn, c = i % ffn;
        const float g = gu[t * 2 * ffn + c], u = gu[t * 2 * ffn + ffn + c];
        h[i] = from_f32<A>(g / (1.f + expf(-g)) * u);
    }
}

/** f32 GEMM tile sizes of gemm_f32_kernel. */
constexpr int kGemmTile = 64;
constexpr int kGemmK = 16;

/**
 * C[T][N] = beta*C + A[T][K] . W[N][K]^T in f32 on the CUDA cores (weights widened from W): the exact
 * prefill path (--engine-opt prefill_gemm=f32) and the fallback when the library was built without cuBLAS.
 * 64x64 tiles, 256 threads, 4x4 outputs per thread.
 */
template <typename W>
__global__ void __launch_bounds__(256) gemm_f32_kernel(const float *__restrict__ a, const W *__restrict__ w,
                                                       float *__restrict__ c, int T, int N, int K, float beta) {
    __shared__ float as[kGemmK][kGemmTile + 4];
    __shared__ float ws[kGemmK][kGemmTile + 4];
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    const int row0 = blockIdx.y * kGemmTile, col0 = blockIdx.x * kGemmTile;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < K; k0 += kGemmK) {
        for (int i = threadIdx.x; i < kGemmTile * kGemmK; i += blockDim.x) {
            const int r = i / kGemmK, kk = i % kGemmK;
            const int gr = row0 + r, gn = col0 + r, gk = k0 + kk;
            as[kk][r] = (gr < T && gk < K) ? a[static_cast<size_t>(gr) * K + gk] : 0.f;
            ws[kk][r] = (gn < N && gk < K) ? to_f32(w[static_cast<size_t>(gn) * K + gk]) : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < kGemmK; ++kk) {
            float av[4], wv[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) av[i] = as[kk][ty * 4 + i], wv[i] = ws[kk][tx * 4 + i];
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
                for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(av[i], wv[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int r = row0 + ty * 4 + i, n = col0 + tx * 4 + j;
            if (r < T && n < N) {
                float *dst = c + static_cast<size_t>(r) * N + n;
                *dst = beta == 0.f ? acc[i][j] : *dst * beta + acc[i][j];
            }
        }
}

// ---- synthetic weights ---------------------------------------------------------------------------------------
// The device twin of dev.llmbench.model.SyntheticWeights: element i of tensor number ti is a pure function of
// (seed, ti, i), so the device makes the same bf16 bits as the Java side without copying gigabytes.
__device__ __forceinline__ uint64_t splitmix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/** bf16 bits of center + scale * u, u = (bits16 - 32768) / 32768, rounded to nearest even; no FMA contraction. */
__device__ __forceinline__ uint16_t synthetic_element(uint32_t bits16, float center, float scale) {
    const float u = static_cast<float>(static_cast<int>(bits16) - 32768);
    const float f = __fadd_rn(center, __fmul_rn(u, __fdiv_rn(scale, 32768.f)));
    const uint32_t b = __float_as_uint(f);
    return static_cast<uint16_t>((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16);
}

/** Fills n bf16 elements of one tensor; base = mix(seed ^ (ti + 1) * golden), computed on the host. */
__global__ void synthetic_fill_kernel(uint16_t *__restrict__ dst, uint64_t n, uint64_t base, float center, float scale) {
    for (uint64_t q = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; q * 4 < n;
         q += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint64_t h = splitmix(base + q * 0xD1B54A32D192ED03ull);
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const uint64_t i = q * 4 + j;
            if (i < n) dst[i] = synthetic_element(static_cast<uint32_t>((h >> (16 * j)) & 0xFFFFu), center, scale);
        }
    }
}

} // namespace lb

// ---- the direct KV cache fill (lb_fill_cache) ------------------------------------------------------------------
// The twin of dev.llmbench.engine.java.Qwen2Model.fillCache: for layer l, part = 2 l + (0 keys, 1 values),
// base = mix(seed ^ (part + 1) * 0x9E3779B97F4A7C15) and element i = position * kv_dim + kv_head * head_dim + d of the
// layer's (position, kv_dim) block is (mix(base + i) >> 40) * 2^-23 - 1, mix being SyntheticWeights.mix (SplitMix64's
// finaliser). Host and device both, so the host can check the values against Java's without a GPU.
namespace lb {

__host__ __device__ inline uint64_t cache_fill_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/** The hash base of one layer's keys (part 2 l) or values (part 2 l + 1). */
__host__ __device__ inline uint64_t cache_fill_base(uint64_t seed, int part) {
    return cache_fill_mix(seed ^ static_cast<uint64_t>(part + 1) * 0x9E3779B97F4A7C15ull);
}

/**
 * Element i of a part: the hash's top 24 bits as a float in [-1, 1). Every step is exact (a 24-bit integer, a power
 * of two, then a difference that fits 24 bits), so a fused multiply-add gives the same bits as Java's two roundings.
 */
__host__ __device__ inline float cache_fill_value(uint64_t base, uint64_t i) {
    return static_cast<float>(static_cast<uint32_t>(cache_fill_mix(base + i) >> 40)) * 0x1p-23f - 1.f;
}

/**
 * Writes the first `positions` positions of every layer's keys and values, caches laid out (layers, kv_heads,
 * max_len, hd) each, in the cache's type (a bf16 cache holds the values rounded to nearest). Grid: y = 2 * layers
 * (blockIdx.y is the part), x strides over positions * kv_heads * hd in Java's index order, so a warp writes runs of hd
 * consecutive elements.
 */
template <typename KV>
__global__ void cache_fill_kernel(KV *__restrict__ k_cache, KV *__restrict__ v_cache, uint64_t seed,
                                  int positions, int nkv, int hd, int max_len) {
    const int part = static_cast<int>(blockIdx.y), layer = part / 2;
    const uint64_t kv_dim = static_cast<uint64_t>(nkv) * hd, n = static_cast<uint64_t>(positions) * kv_dim;
    KV *cache = (part % 2 == 0 ? k_cache : v_cache) + static_cast<size_t>(layer) * nkv * max_len * hd;
    const uint64_t base = cache_fill_base(seed, part);
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint64_t p = i / kv_dim, r = i % kv_dim, h = r / hd, d = r % hd;
        cache[(h * max_len + p) * hd + d] = from_f32<KV>(cache_fill_value(base, i));
    }
}

} // namespace lb
