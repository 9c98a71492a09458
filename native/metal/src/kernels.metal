// The Metal kernels of the llmbench engine, in the order a step runs them: the MSL twins of
// native/cuda/src/kernels.cuh, under the same names and in the same order (the host names add the weight dtype:
// qkv_rope_bf16, qkv_rope_f16, qkv_rope_f32; the lane kernels their U, qkv_rope_lane_u12_bf16; gemv_residual its
// KSPLIT too, gemv_residual_k4_bf16, gemv_residual_lane_k8_u12_bf16; the attention kernels their head_dim,
// attn_decode_hd128, and attn_decode_warp its simdgroups and positions a simdgroup too, attn_decode_warp_w4_hd128 for
// 32 and attn_decode_warp_w8p16_hd128 for 16). Keep the two side by side.
// On sm_80+ CUDA's gate_up_lane and gemv_residual_lane with KSPLIT 8 keep their rows in shared memory (a RowPipe,
// native/cuda/src/pipe.cuh) instead of registers; what they compute, and in what order, is what they compute here.
//
// engine.m compiles this file at load (newLibraryWithSource, fast math off); the build embeds it as a C string.
// Arithmetic is f32 throughout (weights are read in their stored dtype and widened). Shapes: dim = hidden_size,
// ffn = intermediate_size, hd = head_dim, nq / nkv = query / key-value heads, qrows = nq hd, kvrows = nkv hd.
// "Warp" below means a simdgroup: 32 threads on Apple GPUs (engine.m refuses a pipeline whose threadExecutionWidth
// is not 32).
//
// The decode path is kernels.cuh's, kernel by kernel, and engine.m chooses among them as engine.cu does:
//  - where a row of the input vector's width is at most 32*U 8-byte chunks (U 2, 4, 8 or 12: a 1536-wide bf16 row),
//    the lane kernels qkv_rope_lane, gate_up_lane, lm_head_lane and gemv_residual_lane: a lane reads the same chunks
//    of every row and keeps the matching values of the input vector in registers (LaneVec), RMSNorm runs per
//    simdgroup with no threadgroup barrier, a simdgroup streams its rows through two row buffers (RowLoad,
//    stream_rows), the grids are balanced (engine.m's balanced_grid), down_proj is split 8 ways across a
//    threadgroup's run of rows and o_proj takes a simdgroup a row; qkv_rope_lane takes a simdgroup a row, the two
//    rows of a rotation pair meeting in threadgroup memory;
//  - wider rows take the threadgroup-memory kernels qkv_rope, gate_up, lm_head and gemv_residual (double-buffered
//    rounds, the next unit's first round loaded during the current unit's last multiply; gemv_residual four
//    simdgroups a row for a long K, else two whole rows a simdgroup);
//  - attention for head_dim 64 and 128 is attn_decode_warp: a threadgroup per query head and 128 positions, a
//    simdgroup per 16 of them below position kLongContext (512; their V rows loaded with the K rows) and per 32 from
//    there (eight lanes score a position, so the K loads read whole 128-byte lines, and lane j then takes position
//    j's score by simd_shuffle; softmax on simd_max/simd_sum, the simdgroup's V rows loaded at once), the
//    simdgroups' partials merged in threadgroup memory, and threadgroups past the cache's length
//    returning at once; other head_dims take attn_decode, a threadgroup per query head (group 1) with a thread a
//    position. Both finish a one-split context in split 0 and otherwise combine the splits in the last threadgroup to
//    arrive (combine_splits; attn_decode_warp counts the used splits' threadgroups only, and up to 16 of them combine
//    in one round of loads, combine_quick).
//
// Where this file differs from kernels.cuh, and why:
//  - bf16 is read as ushort and widened by a shift: MSL's bfloat needs MSL 3.1 (macOS 14); this works on every
//    version.
//  - Weights are read 8 bytes a lane (CUDA: 16). Weights stay in the mapped safetensors files (no copy) and a
//    safetensors file only promises 8-byte aligned tensors. So the lane kernels' U counts 8-byte loads a row and lane
//    (2, 4, 8, 12 where CUDA's 16-byte U is 1, 2, 4, 6): the same bytes, and the same registers, a row buffer of U
//    uint2 holding what CUDA's U/2 uint4 hold. engine.m's tests count 8-byte chunks (down_proj's split: chunks
//    divide by 8 and an eighth of a row fits U 12). The threadgroup-memory kernels keep one round size: 8 loads a row
//    for two rows and 16 for one. CUDA's with_loads picks U from the row length, which for the rows that reach these
//    kernels is 4 (8 here), and 8 (16 here) for gemv_residual's long K, except that a quarter row that fits 9 loads,
//    or 6 or fewer, takes those in CUDA.
//  - q/k/v and gate/up are separate tensors here, never stacked (stacking would be a copy): the kernels take one
//    pointer per tensor, and qkv_row()/qkv_bias() give row r of the stacked [q; k; v] view that CUDA stores.
//  - RowStream takes its row pointers as a Rows struct by value and a has_next flag (CUDA: an array reference and a
//    nullable pointer), and qkv_pair() stands for CUDA's rows_of lambda: MSL has no lambdas.
//  - The prefill GEMM inputs are always f32 (MPSMatrixMultiplication on f32 weights, gemm_f32 on the others; see
//    engine.m), so the prefill kernels have no GEMM input type parameter.
//  - No programmatic dependent launch (PDL), and nothing like it in Metal: a decode step is one serial compute encoder
//    in one command buffer; a dispatch starts after the one before has ended and sees all its writes. So CUDA's
//    pdl_wait() and its "launch early" (pdl_launch_early: the next kernel's blocks resident and loading their weights
//    while this kernel runs, 769 -> 838 tok/s on the H200) have no twin here. What CUDA loads before pdl_wait() is
//    loaded at the same place here, where it still overlaps the RMSNorm (the row streams' first row or round, the
//    norm weights, qkv_rope_lane's biases and rotation), except in the attention kernels: CUDA loads the K rows of
//    earlier positions before the wait and the current position's after it, and prefetches their V rows into L2;
//    here the two loads follow each other and nothing is prefetched (MSL has no prefetch).
//  - MSL has no lambdas: stream_rows takes a struct whose row() and use() are CUDA's two lambdas, and gemv_rows() is
//    gemv_residual's rows_at. MSL's C++ has no `if constexpr` either: attn_decode_warp tests D with a plain `if`.
//  - The LM head's argmax: MSL has no 64-bit atomic max on every Apple GPU, so each lm_head threadgroup writes its
//    best key to its own slot and argmax_reduce (one threadgroup, the next dispatch) folds them. No atomics, and the
//    result does not depend on the order the threadgroups ran in.
//  - combine_splits, combine_quick: the partials go through relaxed device atomics (coherent at the device level on
//    every MSL version), with device-scope fences where MSL 3.2 has them (last_to_arrive); the `last` flag is the
//    kernel's (MSL declares threadgroup variables in kernel functions only).
//  - attn_decode's score rows are attn_span(splits) floats a head: CUDA's max(kAttnSplit, splits) with splits
//    rounded up to 4, so the float4 rows of the V reduction behind them stay 16-byte aligned for every
//    max_cache_len. Threadgroup memory must fit in 32 KB: attn_decode_warp's (1 + WARPS) hd + 2 WARPS + splits floats
//    (5 hd + 8 + splits at 4 simdgroups, 9 hd + 16 + 4 at 8, whose grid stops at kLongContext), attn_decode's hd + span + 512 at group 1, so both hold about 960k positions (a split a float); engine.m refuses a cache
//    length that does not fit when it opens.
//  - Grid sizes: CUDA caps a grid-stride decode kernel at one wave, from the occupancy calculator and the
//    multiprocessor count, and balances the lane kernels' grids within that wave. Metal reports neither a core count
//    nor how many threadgroups a core holds (maxTotalThreadsPerThreadgroup bounds one threadgroup), so engine.m caps
//    every such grid at 1024 threadgroups and balances within that.
//  - attn_prefill: 4 simdgroups (16 queries) per threadgroup, CUDA 8, and V read from device memory: 32 KB of
//    threadgroup memory holds 16 queries and one K tile at head_dim 128, not more. So head_dim is 16 to 128 here
//    (CUDA: also 256).
//  - The CUDA engine's prefill attention runs on cuBLAS when it is built in (a scores GEMM, softmax_causal, an output
//    GEMM; q_head_major and convert serve it): those kernels have no twin here. Metal's prefill keeps the flash-style
//    attn_prefill, which CUDA keeps as its path without cuBLAS.
#include <metal_stdlib>
using namespace metal;

#if __METAL_VERSION__ >= 320
// Besides fastMathEnabled = NO / MTLMathModeSafe from the host: no fused multiply-add the code did not write.
#pragma METAL fp math_mode(safe)
#pragma METAL fp contract(off)
#endif

#define LB_UNROLL _Pragma("clang loop unroll(full)")

constant constexpr int kWarp = 32;

/** What the host hands a decode step and reads back; shared storage, written / read by the host between steps. */
struct StepIn {
    int token;
    int pos; // position of `token`; attention reads positions [0, pos]
};

struct StepOut {
    ulong argmax_key; // see argmax_key(); the host decodes the id
    int non_finite;   // 1 once a logit was NaN or infinite (sticky until lb_reset)
    int pad;
};

// ---- programmatic dependent launch: none in Metal -------------------------------------------------------------
// kernels.cuh has pdl_wait(), pdl_launch_dependents() and pdl_launch_early() here: a CUDA decode kernel issues its
// first weight loads, lets the next kernel launch ("launch early", so that kernel's blocks are resident and loading
// their own weights while this one runs), then waits for the previous kernel's output. Metal has no equivalent: the
// dispatches of one serial compute encoder run one after another, each seeing every write of the one before, and no
// dispatch can start early. The kernels below load at the places where CUDA's load before the wait (the first row or
// round before the RMSNorm, "CUDA: before pdl_wait()"), and skip the wait and the launch calls.

// ---- element conversions ----------------------------------------------------------------------------------
typedef ushort bf16; // the bits of a bfloat16

inline float to_f32(float v) { return v; }
inline float to_f32(bf16 v) { return as_type<float>(uint(v) << 16); }
inline float to_f32(half v) { return float(v); }

/** Widens the 8 bytes `raw` of W elements (8 / sizeof(W) of them) into f32. */
inline void widen(uint2 raw, thread float *out, bf16) {
    out[0] = as_type<float>(raw.x << 16);
    out[1] = as_type<float>(raw.x & 0xFFFF0000u);
    out[2] = as_type<float>(raw.y << 16);
    out[3] = as_type<float>(raw.y & 0xFFFF0000u);
}

inline void widen(uint2 raw, thread float *out, half) {
    const float4 f = float4(as_type<half4>(raw));
    out[0] = f.x;
    out[1] = f.y;
    out[2] = f.z;
    out[3] = f.w;
}

inline void widen(uint2 raw, thread float *out, float) {
    out[0] = as_type<float>(raw.x);
    out[1] = as_type<float>(raw.y);
}

/** Sum over the threadgroup; every thread gets it. `red` holds one float per simdgroup. */
inline float block_sum(float v, threadgroup float *red, uint lane, uint warp, uint warps) {
    v = simd_sum(v);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (lane == 0) red[warp] = v;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    float s = 0.f;
    for (uint i = 0; i < warps; ++i) s += red[i];
    return s;
}

/** 1 / sqrt(mean(x^2) + eps) of x[0..n), as Hugging Face's Qwen2RMSNorm computes it in f32. */
inline float block_inv_rms(device const float *x, int n, float eps, threadgroup float *red, uint tid, uint ntg,
                           uint lane, uint warp, uint warps) {
    float ss = 0.f;
    for (int i = int(tid); i < n; i += int(ntg)) ss += x[i] * x[i];
    ss = block_sum(ss, red, lane, warp, warps);
    return rsqrt(ss / n + eps);
}

/**
 * Greedy argmax as one 64-bit key: the logit's bits made order-preserving in the high word, and
 * 0xFFFFFFFF - id in the low word, so the largest key holds the largest logit and, among equal ones, the
 * smallest id (torch.argmax's choice).
 */
inline ulong argmax_key(float v, uint id) {
    uint b = as_type<uint>(v);
    b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return (ulong(b) << 32) | ulong(0xFFFFFFFFu - id);
}

inline ulong key_max(ulong a, ulong b) { return a > b ? a : b; }

// ---- the warp matrix-vector core ---------------------------------------------------------------------------
/** NR weight row pointers: what CUDA's RowStream takes as an array reference, passed here by value. */
template <typename W, int NR>
struct Rows {
    device const W *at[NR];
};

template <typename W>
inline Rows<W, 1> rows_of(device const W *r0) {
    Rows<W, 1> r;
    r.at[0] = r0;
    return r;
}

template <typename W>
inline Rows<W, 2> rows_of(device const W *r0, device const W *r1) {
    Rows<W, 2> r;
    r.at[0] = r0;
    r.at[1] = r1;
    return r;
}

/**
 * Streams NR weight rows (each K elements of W, 8-byte aligned) through one simdgroup, U 8-byte loads per row and
 * lane per round: a simdgroup reads 256 contiguous bytes of a row per load. Rounds are double-buffered: the next
 * round's loads are in flight while this one is multiplied. CUDA's kernels load their first round before pdl_wait(),
 * while the previous kernel still runs; Metal has no such overlap, and the kernels here load it at the same place,
 * before their RMSNorm, so it is in flight while the norm runs.
 */
template <typename W, int NR, int U>
struct RowStream {
    uint2 raw[NR][U];

    /** Loads round c0 (chunks [c0, c0 + U*32) of every row; zeros past the end). */
    void load(Rows<W, NR> rows, int chunks, int c0, uint lane) {
        const int c = c0 + int(lane);
        LB_UNROLL for (int r = 0; r < NR; ++r) {
            device const uint2 *p = reinterpret_cast<device const uint2 *>(rows.at[r]);
            LB_UNROLL for (int u = 0; u < U; ++u) {
                raw[r][u] = c + u * kWarp < chunks ? uint2(p[c + u * kWarp]) : uint2(0u, 0u);
            }
        }
    }

    /**
     * acc[r] = W[r] . v over all K (v in threadgroup or device memory), every lane getting the full sums; round 0
     * must already be loaded (load(rows, chunks, 0, lane)). With has_next, the last round's multiply overlaps the
     * loads of round 0 of `next`, the rows the simdgroup streams next (same K).
     */
    template <typename V>
    void dots(Rows<W, NR> rows, int K, V v, thread float *acc, uint lane, Rows<W, NR> next, bool has_next) {
        constexpr int N = 8 / int(sizeof(W)); // elements of W in one 8-byte load
        const int chunks = K / N;
        LB_UNROLL for (int r = 0; r < NR; ++r) acc[r] = 0.f;
        for (int c0 = 0; c0 < chunks; c0 += U * kWarp) {
            const bool more = c0 + U * kWarp < chunks;
            uint2 cur[NR][U];
            LB_UNROLL for (int r = 0; r < NR; ++r) {
                LB_UNROLL for (int u = 0; u < U; ++u) cur[r][u] = raw[r][u];
            }
            if (more) load(rows, chunks, c0 + U * kWarp, lane);
            else if (has_next) load(next, chunks, 0, lane);
            const int c = c0 + int(lane);
            LB_UNROLL for (int u = 0; u < U; ++u) {
                if (c + u * kWarp >= chunks) break;
                float xv[N];
                LB_UNROLL for (int i = 0; i < N; ++i) xv[i] = v[(c + u * kWarp) * N + i];
                LB_UNROLL for (int r = 0; r < NR; ++r) {
                    float wf[N];
                    widen(cur[r][u], wf, W());
                    LB_UNROLL for (int i = 0; i < N; ++i) acc[r] = fma(wf[i], xv[i], acc[r]);
                }
            }
        }
        LB_UNROLL for (int r = 0; r < NR; ++r) acc[r] = simd_sum(acc[r]);
    }
};

/** Threadgroup vector of the normalised input: xn[i] = x[i] * inv_rms * norm_w[i]. Needs dim floats + 32. */
template <typename W>
inline void norm_into_shared(device const float *x, device const W *norm_w, int dim, float eps, threadgroup float *xn,
                             threadgroup float *red, uint tid, uint ntg, uint lane, uint warp, uint warps) {
    const float inv = block_inv_rms(x, dim, eps, red, tid, ntg, lane, warp, warps);
    for (int i = int(tid); i < dim; i += int(ntg)) xn[i] = x[i] * inv * to_f32(norm_w[i]);
    threadgroup_barrier(mem_flags::mem_threadgroup);
}

/** Row r of the stacked [q; k; v] projection (qrows + 2 kvrows rows of dim), from the three separate tensors. */
template <typename W>
inline device const W *qkv_row(device const W *wq, device const W *wk, device const W *wv, int r, int qrows,
                               int kvrows, int dim) {
    if (r < qrows) return wq + size_t(r) * dim;
    if (r < qrows + kvrows) return wk + size_t(r - qrows) * dim;
    return wv + size_t(r - qrows - kvrows) * dim;
}

/** Element r of the stacked [q; k; v] bias, from the three separate tensors. */
template <typename W>
inline float qkv_bias(device const W *bq, device const W *bk, device const W *bv, int r, int qrows, int kvrows) {
    if (r < qrows) return to_f32(bq[r]);
    if (r < qrows + kvrows) return to_f32(bk[r - qrows]);
    return to_f32(bv[r - qrows - kvrows]);
}

// ---- decode step ---------------------------------------------------------------------------------------------
/** x = embedding row of the step's token. One threadgroup. (CUDA resets the argmax here; argmax_reduce overwrites it.) */
template <typename W>
[[kernel]] void embed_token(device const W *embed [[buffer(0)]], device const StepIn *in [[buffer(1)]],
                            device float *x [[buffer(2)]], constant int &dim [[buffer(3)]],
                            uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]]) {
    device const W *row = embed + size_t(in->token) * dim;
    for (int i = int(tid); i < dim; i += int(ntg)) x[i] = to_f32(row[i]);
}

/**
 * The end of the q/k/v projections for rows i and i + hd/2 of one head of the stacked [q; k; v] (values a, b, bias
 * added): q and k heads are rotated by RoPE at `pos`; q goes to q_row (nq*hd), k and v into the cache at `pos`.
 */
inline void store_roped(int head, int i, float a, float b, float c, float s, int pos, device float *q_row,
                        device float *k_cache, device float *v_cache, int nq, int nkv, int hd, int max_len) {
    const int half_hd = hd / 2;
    if (head < nq + nkv) { // q and k heads rotate; v heads do not
        const float ra = a * c - b * s, rb = b * c + a * s;
        a = ra, b = rb;
    }
    if (head < nq) {
        q_row[head * hd + i] = a;
        q_row[head * hd + i + half_hd] = b;
        return;
    }
    const bool is_k = head < nq + nkv;
    const int kvh = is_k ? head - nq : head - nq - nkv;
    device float *cache = (is_k ? k_cache : v_cache) + (size_t(kvh) * max_len + pos) * hd;
    cache[i] = a;
    cache[i + half_hd] = b;
}

/** store_roped with the rotation of pair i at `pos` read from the RoPE tables. */
inline void rope_and_store(int head, int i, float a, float b, device const float *rope_cos,
                           device const float *rope_sin, int pos, device float *q_row, device float *k_cache,
                           device float *v_cache, int nq, int nkv, int hd, int max_len) {
    const int half_hd = hd / 2;
    store_roped(head, i, a, b, rope_cos[pos * half_hd + i], rope_sin[pos * half_hd + i], pos, q_row, k_cache, v_cache,
                nq, nkv, hd, max_len);
}

/** Rows i and i + hd/2 of one head of the stacked [q; k; v] view: warp unit u of qkv_rope. */
template <typename W>
inline Rows<W, 2> qkv_pair(device const W *wq, device const W *wk, device const W *wv, int u, int hd, int qrows,
                           int kvrows, int dim) {
    const int half_hd = hd / 2, r0 = (u / half_hd) * hd + u % half_hd;
    return rows_of(qkv_row(wq, wk, wv, r0, qrows, kvrows, dim), qkv_row(wq, wk, wv, r0 + half_hd, qrows, kvrows, dim));
}

/**
 * RMSNorm + q/k/v projections with bias + RoPE + KV-cache write, for one token. A warp unit is one rotation
 * pair (rows i and i + hd/2 of one head of the stacked [q; k; v] view), so RoPE needs no exchange between
 * simdgroups. q goes to q_out (f32, nq*hd); k and v go to the cache at position in->pos. Threadgroup: 256 threads,
 * dim + 32 floats of threadgroup memory.
 */
template <typename W>
[[kernel]] void qkv_rope(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                         constant float &eps [[buffer(2)]], device const W *wq [[buffer(3)]],
                         device const W *wk [[buffer(4)]], device const W *wv [[buffer(5)]],
                         device const W *bq [[buffer(6)]], device const W *bk [[buffer(7)]],
                         device const W *bv [[buffer(8)]], device const StepIn *in [[buffer(9)]],
                         device const float *rope_cos [[buffer(10)]], device const float *rope_sin [[buffer(11)]],
                         device float *q_out [[buffer(12)]], device float *k_cache [[buffer(13)]],
                         device float *v_cache [[buffer(14)]], constant int &dim [[buffer(15)]],
                         constant int &nq [[buffer(16)]], constant int &nkv [[buffer(17)]],
                         constant int &hd [[buffer(18)]], constant int &max_len [[buffer(19)]],
                         threadgroup float *smem [[threadgroup(0)]],
                         uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                         uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]],
                         uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                         uint warps [[simdgroups_per_threadgroup]]) {
    threadgroup float *xn = smem, *red = smem + dim; // xn (dim), red (32)
    const int half_hd = hd / 2, units = (nq + 2 * nkv) * half_hd, chunks = dim / (8 / int(sizeof(W)));
    const int qrows = nq * hd, kvrows = nkv * hd, stride = int(ntgs * warps);
    RowStream<W, 2, 8> stream;
    const int u0 = int(tgid * warps + warp);
    Rows<W, 2> rows = qkv_pair(wq, wk, wv, u0, hd, qrows, kvrows, dim);
    if (u0 < units) stream.load(rows, chunks, 0, lane); // CUDA: before pdl_wait()
    norm_into_shared(x, norm_w, dim, eps, xn, red, tid, ntg, lane, warp, warps);
    const int pos = in->pos;
    for (int u = u0; u < units; u += stride) {
        const int head = u / half_hd, i = u % half_hd;
        const int r0 = head * hd + i, r1 = r0 + half_hd;
        const int un = u + stride;
        const Rows<W, 2> next = qkv_pair(wq, wk, wv, un, hd, qrows, kvrows, dim);
        float acc[2];
        stream.dots(rows, dim, xn, acc, lane, next, un < units);
        rows = next;
        if (lane == 0) // CUDA: `if (lane != 0) continue;`
            rope_and_store(head, i, acc[0] + qkv_bias(bq, bk, bv, r0, qrows, kvrows),
                           acc[1] + qkv_bias(bq, bk, bv, r1, qrows, kvrows), rope_cos, rope_sin, pos, q_out, k_cache,
                           v_cache, nq, nkv, hd, max_len);
    }
}

/** KV-cache positions one attention threadgroup covers in a decode step (engine.m: kAttnSplit). */
constant constexpr int kAttnSplit = 128;
/** Query heads per KV head the decode attention kernel supports (grouped-query attention; engine.m: kMaxGroup). */
constant constexpr int kMaxGroup = 16;

/**
 * Floats per head of attn_decode's score rows: kAttnSplit scores, and later the combine's weight of every split.
 * CUDA takes max(kAttnSplit, splits); rounding splits up to 4 keeps the float4 rows of `red` behind it 16-byte aligned
 * for every max_cache_len. engine.m's attn_decode_smem() sizes the threadgroup memory from the same.
 */
inline int attn_span(int splits) { return max(kAttnSplit, (splits + 3) / 4 * 4); }

// The attention partials are written and read as relaxed device atomics: a plain store of one threadgroup is not
// promised to be visible to another threadgroup of the same dispatch before MSL 3.2's device-scope fences, while
// atomic operations on one location are coherent across the device on every MSL version. Where MSL 3.2 is there, the
// fences order the partials before the counter (release) and after it (acquire), as __threadfence() does in CUDA.
inline void store_f32(device atomic_uint *p, float v) { atomic_store_explicit(p, as_type<uint>(v), memory_order_relaxed); }
inline float load_f32(device atomic_uint *p) { return as_type<float>(atomic_load_explicit(p, memory_order_relaxed)); }

/**
 * CUDA's last_to_arrive: every thread of a threadgroup whose split's partial is written arrives on `counter`; true in
 * the last of `n` to arrive (the one that combines).
 */
inline bool last_to_arrive(device atomic_uint *counter, int n, threadgroup uint *last, uint tid) {
#if __METAL_VERSION__ >= 320
    atomic_thread_fence(mem_flags::mem_device, memory_order_seq_cst, thread_scope_device);
#endif
    threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup);
    if (tid == 0) *last = atomic_fetch_add_explicit(counter, 1u, memory_order_relaxed) == uint(n - 1) ? 1u : 0u;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (*last == 0u) return false;
#if __METAL_VERSION__ >= 320
    atomic_thread_fence(mem_flags::mem_device, memory_order_seq_cst, thread_scope_device);
#endif
    return true;
}

/**
 * The end of a decode attention threadgroup whose split wrote its partial (part_ml: (max, sum) per head and split;
 * part_o: unnormalised weighted V) for heads [h0, h0 + group): the last threadgroup of the `splits` to arrive on
 * `counter` combines the `used` non-empty splits into out (group * HD floats), with weights exp(m_s - M) / L per
 * (head, split) in the threadgroup memory `wm` (group * used floats) first, then every output element summing its
 * splits with independent loads. Every thread of every threadgroup of the grid row calls it. `last` is a threadgroup
 * flag of the kernel's (MSL declares threadgroup variables in kernels only); CUDA lets the next kernel launch here
 * (pdl_launch_dependents), which Metal has no equivalent of.
 */
template <int HD>
inline void combine_splits(threadgroup float *wm, device atomic_uint *ml, device atomic_uint *po, device float *out,
                           device atomic_uint *counter, int group, int used, int splits, threadgroup uint *last,
                           uint tid, uint ntg, uint lane, uint warp, uint warps) {
    if (!last_to_arrive(counter, splits, last, tid)) return;
    for (int i = int(tid); i < group * used; i += int(ntg)) {
        const int g = i / used, s = i % used;
        wm[i] = load_f32(&ml[(g * splits + s) * 2]);
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int g = int(warp); g < group; g += int(warps)) {
        float m = -INFINITY;
        for (int s = int(lane); s < used; s += kWarp) m = max(m, wm[g * used + s]);
        m = simd_max(m);
        float l = 0.f;
        for (int s = int(lane); s < used; s += kWarp) l += exp(wm[g * used + s] - m) * load_f32(&ml[(g * splits + s) * 2 + 1]);
        l = simd_sum(l);
        for (int s = int(lane); s < used; s += kWarp) wm[g * used + s] = exp(wm[g * used + s] - m) / l;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int i = int(tid); i < group * HD; i += int(ntg)) {
        const int g = i / HD, d = i % HD;
        device atomic_uint *src = po + size_t(g) * splits * HD + d;
        float o = 0.f;
        for (int s = 0; s < used; ++s) o = fma(wm[g * used + s], load_f32(src + size_t(s) * HD), o);
        out[i] = o;
    }
    if (tid == 0) atomic_store_explicit(counter, 0u, memory_order_relaxed);
}

/** Splits a head's last threadgroup combines in one round of loads (combine_quick); more take combine_splits. */
constant constexpr int kQuickCombine = 16;

/**
 * combine_splits for one head of at most kQuickCombine splits, in one round of loads: a thread per output element
 * reads every split's (max, sum) and its element of every split's weighted V at once, then weighs them itself.
 */
template <int HD>
inline void combine_quick(device atomic_uint *ml, device atomic_uint *po, device float *out, device atomic_uint *counter,
                          int used, threadgroup uint *last, uint tid, uint ntg) {
    if (!last_to_arrive(counter, used, last, tid)) return;
    for (int d = int(tid); d < HD; d += int(ntg)) {
        float m[kQuickCombine], l[kQuickCombine], o[kQuickCombine];
        LB_UNROLL for (int s = 0; s < kQuickCombine; ++s) {
            if (s >= used) break;
            m[s] = load_f32(&ml[s * 2]), l[s] = load_f32(&ml[s * 2 + 1]), o[s] = load_f32(po + size_t(s) * HD + d);
        }
        float M = -INFINITY;
        LB_UNROLL for (int s = 0; s < kQuickCombine; ++s)
            if (s < used) M = max(M, m[s]);
        float L = 0.f, O = 0.f;
        LB_UNROLL for (int s = 0; s < kQuickCombine; ++s) {
            if (s >= used) break;
            const float w = exp(m[s] - M);
            L = fma(w, l[s], L);
            O = fma(w, o[s], O);
        }
        out[d] = O / L;
    }
    if (tid == 0) atomic_store_explicit(counter, 0u, memory_order_relaxed);
}

/** One V row's lane share for attn_decode_warp: dimensions [lane*D, lane*D + D) of row p, zeros when not `real`. */
template <int HD>
inline void vrow(thread float *dst, device const float *vc, int p, uint lane, bool real) {
    constexpr int D = HD / kWarp;
    device const float *src = vc + size_t(p) * HD + lane * D;
    if (D == 4) { // one 16-byte load a row (CUDA: if constexpr, which MSL's C++14 lacks)
        const float4 f = real ? *reinterpret_cast<device const float4 *>(src) : float4(0.f);
        LB_UNROLL for (int d = 0; d < D; ++d) dst[d] = f[d];
    } else {
        LB_UNROLL for (int d = 0; d < D; ++d) dst[d] = real ? src[d] : 0.f;
    }
}

/**
 * Decode attention for one query head a threadgroup, a simdgroup per PW positions (32 or 16): threadgroup (h, s)
 * covers positions [s*WARPS*PW, (s+1)*WARPS*PW) of KV head h / group. Eight lanes score a position together, so the
 * simdgroup's K loads read whole 128-byte lines; lane j then holds position j's score (simd_shuffle), the simdgroup's
 * softmax runs on simd_max/simd_sum, and the lane owns HD/32 dimensions of the weighted V, the simdgroup's PW V rows
 * loaded at once: after the softmax for 32 positions a simdgroup, with the K rows for 16 (engine.m takes 8
 * simdgroups of 16 below kLongContext, 4 of 32 from there, as CUDA). The simdgroups' partials meet in threadgroup
 * memory, and splits combine as in combine_quick (up to kQuickCombine of them) or combine_splits. No barrier between
 * scoring and the V sum. Threadgroups past the cache's length return at once, so the grid, sized for max_cache_len,
 * costs little beyond it. Threadgroup: WARPS * 32 threads; HD 64 or 128.
 * Threadgroup memory: qs (HD), wo (WARPS, HD), wml (WARPS, 2), the combine's weights (splits): engine.m's
 * attn_decode_warp_smem.
 *
 * CUDA loads the K rows of earlier positions (and prefetches their V rows into L2, or for 16 positions loads them)
 * before pdl_wait(), while qkv_rope still runs, and the current position's rows after it. Metal has no programmatic
 * dependent launch (nor an L2 prefetch): a dispatch starts after the previous one ends, so the two loads run one
 * after the other here, with nothing between them.
 */
template <int HD, int WARPS, int PW>
[[kernel]] void attn_decode_warp(device const float *q [[buffer(0)]], device const float *k_cache [[buffer(1)]],
                                 device const float *v_cache [[buffer(2)]], device const StepIn *in [[buffer(3)]],
                                 device atomic_uint *part_o [[buffer(4)]], device atomic_uint *part_ml [[buffer(5)]],
                                 device atomic_uint *counters [[buffer(6)]], device float *attn_out [[buffer(7)]],
                                 constant int &nq [[buffer(8)]], constant int &nkv [[buffer(9)]],
                                 constant int &max_len [[buffer(10)]], constant float &scale [[buffer(11)]],
                                 threadgroup float *smem [[threadgroup(0)]],
                                 uint2 tg [[threadgroup_position_in_grid]], uint2 ntgs [[threadgroups_per_grid]],
                                 uint tid [[thread_index_in_threadgroup]], uint lane [[thread_index_in_simdgroup]],
                                 uint warp [[simdgroup_index_in_threadgroup]]) {
    static_assert(PW == 16 || PW == kWarp, "a simdgroup scores 16 or 32 positions");
    constexpr int D = HD / kWarp; // dimensions a lane owns in the V sum
    constexpr int SPLIT = WARPS * PW, NT = WARPS * kWarp;
    constexpr bool VPRE = PW < kWarp; // V rows loaded with the K rows
    threadgroup float *qs = smem, *wo = qs + HD, *wml = wo + WARPS * HD, *comb = wml + 2 * WARPS;
    threadgroup uint last;
    const int h = int(tg.x), kvh = h / (nq / nkv), split = int(tg.y), splits = int(ntgs.y);
    const int pos = in->pos, len = pos + 1, used = (len + SPLIT - 1) / SPLIT;
    if (split >= used) return; // past the cache's length: the grid is sized for max_len
    const int start = split * SPLIT, end = min(len, start + SPLIT);
    const int base = start + int(warp) * PW, p = base + int(lane); // this lane's position (lanes below PW)
    device const float *kc = k_cache + size_t(kvh) * max_len * HD;
    device const float *vc = v_cache + size_t(kvh) * max_len * HD;
    // K rows: 8 lanes a position (lane group g = lane / 8 takes positions base + 4i + g), each lane C 16-byte chunks
    // (chunk j*8 + lane % 8 of the row), so a load instruction covers four whole 128-byte lines
    constexpr int C = HD / 32, RI = PW / 4;
    const int g = int(lane) / 8, l8 = int(lane) % 8;
    float4 k4[RI][C];
    device const float4 *kbase = reinterpret_cast<device const float4 *>(kc) + l8;
    LB_UNROLL for (int i = 0; i < RI; ++i) {
        const int pp = base + 4 * i + g;
        if (pp < pos) {
            LB_UNROLL for (int j = 0; j < C; ++j) k4[i][j] = kbase[size_t(pp) * (HD / 4) + j * 8];
        }
    }
    // V rows: the simdgroup's rows below the threadgroup's end, lane owning dimensions [lane*D, lane*D + D)
    const int rows = max(0, min(PW, end - base));
    float vv[PW][D];
    if (VPRE) { // (CUDA: if constexpr, which MSL's C++14 lacks)
        LB_UNROLL for (int j = 0; j < PW; ++j)
            if (base + j != pos) vrow<HD>(vv[j], vc, base + j, lane, j < rows);
    }
    // (CUDA: for 32 positions the V rows' L2 prefetch; then pdl_wait())
    LB_UNROLL for (int i = 0; i < RI; ++i) {
        const int pp = base + 4 * i + g;
        if (pp == pos) {
            LB_UNROLL for (int j = 0; j < C; ++j) k4[i][j] = kbase[size_t(pp) * (HD / 4) + j * 8];
        }
    }
    if (VPRE) {
        LB_UNROLL for (int j = 0; j < PW; ++j)
            if (base + j == pos) vrow<HD>(vv[j], vc, base + j, lane, j < rows);
    }
    for (int i = int(tid); i < HD; i += NT) qs[i] = q[size_t(h) * HD + i] * scale;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    float4 qv[C];
    LB_UNROLL for (int j = 0; j < C; ++j) qv[j] = reinterpret_cast<threadgroup const float4 *>(qs)[j * 8 + l8];
    float score = -INFINITY;
    LB_UNROLL for (int i = 0; i < RI; ++i) {
        float a = 0.f;
        LB_UNROLL for (int j = 0; j < C; ++j) {
            a = fma(qv[j].x, k4[i][j].x, fma(qv[j].y, k4[i][j].y, fma(qv[j].z, k4[i][j].z, fma(qv[j].w, k4[i][j].w, a))));
        }
        a += simd_shuffle_xor(a, ushort(1));
        a += simd_shuffle_xor(a, ushort(2));
        a += simd_shuffle_xor(a, ushort(4));
        // position base + 4i + g's score, from its group's first lane to lane 4i + g
        const float s = simd_shuffle(a, ushort((lane & 3u) * 8u));
        if (int(lane) / 4 == i) score = s;
    }
    const bool scored = int(lane) < PW && p < end;
    if (!scored) score = -INFINITY;
    const float m = simd_max(score);
    const float e = scored ? exp(score - m) : 0.f;
    const float l = simd_sum(e);
    float o[D];
    LB_UNROLL for (int d = 0; d < D; ++d) o[d] = 0.f;
    if (!VPRE) {
        LB_UNROLL for (int j = 0; j < PW; ++j) vrow<HD>(vv[j], vc, base + j, lane, j < rows);
    }
    LB_UNROLL for (int j = 0; j < PW; ++j) {
        const float w = simd_shuffle(e, ushort(j));
        LB_UNROLL for (int d = 0; d < D; ++d) o[d] = fma(w, vv[j][d], o[d]);
    }
    LB_UNROLL for (int d = 0; d < D; ++d) wo[int(warp) * HD + int(lane) * D + d] = o[d];
    if (lane == 0) wml[2 * warp] = m, wml[2 * warp + 1] = l;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    // the threadgroup's partial: the simdgroups' (m, l, o) rescaled to the threadgroup's max
    float M = -INFINITY;
    LB_UNROLL for (int w = 0; w < WARPS; ++w) M = max(M, wml[2 * w]);
    float L = 0.f, scale_w[WARPS];
    LB_UNROLL for (int w = 0; w < WARPS; ++w) {
        scale_w[w] = wml[2 * w + 1] > 0.f ? exp(wml[2 * w] - M) : 0.f;
        L = fma(scale_w[w], wml[2 * w + 1], L);
    }
    device atomic_uint *po = part_o + size_t(h) * splits * HD;
    device atomic_uint *ml = part_ml + size_t(h) * splits * 2;
    for (int d = int(tid); d < HD; d += NT) {
        float O = 0.f;
        LB_UNROLL for (int w = 0; w < WARPS; ++w) O = fma(scale_w[w], wo[w * HD + d], O);
        if (used == 1) attn_out[size_t(h) * HD + d] = O / L;
        else store_f32(&po[size_t(split) * HD + d], O);
    }
    if (used == 1) return;
    if (tid == 0) {
        store_f32(&ml[split * 2], M);
        store_f32(&ml[split * 2 + 1], L);
    }
    if (used <= kQuickCombine) {
        combine_quick<HD>(ml, po, attn_out + size_t(h) * HD, &counters[h], used, &last, tid, NT);
        return;
    }
    combine_splits<HD>(comb, ml, po, attn_out + size_t(h) * HD, &counters[h], 1, used, used, &last, tid, NT, lane,
                       warp, WARPS);
}

/**
 * Decode attention, split over the sequence (flash-decoding): threadgroup (b, s) scores positions [s*128, s*128+128)
 * of the cache against query heads [b*group, b*group+group), which share one KV head, and writes a partial (max, sum,
 * weighted V). The engine runs a threadgroup per query head (group 1), as CUDA does: the heads' threadgroups read
 * their shared KV rows from the cache hierarchy, and each threadgroup's chain of dependent steps is a group's length
 * shorter. A thread scores one position for every head of the group (its K row in HD/4 16-byte loads); for the
 * weighted V, HD/4 threads share a position, each owning 4 dimensions, eight positions' loads at a time, and the
 * position rows' sums meet in threadgroup memory. A context of one split is finished by split 0, which writes
 * attn_out itself (the other threadgroups return at once); otherwise the splits combine as in combine_splits. Splits
 * past the current length write an empty partial, so the grid is fixed. The engine takes this kernel for head_dim
 * other than 64 and 128. Threadgroup: 128 threads, group * (HD + attn_span(splits) + 512) floats of threadgroup
 * memory: qs (group*HD), scores (group*span), red (group*512).
 */
template <int HD>
[[kernel]] void attn_decode(device const float *q [[buffer(0)]], device const float *k_cache [[buffer(1)]],
                            device const float *v_cache [[buffer(2)]], device const StepIn *in [[buffer(3)]],
                            device atomic_uint *part_o [[buffer(4)]], device atomic_uint *part_ml [[buffer(5)]],
                            device atomic_uint *counters [[buffer(6)]], device float *attn_out [[buffer(7)]],
                            constant int &nq [[buffer(8)]], constant int &nkv [[buffer(9)]],
                            constant int &group [[buffer(10)]], constant int &max_len [[buffer(11)]],
                            constant float &scale [[buffer(12)]], threadgroup float *smem [[threadgroup(0)]],
                            uint2 tg [[threadgroup_position_in_grid]], uint2 ntgs [[threadgroups_per_grid]],
                            uint2 tpt [[threads_per_threadgroup]], uint tid [[thread_index_in_threadgroup]],
                            uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                            uint warps [[simdgroups_per_threadgroup]]) {
    const int h0 = int(tg.x) * group, kvh = h0 / (nq / nkv), split = int(tg.y), splits = int(ntgs.y), ntg = int(tpt.x);
    const int span = attn_span(splits);
    threadgroup float *qs = smem, *scores = qs + group * HD;
    threadgroup uint last;
    threadgroup float lsum[kMaxGroup];
    // CUDA loads the K rows of earlier positions (and prefetches their V rows into L2) before pdl_wait(), while
    // qkv_rope still runs, and only the current position's row after it. Metal has no programmatic dependent launch
    // (nor an L2 prefetch): a dispatch starts after the previous one ends, and every K row is loaded at once below.
    const int pos = in->pos, len = pos + 1;
    const int used = (len + kAttnSplit - 1) / kAttnSplit;
    // a context of one split: split 0 writes the output itself, the other threadgroups have nothing to do
    if (used == 1 && split != 0) return;
    const int start = split * kAttnSplit, end = min(len, start + kAttnSplit), n = max(0, end - start);
    device const float *kc = k_cache + size_t(kvh) * max_len * HD;
    device const float *vc = v_cache + size_t(kvh) * max_len * HD;
    const int p = int(tid); // kAttnSplit == threads: a thread scores one position
    const bool mine = p < n;
    float4 k4[HD / 4];
    if (mine) {
        device const float4 *kr = reinterpret_cast<device const float4 *>(kc + size_t(start + p) * HD);
        LB_UNROLL for (int i = 0; i < HD / 4; ++i) k4[i] = kr[i];
    }
    for (int i = int(tid); i < group * HD; i += ntg) qs[i] = q[h0 * HD + i] * scale;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    // scores: a thread per position, every head of the group
    if (mine) {
        threadgroup const float4 *q4 = reinterpret_cast<threadgroup const float4 *>(qs);
        LB_UNROLL for (int g = 0; g < kMaxGroup; ++g) {
            if (g >= group) break;
            float acc = 0.f;
            LB_UNROLL for (int i = 0; i < HD / 4; ++i) {
                const float4 qv = q4[g * (HD / 4) + i];
                acc = fma(qv.x, k4[i].x, fma(qv.y, k4[i].y, fma(qv.z, k4[i].z, fma(qv.w, k4[i].w, acc))));
            }
            scores[g * span + p] = acc;
        }
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    // softmax numerators and the split's (max, sum) per head: a simdgroup per head
    device atomic_uint *ml = part_ml + size_t(h0) * splits * 2;
    for (int g = int(warp); g < group; g += int(warps)) {
        float m = -INFINITY;
        for (int j = int(lane); j < n; j += kWarp) m = max(m, scores[g * span + j]);
        m = simd_max(m);
        float l = 0.f;
        for (int j = int(lane); j < n; j += kWarp) {
            const float e = exp(scores[g * span + j] - m);
            scores[g * span + j] = e;
            l += e;
        }
        l = simd_sum(l);
        if (lane == 0) {
            store_f32(&ml[(g * splits + split) * 2], m);
            store_f32(&ml[(g * splits + split) * 2 + 1], l);
            lsum[g] = l;
        }
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    // weighted V: HD/4 threads per position, each owning 4 dimensions (one 16-byte load of a V row), 128/(HD/4)
    // positions at a time, eight rounds of loads in flight; the rows' sums meet in threadgroup memory
    constexpr int TPP = HD / 4, R = 128 / TPP;
    device atomic_uint *po = part_o + size_t(h0) * splits * HD;
    threadgroup float *red = scores + group * span; // (R, group, HD)
    {
        const int col = int(tid) % TPP, row = int(tid) / TPP;
        float4 acc[kMaxGroup];
        LB_UNROLL for (int g = 0; g < kMaxGroup; ++g) acc[g] = float4(0.f);
        for (int p0 = row; p0 < n; p0 += 8 * R) {
            float4 vv[8];
            LB_UNROLL for (int j = 0; j < 8; ++j) {
                const int pj = p0 + j * R;
                vv[j] = pj < n ? reinterpret_cast<device const float4 *>(vc + size_t(start + pj) * HD)[col]
                               : float4(0.f);
            }
            LB_UNROLL for (int j = 0; j < 8; ++j) {
                const int pj = p0 + j * R;
                if (pj >= n) break;
                LB_UNROLL for (int g = 0; g < kMaxGroup; ++g) {
                    if (g >= group) break;
                    const float w = scores[g * span + pj];
                    acc[g].x = fma(w, vv[j].x, acc[g].x);
                    acc[g].y = fma(w, vv[j].y, acc[g].y);
                    acc[g].z = fma(w, vv[j].z, acc[g].z);
                    acc[g].w = fma(w, vv[j].w, acc[g].w);
                }
            }
        }
        LB_UNROLL for (int g = 0; g < kMaxGroup; ++g) {
            if (g >= group) break;
            reinterpret_cast<threadgroup float4 *>(red + (row * group + g) * HD)[col] = acc[g];
        }
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int i = int(tid); i < group * HD; i += ntg) {
        const int g = i / HD, d = i % HD;
        float o = 0.f;
        for (int r = 0; r < R; ++r) o += red[(r * group + g) * HD + d];
        if (used == 1)
            attn_out[(h0 + g) * HD + d] = o / lsum[g];
        else
            store_f32(&po[(size_t(g) * splits + split) * HD + d], o);
    }
    if (used == 1) return;
    combine_splits<HD>(scores, ml, po, attn_out + size_t(h0) * HD, &counters[tg.x], group, used, splits, &last, tid,
                       uint(ntg), lane, warp, warps);
}

/**
 * The NR rows of simdgroup `local` of a gemv_residual threadgroup whose run starts at row `base`, part `part` of each
 * (Kp columns): CUDA's rows_at lambda. Rows past the end read the last row; their sums are dropped.
 */
template <typename W, int NR>
inline Rows<W, NR> gemv_rows(device const W *w, int base, int local, int rows, int K, int part, int Kp) {
    Rows<W, NR> rp;
    LB_UNROLL for (int r = 0; r < NR; ++r) rp.at[r] = w + size_t(min(base + local * NR + r, rows - 1)) * K + size_t(part) * Kp;
    return rp;
}

/**
 * x[r] += W[r] . v for every row r (o_proj and down_proj with their residual add). A simdgroup unit is NR consecutive
 * rows, or 1/KSPLIT of each of them: KSPLIT simdgroups share the rows when K is long, each streaming its part, so the
 * rows of a projection keep every core's loads in flight; the parts meet in threadgroup memory and are added in a
 * fixed order. engine.m takes KSPLIT 4 with NR 1 (a long K), or KSPLIT 1 with NR 2; a round is 16 / NR loads of 8 bytes
 * a row and lane (CUDA picks its U from the row length: see the top of this file). Threadgroup: 256 threads,
 * (8 / KSPLIT) * NR rows at a time.
 */
template <typename W, int KSPLIT, int NR>
[[kernel]] void gemv_residual(device const W *w [[buffer(0)]], device const float *v [[buffer(1)]],
                              device float *x [[buffer(2)]], constant int &rows [[buffer(3)]],
                              constant int &K [[buffer(4)]],
                              uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                              uint tid [[thread_index_in_threadgroup]],
                              uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                              uint warps [[simdgroups_per_threadgroup]]) {
    threadgroup float parts[8 * NR];
    const int groups = int(warps) / KSPLIT, part = int(warp) % KSPLIT, local = int(warp) / KSPLIT, per_group = groups * NR;
    const int Kp = K / KSPLIT, chunks = Kp / (8 / int(sizeof(W)));
    RowStream<W, NR, 16 / NR> stream;
    Rows<W, NR> rp = gemv_rows<W, NR>(w, int(tgid) * per_group, local, rows, K, part, Kp);
    if (int(tgid) * per_group + local * NR < rows) stream.load(rp, chunks, 0, lane); // CUDA: before pdl_wait()
    for (int base = int(tgid) * per_group; base < rows; base += int(ntgs) * per_group) {
        const int bn = base + int(ntgs) * per_group;
        float acc[NR];
        LB_UNROLL for (int r = 0; r < NR; ++r) acc[r] = 0.f;
        if (base + local * NR < rows) {
            const Rows<W, NR> next = gemv_rows<W, NR>(w, bn, local, rows, K, part, Kp);
            stream.dots(rp, Kp, v + size_t(part) * Kp, acc, lane, next, bn + local * NR < rows);
            rp = next;
        }
        if (lane == 0) {
            LB_UNROLL for (int r = 0; r < NR; ++r) parts[int(warp) * NR + r] = acc[r];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        if (int(tid) < per_group && base + int(tid) < rows) {
            const int g = int(tid) / NR, r = int(tid) % NR;
            float sum = 0.f;
            LB_UNROLL for (int k = 0; k < KSPLIT; ++k) sum += parts[(g * KSPLIT + k) * NR + r];
            x[base + int(tid)] += sum;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
}

/**
 * RMSNorm + gate and up projections + SiLU(gate) * up, for one token: a warp unit reads gate row i and up row i
 * and writes h[i]. Threadgroup: 256 threads, dim + 32 floats of threadgroup memory.
 */
template <typename W>
[[kernel]] void gate_up(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                        constant float &eps [[buffer(2)]], device const W *wg [[buffer(3)]],
                        device const W *wu [[buffer(4)]], device float *h [[buffer(5)]],
                        constant int &dim [[buffer(6)]], constant int &ffn [[buffer(7)]],
                        threadgroup float *smem [[threadgroup(0)]],
                        uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                        uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]],
                        uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                        uint warps [[simdgroups_per_threadgroup]]) {
    threadgroup float *xn = smem, *red = smem + dim;
    const int chunks = dim / (8 / int(sizeof(W))), stride = int(ntgs * warps);
    RowStream<W, 2, 8> stream;
    const int u0 = int(tgid * warps + warp);
    Rows<W, 2> rows = rows_of(wg + size_t(u0) * dim, wu + size_t(u0) * dim);
    if (u0 < ffn) stream.load(rows, chunks, 0, lane); // CUDA: before pdl_wait()
    norm_into_shared(x, norm_w, dim, eps, xn, red, tid, ntg, lane, warp, warps);
    for (int u = u0; u < ffn; u += stride) {
        const int un = u + stride;
        const Rows<W, 2> next = rows_of(wg + size_t(un) * dim, wu + size_t(un) * dim);
        float acc[2];
        stream.dots(rows, dim, xn, acc, lane, next, un < ffn);
        rows = next;
        if (lane == 0) h[u] = acc[0] / (1.f + exp(-acc[0])) * acc[1];
    }
}

/**
 * Final RMSNorm + LM head + the threadgroup's part of the greedy argmax, for one token: logits[r] = W[r] . norm(x),
 * and the threadgroup's best (logit, id) key written to tg_best[threadgroup]; argmax_reduce folds them. Flags NaN or
 * infinite logits. Threadgroup: 256 threads, dim + 32 floats of threadgroup memory.
 */
template <typename W>
[[kernel]] void lm_head(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                        constant float &eps [[buffer(2)]], device const W *head [[buffer(3)]],
                        device float *logits [[buffer(4)]], constant int &dim [[buffer(5)]],
                        constant int &vocab [[buffer(6)]], device ulong *tg_best [[buffer(7)]],
                        device StepOut *out [[buffer(8)]], threadgroup float *smem [[threadgroup(0)]],
                        uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                        uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]],
                        uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                        uint warps [[simdgroups_per_threadgroup]]) {
    threadgroup float *xn = smem, *red = smem + dim;
    threadgroup ulong best[32];
    const int chunks = dim / (8 / int(sizeof(W))), stride = int(ntgs * warps);
    const int units = (vocab + 1) / 2, u0 = int(tgid * warps + warp);
    RowStream<W, 2, 8> stream;
    Rows<W, 2> rows = rows_of(head + size_t(2 * u0) * dim, head + size_t(min(2 * u0 + 1, vocab - 1)) * dim);
    if (u0 < units) stream.load(rows, chunks, 0, lane); // CUDA: before pdl_wait()
    norm_into_shared(x, norm_w, dim, eps, xn, red, tid, ntg, lane, warp, warps);
    ulong mine = 0ul;
    bool bad = false;
    for (int u = u0; u < units; u += stride) {
        const int r0 = 2 * u, r1 = min(2 * u + 1, vocab - 1);
        const int un = u + stride;
        const Rows<W, 2> next = rows_of(head + size_t(2 * un) * dim, head + size_t(min(2 * un + 1, vocab - 1)) * dim);
        float acc[2];
        stream.dots(rows, dim, xn, acc, lane, next, un < units);
        rows = next;
        if (lane == 0) {
            logits[r0] = acc[0];
            logits[r1] = acc[1];
            bad = bad || !isfinite(acc[0]) || !isfinite(acc[1]);
            mine = key_max(mine, key_max(argmax_key(acc[0], uint(r0)), argmax_key(acc[1], uint(r1))));
        }
    }
    if (lane == 0) best[warp] = mine;
    if (bad) out->non_finite = 1;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (tid == 0) {
        ulong b = 0ul;
        for (uint i = 0; i < warps; ++i) b = key_max(b, best[i]);
        tg_best[tgid] = b;
    }
}

/** Threads of argmax_reduce's one threadgroup (a power of two; engine.m dispatches this many). */
constant constexpr int kReduceThreads = 256;

/** out->argmax_key = the largest of lm_head's n per-threadgroup keys. One threadgroup of kReduceThreads. */
kernel void argmax_reduce(device const ulong *tg_best [[buffer(0)]], constant int &n [[buffer(1)]],
                          device StepOut *out [[buffer(2)]], uint tid [[thread_index_in_threadgroup]]) {
    threadgroup ulong keys[kReduceThreads];
    ulong mine = 0ul;
    for (int i = int(tid); i < n; i += kReduceThreads) mine = key_max(mine, tg_best[i]);
    keys[tid] = mine;
    for (uint s = kReduceThreads / 2; s > 0; s >>= 1) {
        threadgroup_barrier(mem_flags::mem_threadgroup);
        if (tid < s) keys[tid] = key_max(keys[tid], keys[tid + s]);
    }
    if (tid == 0) out->argmax_key = keys[0];
}

// ---- decode kernels for rows that fit a lane's registers ------------------------------------------------------
// When a row is at most 32*U 8-byte chunks (U = 12 for a 1536-wide bf16 row: 384 chunks; CUDA's U counts 16-byte
// chunks, so its 1, 2, 4, 6 are 2, 4, 8, 12 here, for the same bytes and registers), a lane reads chunks lane,
// lane + 32, ... of every row, so it multiplies them with the same U*N values of the input vector each time: the
// lane keeps those in registers (LaneVec), and the inner loop reads no threadgroup memory. A simdgroup streams its
// rows through two register buffers, the next row's loads in flight while it multiplies the current one; RMSNorm
// needs no threadgroup barrier, as the 32 lanes of a simdgroup together hold the whole vector.
//
// qkv_rope_lane instead takes a row a simdgroup, the rows of a rotation pair meeting in threadgroup memory.
//
// CUDA hands stream_rows two lambdas (the row to load, what to do with its dot product); MSL has no lambdas, so each
// kernel's are the row() and use() methods of one struct (GateUpRows, LmHeadRows, GemvRows).

/** A lane's U 8-byte chunks of one row of W (chunks lane + 32u; zeros past the row's end). */
template <typename W, int U>
struct RowLoad {
    uint2 raw[U];

    void load(device const W *row, int chunks, uint lane) {
        device const uint2 *p = reinterpret_cast<device const uint2 *>(row);
        LB_UNROLL for (int u = 0; u < U; ++u) {
            const int c = int(lane) + u * kWarp;
            raw[u] = c < chunks ? p[c] : uint2(0u);
        }
    }
};

/** The lane's share of an input vector: the f32 values its RowLoad chunks multiply (N = 8 / sizeof(W) a chunk). */
template <typename W, int U>
struct LaneVec {
    float v[U][8 / sizeof(W)];

    /** v = src at the lane's chunks (zeros past `chunks`). */
    void load(device const float *src, int chunks, uint lane) {
        constexpr int N = 8 / int(sizeof(W));
        LB_UNROLL for (int u = 0; u < U; ++u) {
            const int c = int(lane) + u * kWarp;
            LB_UNROLL for (int i = 0; i < N; ++i) v[u][i] = c < chunks ? src[c * N + i] : 0.f;
        }
    }

    /** RMSNorm in place: v = v / rms(whole vector) * norm weight (its chunks in `w`). Every lane of the simdgroup calls it. */
    void rms_norm(thread const RowLoad<W, U> &w, int dim, float eps) {
        constexpr int N = 8 / int(sizeof(W));
        float ss = 0.f;
        LB_UNROLL for (int u = 0; u < U; ++u) {
            LB_UNROLL for (int i = 0; i < N; ++i) ss = fma(v[u][i], v[u][i], ss);
        }
        const float inv = rsqrt(simd_sum(ss) / dim + eps);
        LB_UNROLL for (int u = 0; u < U; ++u) {
            float wf[N];
            widen(w.raw[u], wf, W());
            LB_UNROLL for (int i = 0; i < N; ++i) v[u][i] = v[u][i] * inv * wf[i];
        }
    }

    /** The row's dot product with this vector, summed over the simdgroup (every lane gets it). */
    float dot(thread const RowLoad<W, U> &row) const {
        constexpr int N = 8 / int(sizeof(W));
        float acc = 0.f;
        LB_UNROLL for (int u = 0; u < U; ++u) {
            float wf[N];
            widen(row.raw[u], wf, W());
            LB_UNROLL for (int i = 0; i < N; ++i) acc = fma(wf[i], v[u][i], acc);
        }
        return simd_sum(acc);
    }
};

/**
 * Streams the simdgroup's rows rows.row(0) .. rows.row(n-1) and calls rows.use(i, row(i) . x) for each; `a` must hold
 * row(0) already (loaded before the RMSNorm). Two buffers alternate, so the next row's loads are in flight during each
 * multiply.
 */
template <typename W, int U, typename Rs>
inline void stream_rows(int n, int chunks, thread Rs &rows, thread const LaneVec<W, U> &x, thread RowLoad<W, U> &a,
                        uint lane) {
    RowLoad<W, U> b;
    for (int i = 0; i < n; i += 2) {
        if (i + 1 < n) b.load(rows.row(i + 1), chunks, lane);
        rows.use(i, x.dot(a));
        if (i + 2 < n) a.load(rows.row(i + 2), chunks, lane);
        if (i + 1 < n) rows.use(i + 1, x.dot(b));
    }
}

/** Rows of a simdgroup that streams units u0, u0 + stride, ... of `rows_per_unit` rows each, below `units`. */
inline int unit_rows(int u0, int stride, int units, int rows_per_unit) {
    return u0 < units ? (units - u0 + stride - 1) / stride * rows_per_unit : 0;
}

/** Row i + upper * hd/2 of unit u's head, unit u being rows i and i + hd/2 of one head of the stacked [q; k; v] view. */
template <typename W>
inline device const W *qkv_unit_row(device const W *wq, device const W *wk, device const W *wv, int u, int upper, int hd,
                                    int qrows, int kvrows, int dim) {
    const int half_hd = hd / 2;
    return qkv_row(wq, wk, wv, (u / half_hd) * hd + u % half_hd + upper * half_hd, qrows, kvrows, dim);
}

/**
 * qkv_rope_lane's biases and RoPE rotation of the pair a storing lane writes next (CUDA: its `fetch` lambda, which MSL
 * lacks): fetch(u) reads unit u's where `stores` and u < units, else keeps what it holds.
 */
template <typename W>
struct PairFetch {
    device const W *bq, *bk, *bv;
    device const float *rope_cos, *rope_sin;
    int units, half_hd, hd, qrows, kvrows, pos;
    bool stores;
    float b0, b1, rc, rs;

    void fetch(int u) {
        if (!stores || u >= units) return;
        const int k = u % half_hd, r0 = (u / half_hd) * hd + k;
        b0 = qkv_bias(bq, bk, bv, r0, qrows, kvrows), b1 = qkv_bias(bq, bk, bv, r0 + half_hd, qrows, kvrows);
        rc = rope_cos[pos * half_hd + k], rs = rope_sin[pos * half_hd + k];
    }
};

/**
 * RMSNorm + q/k/v projections with bias + RoPE + KV-cache write, as qkv_rope, rows in a lane's registers. A simdgroup
 * computes one row: simdgroups w and w + 4 of a threadgroup take rows i and i + hd/2 of one head (a rotation pair),
 * meet in threadgroup memory, and simdgroup w writes the pair. (CUDA does so to issue every row's loads before
 * pdl_wait(); here each simdgroup's first row is loaded before the RMSNorm.) The storing lane reads the pair's
 * biases and RoPE rotation ahead too: the first pair's before the RMSNorm, the next one's after each store. The same buffers as qkv_rope, and no
 * threadgroup memory from the host. Threadgroup: 256 threads, 4 pairs at a time.
 */
template <typename W, int U>
[[kernel]] void qkv_rope_lane(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                              constant float &eps [[buffer(2)]], device const W *wq [[buffer(3)]],
                              device const W *wk [[buffer(4)]], device const W *wv [[buffer(5)]],
                              device const W *bq [[buffer(6)]], device const W *bk [[buffer(7)]],
                              device const W *bv [[buffer(8)]], device const StepIn *in [[buffer(9)]],
                              device const float *rope_cos [[buffer(10)]], device const float *rope_sin [[buffer(11)]],
                              device float *q_out [[buffer(12)]], device float *k_cache [[buffer(13)]],
                              device float *v_cache [[buffer(14)]], constant int &dim [[buffer(15)]],
                              constant int &nq [[buffer(16)]], constant int &nkv [[buffer(17)]],
                              constant int &hd [[buffer(18)]], constant int &max_len [[buffer(19)]],
                              uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                              uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]]) {
    constexpr int PAIRS = 4;
    threadgroup float sums[2 * PAIRS];
    const int half_hd = hd / 2, units = (nq + 2 * nkv) * half_hd, chunks = dim / (8 / int(sizeof(W)));
    const int qrows = nq * hd, kvrows = nkv * hd;
    const int slot = int(warp) % PAIRS, upper = int(warp) / PAIRS, stride = int(ntgs) * PAIRS;
    RowLoad<W, U> a, nw;
    if (int(tgid) * PAIRS + slot < units)
        a.load(qkv_unit_row(wq, wk, wv, int(tgid) * PAIRS + slot, upper, hd, qrows, kvrows, dim), chunks, lane);
    nw.load(norm_w, chunks, lane);
    // the pair's biases and rotation, read here too (CUDA: before pdl_wait()): the position is the host's, written
    // before the step
    const int pos = in->pos;
    const bool stores = upper == 0 && lane == 0;
    PairFetch<W> pair = {bq, bk, bv, rope_cos, rope_sin, units, half_hd, hd, qrows, kvrows, pos, stores, 0.f, 0.f, 1.f, 0.f};
    pair.fetch(int(tgid) * PAIRS + slot);
    LaneVec<W, U> xv;
    xv.load(x, chunks, lane);
    xv.rms_norm(nw, dim, eps);
    for (int base = int(tgid) * PAIRS; base < units; base += stride) { // the same trips for every simdgroup
        const int u = base + slot;
        float acc = 0.f;
        if (u < units) {
            acc = xv.dot(a);
            if (u + stride < units)
                a.load(qkv_unit_row(wq, wk, wv, u + stride, upper, hd, qrows, kvrows, dim), chunks, lane);
        }
        if (lane == 0) sums[warp] = acc;
        threadgroup_barrier(mem_flags::mem_threadgroup);
        if (stores && u < units)
            store_roped(u / half_hd, u % half_hd, sums[slot] + pair.b0, sums[slot + PAIRS] + pair.b1, pair.rc, pair.rs,
                        pos, q_out, k_cache, v_cache, nq, nkv, hd, max_len);
        pair.fetch(u + stride);
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
}

/** gate_up_lane's rows and their use: gate row u and up row u a unit. */
template <typename W>
struct GateUpRows {
    device const W *wg, *wu;
    device float *h;
    int u0, stride, dim;
    uint lane;
    float gate; // the unit's gate row's dot product

    device const W *row(int i) const { return ((i & 1) ? wu : wg) + size_t(u0 + (i >> 1) * stride) * dim; }

    void use(int i, float acc) {
        if ((i & 1) == 0) gate = acc;
        else if (lane == 0) h[u0 + (i >> 1) * stride] = gate / (1.f + exp(-gate)) * acc;
    }
};

/** RMSNorm + gate and up projections + SiLU(gate) * up, as gate_up, rows in a lane's registers (no threadgroup memory). */
template <typename W, int U>
[[kernel]] void gate_up_lane(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                             constant float &eps [[buffer(2)]], device const W *wg [[buffer(3)]],
                             device const W *wu [[buffer(4)]], device float *h [[buffer(5)]],
                             constant int &dim [[buffer(6)]], constant int &ffn [[buffer(7)]],
                             uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                             uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                             uint warps [[simdgroups_per_threadgroup]]) {
    const int chunks = dim / (8 / int(sizeof(W)));
    const int u0 = int(tgid * warps + warp), stride = int(ntgs * warps);
    const int n = unit_rows(u0, stride, ffn, 2);
    GateUpRows<W> rows = {wg, wu, h, u0, stride, dim, lane, 0.f};
    RowLoad<W, U> a, nw;
    if (n > 0) a.load(rows.row(0), chunks, lane);
    nw.load(norm_w, chunks, lane);
    if (n == 0) return;
    LaneVec<W, U> xv;
    xv.load(x, chunks, lane);
    xv.rms_norm(nw, dim, eps);
    stream_rows(n, chunks, rows, xv, a, lane);
}

/** lm_head_lane's rows and their use: one vocabulary row a unit, the simdgroup's best key and non-finite flag kept. */
template <typename W>
struct LmHeadRows {
    device const W *head;
    device float *logits;
    int r0, stride, dim;
    uint lane;
    ulong mine;
    bool bad;

    device const W *row(int i) const { return head + size_t(r0 + i * stride) * dim; }

    void use(int i, float acc) {
        const int r = r0 + i * stride;
        if (lane == 0) logits[r] = acc;
        bad = bad || !isfinite(acc);
        mine = key_max(mine, argmax_key(acc, uint(r)));
    }
};

/**
 * Final RMSNorm + LM head + the threadgroup's part of the greedy argmax, as lm_head, rows in a lane's registers: the
 * same buffers, and no threadgroup memory but the simdgroups' keys.
 */
template <typename W, int U>
[[kernel]] void lm_head_lane(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                             constant float &eps [[buffer(2)]], device const W *head [[buffer(3)]],
                             device float *logits [[buffer(4)]], constant int &dim [[buffer(5)]],
                             constant int &vocab [[buffer(6)]], device ulong *tg_best [[buffer(7)]],
                             device StepOut *out [[buffer(8)]],
                             uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                             uint tid [[thread_index_in_threadgroup]], uint lane [[thread_index_in_simdgroup]],
                             uint warp [[simdgroup_index_in_threadgroup]], uint warps [[simdgroups_per_threadgroup]]) {
    threadgroup ulong best[32];
    const int chunks = dim / (8 / int(sizeof(W)));
    const int r0 = int(tgid * warps + warp), stride = int(ntgs * warps);
    const int n = unit_rows(r0, stride, vocab, 1);
    LmHeadRows<W> rows = {head, logits, r0, stride, dim, lane, 0ul, false};
    RowLoad<W, U> a, nw;
    if (n > 0) a.load(rows.row(0), chunks, lane);
    nw.load(norm_w, chunks, lane);
    if (n > 0) {
        LaneVec<W, U> xv;
        xv.load(x, chunks, lane);
        xv.rms_norm(nw, dim, eps);
        stream_rows(n, chunks, rows, xv, a, lane);
    }
    if (lane == 0) best[warp] = rows.mine;
    if (rows.bad && lane == 0) out->non_finite = 1;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (tid == 0) {
        ulong b = 0ul;
        for (uint i = 0; i < warps; ++i) b = key_max(b, best[i]);
        tg_best[tgid] = b;
    }
}

/** gemv_residual_lane's rows and their use: its rows (or their part `part`) r0, r0 + stride, ... */
template <typename W, int KSPLIT>
struct GemvRows {
    device const W *w;
    device float *x;
    threadgroup float *parts;
    int r0, stride, K, Kp, part;
    uint lane;

    device const W *row(int i) const { return w + size_t(r0 + i * stride) * K + size_t(part) * Kp; }

    void use(int i, float acc) {
        if (lane != 0) return;
        if (KSPLIT > 1) parts[i * KSPLIT + part] = acc;
        else x[r0 + i * stride] += acc;
    }
};

/**
 * x[r] += W[r] . v (o_proj and down_proj with their residual add), rows in a lane's registers. KSPLIT == 1: a
 * simdgroup streams whole rows r0, r0 + stride, ... KSPLIT > 1 (a long K): the threadgroup takes a run of
 * rows_per_group consecutive rows, simdgroup w streams part w of each (K/KSPLIT columns, its part of v held in
 * registers), and the parts meet in threadgroup memory (rows_per_group * KSPLIT floats at [[threadgroup(0)]]), added
 * in a fixed order. Threadgroup: 256 threads; KSPLIT is 1 or 8.
 */
template <typename W, int U, int KSPLIT>
[[kernel]] void gemv_residual_lane(device const W *w [[buffer(0)]], device const float *v [[buffer(1)]],
                                   device float *x [[buffer(2)]], constant int &rows [[buffer(3)]],
                                   constant int &K [[buffer(4)]], constant int &rows_per_group [[buffer(5)]],
                                   threadgroup float *parts [[threadgroup(0)]],
                                   uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                                   uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]],
                                   uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]],
                                   uint warps [[simdgroups_per_threadgroup]]) {
    const int Kp = K / KSPLIT, chunks = Kp / (8 / int(sizeof(W))), part = KSPLIT > 1 ? int(warp) : 0;
    const int r0 = KSPLIT > 1 ? int(tgid) * rows_per_group : int(tgid * warps + warp);
    const int stride = KSPLIT > 1 ? 1 : int(ntgs * warps);
    const int n = KSPLIT > 1 ? max(0, min(rows_per_group, rows - r0)) : unit_rows(r0, stride, rows, 1);
    GemvRows<W, KSPLIT> job = {w, x, parts, r0, stride, K, Kp, part, lane};
    RowLoad<W, U> a;
    if (n > 0) a.load(job.row(0), chunks, lane);
    if (n == 0) return; // KSPLIT > 1: the same n for the whole threadgroup
    LaneVec<W, U> vv;
    vv.load(v + size_t(part) * Kp, chunks, lane);
    stream_rows(n, chunks, job, vv, a, lane);
    if (KSPLIT > 1) {
        threadgroup_barrier(mem_flags::mem_threadgroup);
        for (int r = int(tid); r < n; r += int(ntg)) {
            float sum = 0.f;
            LB_UNROLL for (int k = 0; k < KSPLIT; ++k) sum += parts[r * KSPLIT + k];
            x[r0 + r] += sum;
        }
    }
}

// ---- prefill -------------------------------------------------------------------------------------------------
/** x[t] = embedding row of ids[t]. Grid: one threadgroup per token. */
template <typename W>
[[kernel]] void embed_rows(device const W *embed [[buffer(0)]], device const int *ids [[buffer(1)]],
                           device float *x [[buffer(2)]], constant int &dim [[buffer(3)]],
                           uint t [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]],
                           uint ntg [[threads_per_threadgroup]]) {
    device const W *row = embed + size_t(ids[t]) * dim;
    for (int i = int(tid); i < dim; i += int(ntg)) x[size_t(t) * dim + i] = to_f32(row[i]);
}

/** xn[t] = RMSNorm(x[t]) * norm_w, f32 (the GEMM input). Grid: one threadgroup per token. */
template <typename W>
[[kernel]] void rmsnorm_rows(device const float *x [[buffer(0)]], device const W *norm_w [[buffer(1)]],
                             constant float &eps [[buffer(2)]], device float *xn [[buffer(3)]],
                             constant int &dim [[buffer(4)]],
                             uint t [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]],
                             uint ntg [[threads_per_threadgroup]], uint lane [[thread_index_in_simdgroup]],
                             uint warp [[simdgroup_index_in_threadgroup]], uint warps [[simdgroups_per_threadgroup]]) {
    threadgroup float red[32];
    device const float *row = x + size_t(t) * dim;
    const float inv = block_inv_rms(row, dim, eps, red, tid, ntg, lane, warp, warps);
    for (int i = int(tid); i < dim; i += int(ntg)) xn[size_t(t) * dim + i] = row[i] * inv * to_f32(norm_w[i]);
}

/**
 * Bias + RoPE on the [q; k; v] rows of a chunk (qkv: T rows of (nq + 2 nkv) hd f32, from the GEMMs); q to q_out
 * (T rows of nq*hd), k and v into the cache at positions p0 + t. Grid: one threadgroup per token.
 */
template <typename W>
[[kernel]] void bias_rope_cache(device const float *qkv [[buffer(0)]], device const W *bq [[buffer(1)]],
                                device const W *bk [[buffer(2)]], device const W *bv [[buffer(3)]],
                                device const float *rope_cos [[buffer(4)]], device const float *rope_sin [[buffer(5)]],
                                device float *q_out [[buffer(6)]], device float *k_cache [[buffer(7)]],
                                device float *v_cache [[buffer(8)]], constant int &p0 [[buffer(9)]],
                                constant int &nq [[buffer(10)]], constant int &nkv [[buffer(11)]],
                                constant int &hd [[buffer(12)]], constant int &max_len [[buffer(13)]],
                                uint t [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]],
                                uint ntg [[threads_per_threadgroup]]) {
    const int pos = p0 + int(t), half_hd = hd / 2, heads = nq + 2 * nkv, qrows = nq * hd, kvrows = nkv * hd;
    device const float *row = qkv + size_t(t) * heads * hd;
    for (int u = int(tid); u < heads * half_hd; u += int(ntg)) {
        const int head = u / half_hd, i = u % half_hd, r0 = head * hd + i, r1 = r0 + half_hd;
        rope_and_store(head, i, row[r0] + qkv_bias(bq, bk, bv, r0, qrows, kvrows),
                       row[r1] + qkv_bias(bq, bk, bv, r1, qrows, kvrows), rope_cos, rope_sin, pos,
                       q_out + size_t(t) * nq * hd, k_cache, v_cache, nq, nkv, hd, max_len);
    }
}

/** Queries per simdgroup and simdgroups per threadgroup of the prefill attention kernel; keys per K tile. */
constant constexpr int kPrefillQPW = 4;
constant constexpr int kPrefillWarps = 4; // CUDA: 8; see the top of this file (engine.m: kPrefillQ)
constant constexpr int kPrefillQ = kPrefillQPW * kPrefillWarps;
constant constexpr int kPrefillKeys = 32;

/**
 * Causal prefill attention in f32 (online softmax over key tiles, flash-attention style). Threadgroup (qb, h):
 * queries t in [qb*16, qb*16+16) of query head h against cache positions [0, p0 + t]. A simdgroup owns 4 queries;
 * lane j scores key j of the tile for them, then every lane accumulates HD/32 output dimensions, reading V from
 * device memory. Output attn (T rows of nq*HD) in f32. Threadgroup: 128 threads; 16 HD + 32 (HD + 1) floats of
 * threadgroup memory (24.5 KB at HD 128).
 */
template <int HD>
[[kernel]] void attn_prefill(device const float *q [[buffer(0)]], device const float *k_cache [[buffer(1)]],
                             device const float *v_cache [[buffer(2)]], device float *attn [[buffer(3)]],
                             constant int &T [[buffer(4)]], constant int &p0 [[buffer(5)]],
                             constant int &nq [[buffer(6)]], constant int &nkv [[buffer(7)]],
                             constant int &max_len [[buffer(8)]], constant float &scale [[buffer(9)]],
                             uint2 tg [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]],
                             uint lane [[thread_index_in_simdgroup]], uint warp [[simdgroup_index_in_threadgroup]]) {
    constexpr int DPL = (HD + kWarp - 1) / kWarp; // output dims per lane
    constexpr int kThreads = kPrefillWarps * kWarp;
    threadgroup float qs[kPrefillQ * HD];             // (16 queries, HD), pre-scaled
    threadgroup float ks[kPrefillKeys * (HD + 1)];    // (32 keys, HD + 1): padded, lanes read different rows
    const int h = int(tg.y), kvh = h / (nq / nkv), t0 = int(tg.x) * kPrefillQ;
    for (int i = int(tid); i < kPrefillQ * HD; i += kThreads) {
        const int t = t0 + i / HD;
        qs[i] = t < T ? q[(size_t(t) * nq + h) * HD + i % HD] * scale : 0.f;
    }
    device const float *kc = k_cache + size_t(kvh) * max_len * HD;
    device const float *vc = v_cache + size_t(kvh) * max_len * HD;
    float m[kPrefillQPW], l[kPrefillQPW], acc[kPrefillQPW][DPL];
    LB_UNROLL for (int j = 0; j < kPrefillQPW; ++j) {
        m[j] = -INFINITY, l[j] = 0.f;
        LB_UNROLL for (int d = 0; d < DPL; ++d) acc[j][d] = 0.f;
    }
    const int last_pos = p0 + min(T, t0 + kPrefillQ) - 1; // the threadgroup's last query position
    for (int k0 = 0; k0 <= last_pos; k0 += kPrefillKeys) {
        threadgroup_barrier(mem_flags::mem_threadgroup);
        for (int i = int(tid); i < kPrefillKeys * HD; i += kThreads) {
            const int kk = k0 + i / HD, d = i % HD;
            ks[(i / HD) * (HD + 1) + d] = kk <= last_pos ? kc[size_t(kk) * HD + d] : 0.f;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        const int key = k0 + int(lane);
        const int nk = min(kPrefillKeys, last_pos + 1 - k0); // keys of this tile inside the cache (same for every lane)
        float s[kPrefillQPW];
        LB_UNROLL for (int j = 0; j < kPrefillQPW; ++j) s[j] = 0.f;
        threadgroup const float *kr = ks + lane * (HD + 1);
        threadgroup const float *qw = qs + warp * kPrefillQPW * HD;
        for (int d = 0; d < HD; ++d) {
            const float kv = kr[d];
            LB_UNROLL for (int j = 0; j < kPrefillQPW; ++j) s[j] = fma(qw[j * HD + d], kv, s[j]);
        }
        LB_UNROLL for (int j = 0; j < kPrefillQPW; ++j) {
            const int qpos = p0 + t0 + int(warp) * kPrefillQPW + j;
            if (key > qpos) s[j] = -INFINITY; // causal mask (also covers keys past the tile's end)
            const float tile_max = simd_max(s[j]);
            const float m_new = max(m[j], tile_max);
            if (m_new == -INFINITY) continue; // a query past T: nothing to attend to (same for every lane)
            const float corr = exp(m[j] - m_new);
            const float p = exp(s[j] - m_new);
            l[j] = l[j] * corr + simd_sum(p);
            m[j] = m_new;
            LB_UNROLL for (int d = 0; d < DPL; ++d) acc[j][d] *= corr;
            for (int kk = 0; kk < nk; ++kk) { // V rows past the cache's end are never read (CUDA stages zeros)
                const float pk = simd_shuffle(p, ushort(kk));
                device const float *vr = vc + size_t(k0 + kk) * HD;
                LB_UNROLL for (int d = 0; d < DPL; ++d) {
                    const int dd = int(lane) + d * kWarp;
                    if (dd < HD) acc[j][d] = fma(pk, vr[dd], acc[j][d]);
                }
            }
        }
    }
    LB_UNROLL for (int j = 0; j < kPrefillQPW; ++j) {
        const int t = t0 + int(warp) * kPrefillQPW + j;
        if (t >= T) continue;
        LB_UNROLL for (int d = 0; d < DPL; ++d) {
            const int dd = int(lane) + d * kWarp;
            if (dd < HD) attn[(size_t(t) * nq + h) * HD + dd] = acc[j][d] / l[j];
        }
    }
}

/** h[t][i] = SiLU(gu[t][i]) * gu[t][ffn + i], f32 (gu: T rows of 2 ffn f32). */
kernel void silu_mul(device const float *gu [[buffer(0)]], device float *h [[buffer(1)]], constant int &T [[buffer(2)]],
                     constant int &ffn [[buffer(3)]],
                     uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                     uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]]) {
    const size_t n = size_t(T) * ffn;
    for (size_t i = size_t(tgid) * ntg + tid; i < n; i += size_t(ntgs) * ntg) {
        const size_t t = i / ffn, c = i % ffn;
        const float g = gu[t * 2 * ffn + c], u = gu[t * 2 * ffn + ffn + c];
        h[i] = g / (1.f + exp(-g)) * u;
    }
}

/** f32 GEMM tile sizes of gemm_f32 (engine.m: kGemmTile). */
constant constexpr int kGemmTile = 64;
constant constexpr int kGemmK = 16;

/**
 * C[T][N] (row stride ldc) = beta*C + A[T][K] . W[N][K]^T in f32 (weights widened from W): the prefill GEMM of
 * bf16 and f16 weights, and of every dtype with --engine-opt prefill_gemm=f32. (CUDA's has no ldc: its q/k/v and
 * gate/up weights are stacked, here each writes its own columns of the one output.) 64x64 tiles, 256 threads,
 * 4x4 outputs per thread.
 */
template <typename W>
[[kernel]] void gemm_f32(device const float *a [[buffer(0)]], device const W *w [[buffer(1)]],
                         device float *c [[buffer(2)]], constant int &T [[buffer(3)]], constant int &N [[buffer(4)]],
                         constant int &K [[buffer(5)]], constant int &ldc [[buffer(6)]],
                         constant float &beta [[buffer(7)]],
                         uint2 tg [[threadgroup_position_in_grid]], uint tid [[thread_index_in_threadgroup]]) {
    threadgroup float as[kGemmK][kGemmTile + 4];
    threadgroup float ws[kGemmK][kGemmTile + 4];
    const int tx = int(tid) % 16, ty = int(tid) / 16;
    const int row0 = int(tg.y) * kGemmTile, col0 = int(tg.x) * kGemmTile;
    float acc[4][4];
    LB_UNROLL for (int i = 0; i < 4; ++i) {
        LB_UNROLL for (int j = 0; j < 4; ++j) acc[i][j] = 0.f;
    }
    for (int k0 = 0; k0 < K; k0 += kGemmK) {
        for (int i = int(tid); i < kGemmTile * kGemmK; i += 256) {
            const int r = i / kGemmK, kk = i % kGemmK;
            const int gr = row0 + r, gn = col0 + r, gk = k0 + kk;
            as[kk][r] = (gr < T && gk < K) ? a[size_t(gr) * K + gk] : 0.f;
            ws[kk][r] = (gn < N && gk < K) ? to_f32(w[size_t(gn) * K + gk]) : 0.f;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        LB_UNROLL for (int kk = 0; kk < kGemmK; ++kk) {
            float av[4], wv[4];
            LB_UNROLL for (int i = 0; i < 4; ++i) av[i] = as[kk][ty * 4 + i], wv[i] = ws[kk][tx * 4 + i];
            LB_UNROLL for (int i = 0; i < 4; ++i) {
                LB_UNROLL for (int j = 0; j < 4; ++j) acc[i][j] = fma(av[i], wv[j], acc[i][j]);
            }
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    LB_UNROLL for (int i = 0; i < 4; ++i) {
        LB_UNROLL for (int j = 0; j < 4; ++j) {
            const int r = row0 + ty * 4 + i, n = col0 + tx * 4 + j;
            if (r < T && n < N) {
                device float *dst = c + size_t(r) * ldc + n;
                *dst = beta == 0.f ? acc[i][j] : *dst * beta + acc[i][j];
            }
        }
    }
}

// ---- synthetic weights ---------------------------------------------------------------------------------------
// The device twin of dev.llmbench.model.SyntheticWeights: element i of tensor number ti is a pure function of
// (seed, ti, i), so the device makes the same bf16 bits as the Java side without copying gigabytes.
inline ulong splitmix(ulong z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
    return z ^ (z >> 31);
}

/**
 * bf16 bits of center + scale * u, u = (bits16 - 32768) / 32768, rounded to nearest even, every operation rounded
 * on its own as Java does. scale / 32768 is a multiplication by 2^-15, exact for every normal result (what Java's
 * division gives). The product passes through an integer xor with `opaque`, a run-time zero: the compiler cannot see
 * through it, so it cannot fuse the multiply and the add into an FMA on any MSL version or math mode.
 */
inline ushort synthetic_element(uint bits16, float center, float scale, uint opaque) {
    const float u = float(int(bits16) - 32768);
    const float prod = as_type<float>(as_type<uint>(u * (scale * (1.0f / 32768.0f))) ^ opaque);
    const float f = center + prod;
    const uint b = as_type<uint>(f);
    return ushort((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16);
}

/** Fills n bf16 elements of one tensor; base = mix(seed ^ (ti + 1) * golden), computed on the Java side; opaque = 0. */
kernel void synthetic_fill(device ushort *dst [[buffer(0)]], constant ulong &n [[buffer(1)]],
                           constant ulong &base [[buffer(2)]], constant float &center [[buffer(3)]],
                           constant float &scale [[buffer(4)]], constant uint &opaque [[buffer(5)]],
                           uint tgid [[threadgroup_position_in_grid]], uint ntgs [[threadgroups_per_grid]],
                           uint tid [[thread_index_in_threadgroup]], uint ntg [[threads_per_threadgroup]]) {
    for (ulong q = ulong(tgid) * ntg + tid; q * 4 < n; q += ulong(ntgs) * ntg) {
        const ulong h = splitmix(base + q * 0xD1B54A32D192ED03ul);
        LB_UNROLL for (int j = 0; j < 4; ++j) {
            const ulong i = q * 4 + ulong(j);
            if (i < n) dst[i] = synthetic_element(uint((h >> (16 * j)) & 0xFFFFul), center, scale, opaque);
        }
    }
}

// ---- host names: one pipeline per kernel and weight dtype (and gemv_residual's KSPLIT, the lane kernels' U,
// attention's head_dim) -----------------------------------------------------------------------------------------
#define LB_INSTANTIATE(name, suffix, ...) \
    template [[host_name(#name "_" #suffix)]] [[kernel]] decltype(name<__VA_ARGS__>) name<__VA_ARGS__>;
#define LB_LANE_KERNELS(suffix, W, U)                                     \
    LB_INSTANTIATE(qkv_rope_lane, u##U##_##suffix, W, U)                  \
    LB_INSTANTIATE(gate_up_lane, u##U##_##suffix, W, U)                   \
    LB_INSTANTIATE(lm_head_lane, u##U##_##suffix, W, U)                   \
    LB_INSTANTIATE(gemv_residual_lane, k1_u##U##_##suffix, W, U, 1)       \
    LB_INSTANTIATE(gemv_residual_lane, k8_u##U##_##suffix, W, U, 8)
#define LB_WEIGHT_KERNELS(suffix, W)                     \
    LB_INSTANTIATE(embed_token, suffix, W)               \
    LB_INSTANTIATE(qkv_rope, suffix, W)                  \
    LB_INSTANTIATE(gemv_residual, k4_##suffix, W, 4, 1)  \
    LB_INSTANTIATE(gemv_residual, k1_##suffix, W, 1, 2)  \
    LB_INSTANTIATE(gate_up, suffix, W)                   \
    LB_INSTANTIATE(lm_head, suffix, W)                   \
    LB_LANE_KERNELS(suffix, W, 2)                        \
    LB_LANE_KERNELS(suffix, W, 4)                        \
    LB_LANE_KERNELS(suffix, W, 8)                        \
    LB_LANE_KERNELS(suffix, W, 12)                       \
    LB_INSTANTIATE(embed_rows, suffix, W)                \
    LB_INSTANTIATE(rmsnorm_rows, suffix, W)              \
    LB_INSTANTIATE(bias_rope_cache, suffix, W)           \
    LB_INSTANTIATE(gemm_f32, suffix, W)

LB_WEIGHT_KERNELS(bf16, bf16)
LB_WEIGHT_KERNELS(f16, half)
LB_WEIGHT_KERNELS(f32, float)

LB_INSTANTIATE(attn_decode_warp, w4_hd64, 64, 4, 32)
LB_INSTANTIATE(attn_decode_warp, w4_hd128, 128, 4, 32)
LB_INSTANTIATE(attn_decode_warp, w8p16_hd64, 64, 8, 16)
LB_INSTANTIATE(attn_decode_warp, w8p16_hd128, 128, 8, 16)

LB_INSTANTIATE(attn_decode, hd16, 16)
LB_INSTANTIATE(attn_decode, hd32, 32)
LB_INSTANTIATE(attn_decode, hd64, 64)
LB_INSTANTIATE(attn_decode, hd128, 128)

LB_INSTANTIATE(attn_prefill, hd16, 16)
LB_INSTANTIATE(attn_prefill, hd32, 32)
LB_INSTANTIATE(attn_prefill, hd64, 64)
LB_INSTANTIATE(attn_prefill, hd128, 128)

// ---- the direct KV cache fill (lb_fill_cache) ------------------------------------------------------------------
// The twin of dev.llmbench.engine.java.Qwen2Model.fillCache (and of kernels.cuh's cache_fill_kernel): for layer l,
// part = 2 l + (0 keys, 1 values), base = mix(seed ^ (part + 1) * 0x9E3779B97F4A7C15) and element
// i = position * kv_dim + kv_head * head_dim + d of the layer's (position, kv_dim) block is
// (mix(base + i) >> 40) * 2^-23 - 1, mix being splitmix above (SyntheticWeights.mix).
inline ulong cache_fill_base(ulong seed, uint part) {
    return splitmix(seed ^ ulong(part + 1u) * 0x9E3779B97F4A7C15ul);
}

/** Element i of a part, in [-1, 1): every step is exact, so a fused multiply-add would give the same bits. */
inline float cache_fill_value(ulong base, ulong i) {
    return float(uint(splitmix(base + i) >> 40)) * (1.0f / 8388608.0f) - 1.0f;
}

/**
 * Writes the first `positions` positions of every layer's keys and values, caches laid out (layers, kv_heads,
 * max_len, hd) each. Grid: y = 2 * layers (the part), x strides over positions * kv_heads * hd in Java's index order.
 */
kernel void cache_fill(device float *k_cache [[buffer(0)]], device float *v_cache [[buffer(1)]],
                       constant ulong &seed [[buffer(2)]], constant int &positions [[buffer(3)]],
                       constant int &nkv [[buffer(4)]], constant int &hd [[buffer(5)]], constant int &max_len [[buffer(6)]],
                       uint2 tg [[threadgroup_position_in_grid]], uint2 ntgs [[threadgroups_per_grid]],
                       uint2 tpt [[threads_per_threadgroup]], uint tid [[thread_index_in_threadgroup]]) {
    const uint part = tg.y, layer = part / 2, ntg = tpt.x; // uint2 as tg's: the grid attributes' widths must agree
    const ulong kv_dim = ulong(nkv) * ulong(hd), n = ulong(positions) * kv_dim;
    device float *cache = (part % 2 == 0 ? k_cache : v_cache) + size_t(layer) * size_t(nkv) * size_t(max_len) * size_t(hd);
    const ulong base = cache_fill_base(seed, part);
    for (ulong i = ulong(tg.x) * ntg + tid; i < n; i += ulong(ntgs.x) * ntg) {
        const ulong p = i / kv_dim, r = i % kv_dim, h = r / ulong(hd), d = r % ulong(hd);
        cache[(h * ulong(max_len) + p) * ulong(hd) + d] = cache_fill_value(base, i);
    }
}
