package dev.llmbench.engine.java;

import dev.llmbench.model.ModelConfig;
import dev.llmbench.model.SyntheticWeights;
import dev.llmbench.model.Weights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Qwen2Model} (chunked prefill, vector kernels, thread pool) against {@link ReferenceForward} (token by
 * token, scalar, double sums) on small synthetic models.
 *
 * <p>Logit tolerance 1e-3: the engine sums in f32 in a different order than the double-precision oracle; each dot
 * product then differs by ~1e-6 relative (K <= 160 terms of O(1)), and two layers with RMSNorm and softmax amplify
 * that to ~1e-5 on logits of magnitude ~1. 1e-3 leaves two orders of margin and still catches any real
 * mistake (a wrong position, mask, head group or bias moves logits by 1e-2 or more).
 */
class ForwardPassTest {
    private static final float LOGIT_TOL = 1e-3f;
    /** tied embeddings, head_dim 8 (a width smaller than one vector), 3 query heads per kv head */
    static final ModelConfig TIED = new ModelConfig(ModelConfig.QWEN2, 48, 96, 3, 6, 2, 8, 200, 1_000_000.0, 1e-6, true);

    private static Arena arena;
    private static WorkerPool pool;

    @BeforeAll
    static void setUp() {
        arena = Arena.ofShared();
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
        arena.close();
    }

    static Weights weights(ModelConfig c, long seed) throws Exception {
        return Weights.bind(c, SyntheticWeights.generate(c, seed, arena, 2), Map.of(), "synthetic model");
    }

    static int[] prompt(int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (i * 37 + 11) % vocab;
        }
        return ids;
    }

    @Test
    void chunkedPrefillAndDecodeMatchTheScalarOracle() throws Exception {
        for (ModelConfig c : new ModelConfig[]{ModelConfig.preset("tiny").orElseThrow(), TIED}) {
            Weights w = weights(c, 42);
            // 37 tokens = chunks of 16, 16, 5; attention crosses its 32-position blocks
            Qwen2Model model = new Qwen2Model(w, pool, arena, 16, 64);
            matchesOracle(model, new ReferenceForward(w), prompt(37, c.vocabSize()), 6, c.architecture());
            assertThat(model.sawNonFinite()).isFalse();
        }
    }

    // 200 tokens in chunks of 64: three whole token groups of the packed matmul and a tail of 8; decode then
    // splits the 200+ cached positions into ranges (2 on 2 threads, 3 on 4) that are merged
    @Test
    void longContextDecodeMergesPositionRanges() throws Exception {
        Weights w = weights(TIED, 5);
        for (int threads : new int[]{2, 4}) {
            try (WorkerPool p = new WorkerPool(threads)) {
                Qwen2Model model = new Qwen2Model(w, p, arena, 64, 256);
                matchesOracle(model, new ReferenceForward(w), prompt(200, TIED.vocabSize()), 4, threads + " threads");
            }
        }
    }

    /** Prefill of {@code ids}, then {@code steps} greedy decode steps: logits and tokens as the oracle's. */
    private static void matchesOracle(Qwen2Model model, ReferenceForward ref, int[] ids, int steps, String label) {
        int next = model.prefill(ids, ids.length);
        float[] want = null;
        for (int id : ids) {
            want = ref.step(id);
        }
        assertLogitsClose(model.logits(), want);
        assertThat(next).as("prefill, %s", label).isEqualTo(ReferenceForward.argmax(want));
        for (int step = 0; step < steps; step++) {
            int got = model.decode(next);
            want = ref.step(next);
            assertLogitsClose(model.logits(), want);
            assertThat(got).as("decode step %d, %s", step, label).isEqualTo(ReferenceForward.argmax(want));
            next = got;
        }
    }

    @Test
    void chunkSizeAndThreadCountDoNotChangeTheResult() throws Exception {
        Weights w = weights(TIED, 7);
        int[] ids = prompt(13, TIED.vocabSize());
        Qwen2Model whole = new Qwen2Model(w, pool, arena, 64, 32);
        int a = whole.prefill(ids, ids.length);
        float[] logits = whole.logits().clone();
        for (int chunk : new int[]{1, 3, 5}) {
            Qwen2Model m = new Qwen2Model(w, pool, arena, chunk, 32);
            assertThat(m.prefill(ids, ids.length)).isEqualTo(a);
            assertLogitsClose(m.logits(), logits);
        }
        try (WorkerPool single = new WorkerPool(1)) {
            Qwen2Model m = new Qwen2Model(w, single, arena, 64, 32);
            assertThat(m.prefill(ids, ids.length)).isEqualTo(a);
            // not bit-identical: a lane reduction adds in a different order once the JIT compiles it
            assertLogitsClose(m.logits(), logits);
        }
    }

    @Test
    void resetStartsANewSequence() throws Exception {
        Weights w = weights(TIED, 3);
        Qwen2Model m = new Qwen2Model(w, pool, arena, 4, 32);
        int[] ids = prompt(6, TIED.vocabSize());
        int first = m.prefill(ids, 6);
        int[] run1 = {m.decode(first), m.decode(first + 1)};
        m.reset();
        assertThat(m.prefill(ids, 6)).isEqualTo(first);
        assertThat(new int[]{m.decode(first), m.decode(first + 1)}).containsExactly(run1);
        assertThat(m.position()).isEqualTo(8);
    }

    @Test
    void cacheOverflowAndBadIdsAreClearErrors() throws Exception {
        Weights w = weights(TIED, 3);
        Qwen2Model m = new Qwen2Model(w, pool, arena, 4, 8);
        assertThatThrownBy(() -> m.prefill(new int[9], 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_cache_len 8");
        int next = m.prefill(new int[8], 8);
        assertThatThrownBy(() -> m.decode(next)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("max_cache_len 8");
        assertThatThrownBy(() -> m.prefill(new int[]{TIED.vocabSize()}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
    }

    // the context suite's direct fill: the next decode runs at the filled position, over values set by the seed alone
    @Test
    void directCacheFillDependsOnTheSeedOnly() throws Exception {
        Weights w = weights(TIED, 9);
        Qwen2Model small = new Qwen2Model(w, pool, arena, 16, 128);
        small.prefill(prompt(20, TIED.vocabSize()), 20);
        small.fillCache(100, 7);
        assertThat(small.position()).isEqualTo(100);
        small.decode(5);
        assertThat(small.position()).isEqualTo(101);
        float[] seven = small.logits().clone();
        small.fillCache(100, 8);
        small.decode(5);
        assertThat(small.logits()).isNotEqualTo(seven);
        try (WorkerPool four = new WorkerPool(4)) {
            // another cache size (so another layout of the layers) and thread count: the same cache contents
            Qwen2Model large = new Qwen2Model(w, four, arena, 64, 512);
            large.fillCache(100, 7);
            large.decode(5);
            assertLogitsClose(large.logits(), seven);
        }
        assertThatThrownBy(() -> small.fillCache(0, 7)).hasMessageContaining("expected 1 to 127");
        assertThatThrownBy(() -> small.fillCache(128, 7)).hasMessageContaining("max_cache_len 128");
    }

    static void assertLogitsClose(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        float worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]));
        }
        assertThat(worst).as("largest logit difference").isLessThanOrEqualTo(LOGIT_TOL);
    }
}
