package dev.llmbench.engine.gpu;

/**
 * The CUDA engine ({@code --engine cuda}): {@code native/cuda}, built with CMake and nvcc into
 * {@code libllmbench_cuda.so}. Measured on an NVIDIA H200 (docs/cuda-engine.md).
 */
public final class CudaEngineProvider extends NativeEngineProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "CUDA engine (native/cuda): bf16/f16/f32 weights on the GPU, fused decode kernels in a CUDA graph, "
                + "cuBLAS prefill, device kernel timing";
    }

    @Override
    String libraryFile() {
        return "libllmbench_cuda.so";
    }

    @Override
    String memoryMethod() {
        return "cudaMemGetInfo: device memory in use at its highest sample (after load, after runs) minus before load; "
                + "the CUDA context itself excluded";
    }
}
