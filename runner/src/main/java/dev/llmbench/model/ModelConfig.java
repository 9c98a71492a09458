package dev.llmbench.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.EngineException;
import dev.llmbench.results.ModelInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The Qwen2 hyper-parameters a forward pass needs, read from {@code config.json} or taken from a synthetic preset.
 * Every engine gets its config from here (through {@link ModelSource}), so a model folder means the same to all.
 *
 * @param architecture     e.g. {@code Qwen2ForCausalLM}
 * @param hiddenSize       model width ({@code dim})
 * @param intermediateSize MLP width
 * @param numLayers        decoder layers
 * @param numHeads         query heads
 * @param numKvHeads       key/value heads (grouped-query attention: {@code numHeads % numKvHeads == 0})
 * @param headDim          width of one head
 * @param vocabSize        rows of the embedding and of the LM head
 * @param ropeTheta        RoPE base
 * @param rmsNormEps       RMSNorm epsilon
 * @param tieWordEmbeddings LM head shares the embedding matrix
 */
public record ModelConfig(String architecture, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int vocabSize, double ropeTheta, double rmsNormEps,
                          boolean tieWordEmbeddings) {

    /** The one architecture llmbench runs, as {@code config.json} names it. */
    public static final String QWEN2 = "Qwen2ForCausalLM";

    /** Exact Qwen2.5 shapes; random weights of these shapes cost what the real model costs. */
    private static final Map<String, ModelConfig> PRESETS = Map.of(
            "qwen2.5-0.5b", new ModelConfig(QWEN2, 896, 4864, 24, 14, 2, 64, 151936, 1_000_000.0, 1e-6, true),
            "qwen2.5-1.5b", new ModelConfig(QWEN2, 1536, 8960, 28, 12, 2, 128, 151936, 1_000_000.0, 1e-6, true),
            // small enough for unit tests; untied so the separate LM head path runs too
            "tiny", new ModelConfig(QWEN2, 64, 160, 2, 4, 2, 16, 384, 10_000.0, 1e-6, false));

    /** Checks every size: positive, heads a multiple of kv heads, even head width, positive theta and epsilon. */
    public ModelConfig {
        positive(hiddenSize, "hidden_size");
        positive(intermediateSize, "intermediate_size");
        positive(numLayers, "num_hidden_layers");
        positive(numHeads, "num_attention_heads");
        positive(numKvHeads, "num_key_value_heads");
        positive(headDim, "head_dim");
        positive(vocabSize, "vocab_size");
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        }
        if (!(ropeTheta > 0) || !(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rope_theta and rms_norm_eps must be > 0");
        }
    }

    private static void positive(int v, String field) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + v);
        }
    }

    /** Width of all query heads together. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Width of all key (or value) heads together. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Parameter count as Hugging Face counts it (a tied LM head once). */
    public long parameterCount() {
        long d = hiddenSize;
        long perLayer = (long) qDim() * d + qDim()       // q_proj + bias
                + 2L * (kvDim() * d + kvDim())          // k_proj, v_proj + biases
                + d * qDim()                            // o_proj
                + 3L * d * intermediateSize             // gate, up, down
                + 2L * d;                               // two RMSNorm weights
        long embed = (long) vocabSize * d;
        return embed + numLayers * perLayer + d + (tieWordEmbeddings ? 0 : embed);
    }

    /** A canonical {@code config.json} for a synthetic model, so its hash ({@link ModelInfo#configSha256}) names its shapes. */
    public String canonicalJson() {
        return String.format(Locale.ROOT,
                "{\"architectures\":[\"%s\"],\"hidden_size\":%d,\"intermediate_size\":%d,\"num_hidden_layers\":%d,"
                        + "\"num_attention_heads\":%d,\"num_key_value_heads\":%d,\"head_dim\":%d,\"vocab_size\":%d,"
                        + "\"rope_theta\":%s,\"rms_norm_eps\":%s,\"tie_word_embeddings\":%b}",
                architecture, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                Double.toString(ropeTheta), Double.toString(rmsNormEps), tieWordEmbeddings);
    }

    /**
     * The config of {@code synthetic:NAME}: {@code qwen2.5-0.5b} and {@code qwen2.5-1.5b} (the real models' exact
     * shapes, tied embeddings), or {@code tiny} (2 layers of width 64, untied, for tests).
     *
     * @return empty for a name that is no preset
     */
    public static Optional<ModelConfig> preset(String name) {
        return Optional.ofNullable(PRESETS.get(name));
    }

    /** The names {@link #preset} knows, sorted. */
    public static SortedSet<String> presetNames() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(PRESETS.keySet()));
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads {@code config.json}: the architecture must be {@code Qwen2ForCausalLM} with plain RoPE; {@code rope_theta}
     * may sit at the top level or inside {@code rope_parameters}; missing optional keys take Hugging Face's defaults.
     *
     * @throws EngineException {@link EngineException.Kind#INVALID_INPUT}, the message naming the file and the key
     */
    public static ModelConfig read(Path configJson) throws EngineException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(configJson);
        } catch (IOException e) {
            throw unreadable(configJson, e);
        }
        return parse(configJson, bytes);
    }

    static EngineException unreadable(Path configJson, IOException e) {
        return invalid(configJson + ": cannot read or parse config.json (" + e.getMessage()
                + "); the model folder must hold the config.json that save_pretrained wrote");
    }

    /** {@link #read} of the bytes {@code json} that were read from {@code configJson}. */
    static ModelConfig parse(Path configJson, byte[] json) throws EngineException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw unreadable(configJson, e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(configJson + ": expected a JSON object");
        }
        String arch = null;
        JsonNode archs = root.path("architectures");
        if (archs.isArray() && !archs.isEmpty()) {
            arch = archs.get(0).asText();
        }
        if (arch == null && "qwen2".equals(root.path("model_type").asText())) {
            arch = QWEN2;
        }
        if (!QWEN2.equals(arch)) {
            throw invalid(configJson + ": $.architectures is " + (arch == null ? "missing" : "[\"" + arch + "\"]")
                    + "; llmbench runs Qwen2ForCausalLM (Qwen2 and Qwen2.5) only");
        }
        JsonNode scaling = root.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText("default"));
            if (!"default".equals(type)) {
                throw invalid(configJson + ": $.rope_scaling type \"" + type
                        + "\" is not supported; llmbench implements plain RoPE only (remove rope_scaling)");
            }
        }
        int hidden = requiredInt(root, "hidden_size", configJson);
        int heads = requiredInt(root, "num_attention_heads", configJson);
        int kvHeads = root.has("num_key_value_heads") ? requiredInt(root, "num_key_value_heads", configJson) : heads;
        int headDim = root.hasNonNull("head_dim") ? requiredInt(root, "head_dim", configJson) : hidden / heads;
        double theta = 10_000.0; // the Hugging Face Qwen2Config default
        if (root.hasNonNull("rope_theta")) {
            theta = requiredDouble(root, "rope_theta", configJson);
        } else if (root.path("rope_parameters").hasNonNull("rope_theta")) {
            theta = requiredDouble(root.path("rope_parameters"), "rope_theta", configJson);
        }
        double eps = root.hasNonNull("rms_norm_eps") ? requiredDouble(root, "rms_norm_eps", configJson) : 1e-6;
        boolean tied = root.path("tie_word_embeddings").asBoolean(false);
        try {
            return new ModelConfig(arch, hidden, requiredInt(root, "intermediate_size", configJson),
                    requiredInt(root, "num_hidden_layers", configJson), heads, kvHeads, headDim,
                    requiredInt(root, "vocab_size", configJson), theta, eps, tied);
        } catch (IllegalArgumentException e) {
            throw invalid(configJson + ": " + e.getMessage());
        }
    }

    private static int requiredInt(JsonNode node, String key, Path file) throws EngineException {
        JsonNode v = node.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw invalid(file + ": $." + key + " must be an integer, got " + (v == null ? "nothing" : v.toString()));
        }
        return v.intValue();
    }

    private static double requiredDouble(JsonNode node, String key, Path file) throws EngineException {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber()) {
            throw invalid(file + ": $." + key + " must be a number, got " + (v == null ? "nothing" : v.toString()));
        }
        return v.doubleValue();
    }

    /** An {@link EngineException.Kind#INVALID_INPUT} with {@code message}: a bad model, exit code 2. */
    static EngineException invalid(String message) {
        return new EngineException(EngineException.Kind.INVALID_INPUT, message);
    }
}
