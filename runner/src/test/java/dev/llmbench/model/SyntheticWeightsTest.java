package dev.llmbench.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The synthetic weights: pinned bits (the numbers in {@link SyntheticWeights}' javadoc, for checking a native
 * reimplementation), the parallel fill against the scalar definition at any thread count, and the distribution.
 */
class SyntheticWeightsTest {
    private static final ModelConfig TINY = ModelConfig.preset("tiny").orElseThrow();
    /** A tensor over one work unit (1 << 20 elements) and sizes that are not multiples of 4. */
    private static final ModelConfig ODD = new ModelConfig(ModelConfig.QWEN2, 130, 7, 1, 2, 1, 10, 8209, 10_000.0, 1e-6,
            false);
    private static Arena arena;
    private static Map<String, Tensor> tiny;

    @BeforeAll
    static void setUp() throws Exception {
        arena = Arena.ofShared();
        tiny = SyntheticWeights.generate(TINY, 42, arena, 2);
    }

    @AfterAll
    static void tearDown() {
        arena.close();
    }

    private static int bits(Tensor t, long i) {
        return t.data().get(Tensor.SHORT, i * 2) & 0xFFFF;
    }

    @Test
    void pinnedBitsOfTinySeed42() throws Exception {
        assertThat(SyntheticWeights.tensorBase(42, 0)).isEqualTo(0xBDD732262FEB6E95L);
        Tensor embed = tiny.get("model.embed_tokens.weight");
        assertThat(new int[]{bits(embed, 0), bits(embed, 1), bits(embed, 2), bits(embed, 3)})
                .containsExactly(0xBD81, 0xBC52, 0x3E1B, 0x3DAF);
        assertThat(new float[]{embed.getFloat(0), embed.getFloat(1), embed.getFloat(2), embed.getFloat(3)})
                .containsExactly(-0.06298828f, -0.012817383f, 0.15136719f, 0.08544922f);
        Tensor down = tiny.get("model.layers.1.mlp.down_proj.weight");
        assertThat(bits(down, 5000)).isEqualTo(0xBC92);
        assertThat(down.getFloat(5000)).isEqualTo(-0.017822266f);
        Tensor norm = tiny.get("model.norm.weight");
        assertThat(bits(norm, 0)).isEqualTo(0x3F67);
        assertThat(norm.getFloat(0)).isEqualTo(0.90234375f);

        List<SyntheticWeights.Recipe> plan = SyntheticWeights.plan(TINY, 42);
        assertThat(plan).hasSize(27);
        assertThat(plan.get(24).name()).isEqualTo(down.name());
        assertThat(plan.get(25).name()).isEqualTo(norm.name());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Tensor t : tiny.values()) {
            sha.update(t.data().toArray(ValueLayout.JAVA_BYTE));
        }
        assertThat(HexFormat.of().formatHex(sha.digest()))
                .isEqualTo("dcc8d14738783b8a3b30ee92441d753fc3c937084ce7f0f09a1705f18ffb45f4");
    }

    @Test
    void theParallelFillIsTheScalarDefinitionAtAnyThreadCount() throws Exception {
        for (ModelConfig c : new ModelConfig[]{TINY, ODD}) {
            List<SyntheticWeights.Recipe> plan = SyntheticWeights.plan(c, 7);
            assertThat(plan.stream().map(SyntheticWeights.Recipe::name).toList())
                    .containsExactlyElementsOf(Weights.expectedShapes(c).keySet());
            Map<String, Tensor> first = null;
            for (int threads : new int[]{1, 3, 0}) {
                Map<String, Tensor> ts = SyntheticWeights.generate(c, 7, arena, threads);
                assertThat(ts.keySet()).containsExactlyElementsOf(Weights.expectedShapes(c).keySet());
                if (first == null) {
                    first = ts;
                    for (SyntheticWeights.Recipe r : plan) {
                        Tensor t = ts.get(r.name());
                        assertThat(t.dtype()).isEqualTo(DType.BF16);
                        assertThat(t.shape()).containsExactly(r.shape());
                        assertThat(t.data().address() % 64).as("aligned").isZero();
                        assertThat(r.base()).isEqualTo(SyntheticWeights.tensorBase(7, r.index()));
                        for (long i = 0; i < t.numel(); i++) {
                            if (bits(t, i) != (r.bits(i) & 0xFFFF)) {
                                throw new AssertionError(r + ": element " + i + " is " + bits(t, i) + ", not "
                                        + (r.bits(i) & 0xFFFF));
                            }
                        }
                    }
                } else {
                    for (Map.Entry<String, Tensor> e : ts.entrySet()) {
                        assertThat(e.getValue().data().mismatch(first.get(e.getKey()).data()))
                                .as("%s on %d threads", e.getKey(), threads).isEqualTo(-1L);
                    }
                }
            }
        }
        assertThat(SyntheticWeights.plan(ODD, 7).getFirst().numel()).isGreaterThan(1 << 20).matches(n -> n % 4 != 0);
        assertThatThrownBy(() -> SyntheticWeights.generate(TINY, 7, arena, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seedsDifferAndValuesFollowTheDistribution() throws Exception {
        Map<String, Tensor> other = SyntheticWeights.generate(TINY, 43, arena, 1);
        Tensor q = tiny.get("model.layers.1.self_attn.q_proj.weight");
        assertThat(other.get(q.name()).data().mismatch(q.data())).isNotEqualTo(-1L);
        float bound = (float) Math.sqrt(3.0 / TINY.hiddenSize()) * 1.01f;
        assertThat(SyntheticWeights.scale(q.name(), q.shape())).isEqualTo((float) Math.sqrt(3.0 / TINY.hiddenSize()));
        double sum = 0;
        for (long i = 0; i < q.numel(); i++) {
            assertThat(Math.abs(q.getFloat(i))).isLessThanOrEqualTo(bound);
            sum += q.getFloat(i);
        }
        assertThat(Math.abs(sum / q.numel())).as("mean near zero").isLessThan(0.01);
        Tensor norm = tiny.get("model.norm.weight");
        assertThat(SyntheticWeights.center(norm.name())).isEqualTo(1f);
        assertThat(SyntheticWeights.scale(norm.name(), norm.shape())).isEqualTo(0.1f);
        for (long i = 0; i < norm.numel(); i++) {
            assertThat(norm.getFloat(i)).isBetween(0.89f, 1.11f);
        }
        Tensor bias = tiny.get("model.layers.0.self_attn.q_proj.bias");
        assertThat(SyntheticWeights.center(bias.name())).isZero();
        assertThat(SyntheticWeights.scale(bias.name(), bias.shape())).isEqualTo(0.1f);
        for (long i = 0; i < bias.numel(); i++) {
            assertThat(Math.abs(bias.getFloat(i))).isLessThanOrEqualTo(0.101f);
        }
        // the extremes of the 16 bits: -1 exactly, and just under +1
        assertThat(Float.intBitsToFloat(SyntheticWeights.element(0, 0f, 0.5f) << 16)).isEqualTo(-0.5f);
        assertThat(Float.intBitsToFloat(SyntheticWeights.element(0xFFFF, 1f, 0.1f) << 16)).isEqualTo(1.1f, within(0.01f));
    }
}
