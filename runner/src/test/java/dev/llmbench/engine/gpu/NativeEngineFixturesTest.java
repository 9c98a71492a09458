package dev.llmbench.engine.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.java.JavaEngineAccess;
import dev.llmbench.engine.java.JavaEngineProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The correctness tests of an engine behind the C ABI ({@link CudaEngineTest}, {@link MetalEngineTest}): against
 * Hugging Face transformers on the committed tiny Qwen2 folders (the Java engine's fixtures: f32 tied, bf16 tied,
 * bf16 untied in three shards, f16 untied; reference.json as tools/fixtures/README.md describes, float32 arithmetic
 * over the folder's weights), and the synthetic weights made on the device against the Java engine's. Where the
 * engine's library or device is not found every test is skipped with the reason; with the environment variable
 * {@code LLMBENCH_REQUIRE_ENGINE} set to the engine's name (a GPU workflow) it fails instead.
 *
 * <p>Tolerances, measured on an H200 with the CUDA engine (docs/cuda-engine.md):
 * <ul>
 *   <li>{@code prefill_gemm=f32}: f32 everywhere, only summation order and fast exp differ from transformers, so the
 *   last-position logits agree within {@value #EXACT_TOL}, far below the smallest top-1/top-2 gap of the references
 *   (1.5e-3): argmax at every prompt position and all 24 greedy tokens compare exactly.</li>
 *   <li>{@code prefill_gemm=tc} (the default): the GEMM inputs are rounded to the weight dtype (bf16: 8 bits of
 *   mantissa, f16: 11) for the tensor cores; logits agree within {@value #TC_TOL_BF16} (bf16) and
 *   {@value #TC_TOL_F16} (f16); argmax and greedy tokens compare exactly wherever the reference's margin is
 *   larger than twice that. f32 folders take the f32 GEMM path and are held to the exact tolerance.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NativeEngineFixturesTest {
    static final float EXACT_TOL = 1e-3f;
    /**
     * The comparisons to {@value #EXACT_TOL} ask for an f32 KV cache, as the Java engine's and the references' (the CUDA
     * engine's default is bf16: CudaEngineTest compares it with this one).
     */
    static final String F32_CACHE = "f32";
    static final float TC_TOL_BF16 = 0.15f;
    static final float TC_TOL_F16 = 0.03f;

    private EngineProvider provider;

    /** A new provider of the engine under test. */
    abstract EngineProvider newProvider();

    /** The engine as the skip message names it, e.g. {@code CUDA}. */
    abstract String label();

    /** The {@code decode} setting the engine reports (lb_describe). */
    abstract String decodeSetting();

    /** The kernels of one decode step of a model of {@code layers} layers. */
    abstract int decodeKernels(int layers);

    /** Checked before every test, so that each one is reported as skipped with the reason, not the class as empty. */
    @BeforeEach
    void findEngine() {
        if (provider == null) {
            provider = newProvider();
        }
        EngineProvider.Availability a = provider.availability();
        if (!a.available() && provider.name().equals(System.getenv("LLMBENCH_REQUIRE_ENGINE"))) {
            fail(label() + " engine required (LLMBENCH_REQUIRE_ENGINE) but not available here: " + a.reason());
        }
        assumeTrue(a.available(), label() + " engine not available here: " + a.reason());
    }

    static Path fixture(String name) throws Exception {
        return Path.of(NativeEngineFixturesTest.class.getResource("/fixtures/" + name).toURI());
    }

    @ParameterizedTest(name = "{0} prefill_gemm={1} graphs={2}")
    @CsvSource({
            "tiny-qwen2-f32, f32, true", "tiny-qwen2-bf16, f32, true", "tiny-qwen2-bf16-untied, f32, true",
            "tiny-qwen2-f16-untied, f32, true", "tiny-qwen2-bf16, f32, false",
            "tiny-qwen2-f32, tc, true", "tiny-qwen2-bf16, tc, true", "tiny-qwen2-bf16-untied, tc, true",
            "tiny-qwen2-f16-untied, tc, true"})
    void matchesTransformers(String name, String gemm, boolean graphs) throws Exception {
        Path folder = fixture(name);
        JsonNode ref = new ObjectMapper().readTree(folder.resolve("reference.json").toFile());
        boolean exact = gemm.equals("f32") || name.contains("f32");
        float tol = exact ? EXACT_TOL : name.contains("-f16") ? TC_TOL_F16 : TC_TOL_BF16;
        // chunks of 8 tokens, so the 18-, 25- and 87-token prompts cross chunk boundaries
        EngineOptions options = new EngineOptions(folder.toString(), 8, 128, 0, 0,
                Map.of("prefill_gemm", gemm, "graphs", Boolean.toString(graphs), "kv_cache", F32_CACHE));
        try (NativeEngine engine = (NativeEngine) provider.open(options)) {
            assertThat(engine.model().parameters()).isEqualTo(ref.get("parameters").asLong());
            for (JsonNode prompt : ref.get("prompts")) {
                String label = name + " / " + prompt.get("name").asText() + " / " + gemm;
                int[] ids = ints(prompt.get("ids"));
                int[] argmax = ints(prompt.get("argmax"));
                double[] margins = doubles(prompt.get("argmax_margins"));
                for (int n = 1; n <= ids.length; n++) {
                    engine.reset();
                    int got = engine.prefill(ids, n);
                    if (margins[n - 1] > 2 * tol) {
                        assertThat(got).as("%s: argmax at position %d", label, n - 1).isEqualTo(argmax[n - 1]);
                    }
                }
                engine.reset();
                int[] greedy = ints(prompt.get("greedy"));
                double[] greedyMargins = doubles(prompt.get("greedy_margins"));
                int[] got = new int[greedy.length];
                got[0] = engine.prefill(ids, ids.length);
                float[] want = floats(prompt.get("last_logits"));
                float[] logits = engine.lastLogits();
                float worst = 0;
                for (int i = 0; i < want.length; i++) {
                    worst = Math.max(worst, Math.abs(logits[i] - want[i]));
                }
                assertThat(worst).as("%s: largest last-position logit difference", label).isLessThanOrEqualTo(tol);
                for (int i = 1; i < greedy.length; i++) {
                    got[i] = engine.decode(got[i - 1]);
                }
                int comparable = greedy.length;
                for (int i = 0; i < greedy.length; i++) {
                    if (greedyMargins[i] <= 2 * tol) {
                        comparable = i + 1; // this token may differ; nothing after it is comparable
                        break;
                    }
                }
                for (int i = 0; i < comparable; i++) {
                    if (i < comparable - 1 || greedyMargins[i] > 2 * tol) {
                        assertThat(got[i]).as("%s: greedy token %d (%s)", label, i, java.util.Arrays.toString(got))
                                .isEqualTo(greedy[i]);
                    }
                }
                assertThat(engine.sawNonFiniteLogits()).isFalse();
                System.out.printf("%s: max |logit - transformers| = %.3g, greedy %s%n", label, worst,
                        comparable == greedy.length ? "all equal" : "compared up to " + comparable);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} tokens")
    @CsvSource({"synthetic:tiny, 16", "synthetic:qwen2.5-1.5b, 6"})
    void syntheticWeightsMadeOnTheDeviceAreTheJavaEnginesWeights(String model, int tokens) throws Exception {
        // the 1.5B shapes also take the kernels' paths for wide rows (four warps per down_proj row); both engines
        // compute in f32 from the same bf16 bits, so their greedy tokens agree
        EngineOptions gpu = new EngineOptions(model, 8, 128, 0, 42, Map.of("prefill_gemm", "f32", "kv_cache", F32_CACHE));
        EngineOptions cpu = new EngineOptions(model, 8, 128, 0, 42, Map.of());
        int[] prompt = {1, 5, 9, 200, 17, 3, 88, 41, 7, 300, 12};
        try (Engine c = provider.open(gpu); Engine j = new JavaEngineProvider().open(cpu)) {
            assertThat(c.model()).isEqualTo(j.model());
            int[] a = greedy(c, prompt, tokens);
            int[] b = greedy(j, prompt, tokens);
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void decodeStepIsOneSubmissionWithTimedKernels() throws Exception {
        EngineOptions options = new EngineOptions(fixture("tiny-qwen2-bf16").toString(), 8, 128, 0, 0, Map.of());
        try (Engine engine = provider.open(options)) {
            Engine.KernelTimer timer = engine.kernelTimer().orElseThrow();
            int t = engine.prefill(new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10);
            assertThat(timer.lastKernelMs()).isPositive();
            assertThat(timer.lastKernelCount()).isGreaterThan(2 * 9); // 2 layers of at least 9 kernels, embedding, LM head
            engine.decode(t);
            assertThat(timer.lastKernelMs()).isPositive();
            assertThat(timer.lastKernelCount()).isEqualTo(decodeKernels(2));
            assertThat(engine.info().settings()).containsEntry("decode", decodeSetting());
            assertThat(engine.deviceMemory().orElseThrow().peakBytes()).isPositive();
            assertThat(engine.accelerator().orElseThrow().name()).isNotBlank();
        }
    }

    @Test
    void aPromptLongerThanTheCacheIsInvalidInput() throws Exception {
        EngineOptions options = new EngineOptions(fixture("tiny-qwen2-bf16").toString(), 8, 16, 0, 0, Map.of());
        try (Engine engine = provider.open(options)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.prefill(new int[17], 17))
                    .hasMessageContaining("does not fit the KV cache");
        }
    }

    /**
     * The direct fill (lb_fill_cache) writes the Java engine's values: both engines fill their caches from one seed,
     * then decode the same tokens (the Java engine's greedy ones). Both decode in f32 from the same weights, so the
     * logits of every step agree within {@value #EXACT_TOL} times the largest logit (at least 1), and the greedy tokens
     * wherever the Java engine's top-1/top-2 margin is larger than twice that. The GPU engine has run a prompt before
     * its fill (a fill starts a new sequence). Positions on both sides of the decode attention's 128-position splits,
     * the last position a step fits, and the real shapes' head_dim 64 and 128 (the warp attention kernel) in both of
     * its shapes, short contexts and long, and steps from one into the other (509 to 513); past 4,096 positions in a
     * 16,384-position cache, the grouped attention of long contexts with its splits merged in runs, and steps into it
     * (from 6,142 for the 1.5B shape's three query heads a block, from 12,286 for the 0.5B shape's seven).
     */
    @ParameterizedTest(name = "{0}, fill {1}, {2} steps, graphs={3}")
    @CsvSource({
            "tiny-qwen2-bf16, 1, 8, true", "tiny-qwen2-bf16, 129, 8, true", "tiny-qwen2-bf16, 129, 8, false",
            "tiny-qwen2-f32, 700, 8, true", "tiny-qwen2-bf16-untied, 300, 8, true",
            "tiny-qwen2-f16-untied, 1000, 8, true", "tiny-qwen2-bf16, 1023, 1, true",
            "synthetic:qwen2.5-0.5b, 3000, 3, true", "synthetic:qwen2.5-1.5b, 2000, 2, true",
            "synthetic:qwen2.5-0.5b, 200, 2, true", "synthetic:qwen2.5-1.5b, 300, 2, true",
            "synthetic:qwen2.5-1.5b, 509, 5, true", "synthetic:qwen2.5-1.5b, 6142, 3, true",
            "synthetic:qwen2.5-0.5b, 12286, 3, true",
            "synthetic:qwen2.5-1.5b, 16000, 2, true"})
    void directCacheFillMatchesTheJavaEngine(String model, int positions, int steps, boolean graphs) throws Exception {
        boolean synthetic = model.startsWith("synthetic:");
        String source = synthetic ? model : fixture(model).toString();
        int maxCache = !synthetic ? 1024 : positions + steps > 4096 ? 16384 : 4096;
        EngineOptions gpu = new EngineOptions(source, 8, maxCache, 0, 42,
                Map.of("graphs", Boolean.toString(graphs), "kv_cache", F32_CACHE));
        EngineOptions cpu = new EngineOptions(source, 8, maxCache, 0, 42, Map.of());
        Gap gap = decodeBesideTheJavaEngine(model, gpu, cpu, positions, steps, EXACT_TOL);
        System.out.printf("%s, fill %d: max |logit - Java engine| = %.3g over %d steps%n", model, positions, gap.worst(), steps);
    }

    /**
     * Opens the engine under test with `gpu` and the Java engine with `cpu`, fills both caches from one seed (the
     * engine under test after a prompt: a fill starts a new sequence) and decodes `steps` of the Java engine's greedy
     * tokens on both: every step's logits within tolFactor times the largest logit (at least 1), the greedy tokens
     * equal wherever the Java engine's top-1/top-2 margin is larger than twice that.
     */
    Gap decodeBesideTheJavaEngine(String model, EngineOptions gpu, EngineOptions cpu, int positions, int steps,
                                  float tolFactor) throws Exception {
        long seed = -0x1234_5678_9ABCL; // negative: the seed crosses the ABI as 64 unsigned bits
        try (NativeEngine n = (NativeEngine) provider.open(gpu); Engine j = new JavaEngineProvider().open(cpu)) {
            n.prefill(new int[]{1, 5, 9, 200, 17, 3, 88, 41, 7, 300, 12}, 11);
            n.cacheFiller().orElseThrow().fill(positions, seed);
            j.cacheFiller().orElseThrow().fill(positions, seed);
            int token = 5;
            float worstSeen = 0, relative = 0;
            for (int step = 0; step < steps; step++) {
                String label = model + " / fill " + positions + " / step " + step;
                int want = j.decode(token);
                int got = n.decode(token);
                float[] gap = assertClose(label + ": the Java engine's", JavaEngineAccess.logits(j), n.lastLogits(), want,
                        got, tolFactor);
                worstSeen = Math.max(worstSeen, gap[0]);
                relative = Math.max(relative, gap[1]);
                token = want;
            }
            assertThat(n.sawNonFiniteLogits()).isFalse();
            return new Gap(worstSeen, relative);
        }
    }

    /**
     * `got`'s logits within tolFactor times the largest of `reference`'s (at least 1), and gotToken wantToken wherever
     * the reference's top-1/top-2 margin is larger than twice that. Returns the largest difference and its share of the
     * largest logit.
     */
    static float[] assertClose(String label, float[] reference, float[] got, int wantToken, int gotToken, float tolFactor) {
        float largest = 1, worst = 0, top = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < reference.length; i++) {
            largest = Math.max(largest, Math.abs(reference[i]));
            worst = Math.max(worst, Math.abs(reference[i] - got[i]));
            if (reference[i] > top) {
                second = top;
                top = reference[i];
            } else if (reference[i] > second) {
                second = reference[i];
            }
        }
        float tol = tolFactor * largest;
        assertThat(worst).as("%s: largest logit difference", label).isLessThanOrEqualTo(tol);
        if (top - second > 2 * tol) {
            assertThat(gotToken).as("%s: greedy token", label).isEqualTo(wantToken);
        }
        return new float[]{worst, worst / largest};
    }

    /** The largest logit difference over a run of steps, and the largest as a share of its step's largest logit. */
    record Gap(float worst, float relative) {
    }

    @Test
    void aDirectFillOutsideTheCacheIsAnIllegalArgument() throws Exception {
        EngineOptions options = new EngineOptions(fixture("tiny-qwen2-bf16").toString(), 8, 128, 0, 0, Map.of());
        try (NativeEngine engine = (NativeEngine) provider.open(options)) {
            Engine.CacheFiller filler = engine.cacheFiller().orElseThrow();
            for (int p : new int[]{0, -1, 128, 129, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> filler.fill(p, 7)).as("fill %d", p).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("expected 1 to 127");
                assertThat(engine.fillCacheUnchecked(p, 7)).as("lb_fill_cache's own check of %d: LB_E_INVALID", p)
                        .isEqualTo(-2);
            }
            filler.fill(127, 7); // the last position a step fits
            engine.decode(5);
            assertThatThrownBy(() -> engine.decode(5)).hasMessageContaining("KV cache is full");
            filler.fill(3, 7); // and the engine goes on
            engine.decode(5);
            assertThat(engine.sawNonFiniteLogits()).isFalse();
        }
    }

    static int[] greedy(Engine e, int[] prompt, int n) {
        int[] out = new int[n];
        e.reset();
        out[0] = e.prefill(prompt, prompt.length);
        for (int i = 1; i < n; i++) {
            out[i] = e.decode(out[i - 1]);
        }
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) a.get(i).asDouble();
        }
        return v;
    }

    static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }
}
