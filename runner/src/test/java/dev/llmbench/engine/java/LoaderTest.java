package dev.llmbench.engine.java;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.Engines;
import dev.llmbench.model.DType;
import dev.llmbench.model.ModelConfig;
import dev.llmbench.model.ModelSource;
import dev.llmbench.model.SafetensorsWriter;
import dev.llmbench.model.Tensor;
import dev.llmbench.model.TinyCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Java engine over what {@link ModelSource} loads: mapped folders in each dtype and in shards run like the scalar
 * oracle and like the synthetic weights they were written from, and bad models reach the caller as invalid input.
 * The loading itself is tested in {@code dev.llmbench.model}.
 */
class LoaderTest {
    private static final ModelConfig TINY = ModelConfig.preset("tiny").orElseThrow();
    private static TinyCheckpoint tiny;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        tiny = new TinyCheckpoint();
    }

    @AfterAll
    static void tearDown() {
        tiny.close();
    }

    private static EngineOptions options(Path folder) {
        return new EngineOptions(folder.toString(), 4, 64, 2, 42, Map.of());
    }

    private static int[] run(Engine e, int[] prompt, int decode) {
        int[] out = new int[decode];
        out[0] = e.prefill(prompt, prompt.length);
        for (int i = 1; i < decode; i++) {
            out[i] = e.decode(out[i - 1]);
        }
        return out;
    }

    @Test
    void theProviderIsRegistered() {
        EngineProvider p = Engines.find("java").orElseThrow();
        assertThat(p).isInstanceOf(JavaEngineProvider.class);
        assertThat(p.availability().available()).as(p.availability().reason()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aMappedFolderRunsLikeTheScalarOracle(DType dtype) throws Exception {
        Path folder = tiny.write(dir, dtype);
        int[] prompt = ForwardPassTest.prompt(9, TINY.vocabSize());
        try (JavaEngine e = (JavaEngine) new JavaEngineProvider().open(options(folder))) {
            assertThat(e.model()).isEqualTo(ModelSource.resolve(folder.toString(), 0).info());
            assertThat(e.model().dtype()).isEqualTo(dtype.label());
            assertThat(e.weights().embed().dtype()).isEqualTo(dtype);
            assertThat(e.weights().embed().data().isMapped()).as("weights are slices of the mapping").isTrue();
            ReferenceForward ref = new ReferenceForward(e.weights());
            float[] want = null;
            for (int id : prompt) {
                want = ref.step(id);
            }
            int next = e.prefill(prompt, prompt.length);
            ForwardPassTest.assertLogitsClose(e.qwen2Model().logits(), want);
            assertThat(next).isEqualTo(ReferenceForward.argmax(want));
            assertThat(e.sawNonFiniteLogits()).isFalse();
        }
    }

    @Test
    void bf16AndF32FilesRunTheSameModelAsTheSyntheticWeights() throws Exception {
        int[] prompt = ForwardPassTest.prompt(10, TINY.vocabSize());
        int[] synthetic;
        try (Engine e = new JavaEngineProvider().open(new EngineOptions("synthetic:tiny", 4, 64, 2, 42, Map.of()))) {
            assertThat(e.model().parameters()).isEqualTo(TINY.parameterCount());
            assertThat(e.tokenizer()).as("synthetic models have no tokenizer").isEmpty();
            synthetic = run(e, prompt, 8);
        }
        for (DType dtype : new DType[]{DType.BF16, DType.F32}) { // both hold bf16 values exactly
            Path folder = tiny.write(dir, dtype);
            try (Engine e = new JavaEngineProvider().open(options(folder))) {
                assertThat(run(e, prompt, 8)).as(dtype.label()).containsExactly(synthetic);
            }
        }
    }

    @Test
    void shardedCheckpointsAreReadThroughTheirIndex() throws Exception {
        int[] prompt = ForwardPassTest.prompt(7, TINY.vocabSize());
        int[] single;
        try (Engine e = new JavaEngineProvider().open(options(tiny.write(dir, DType.BF16)))) {
            single = run(e, prompt, 5);
        }
        Files.delete(dir.resolve("model.safetensors"));
        List<Tensor> a = new ArrayList<>();
        List<Tensor> b = new ArrayList<>();
        StringBuilder map = new StringBuilder();
        for (Tensor t : tiny.tensors().values()) {
            boolean first = t.name().startsWith("model.embed") || t.name().startsWith("model.layers.0.");
            (first ? a : b).add(t);
            String file = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            map.append(map.isEmpty() ? "" : ",").append('"').append(t.name()).append("\":\"").append(file).append('"');
        }
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a, DType.BF16, Map.of());
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b, DType.BF16, Map.of());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":1},\"weight_map\":{" + map + "}}");
        try (Engine e = new JavaEngineProvider().open(options(dir))) {
            assertThat(run(e, prompt, 5)).containsExactly(single);
        }
    }

    @Test
    void nonFiniteLogitsAreReportedUntilReset() throws Exception {
        Map<String, Tensor> ts = new LinkedHashMap<>(tiny.tensors());
        Tensor norm = tiny.tensors().get("model.norm.weight");
        var seg = tiny.arena().allocate(norm.data().byteSize());
        seg.copyFrom(norm.data());
        seg.set(Tensor.SHORT, 0, (short) 0x7FC0); // bf16 NaN
        ts.put(norm.name(), new Tensor(norm.name(), DType.BF16, norm.shape(), seg));
        Path folder = TinyCheckpoint.write(dir, DType.F32, ts, SafetensorsWriter.configJson(TINY, "float32", false), Map.of());
        try (Engine e = new JavaEngineProvider().open(options(folder))) {
            e.prefill(new int[]{1, 2, 3}, 3);
            assertThat(e.sawNonFiniteLogits()).isTrue();
            e.reset();
            assertThat(e.sawNonFiniteLogits()).isFalse();
        }
    }

    @Test
    void badFoldersAreInvalidInputNamingFileTensorAndFix() throws Exception {
        assertInvalid(dir.resolve("nope"), "not a folder", "synthetic:NAME");
        assertInvalid(dir, "config.json is missing");
        ModelConfig wider = new ModelConfig(ModelConfig.QWEN2, 64, 128, 2, 4, 2, 16, 384, 10_000.0, 1e-6, false);
        TinyCheckpoint.write(dir, DType.BF16, tiny.tensors(), SafetensorsWriter.configJson(wider, "bfloat16", false), Map.of());
        assertInvalid(dir, "model.safetensors", "model.layers.0.mlp.gate_proj.weight", "[160, 64]", "[128, 64]");
    }

    @Test
    void unknownSyntheticModelsNameTheChoices() {
        assertThatThrownBy(() -> new JavaEngineProvider().open(EngineOptions.of("synthetic:huge")))
                .isInstanceOf(EngineException.class).hasMessageContaining("synthetic:qwen2.5-1.5b")
                .extracting(t -> ((EngineException) t).kind()).isEqualTo(EngineException.Kind.INVALID_INPUT);
    }

    private static void assertInvalid(Path folder, String... fragments) {
        assertThatThrownBy(() -> new JavaEngineProvider().open(options(folder)).close())
                .isInstanceOf(EngineException.class)
                .satisfies(t -> assertThat(((EngineException) t).kind()).isEqualTo(EngineException.Kind.INVALID_INPUT))
                .satisfies(t -> {
                    for (String f : fragments) {
                        assertThat(t.getMessage()).contains(f);
                    }
                });
    }
}
