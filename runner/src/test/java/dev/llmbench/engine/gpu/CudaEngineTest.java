package dev.llmbench.engine.gpu;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void cuptiTimesTheKernelsThemselves() throws Exception {
        Map<String, String> opts = Map.of("kernel_timer", "cupti");
        EngineOptions options = new EngineOptions(fixture("tiny-qwen2-bf16").toString(), 8, 128, 0, 0, opts);
        try (Engine engine = newProvider().open(options)) {
            Engine.KernelTimer timer = engine.kernelTimer().orElseThrow();
            int t = engine.prefill(new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10);
            double prefillMs = timer.lastKernelMs();
            assertThat(prefillMs).isPositive();
            for (int i = 0; i < 4; i++) {
                t = engine.decode(t);
                assertThat(timer.lastKernelMs()).isPositive();
                assertThat(timer.lastKernelCount()).as("CUPTI records every kernel of the step").isEqualTo(decodeKernels(2));
            }
            assertThat(engine.info().settings().get("kernel_timer").toString()).startsWith("CUPTI");
        }
    }
}
