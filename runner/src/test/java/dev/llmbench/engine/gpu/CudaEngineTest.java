package dev.llmbench.engine.gpu;

import dev.llmbench.engine.EngineProvider;

/**
 * The CUDA engine against the fixtures ({@link NativeEngineFixturesTest}, where the tests and tolerances are). Runs
 * where {@code libllmbench_cuda.so} and a GPU are found, e.g. on the GPU machine with {@code tools/gpu/cuda-check.sh};
 * elsewhere every test is skipped with the reason.
 */
class CudaEngineTest extends NativeEngineFixturesTest {
    @Override
    EngineProvider newProvider() {
        return new CudaEngineProvider();
    }

    @Override
    String label() {
        return "CUDA";
    }

    @Override
    String decodeSetting() {
        return "cuda graph";
    }

    @Override
    int decodeKernels(int layers) {
        return 1 + layers * 5 + 1; // embedding, 5 per layer, LM head
    }
}
