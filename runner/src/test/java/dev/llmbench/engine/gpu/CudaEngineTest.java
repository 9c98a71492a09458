package dev.llmbench.engine.gpu;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CUDA engine against the fixtures ({@link NativeEngineFixturesTest}, where the tests and tolerances are). Runs
 * where {@code libllmbench_cuda.so} and a GPU are found, e.g. on the GPU machine with {@code tools/gpu/cuda-check.sh};
 * elsewhere every test is skipped with the reason.
 */
class CudaEngineTest extends NativeEngineFixturesTest {
    /**
     * With a bf16 KV cache (the default, or {@code --engine-opt kv_cache=bf16}) keys and values are rounded to bf16 as
     * they are written: the logits stay within this times the largest logit of the f32 cache's (measured on an H200:
     * docs/cuda-engine.md).
     */
    static final float KV_BF16_TOL = 0.03f;

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
        stepsAheadAgainstOneAtATime(model, Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"synthetic:qwen2.5-1.5b", "tiny-qwen2-bf16"})
    void stepsLaunchedAheadGiveTheBitsOfStepsOneAtATimeWithAnF32Cache(String model) throws Exception {
        stepsAheadAgainstOneAtATime(model, Map.of("kv_cache", F32_CACHE));
    }

    /**
     * With ahead on (the default) lb_decode launches the next step on the device's own token before it returns; a call
     * with another token (steps 2 and 5 below) must drop that step and run its own, and a new prompt must drop it too:
     * every logit of every step is the float that one step at a time gives, both engines on the options `base`.
     */
    private void stepsAheadAgainstOneAtATime(String model, Map<String, String> base) throws Exception {
        Map<String, String> oneAtATime = new java.util.HashMap<>(base);
        oneAtATime.put("ahead", "false");
        withOptions(model, base, oneAtATime, (a, b) -> {
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

    /**
     * {@code --engine-opt kv_cache=bf16}: after the same direct fill as the Java engine's (f32 cache), the decode steps'
     * logits stay within {@value #KV_BF16_TOL} times the largest logit and the greedy tokens are the Java engine's
     * wherever its margin allows, on the fixtures and on the real shapes in each attention shape: short (up to 2,048
     * with a bf16 cache: 2046 and 2047 in it, 2048 in the long one), long, grouped (three query heads a block from
     * 6,144 on the 1.5B shapes, all seven from 12,288 on the 0.5B ones), and the generic kernel of head_dim 16.
     */
    @ParameterizedTest(name = "{0}, fill {1}, {2} steps")
    @CsvSource({"tiny-qwen2-bf16, 129, 6", "tiny-qwen2-f32, 700, 4", "synthetic:qwen2.5-1.5b, 300, 3",
            "synthetic:qwen2.5-1.5b, 1100, 3", "synthetic:qwen2.5-1.5b, 2046, 3", "synthetic:qwen2.5-1.5b, 6142, 3",
            "synthetic:qwen2.5-0.5b, 12286, 3"})
    void aBf16CacheDecodesBesideTheJavaEngine(String model, int positions, int steps) throws Exception {
        boolean synthetic = model.startsWith("synthetic:");
        String source = synthetic ? model : fixture(model).toString();
        int maxCache = !synthetic ? 1024 : positions + steps > 4096 ? 16384 : 4096;
        EngineOptions gpu = new EngineOptions(source, 8, maxCache, 0, 42, Map.of("kv_cache", "bf16"));
        EngineOptions cpu = new EngineOptions(source, 8, maxCache, 0, 42, Map.of());
        Gap gap = decodeBesideTheJavaEngine(model, gpu, cpu, positions, steps, KV_BF16_TOL);
        System.out.printf("kv_cache=bf16, %s, fill %d: max |logit - Java engine| = %.3g (%.3g of the largest) over %d steps%n",
                model, positions, gap.worst(), gap.relative(), steps);
    }

    /**
     * A prompt through the default cache, bf16: the prefill writes it and its attention reads it back widened, then the
     * decode steps read it; the logits of the prefill and of every step against the f32 cache's, the same tokens fed to
     * both.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"synthetic:qwen2.5-1.5b", "tiny-qwen2-bf16", "tiny-qwen2-f16-untied"})
    void theDefaultBf16CacheFollowsTheF32CacheThroughAPrompt(String model) throws Exception {
        int[] prompt = {1, 5, 9, 200, 17, 3, 88, 41, 7, 300, 12, 60, 61, 62, 63, 64, 65, 66, 67, 68};
        withOptions(model, Map.of("kv_cache", F32_CACHE), Map.of(), (a, b) -> {
            assertThat(a.info().settings().get("kv_cache_dtype")).isEqualTo("f32");
            assertThat(b.info().settings().get("kv_cache_dtype")).isEqualTo("bf16");
            int ta = a.prefill(prompt, prompt.length);
            int tb = b.prefill(prompt, prompt.length);
            float relative = close(model + " / prefill", a.lastLogits(), b.lastLogits(), ta, tb);
            for (int step = 0; step < 8; step++) {
                tb = b.decode(ta);
                ta = a.decode(ta);
                relative = Math.max(relative, close(model + " / step " + step, a.lastLogits(), b.lastLogits(), ta, tb));
            }
            System.out.printf("kv_cache=bf16, %s, a prompt of %d: max |logit - f32 cache| = %.3g of the largest%n", model,
                    prompt.length, relative);
        });
    }

    /** Logits `b` within KV_BF16_TOL times the largest of `a`'s, and b's token a's where a's margin allows; returns the largest share. */
    private static float close(String label, float[] a, float[] b, int ta, int tb) {
        return assertClose(label + ": the f32 cache's", a, b, ta, tb, KV_BF16_TOL)[1];
    }

    @Test
    void anUnknownCacheTypeIsInvalidInput() throws Exception {
        EngineOptions options = new EngineOptions(fixture("tiny-qwen2-bf16").toString(), 8, 128, 0, 42,
                Map.of("kv_cache", "f16"));
        assertThatThrownBy(() -> newProvider().open(options)).isInstanceOf(EngineException.class)
                .hasMessageContaining("kv_cache=f16").hasMessageContaining("bf16");
    }

    /** Two engines on `model` (a fixture's name or synthetic:NAME): a with the options `first`, b with `second`. */
    private void withOptions(String model, Map<String, String> first, Map<String, String> second, Pair body)
            throws Exception {
        String source = model.startsWith("synthetic:") ? model : fixture(model).toString();
        try (NativeEngine a = (NativeEngine) newProvider().open(new EngineOptions(source, 8, 128, 0, 42, first));
             NativeEngine b = (NativeEngine) newProvider().open(new EngineOptions(source, 8, 128, 0, 42, second))) {
            body.check(a, b);
        }
    }

    /** Two engines on `model`: a with the default options, b with `other`. */
    private void withDefaultsAnd(String model, Map<String, String> other, Pair body) throws Exception {
        withOptions(model, Map.of(), other, body);
    }

    @FunctionalInterface
    private interface Pair {
        void check(NativeEngine a, NativeEngine b) throws Exception;
    }
}
