// Does one persistent kernel keep a decode step's weights streaming through the waits between its phases, when its
// rows travel by each lane's own 16-byte cp.async copies (as the engine's RowPipe does) instead of bulk copies? The
// persistent kernel measured before (docs/cuda-engine-experiments.md) streamed through cp.async.bulk at about 1.7 TB/s. This
// measures the streaming alone, so docs/cuda-engine-experiments.md can say what a step as one kernel could reach.
//
//   nvcc -std=c++17 -arch=sm_90 -O3 -o /tmp/persistent-stream tools/gpu/persistent-stream.cu && /tmp/persistent-stream
//
// The weights of Qwen2.5-1.5B's decode step (28 layers of q/k/v 2,048 rows, o_proj 1,536, gate/up 17,920 and
// down_proj 1,536 x 8,960 taken as 8,960 rows of 1,536, then the LM head's 151,936 rows), every row 1,536 bf16, in
// one buffer. One block of 8 warps a multiprocessor; warp w of the grid takes rows w, w + warps, ... of every matrix
// in step order, and keeps kDepth of them in flight in its slots of shared memory across the phases' boundaries: a
// row of the next matrix is copied while the warp waits for the phase before it. Each row is multiplied by the
// phase's input vector (in the lane's registers, read after the wait). Modes:
//   stream: no waits, the rows only (what the streaming alone takes);
//   phases: five waits a layer for the whole grid (q/k/v, attention, o_proj, gate/up, down_proj), on arrival
//           counters, as a step needs them; the attention phase copies q into its output (12 blocks), nothing more.
// It reports the step's time and the rate its 3.09 GB stream at, against the kernels' 941 us at S1 (v0.7.0).
// Compile-time switches: WARPS (8) a block, DEPTH (6) rows in flight a warp, BPS (1) blocks a multiprocessor,
// CONTIG (0: a warp a run of rows of each matrix instead), XCG (1: the inputs read from L2, as a kernel must read what
// other blocks wrote during it; 0: through L1) and XONCE (0; 1: the first input only, so the later phases multiply
// stale inputs: time only). Measured on an H200 (docs/cuda-engine-experiments.md, "A persistent decode kernel"): the stream alone
// 700-748 us (4.1-4.4 TB/s); with the waits 969 tok/s at best reading the inputs from L2, 1060 through L1, and
// 1099-1112 reading none.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "check.h"

namespace {

#ifndef WARPS
#define WARPS 8
#endif
#ifndef DEPTH
#define DEPTH 6
#endif
#ifndef BPS
#define BPS 1
#endif
#ifndef CONTIG
#define CONTIG 0
#endif
#ifndef XCG
#define XCG 1
#endif
#ifndef XONCE
#define XONCE 0
#endif
constexpr int kWarps = WARPS, kDepth = DEPTH, kDim = 1536, kU = kDim * 2 / 16 / 32; // 6 16-byte chunks a lane a row
constexpr int kLayers = 28, kPhases = 5;                                     // q/k/v, attention, o, gate/up, down
constexpr long long kRowBytes = kDim * 2;

struct Matrix {
    long long first; // first row in the weight buffer
    int rows;
    int phase;       // the phase whose input it multiplies (-1: the LM head, after the last layer)
    int layer;
};

__device__ __forceinline__ uint32_t smem_u32(const void *p) { return static_cast<uint32_t>(__cvta_generic_to_shared(p)); }

__device__ __forceinline__ void put(uint4 *slot, const uint4 *row, uint64_t policy) {
    const int lane = threadIdx.x & 31;
#pragma unroll
    for (int u = 0; u < kU; ++u) {
        // evict first, as RowPipe's copies
        asm volatile("cp.async.cg.shared.global.L2::cache_hint [%0], [%1], 16, %2;" ::"r"(smem_u32(slot + u * 32 + lane)),
                     "l"(row + u * 32 + lane), "l"(policy) : "memory");
    }
    asm volatile("cp.async.commit_group;" ::: "memory");
}

__device__ __forceinline__ float dot(const uint4 *slot, const float (&x)[kU][8]) {
    const int lane = threadIdx.x & 31;
    float a = 0.f;
#pragma unroll
    for (int u = 0; u < kU; ++u) {
        const uint4 r = slot[u * 32 + lane];
        const uint32_t w[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            a = fmaf(__uint_as_float(w[i] << 16), x[u][2 * i], a);
            a = fmaf(__uint_as_float(w[i] & 0xffff0000u), x[u][2 * i + 1], a);
        }
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) a += __shfl_xor_sync(0xffffffffu, a, o);
    return a;
}

/** The grid's arrival for phase p of layer l, then (every block) the wait for it; release / acquire on the counter. */
__device__ void arrive(unsigned *counter) {
    __syncthreads();
    if (threadIdx.x == 0) {
        __threadfence();
        atomicAdd(counter, 1u);
    }
}

__device__ void await(const unsigned *counter) {
    if (threadIdx.x == 0)
        while (*reinterpret_cast<const volatile unsigned *>(counter) < gridDim.x) __nanosleep(32);
    __syncthreads();
    __threadfence();
}

__global__ void __launch_bounds__(kWarps * 32, BPS) step_kernel(const __nv_bfloat16 *__restrict__ w, const Matrix *mats, int nmats,
                                                             float *vec, float *out, unsigned *counters, bool phases) {
    extern __shared__ uint4 ring[]; // (kDepth, kWarps, kU, 32), then the matrices
    uint64_t policy = 0;
    asm volatile("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;" : "=l"(policy));
    // the matrices in shared memory, so finding a warp's next row reads no global memory behind the stream
    Matrix *smats = reinterpret_cast<Matrix *>(ring + kDepth * kWarps * kU * 32);
    for (int i = threadIdx.x; i < nmats; i += blockDim.x) smats[i] = mats[i];
    __syncthreads();
    mats = smats;
    const int warp = threadIdx.x / 32, lane = threadIdx.x & 31, gwarps = gridDim.x * kWarps;
    const int gw = blockIdx.x * kWarps + warp;
    uint4 *mine = ring + warp * kU * 32;
    auto slot = [&](int s) { return mine + s * kWarps * kU * 32; };
    // the warp's rows in step order: (matrix m, its k-th row of the warp)
    int m_put = 0, k_put = 0; // the next row to copy
    // the warp's k-th row of matrix m, or -1: rows gw, gw + gwarps, ... (CONTIG: a run of rows of its own)
    auto row_of = [&](int m, int k) -> long long {
#if CONTIG
        const int per = (mats[m].rows + gwarps - 1) / gwarps, r = gw * per + k;
        return k < per && r < mats[m].rows ? r : -1;
#else
        const long long r = gw + static_cast<long long>(k) * gwarps;
        return r < mats[m].rows ? r : -1;
#endif
    };
    auto next_put = [&](int &m, int &k) -> const uint4 * {
        while (m < nmats && row_of(m, k) < 0) m++, k = 0;
        if (m >= nmats) return nullptr;
        const uint4 *row = reinterpret_cast<const uint4 *>(w + (mats[m].first + row_of(m, k)) * kDim);
        k++;
        return row;
    };
    for (int s = 0; s < kDepth; ++s) {
        const uint4 *row = next_put(m_put, k_put);
        if (row) put(slot(s), row, policy);
        else asm volatile("cp.async.commit_group;" ::: "memory");
    }
    float x[kU][8];
    int taken = 0, cur = -1;
    for (int m = 0; m < nmats; ++m) {
        const Matrix mt = mats[m];
        if (phases) {
            if (mt.phase == 2) { // attention first (between q/k/v and o_proj): 12 blocks copy q into its output
                await(&counters[mt.layer * kPhases + 0]);
                if (blockIdx.x < 12 && threadIdx.x < 128) out[blockIdx.x * 128 + threadIdx.x] = __ldcg(vec + blockIdx.x * 128 + threadIdx.x);
                arrive(&counters[mt.layer * kPhases + 1]);
            }
            // the phase's input: what the phase before wrote
            const int before = mt.phase < 0 ? (kLayers - 1) * kPhases + 4 : mt.phase == 0 ? (mt.layer - 1) * kPhases + 4
                                                                                          : mt.layer * kPhases + mt.phase - 1;
            if (before >= 0) await(&counters[before]);
        }
        if (cur != mt.phase && !(XONCE && cur != -1)) { // XONCE: the first matrix's input only (time only)
            const float *src = vec + (mt.phase > 0 ? mt.phase * 1536 : 0);
#pragma unroll
            for (int u = 0; u < kU; ++u) { // as the engine's LaneVec: two 16-byte loads a chunk (XCG: from L2, as
                                            // a kernel must read what other blocks wrote during it)
                const float4 *p4 = reinterpret_cast<const float4 *>(src + (u * 32 + lane) * 8);
#if XCG
                const float4 lo = __ldcg(p4), hi = __ldcg(p4 + 1);
#else
                const float4 lo = p4[0], hi = p4[1];
#endif
                x[u][0] = lo.x, x[u][1] = lo.y, x[u][2] = lo.z, x[u][3] = lo.w;
                x[u][4] = hi.x, x[u][5] = hi.y, x[u][6] = hi.z, x[u][7] = hi.w;
            }
            cur = mt.phase;
        }
        for (int k = 0; row_of(m, k) >= 0; ++k) {
            asm volatile("cp.async.wait_group %0;" ::"n"(kDepth - 1) : "memory");
            const float a = dot(slot(taken % kDepth), x);
            __syncwarp();
            const uint4 *row = next_put(m_put, k_put);
            if (row) put(slot(taken % kDepth), row, policy);
            else asm volatile("cp.async.commit_group;" ::: "memory");
            taken++;
            if (lane == 0) out[row_of(m, k) % 20000] = a;
        }
        if (phases && mt.phase >= 0) arrive(&counters[mt.layer * kPhases + mt.phase]);
    }
}

} // namespace

int main() {
    int sms = 0;
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    std::vector<Matrix> mats;
    long long rows = 0;
    const int shape[kPhases] = {2048, 0, 1536, 17920, 8960}; // attention has no weights
    for (int l = 0; l < kLayers; ++l)
        for (int p = 0; p < kPhases; ++p)
            if (shape[p] > 0) mats.push_back({rows, shape[p], p, l}), rows += shape[p];
    mats.push_back({rows, 151936, -1, kLayers - 1});
    rows += 151936;
    const double bytes = static_cast<double>(rows) * kRowBytes;
    __nv_bfloat16 *w;
    CHECK(cudaMalloc(&w, static_cast<size_t>(bytes)));
    CHECK(cudaMemset(w, 0x3c, static_cast<size_t>(bytes)));
    Matrix *d_mats;
    CHECK(cudaMalloc(&d_mats, mats.size() * sizeof(Matrix)));
    CHECK(cudaMemcpy(d_mats, mats.data(), mats.size() * sizeof(Matrix), cudaMemcpyHostToDevice));
    float *vec, *out;
    unsigned *counters;
    CHECK(cudaMalloc(&vec, 8 * 1536 * sizeof(float)));
    CHECK(cudaMemset(vec, 0, 8 * 1536 * sizeof(float)));
    CHECK(cudaMalloc(&out, 20000 * sizeof(float)));
    CHECK(cudaMalloc(&counters, kLayers * kPhases * sizeof(unsigned)));
    const size_t smem = sizeof(uint4) * kDepth * kWarps * kU * 32 + mats.size() * sizeof(Matrix);
    CHECK(cudaFuncSetAttribute(step_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)));
    cudaEvent_t a, b;
    CHECK(cudaEventCreate(&a));
    CHECK(cudaEventCreate(&b));
    std::printf("CONTIG=%d: %d blocks of %d warps, %d rows in flight a warp (%zu KB a block); %.3f GB a step\n", CONTIG, sms * BPS, kWarps, kDepth,
                smem / 1024, bytes / 1e9);
    for (int round = 0; round < 2; ++round)
        for (int phases = 0; phases < 2; ++phases) {
            const int steps = 50;
            float ms = 0.f;
            for (int s = -5; s < steps; ++s) { // 5 warm-up steps
                CHECK(cudaMemset(counters, 0, kLayers * kPhases * sizeof(unsigned)));
                CHECK(cudaEventRecord(a));
                step_kernel<<<sms * BPS, kWarps * 32, smem>>>(w, d_mats, static_cast<int>(mats.size()), vec, out, counters, phases);
                CHECK(cudaEventRecord(b));
                CHECK(cudaEventSynchronize(b));
                CHECK(cudaGetLastError());
                float t = 0.f;
                CHECK(cudaEventElapsedTime(&t, a, b));
                if (s >= 0) ms += t;
            }
            const double us = ms * 1000.0 / steps;
            std::printf("%-7s %8.1f us a step  %5.2f TB/s  (%.0f tok/s)\n", phases ? "phases" : "stream", us, bytes / us / 1e6,
                        1e6 / us);
        }
    return 0;
}
