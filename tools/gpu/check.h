// CHECK(call) for the measurement programs in tools/gpu: a CUDA runtime call that fails prints where and why, and the
// program exits with status 1.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define CHECK(x)                                                                                                   \
    do {                                                                                                           \
        cudaError_t err = (x);                                                                                     \
        if (err != cudaSuccess) {                                                                                  \
            std::printf("%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(err));                                \
            std::exit(1);                                                                                          \
        }                                                                                                          \
    } while (0)
