package dev.llmbench.engine.java;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hugging Face folders: mapped safetensors in each dtype, shards, config variants and every kind of bad input. */
class LoaderTest {
    private static final ModelConfig TINY = ModelConfig.preset("tiny").orElseThrow();
    private static Arena arena;
    private static WorkerPool pool;
    private static Map<String, Tensor> tensors;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        arena = Arena.ofShared();
        pool = new WorkerPool(2);
        tensors = SyntheticWeights.tensors(TINY, 42, arena, pool);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
        arena.close();
    }

    private Path writeModel(DType dtype, Map<String, Tensor> ts, String config, Map<String, String> dtypeNames)
            throws Exception {
        Files.writeString(dir.resolve("config.json"), config);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), ts.values(), dtype, dtypeNames);
        return dir;
    }

    private Path writeModel(DType dtype) throws Exception {
        return writeModel(dtype, tensors, SafetensorsWriter.configJson(TINY, dtype.label(), false), Map.of());
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
        Path folder = writeModel(dtype);
        int[] prompt = ForwardPassTest.prompt(9, TINY.vocabSize());
        try (JavaEngine e = (JavaEngine) new JavaEngineProvider().open(options(folder))) {
            assertThat(e.model().source()).isEqualTo("file");
            assertThat(e.model().dtype()).isEqualTo(dtype.label());
            assertThat(e.model().parameters()).isEqualTo(TINY.parameterCount());
            assertThat(e.model().architecture()).isEqualTo("Qwen2ForCausalLM");
            assertThat(e.model().configSha256())
                    .isEqualTo(ModelConfig.sha256(Files.readAllBytes(folder.resolve("config.json"))));
            assertThat(e.weights().embed().dtype()).isEqualTo(dtype);
            assertThat(e.weights().embed().data().isMapped()).as("weights are slices of the mapping").isTrue();
            ReferenceForward ref = new ReferenceForward(e.weights());
            float[] want = null;
            for (int id : prompt) {
                want = ref.step(id);
            }
            int next = e.prefill(prompt, prompt.length);
            ForwardPassTest.assertLogitsClose(e.forward().logits(), want);
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
            Path folder = writeModel(dtype);
            try (Engine e = new JavaEngineProvider().open(options(folder))) {
                assertThat(run(e, prompt, 8)).as(dtype.label()).containsExactly(synthetic);
            }
        }
    }

    @Test
    void shardedCheckpointsAreReadThroughTheirIndex() throws Exception {
        int[] prompt = ForwardPassTest.prompt(7, TINY.vocabSize());
        int[] single;
        try (Engine e = new JavaEngineProvider().open(options(writeModel(DType.BF16)))) {
            single = run(e, prompt, 5);
        }
        Files.delete(dir.resolve("model.safetensors"));
        List<Tensor> a = new ArrayList<>();
        List<Tensor> b = new ArrayList<>();
        StringBuilder map = new StringBuilder();
        for (Tensor t : tensors.values()) {
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
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertInvalid(dir, "model.safetensors.index.json", "model-00002-of-00002.safetensors", "missing");
    }

    @Test
    void ropeThetaIsReadAtTopLevelOrInsideRopeParameters() throws Exception {
        Path top = dir.resolve("top.json");
        Path nested = dir.resolve("nested.json");
        ModelConfig c = ForwardPassTest.TIED;
        Files.writeString(top, SafetensorsWriter.configJson(c, "bfloat16", false));
        Files.writeString(nested, SafetensorsWriter.configJson(c, "bfloat16", true));
        assertThat(ModelConfig.read(top)).isEqualTo(c);
        assertThat(ModelConfig.read(nested)).isEqualTo(c);
    }

    @Test
    void presetsHaveTheExactQwenParameterCounts() {
        assertThat(ModelConfig.preset("qwen2.5-1.5b").orElseThrow().parameterCount()).isEqualTo(1_543_714_304L);
        assertThat(ModelConfig.preset("qwen2.5-0.5b").orElseThrow().parameterCount()).isEqualTo(494_032_768L);
        assertThat(Weights.expectedShapes(TINY).values().stream().mapToLong(s -> {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            return n;
        }).sum()).isEqualTo(TINY.parameterCount());
    }

    @Test
    void syntheticWeightsAreDeterministicPerSeedAndThreadCount() throws Exception {
        Map<String, Tensor> again;
        Map<String, Tensor> other;
        try (WorkerPool one = new WorkerPool(1)) {
            again = SyntheticWeights.tensors(TINY, 42, arena, one);
            other = SyntheticWeights.tensors(TINY, 43, arena, one);
        }
        Tensor q = tensors.get("model.layers.1.self_attn.q_proj.weight");
        assertThat(again.get(q.name()).data().mismatch(q.data())).isEqualTo(-1L);
        assertThat(other.get(q.name()).data().mismatch(q.data())).isNotEqualTo(-1L);
        float bound = (float) Math.sqrt(3.0 / TINY.hiddenSize()) * 1.01f;
        double sum = 0;
        for (long i = 0; i < q.numel(); i++) {
            assertThat(Math.abs(q.getFloat(i))).isLessThanOrEqualTo(bound);
            sum += q.getFloat(i);
        }
        assertThat(Math.abs(sum / q.numel())).as("mean near zero").isLessThan(0.01);
        Tensor norm = tensors.get("model.norm.weight");
        for (long i = 0; i < norm.numel(); i++) {
            assertThat(norm.getFloat(i)).isBetween(0.89f, 1.11f);
        }
    }

    @Test
    void nonFiniteLogitsAreReportedUntilReset() throws Exception {
        Map<String, Tensor> ts = new LinkedHashMap<>(tensors);
        Tensor norm = tensors.get("model.norm.weight");
        var seg = arena.allocate(norm.data().byteSize());
        seg.copyFrom(norm.data());
        seg.set(Tensor.SHORT, 0, (short) 0x7FC0); // bf16 NaN
        ts.put(norm.name(), new Tensor(norm.name(), DType.BF16, norm.shape(), seg));
        Path folder = writeModel(DType.F32, ts, SafetensorsWriter.configJson(TINY, "float32", false), Map.of());
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
        Files.writeString(dir.resolve("config.json"), SafetensorsWriter.configJson(TINY, "bfloat16", false));
        assertInvalid(dir, "no model.safetensors", "save_pretrained");

        Files.writeString(dir.resolve("config.json"), SafetensorsWriter.configJson(TINY, "bfloat16", false)
                .replace("Qwen2ForCausalLM", "LlamaForCausalLM"));
        assertInvalid(dir, "config.json", "LlamaForCausalLM", "Qwen2ForCausalLM");

        Map<String, Tensor> missing = new LinkedHashMap<>(tensors);
        missing.remove("model.layers.1.mlp.up_proj.weight");
        writeModel(DType.BF16, missing, SafetensorsWriter.configJson(TINY, "bfloat16", false), Map.of());
        assertInvalid(dir, "model.layers.1.mlp.up_proj.weight", "missing");

        ModelConfig wider = new ModelConfig(ModelConfig.QWEN2, 64, 128, 2, 4, 2, 16, 384, 10_000.0, 1e-6, false);
        writeModel(DType.BF16, tensors, SafetensorsWriter.configJson(wider, "bfloat16", false), Map.of());
        assertInvalid(dir, "model.safetensors", "model.layers.0.mlp.gate_proj.weight", "[160, 64]", "[128, 64]");

        writeModel(DType.F16, tensors, SafetensorsWriter.configJson(TINY, "float16", false),
                Map.of("model.norm.weight", "I16"));
        assertInvalid(dir, "model.safetensors", "model.norm.weight", "I16", "BF16, F16 and F32");

        writeModel(DType.BF16);
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertInvalid(dir, "model.safetensors", "truncated");

        Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3});
        assertInvalid(dir, "model.safetensors", "too short");

        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": \"x\"}");
        assertInvalid(dir, "config.json", "$.hidden_size");
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
