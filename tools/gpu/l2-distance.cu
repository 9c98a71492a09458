// Whether an L2 hit costs each multiprocessor the same wherever the line lives, or depends on which of the L2's
// halves holds it. The decode step's small kernels are chains of such hits (each reads a vector the kernel before
// wrote), so a vector that lives in the far half for most readers would cost every dependency more; and where a
// buffer lands moves with the allocations before it. docs/cuda-engine-experiments.md quotes it.
//
//   nvcc -std=c++17 -arch=sm_90 -O3 -o /tmp/l2-distance tools/gpu/l2-distance.cu && /tmp/l2-distance
//
// One block a multiprocessor (each block takes the multiprocessor it runs on, by %smid, and the first block there
// measures), one thread: for each of kLines lines of a buffer, kChain loads of that line that each depend on the one
// before (the line holds zeros; ld.global.cg, so every load goes to L2), timed by clock64. The multiprocessors take
// the lines in different orders, so they rarely read one line at the same moment. Then the lines are split in two
// by the first multiprocessor's times (below or above the middle of its fastest and slowest), and every
// multiprocessor's mean over each group is printed: two halves of the L2 at different distances show as two groups of
// multiprocessors, each fast on one group of lines and slow on the other.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "check.h"

namespace {

constexpr int kLines = 1024, kChain = 16, kStrideBytes = 2048, kMaxSms = 256;

__global__ void distance_kernel(const unsigned *buf, int stride_words, unsigned *claimed, float *cycles) {
    unsigned sm;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
    if (threadIdx.x != 0 || sm >= kMaxSms || atomicCAS(&claimed[sm], 0u, 1u) != 0u) return;
    for (int k = 0; k < kLines; ++k) {
        const int line = (k + static_cast<int>(sm) * 7) % kLines;
        const unsigned *p = buf + static_cast<size_t>(line) * stride_words;
        unsigned v = __ldcg(p); // brings the line into L2
        const long long t0 = clock64();
#pragma unroll 1
        for (int i = 0; i < kChain; ++i) v = __ldcg(p + v); // v stays 0; the address waits for the load before
        const long long t1 = clock64();
        cycles[static_cast<size_t>(sm) * kLines + line] = static_cast<float>(t1 - t0 + v) / kChain; // + v: keeps the chain
    }
}

} // namespace

int main() {
    int sms = 0;
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    std::printf("%s, %d multiprocessors, L2 %d MB, %d lines %d bytes apart, %d dependent loads each\n", prop.name, sms,
                prop.l2CacheSize >> 20, kLines, kStrideBytes, kChain);
    unsigned *buf, *claimed;
    float *cycles;
    const int stride_words = kStrideBytes / sizeof(unsigned);
    CHECK(cudaMalloc(&buf, static_cast<size_t>(kLines) * kStrideBytes));
    CHECK(cudaMemset(buf, 0, static_cast<size_t>(kLines) * kStrideBytes));
    CHECK(cudaMalloc(&claimed, kMaxSms * sizeof(unsigned)));
    CHECK(cudaMalloc(&cycles, static_cast<size_t>(kMaxSms) * kLines * sizeof(float)));
    std::vector<float> host(static_cast<size_t>(kMaxSms) * kLines);
    for (int round = 0; round < 2; ++round) { // the first round warms the GPU up; the second's times are kept
        CHECK(cudaMemset(claimed, 0, kMaxSms * sizeof(unsigned)));
        CHECK(cudaMemset(cycles, 0, static_cast<size_t>(kMaxSms) * kLines * sizeof(float)));
        distance_kernel<<<sms * 4, 32>>>(buf, stride_words, claimed, cycles);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
    }
    CHECK(cudaMemcpy(host.data(), cycles, host.size() * sizeof(float), cudaMemcpyDeviceToHost));
    int first = -1;
    for (int s = 0; s < kMaxSms && first < 0; ++s)
        if (host[static_cast<size_t>(s) * kLines] > 0.f) first = s;
    if (first < 0) {
        std::printf("no multiprocessor measured\n");
        return 1;
    }
    const float *f = &host[static_cast<size_t>(first) * kLines];
    const float lo = *std::min_element(f, f + kLines), hi = *std::max_element(f, f + kLines), mid = (lo + hi) / 2;
    std::vector<int> group(kLines);
    int in_a = 0;
    for (int l = 0; l < kLines; ++l) in_a += (group[l] = f[l] <= mid ? 0 : 1) == 0;
    std::printf("multiprocessor %d: %.0f to %.0f cycles a load; %d lines at or below %.0f (group A), %d above (group B)\n",
                first, lo, hi, in_a, mid, kLines - in_a);
    std::printf("sm  mean A  mean B  (cycles a dependent L2 load)\n");
    double all[2] = {0, 0};
    int measured = 0, nearer_a = 0;
    for (int s = 0; s < kMaxSms; ++s) {
        const float *c = &host[static_cast<size_t>(s) * kLines];
        if (c[0] <= 0.f) continue;
        double sum[2] = {0, 0};
        int n[2] = {0, 0};
        for (int l = 0; l < kLines; ++l) sum[group[l]] += c[l], ++n[group[l]];
        const double a = n[0] ? sum[0] / n[0] : 0, b = n[1] ? sum[1] / n[1] : 0;
        all[0] += a, all[1] += b, ++measured, nearer_a += a < b;
        std::printf("%3d  %6.0f  %6.0f\n", s, a, b);
    }
    std::printf("%d multiprocessors: mean %.0f on A, %.0f on B; %d of them faster on A\n", measured, all[0] / measured,
                all[1] / measured, nearer_a);
    return 0;
}
