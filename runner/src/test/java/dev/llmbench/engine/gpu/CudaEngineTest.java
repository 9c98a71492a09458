package dev.llmbench.engine.gpu;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"synthetic:qwen2.5-1.5b", "tiny-qwen2-bf16", "tiny-qwen2-f32"})
    void rowsInSharedMemoryGiveTheBitsOfRowsInRegisters(String model) throws Exception {
        // --engine-opt pipe=false keeps gate/up's and down_proj's rows in registers; what is multiplied, and in what
        // order, is the same, so every logit of every step must be the same float
        int[] prompt = {1, 5, 9, 200, 17, 3, 88, 41, 7, 300, 12};
        withDefaultsAnd(model, Map.of("pipe", "false"), (a, b) -> {
            assertThat(a.info().settings().get("decode_rows").toString()).startsWith("gate/up and down_proj in shared memory");
            assertThat(b.info().settings().get("decode_rows").toString()).startsWith("in registers");
            int ta = a.prefill(prompt, prompt.length);
            int tb = b.prefill(prompt, prompt.length);
            for (int step = 0; step < 6; step++) {
                ta = a.decode(ta);
                tb = b.decode(tb);
                assertThat(a.lastLogits()).as("%s, step %d", model, step).isEqualTo(b.lastLogits());
                assertThat(ta).isEqualTo(tb);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"synthetic:qwen2.5-1.5b", "tiny-qwen2-bf16", "tiny-qwen2-f32"})
    void stepsLaunchedAheadGiveTheBitsOfStepsOneAtATime(String model) throws Exception {
        // with ahead on (the default) lb_decode launches the next step on the device's own token before it returns; a
        // call with another token (steps 2 and 5 below) must drop that step and run its own, and a new prompt must
        // drop it too: every logit of every step is the float that one step at a time gives
        withDefaultsAnd(model, Map.of("ahead", "false"), (a, b) -> {
            assertThat(a.info().settings().get("decode_ahead").toString()).startsWith("on");
            assertThat(b.info().settings().get("decode_ahead").toString()).startsWith("off");
            assertThat(a.kernelTimer().orElseThrow().deviceWaitsForReading()).as("the step ahead runs on").isFalse();
            assertThat(b.kernelTimer().orElseThrow().deviceWaitsForReading()).isTrue();
            for (int[] prompt : new int[][]{{1, 5, 9, 200, 17, 3, 88, 41, 7, 300, 12}, {4, 8, 15, 16, 23, 42}}) {
                int ta = a.prefill(prompt, prompt.length);
                int tb = b.prefill(prompt, prompt.length);
                assertThat(a.lastLogits()).isEqualTo(b.lastLogits());
                for (int step = 0; step < 8; step++) {
                    int forced = step == 2 || step == 5 ? (ta + 7) % 256 : -1;
                    ta = a.decode(forced >= 0 ? forced : ta);
                    tb = b.decode(forced >= 0 ? forced : tb);
                    assertThat(a.lastLogits()).as("%s, prompt of %d, step %d", model, prompt.length, step)
                            .isEqualTo(b.lastLogits());
                    assertThat(ta).isEqualTo(tb);
                    assertThat(a.kernelTimer().orElseThrow().lastKernelMs()).isPositive();
                }
            }
        });
    }

    /** Two engines on `model` (a fixture's name or synthetic:NAME): a with the default options, b with `other`. */
    private void withDefaultsAnd(String model, Map<String, String> other, Pair body) throws Exception {
        String source = model.startsWith("synthetic:") ? model : fixture(model).toString();
        try (NativeEngine a = (NativeEngine) newProvider().open(new EngineOptions(source, 8, 128, 0, 42, Map.of()));
             NativeEngine b = (NativeEngine) newProvider().open(new EngineOptions(source, 8, 128, 0, 42, other))) {
            body.check(a, b);
        }
    }

    @FunctionalInterface
    private interface Pair {
        void check(NativeEngine a, NativeEngine b) throws Exception;
    }
}
