// Shared-memory rows for the lane kernels of the two large matrices of a layer (gate/up and down_proj): RowPipe,
// which kernels.cuh's gate_up_lane_kernel and gemv_residual_lane_kernel<.., 8> take in place of RegisterRows on
// sm_80+ (cp.async), the arithmetic, its order and the outputs unchanged. native/metal/src/kernels.metal keeps its
// rows in registers (Metal has no asynchronous copy into threadgroup memory that a lane can wait on alone).
//
// Why: a lane kernel keeps the next row of each of its warps in registers, two rows in flight a warp, and two blocks
// of 256 threads fill a multiprocessor's registers. Here a warp keeps kPipeDepth rows in flight in its own slots of
// shared memory: a lane copies its 16-byte chunks of a row (cp.async) and later reads back the same chunks, so no
// barrier is needed, and one block of 8 warps a multiprocessor holds 6 rows a warp (144 KB) in flight instead of
// 96 KB. Measured on an H200 against rows in registers in the same sessions: decode +2 to +5% at S5 and S6, 0 to
// +4% at S1; depths 4, 5, 7 and 8, pipe blocks resident beside other kernels' (80 registers a thread), the L1 /
// shared-memory split set to the most shared memory, q/k/v and o_proj through pipes too, and rows landing by bulk
// copies (cp.async.bulk, an mbarrier a slot) were each slower (docs/cuda-engine-experiments.md).
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
    static constexpr int kMinBlocks = 1;
    uint4 *buf;
    uint64_t policy;

    /** Shared memory of one slot of every warp of a block. */
    static constexpr size_t slot_bytes() { return sizeof(uint4) * kPipeWarps * U * kWarp; }

    /** Shared memory of a block whose warps stream at most `rows_a_warp` rows each: the slots it uses. */
    static constexpr size_t smem(long rows_a_warp) { return slot_bytes() * static_cast<size_t>(rows_a_warp < S ? rows_a_warp : S); }

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

} // namespace lb
