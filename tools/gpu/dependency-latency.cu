// How long one dependency between the decode step's small kernels costs on this GPU, and what the same dependency
// costs inside one kernel whose blocks wait on a counter in device memory instead. docs/cuda-engine-experiments.md quotes it.
//
//   nvcc -std=c++17 -arch=sm_90 -O3 -o /tmp/dependency-latency tools/gpu/dependency-latency.cu && /tmp/dependency-latency
//
// A chain of kernels, captured in a CUDA graph as the decode step is, every block reading the float each block of the
// kernel before wrote (by its first warp, from L2) and writing one of its own; with and without programmatic
// dependent launch. Then one kernel of as many phases, every phase reading what the previous phase's producer blocks
// wrote, after a wait for their arrivals (release by __threadfence and an atomic, acquire by polling). Last, the chain
// of kernels again without griddepcontrol.wait, each kernel polling the values the one before wrote, every value in a
// 64-bit word with the graph replay's epoch, until they all carry this replay's.
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#include "check.h"

namespace {

constexpr int kLinks = 100, kRepeats = 50, kSlots = 1024; // kSlots: the most blocks a grid

__device__ float gather(const float *in, int n) {
    float a = 0.f;
    if (threadIdx.x < 32)
        for (int i = threadIdx.x; i < n; i += 32) a += __ldcg(in + i);
    return a;
}

__global__ void __launch_bounds__(1024) link_kernel(const float *in, float *out, int n) {
    asm volatile("griddepcontrol.launch_dependents;");
    asm volatile("griddepcontrol.wait;" ::: "memory");
    const float a = gather(in, n);
    if (threadIdx.x == 0) out[blockIdx.x] = a * 0.5f + 1.f;
}

/** Phase p's producers (blocks below `producers`) arrive on arrivals[p + 1]; a launch's `epoch` makes the count. */
__global__ void __launch_bounds__(256) phases_kernel(float *buf, unsigned *arrivals, int producers, unsigned epoch) {
    for (int p = 0; p < kLinks; ++p) {
        if (p > 0) {
            if (threadIdx.x == 0) {
                unsigned seen;
                do asm volatile("ld.acquire.gpu.u32 %0, [%1];" : "=r"(seen) : "l"(arrivals + p));
                while (seen < epoch * producers);
            }
            __syncthreads();
        }
        if (blockIdx.x >= producers) continue;
        const float a = p > 0 ? gather(buf + (p - 1) * kSlots, producers) : 0.f;
        if (threadIdx.x == 0) {
            buf[p * kSlots + blockIdx.x] = a * 0.5f + 1.f;
            __threadfence();
            atomicAdd(arrivals + p + 1, 1u);
        }
    }
}

/**
 * A link with no griddepcontrol.wait: it polls what the kernel before wrote, each value stored with the graph replay's
 * epoch in one 64-bit word (so a word is either last replay's or this one's, never half), until every word it reads
 * carries this replay's epoch. The kernels launch as soon as the blocks before them have started, and only the reads
 * order them.
 */
__global__ void __launch_bounds__(1024) flagged_link_kernel(const unsigned long long *in, unsigned long long *out, int n,
                                                            const unsigned *epoch_at) {
    asm volatile("griddepcontrol.launch_dependents;");
    const unsigned epoch = *reinterpret_cast<const volatile unsigned *>(epoch_at);
    float a = 0.f;
    if (threadIdx.x < 32)
        for (int i = threadIdx.x; i < n; i += 32) {
            unsigned long long v;
            do asm volatile("ld.relaxed.gpu.u64 %0, [%1];" : "=l"(v) : "l"(in + i) : "memory");
            while (static_cast<unsigned>(v >> 32) != epoch);
            a += __uint_as_float(static_cast<unsigned>(v));
        }
    if (threadIdx.x == 0) {
        const unsigned long long v = (static_cast<unsigned long long>(epoch) << 32) | __float_as_uint(a * 0.5f + 1.f);
        asm volatile("st.relaxed.gpu.u64 [%0], %1;" ::"l"(out + blockIdx.x), "l"(v) : "memory");
    }
}

__global__ void next_epoch_kernel(unsigned *epoch) { ++*epoch; }

/** Launches kernel(args) on s, with programmatic dependent launch where `pdl` says. */
template <typename... P, typename... A>
void launch_link(cudaStream_t s, int blocks, int threads, bool pdl, void (*kernel)(P...), A... args) {
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr[0].val.programmaticStreamSerializationAllowed = 1;
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3(blocks);
    cfg.blockDim = dim3(threads);
    cfg.stream = s;
    cfg.attrs = pdl ? attr : nullptr;
    cfg.numAttrs = pdl ? 1 : 0;
    CHECK(cudaLaunchKernelEx(&cfg, kernel, static_cast<P>(args)...));
}

template <typename F>
float per_link_us(cudaStream_t s, F launch);

/** What `enqueue` puts on s, captured as a graph: microseconds a link when the graph is replayed. */
template <typename F>
float graph_us(cudaStream_t s, F enqueue) {
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    enqueue();
    CHECK(cudaStreamEndCapture(s, &graph));
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    const float us = per_link_us(s, [&] { CHECK(cudaGraphLaunch(exec, s)); });
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(graph));
    return us;
}

template <typename F>
float per_link_us(cudaStream_t s, F launch) {
    cudaEvent_t a, b;
    CHECK(cudaEventCreate(&a));
    CHECK(cudaEventCreate(&b));
    for (int i = 0; i < 5; ++i) launch();
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaEventRecord(a, s));
    for (int i = 0; i < kRepeats; ++i) launch();
    CHECK(cudaEventRecord(b, s));
    CHECK(cudaEventSynchronize(b));
    float ms = 0.f;
    CHECK(cudaEventElapsedTime(&ms, a, b));
    return ms * 1000.f / kRepeats / kLinks;
}

} // namespace

int main() {
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    float *buf;
    unsigned *arrivals;
    CHECK(cudaMalloc(&buf, (kLinks + 1) * kSlots * sizeof(float)));
    CHECK(cudaMalloc(&arrivals, (kLinks + 1) * sizeof(unsigned)));
    CHECK(cudaMemset(buf, 0, (kLinks + 1) * kSlots * sizeof(float)));
    CHECK(cudaMemset(arrivals, 0, (kLinks + 1) * sizeof(unsigned)));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    const int shapes[][2] = {{12, 256}, {132, 256}, {264, 256}, {132, 512}, {528, 128}};
    for (const auto &shape : shapes)
        for (bool pdl : {false, true}) {
            const int blocks = shape[0], threads = shape[1];
            const float us = graph_us(s, [&] {
                for (int k = 0; k < kLinks; ++k)
                    launch_link(s, blocks, threads, pdl, link_kernel, static_cast<const float *>(buf + (k % 2) * kSlots),
                                buf + ((k + 1) % 2) * kSlots, blocks);
            });
            std::printf("kernels in a graph, %3d blocks of %3d threads, %s: %.2f us a dependency\n", blocks, threads,
                        pdl ? "programmatic dependent launch" : "plain launches", us);
        }
    unsigned long long *flagged;
    unsigned *epoch_at;
    CHECK(cudaMalloc(&flagged, (kLinks + 1) * kSlots * sizeof(unsigned long long)));
    CHECK(cudaMemset(flagged, 0, (kLinks + 1) * kSlots * sizeof(unsigned long long)));
    CHECK(cudaMalloc(&epoch_at, sizeof(unsigned)));
    CHECK(cudaMemset(epoch_at, 0, sizeof(unsigned)));
    for (const auto &shape : shapes) {
        const int blocks = shape[0], threads = shape[1];
        const float us = graph_us(s, [&] {
            next_epoch_kernel<<<1, 1, 0, s>>>(epoch_at);
            for (int k = 0; k < kLinks; ++k) // the first waits for the epoch's kernel
                launch_link(s, blocks, threads, k > 0, flagged_link_kernel,
                            static_cast<const unsigned long long *>(flagged + k * kSlots), flagged + (k + 1) * kSlots,
                            k > 0 ? blocks : 0, static_cast<const unsigned *>(epoch_at));
        });
        std::printf("kernels in a graph, %3d blocks of %3d threads, no wait, polling values flagged with the epoch: %.2f us a dependency\n",
                    blocks, threads, us);
    }
    for (int blocks : {132, 264})
        for (int producers : {12, 132}) {
            unsigned epoch = 0; // the arrivals start from 0 for each shape, and every launch waits for `producers` more
            CHECK(cudaMemset(arrivals, 0, (kLinks + 1) * sizeof(unsigned)));
            const float us = per_link_us(s, [&] {
                phases_kernel<<<blocks, 256, 0, s>>>(buf, arrivals, producers, ++epoch);
                CHECK(cudaGetLastError());
            });
            std::printf("one kernel, %3d blocks waiting on %3d producers' arrivals: %.2f us a dependency\n", blocks,
                        producers, us);
        }
    return 0;
}
