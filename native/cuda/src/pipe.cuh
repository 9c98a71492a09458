// Decode matrix-vector kernels for the two large matrices of a layer (gate/up and down_proj) whose weight rows wait
// in shared memory instead of registers (sm_80+: cp.async), for rows that fit a lane's loads: kernels.cuh's
// gate_up_lane_kernel and gemv_residual_lane_kernel<.., 8> with the same arithmetic, in the same order, and the same
// outputs. native/metal/src/kernels.metal computes these two steps as the lane kernels do (Metal has no asynchronous
// copy into threadgroup memory that a lane can wait on alone).
//
// Why: a lane kernel keeps the next row of each of its warps in registers, two rows in flight a warp, and two blocks
// of 256 threads fill a multiprocessor's registers. Here a warp keeps kPipeDepth rows in flight in its own slots of
// shared memory: a lane copies its 16-byte chunks of a row (cp.async) and later reads back the same chunks, so no
// barrier is needed, and one block of 8 warps a multiprocessor holds 6 rows a warp (144 KB) in flight instead of
// 96 KB. Measured on an H200 against the lane kernels in the same sessions: S1 / S5 / S6 decode +2.5 / +4 / +3.5%;
// depths 4, 5, 7 and 8, both matrices' kernels resident beside other kernels (80 registers a thread), the L1 /
// shared-memory split set to the most shared memory, q/k/v and o_proj through pipes too, and rows landing by bulk
// copies (cp.async.bulk, an mbarrier a slot) were each slower (docs/cuda-engine.md).
#pragma once

#include "kernels.cuh"

namespace lb {

constexpr int kPipeWarps = 8; // warps a block
constexpr int kPipeDepth = 6; // rows in flight a warp

// ---- PTX: asynchronous 16-byte copies into shared memory ---------------------------------------------------------
__device__ __forceinline__ uint32_t smem_u32(const void *p) { return static_cast<uint32_t>(__cvta_generic_to_shared(p)); }

__device__ __forceinline__ uint64_t evict_first_policy() {
    uint64_t p = 0;
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;" : "=l"(p));
#endif
    return p;
}

__device__ __forceinline__ void cp_async16(void *dst, const void *src, uint64_t policy) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.cg.shared.global.L2::cache_hint [%0], [%1], 16, %2;" ::"r"(smem_u32(dst)), "l"(src), "l"(policy)
                 : "memory");
#endif
}

__device__ __forceinline__ void cp_async_commit() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;" ::: "memory");
#endif
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group %0;" ::"n"(N) : "memory");
#endif
}

/**
 * A warp's S-deep pipeline of rows: slot s holds a lane's U chunks of one row (chunks lane + 32u). Every put() and
 * skip() commits one copy group, so take() finds row i complete after waiting until at most S - 1 groups are pending.
 */
template <typename W, int U, int S>
struct RowPipe {
    uint4 *buf;
    uint64_t policy;

    /** Shared memory of one slot of every warp of a block. */
    static constexpr size_t slot_bytes() { return sizeof(uint4) * kPipeWarps * U * kWarp; }

    /** Slot s of warp w at block[((s * kPipeWarps + w) * U + u) * 32 + lane]: a block that uses fewer slots needs less. */
    __device__ explicit RowPipe(uint4 *block) : buf(block + (threadIdx.x / kWarp) * U * kWarp), policy(evict_first_policy()) {}

    /** Starts copying the lane's chunks of `row` into slot s. */
    __device__ __forceinline__ void put(int s, const W *row, int chunks) {
        const int lane = threadIdx.x & 31;
#pragma unroll
        for (int u = 0; u < U; ++u) {
            const int c = lane + u * kWarp;
            if (c < chunks) cp_async16(buf + (s * kPipeWarps * U + u) * kWarp + lane, reinterpret_cast<const uint4 *>(row) + c, policy);
        }
        cp_async_commit();
    }

    __device__ __forceinline__ void skip() { cp_async_commit(); }

    /** Waits for the row in slot s (the oldest one pending) and reads the lane's chunks (zeros past `chunks`). */
    __device__ __forceinline__ void take(int s, RowLoad<W, U> &r, int chunks) {
        cp_async_wait<S - 1>();
        const int lane = threadIdx.x & 31;
#pragma unroll
        for (int u = 0; u < U; ++u) {
            const int c = lane + u * kWarp;
            r.raw[u] = c < chunks ? buf[(s * kPipeWarps * U + u) * kWarp + lane] : make_uint4(0u, 0u, 0u, 0u);
        }
    }

    /** Before pdl_wait(): starts the first S of the warp's n rows. */
    template <typename Row>
    __device__ __forceinline__ void prime(int n, int chunks, Row row) {
#pragma unroll
        for (int s = 0; s < S; ++s) {
            if (s < n) put(s, row(s), chunks);
            else skip();
        }
    }

    /** Streams the warp's rows row(0) .. row(n-1) (primed) and calls use(i, row(i) . x) for each. */
    template <typename Row, typename Use>
    __device__ __forceinline__ void stream(int n, int chunks, Row row, const LaneVec<W, U> &x, Use use) {
        for (int i = 0; i < n; ++i) {
            const int s = i % S;
            RowLoad<W, U> r;
            take(s, r, chunks);
            const float acc = x.dot(r); // the slot's chunks are in registers before put() overwrites them
            if (i + S < n) put(s, row(i + S), chunks);
            else skip();
            use(i, acc);
        }
    }
};

/** RMSNorm + gate and up + SiLU(gate) * up, as gate_up_lane_kernel, rows through a RowPipe. */
template <typename W, int U, int S>
__global__ void __launch_bounds__(kPipeWarps * kWarp) pipe_gate_up_kernel(const float *__restrict__ x,
                                                                         const W *__restrict__ norm_w, float eps,
                                                                         const W *__restrict__ wgu, float *__restrict__ h,
                                                                         int dim, int ffn) {
    extern __shared__ uint4 pipe_smem[];
    const int chunks = dim / Vec16<W>::N, lane = threadIdx.x & 31;
    const int u0 = blockIdx.x * kPipeWarps + threadIdx.x / kWarp, stride = gridDim.x * kPipeWarps;
    const int n = unit_rows(u0, stride, ffn, 2);
    auto row = [&](int i) { return wgu + static_cast<size_t>(u0 + (i >> 1) * stride + (i & 1) * ffn) * dim; };
    RowPipe<W, U, S> pipe(pipe_smem);
    pipe.prime(n, chunks, row);
    RowLoad<W, U> nw;
    nw.load(norm_w, chunks);
    pdl_launch_early();
    pdl_wait();
    if (n == 0) return;
    LaneVec<W, U> xv;
    xv.load(x, chunks);
    xv.rms_norm(nw, dim, eps);
    float gate = 0.f;
    pipe.stream(n, chunks, row, xv, [&](int i, float acc) {
        if ((i & 1) == 0) gate = acc;
        else if (lane == 0) h[u0 + (i >> 1) * stride] = gate / (1.f + expf(-gate)) * acc;
    });
}

/**
 * x[r] += W[r] . v for a long K (down_proj), as gemv_residual_lane_kernel<W, U, 8>, rows through a RowPipe: the block
 * takes a run of rows, warp w streams eighth w of each (its part of v in registers), and the parts meet in shared
 * memory after the pipe's slots, added in a fixed order.
 */
template <typename W, int U, int S>
__global__ void __launch_bounds__(kPipeWarps * kWarp) pipe_split_residual_kernel(const W *__restrict__ w,
                                                                                const float *__restrict__ v,
                                                                                float *__restrict__ x, int rows, int K,
                                                                                int rows_per_block) {
    constexpr int KSPLIT = kPipeWarps;
    extern __shared__ uint4 pipe_smem[];
    float *parts = reinterpret_cast<float *>(pipe_smem + RowPipe<W, U, S>::slot_bytes() / sizeof(uint4) * min(S, rows_per_block));
    const int part = threadIdx.x / kWarp, lane = threadIdx.x & 31;
    const int Kp = K / KSPLIT, chunks = Kp / Vec16<W>::N;
    const int r0 = blockIdx.x * rows_per_block, n = max(0, min(rows_per_block, rows - r0));
    auto row = [&](int i) { return w + static_cast<size_t>(r0 + i) * K + static_cast<size_t>(part) * Kp; };
    RowPipe<W, U, S> pipe(pipe_smem);
    pipe.prime(n, chunks, row);
    pdl_launch_early();
    pdl_wait();
    if (n == 0) return;
    LaneVec<W, U> vv;
    vv.load(v + static_cast<size_t>(part) * Kp, chunks);
    pipe.stream(n, chunks, row, vv, [&](int i, float acc) {
        if (lane == 0) parts[i * KSPLIT + part] = acc;
    });
    __syncthreads();
    for (int r = threadIdx.x; r < n; r += blockDim.x) {
        float sum = 0.f;
#pragma unroll
        for (int k = 0; k < KSPLIT; ++k) sum += parts[r * KSPLIT + k];
        x[r0 + r] += sum;
    }
}

} // namespace lb
