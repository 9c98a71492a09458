package dev.llmbench.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.EngineException;
import dev.llmbench.results.ModelInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --model} resolved: Hugging Face folders (config variants, safetensors in each dtype and in shards, the
 * tokenizer, every kind of bad input, reported before any weight is mapped) and synthetic models.
 */
class ModelSourceTest {
    private static final ModelConfig TINY = ModelConfig.preset("tiny").orElseThrow();
    /** tied embeddings */
    private static final ModelConfig TIED = new ModelConfig(ModelConfig.QWEN2, 48, 96, 3, 6, 2, 8, 200, 1_000_000.0,
            1e-6, true);
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

    private static ModelSource.Folder folder(Path path) throws EngineException {
        return (ModelSource.Folder) ModelSource.resolve(path.toString(), 42);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aFolderResolvesToItsConfigIdentityAndMappedTensors(DType dtype) throws Exception {
        Path path = tiny.write(dir, dtype);
        ModelSource.Folder folder = folder(path);
        assertThat(folder.folder()).isEqualTo(path);
        assertThat(folder.config()).isEqualTo(TINY);
        assertThat(folder.info()).isEqualTo(new ModelInfo(path.getFileName().toString(), "file", dtype.label(),
                TINY.parameterCount(), ModelConfig.sha256(Files.readAllBytes(path.resolve("config.json"))),
                "Qwen2ForCausalLM"));
        assertThat(folder.tokenizer()).as("no tokenizer.json").isEmpty();
        assertThat(folder.entries().keySet()).containsExactlyInAnyOrderElementsOf(tiny.tensors().keySet());

        try (Arena a = Arena.ofConfined()) {
            Checkpoint ckpt = folder.map(a);
            assertThat(ckpt.tensors().keySet()).containsExactlyElementsOf(Weights.expectedShapes(TINY).keySet());
            assertThat(ckpt.fileOf().values()).containsOnly(path.resolve("model.safetensors"));
            MemorySegment file = ckpt.files().get(path.resolve("model.safetensors"));
            assertThat(file.isMapped()).isTrue();
            for (Tensor t : ckpt.tensors().values()) {
                Tensor want = tiny.tensors().get(t.name());
                assertThat(t.dtype()).isEqualTo(dtype);
                assertThat(t.shape()).containsExactly(want.shape());
                assertThat(t.data().isMapped()).as("weights are slices of the mapping").isTrue();
                long offset = t.data().address() - file.address();
                assertThat(offset).isEqualTo(folder.entries().get(t.name()).offset());
                for (long i = 0; i < t.numel(); i++) {
                    // bf16 values are exact in f16 only near 1; f16 is compared through its own rounding
                    float w = dtype == DType.F16 ? Float.float16ToFloat(Float.floatToFloat16(want.getFloat(i)))
                            : want.getFloat(i);
                    if (t.getFloat(i) != w) {
                        throw new AssertionError(t.name() + "[" + i + "] = " + t.getFloat(i) + ", want " + w);
                    }
                }
            }
            Weights w = Weights.bind(TINY, ckpt.tensors(), ckpt.fileOf(), path.toString());
            assertThat(w.dtype()).isEqualTo(dtype);
            assertThat(w.lmHead()).isSameAs(ckpt.tensors().get("lm_head.weight"));
        }
    }

    @Test
    void aCommittedFixtureHasItsTokenizer() throws Exception {
        Path path = Path.of(ModelSourceTest.class.getResource("/fixtures/tiny-qwen2-bf16").toURI());
        ModelSource source = ModelSource.resolve(path.toString(), 0);
        long parameters = new ObjectMapper().readTree(path.resolve("reference.json").toFile()).get("parameters").asLong();
        assertThat(source.info().parameters()).isEqualTo(parameters);
        assertThat(source.info().name()).isEqualTo("tiny-qwen2-bf16");
        Tokenizer tokenizer = source.tokenizer().orElseThrow();
        assertThat(tokenizer.decode(tokenizer.encode("hello world"))).isEqualTo("hello world");
    }

    @Test
    void tensorsTheModelDoesNotUseAreLeftOutOfTheCheckpoint() throws Exception {
        Map<String, Tensor> more = new LinkedHashMap<>();
        Tensor extra = new Tensor("model.layers.0.self_attn.rotary_emb.inv_freq", DType.BF16, new long[]{8},
                tiny.arena().allocate(16));
        more.put(extra.name(), extra);
        more.putAll(tiny.tensors());
        Path path = TinyCheckpoint.write(dir, DType.BF16, more, SafetensorsWriter.configJson(TINY, "bfloat16", false), Map.of());
        ModelSource.Folder folder = folder(path);
        assertThat(folder.entries()).containsKey(extra.name());
        try (Arena a = Arena.ofConfined()) {
            assertThat(folder.map(a).tensors()).doesNotContainKey(extra.name())
                    .containsOnlyKeys(Weights.expectedShapes(TINY).keySet());
        }
    }

    @Test
    void shardedCheckpointsAreReadThroughTheirIndex() throws Exception {
        List<Tensor> a = new ArrayList<>();
        List<Tensor> b = new ArrayList<>();
        StringBuilder map = new StringBuilder();
        for (Tensor t : tiny.tensors().values()) {
            boolean first = t.name().startsWith("model.embed") || t.name().startsWith("model.layers.0.");
            (first ? a : b).add(t);
            String file = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            map.append(map.isEmpty() ? "" : ",").append('"').append(t.name()).append("\":\"").append(file).append('"');
        }
        Files.writeString(dir.resolve("config.json"), SafetensorsWriter.configJson(TINY, "bfloat16", false));
        // the second shard first: shards are read in the order of their names, tensors come in checkpoint order
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b, DType.BF16, Map.of());
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a, DType.BF16, Map.of());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":1},\"weight_map\":{" + map + "}}");
        ModelSource.Folder folder = folder(dir);
        assertThat(folder.entries().keySet().iterator().next()).isEqualTo("model.embed_tokens.weight");
        try (Arena arena2 = Arena.ofConfined()) {
            Checkpoint ckpt = folder.map(arena2);
            assertThat(ckpt.tensors().keySet()).containsExactlyElementsOf(Weights.expectedShapes(TINY).keySet());
            assertThat(ckpt.files().keySet()).containsExactly(dir.resolve("model-00001-of-00002.safetensors"),
                    dir.resolve("model-00002-of-00002.safetensors"));
            assertThat(ckpt.fileOf().get("model.norm.weight")).isEqualTo(dir.resolve("model-00002-of-00002.safetensors"));
            for (Tensor t : ckpt.tensors().values()) {
                assertThat(t.data().mismatch(tiny.tensors().get(t.name()).data())).as(t.name()).isEqualTo(-1L);
            }
        }
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertInvalid(dir, "model.safetensors.index.json", "model-00002-of-00002.safetensors", "missing");
    }

    @Test
    void ropeThetaIsReadAtTopLevelOrInsideRopeParameters() throws Exception {
        Path top = dir.resolve("top.json");
        Path nested = dir.resolve("nested.json");
        Files.writeString(top, SafetensorsWriter.configJson(TIED, "bfloat16", false));
        Files.writeString(nested, SafetensorsWriter.configJson(TIED, "bfloat16", true));
        assertThat(ModelConfig.read(top)).isEqualTo(TIED);
        assertThat(ModelConfig.read(nested)).isEqualTo(TIED);
    }

    @Test
    void presetsHaveTheExactQwenParameterCounts() {
        assertThat(ModelConfig.presetNames()).containsExactly("qwen2.5-0.5b", "qwen2.5-1.5b", "tiny");
        assertThat(ModelConfig.preset("qwen2.5-1.5b").orElseThrow().parameterCount()).isEqualTo(1_543_714_304L);
        assertThat(ModelConfig.preset("qwen2.5-0.5b").orElseThrow().parameterCount()).isEqualTo(494_032_768L);
        assertThat(ModelConfig.preset("huge")).isEmpty();
        for (ModelConfig c : new ModelConfig[]{TINY, TIED}) {
            Map<String, long[]> shapes = Weights.expectedShapes(c);
            assertThat(shapes.values().stream().mapToLong(s -> {
                long n = 1;
                for (long d : s) {
                    n *= d;
                }
                return n;
            }).sum()).isEqualTo(c.parameterCount());
            assertThat(shapes.keySet()).first().isEqualTo("model.embed_tokens.weight");
            assertThat(new ArrayList<>(shapes.keySet()).getLast())
                    .isEqualTo(c.tieWordEmbeddings() ? "model.norm.weight" : "lm_head.weight");
        }
    }

    @Test
    void syntheticModelsResolveToAPresetWithoutTokenizer() throws Exception {
        ModelSource source = ModelSource.resolve("synthetic:tiny", 42);
        assertThat(source).isEqualTo(new ModelSource.Synthetic("tiny", 42, TINY));
        assertThat(source.info()).isEqualTo(new ModelInfo("synthetic:tiny", "synthetic", "bf16", TINY.parameterCount(),
                ModelConfig.sha256(TINY.canonicalJson()), "Qwen2ForCausalLM"));
        assertThat(source.tokenizer()).isEmpty();
        ModelSource.Synthetic synthetic = (ModelSource.Synthetic) source;
        assertThat(synthetic.plan()).isEqualTo(SyntheticWeights.plan(TINY, 42));
        Map<String, Tensor> generated = synthetic.generate(tiny.arena(), 1);
        for (Tensor t : tiny.tensors().values()) {
            assertThat(generated.get(t.name()).data().mismatch(t.data())).isEqualTo(-1L);
        }
        assertThatThrownBy(() -> ModelSource.resolve("synthetic:huge", 42))
                .isInstanceOf(EngineException.class)
                .hasMessage("--model synthetic:huge: unknown synthetic model; choose one of synthetic:qwen2.5-0.5b, "
                        + "synthetic:qwen2.5-1.5b, synthetic:tiny")
                .extracting(t -> ((EngineException) t).kind()).isEqualTo(EngineException.Kind.INVALID_INPUT);
    }

    @Test
    void badFoldersAreInvalidInputNamingFileTensorAndFix() throws Exception {
        assertInvalid(dir.resolve("nope"), "not a folder", "synthetic:NAME");
        assertInvalid(dir, "config.json is missing");
        Files.writeString(dir.resolve("config.json"), SafetensorsWriter.configJson(TINY, "bfloat16", false));
        assertInvalid(dir, "no model.safetensors", "save_pretrained");

        Files.writeString(dir.resolve("config.json"), SafetensorsWriter.configJson(TINY, "bfloat16", false)
                .replace("Qwen2ForCausalLM", "LlamaForCausalLM"));
        assertInvalid(dir, "config.json", "LlamaForCausalLM", "llmbench runs Qwen2ForCausalLM");

        Files.writeString(dir.resolve("config.json"), SafetensorsWriter.configJson(TINY, "bfloat16", false)
                .replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}"));
        assertInvalid(dir, "config.json", "yarn", "llmbench implements plain RoPE only");

        Map<String, Tensor> missing = new LinkedHashMap<>(tiny.tensors());
        missing.remove("model.layers.1.mlp.up_proj.weight");
        TinyCheckpoint.write(dir, DType.BF16, missing, SafetensorsWriter.configJson(TINY, "bfloat16", false), Map.of());
        assertInvalid(dir, "model.layers.1.mlp.up_proj.weight", "missing");

        ModelConfig wider = new ModelConfig(ModelConfig.QWEN2, 64, 128, 2, 4, 2, 16, 384, 10_000.0, 1e-6, false);
        TinyCheckpoint.write(dir, DType.BF16, tiny.tensors(), SafetensorsWriter.configJson(wider, "bfloat16", false), Map.of());
        assertInvalid(dir, "model.safetensors", "model.layers.0.mlp.gate_proj.weight", "[160, 64]", "[128, 64]");

        TinyCheckpoint.write(dir, DType.F16, tiny.tensors(), SafetensorsWriter.configJson(TINY, "float16", false),
                Map.of("model.norm.weight", "I16"));
        assertInvalid(dir, "model.safetensors", "model.norm.weight", "I16", "llmbench reads BF16, F16 and F32");

        tiny.write(dir, DType.BF16);
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertInvalid(dir, "model.safetensors", "truncated");

        Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3});
        assertInvalid(dir, "model.safetensors", "too short");

        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": \"x\"}");
        assertInvalid(dir, "config.json", "$.hidden_size");
    }

    @Test
    void aFileThatShrinksAfterResolveIsReportedByMap() throws Exception {
        ModelSource.Folder folder = folder(tiny.write(dir, DType.BF16));
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        try (Arena a = Arena.ofConfined()) {
            assertThatThrownBy(() -> folder.map(a)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("changed after its header was read");
        }
    }

    private static void assertInvalid(Path folder, String... fragments) {
        assertThatThrownBy(() -> ModelSource.resolve(folder.toString(), 42))
                .isInstanceOf(EngineException.class)
                .satisfies(t -> assertThat(((EngineException) t).kind()).isEqualTo(EngineException.Kind.INVALID_INPUT))
                .satisfies(t -> {
                    for (String f : fragments) {
                        assertThat(t.getMessage()).contains(f);
                    }
                });
    }
}
