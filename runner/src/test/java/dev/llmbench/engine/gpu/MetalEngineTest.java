package dev.llmbench.engine.gpu;

import dev.llmbench.engine.EngineProvider;

/**
 * The Metal engine against the fixtures ({@link NativeEngineFixturesTest}): the CUDA engine's tests, fixtures and
 * tolerances. Runs where {@code libllmbench_metal.dylib} and an Apple silicon GPU (family Apple7 or newer) are found,
 * as on a Mac that built native/metal; elsewhere (Linux, and the virtual GPU of GitHub-hosted macOS runners) every
 * test is skipped with the reason. .github/workflows/metal.yml runs it.
 *
 * <p>Its prefill GEMMs are f32 whatever {@code prefill_gemm} says (MPSMatrixMultiplication for f32 weights, the f32
 * GEMM kernel for bf16 and f16), so the {@code tc} runs would also meet the exact tolerance; they are held to the
 * CUDA engine's looser ones so that both engines answer to the same test.
 */
class MetalEngineTest extends NativeEngineFixturesTest {
    @Override
    EngineProvider newProvider() {
        return new MetalEngineProvider();
    }

    @Override
    String label() {
        return "Metal";
    }

    @Override
    String decodeSetting() {
        return "one command buffer per step";
    }

    @Override
    int decodeKernels(int layers) {
        return 1 + layers * 5 + 2; // embedding, 5 per layer, LM head and the reduce of its argmax
    }
}
