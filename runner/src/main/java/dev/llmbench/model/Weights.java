package dev.llmbench.model;

import dev.llmbench.engine.EngineException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Qwen2 weights by role, checked against the config's shapes. Every tensor is a slice of mapped (or synthetic
 * off-heap) memory; an engine that keeps its weights elsewhere (a GPU) uploads from these. Shapes: {@code dim = hidden_size}, {@code ffn = intermediate_size}, {@code q = heads * head_dim},
 * {@code kv = kv_heads * head_dim}.
 *
 * @param embed     (vocab, dim)
 * @param layers    one per decoder layer
 * @param finalNorm (dim)
 * @param lmHead    (vocab, dim); the embedding itself when tied
 */
public record Weights(ModelConfig config, Tensor embed, Layer[] layers, Tensor finalNorm, Tensor lmHead) {

    /**
     * @param inputNorm (dim)
     * @param q         (q, dim), qBias (q)
     * @param k         (kv, dim), kBias (kv)
     * @param v         (kv, dim), vBias (kv)
     * @param o         (dim, q)
     * @param postNorm  (dim)
     * @param gate      (ffn, dim), up (ffn, dim)
     * @param down      (dim, ffn)
     */
    public record Layer(Tensor inputNorm, Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor o,
                 Tensor postNorm, Tensor gate, Tensor up, Tensor down) {
    }

    /** Weight dtype of the model (of its embedding; the matmuls handle each tensor's own dtype). */
    public DType dtype() {
        return embed.dtype();
    }

    /**
     * Tensor names and shapes a Qwen2 checkpoint of config {@code c} must hold, in checkpoint order: the embedding,
     * then per layer input norm, q/k/v weight and bias, o, post-attention norm, gate, up, down; the final norm; and
     * {@code lm_head.weight} last, only when the embeddings are untied. The position in this order is a tensor's
     * index in {@link SyntheticWeights}. A new map each call.
     */
    public static Map<String, long[]> expectedShapes(ModelConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long dim = c.hiddenSize();
        m.put("model.embed_tokens.weight", new long[]{c.vocabSize(), dim});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new long[]{dim});
            m.put(p + "self_attn.q_proj.weight", new long[]{c.qDim(), dim});
            m.put(p + "self_attn.q_proj.bias", new long[]{c.qDim()});
            m.put(p + "self_attn.k_proj.weight", new long[]{c.kvDim(), dim});
            m.put(p + "self_attn.k_proj.bias", new long[]{c.kvDim()});
            m.put(p + "self_attn.v_proj.weight", new long[]{c.kvDim(), dim});
            m.put(p + "self_attn.v_proj.bias", new long[]{c.kvDim()});
            m.put(p + "self_attn.o_proj.weight", new long[]{dim, c.qDim()});
            m.put(p + "post_attention_layernorm.weight", new long[]{dim});
            m.put(p + "mlp.gate_proj.weight", new long[]{c.intermediateSize(), dim});
            m.put(p + "mlp.up_proj.weight", new long[]{c.intermediateSize(), dim});
            m.put(p + "mlp.down_proj.weight", new long[]{dim, c.intermediateSize()});
        }
        m.put("model.norm.weight", new long[]{dim});
        if (!c.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[]{c.vocabSize(), dim});
        }
        return m;
    }

    /**
     * Picks the tensors by name and checks their shapes against {@link #expectedShapes}; tensors the model does not
     * use are ignored.
     *
     * @param tensors by name, e.g. {@link Checkpoint#tensors()} or {@link SyntheticWeights#generate}
     * @param fileOf  file of each tensor, for messages (may be empty)
     * @param where   names the source (the model folder) in messages about a tensor without a file
     * @throws EngineException {@link EngineException.Kind#INVALID_INPUT} naming the tensor, its file and the fix
     */
    public static Weights bind(ModelConfig c, Map<String, Tensor> tensors, Map<String, Path> fileOf, String where)
            throws EngineException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.shape()));
        check(c, shapes, fileOf, where);
        Layer[] layers = new Layer[c.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(tensors.get(p + "input_layernorm.weight"),
                    tensors.get(p + "self_attn.q_proj.weight"), tensors.get(p + "self_attn.q_proj.bias"),
                    tensors.get(p + "self_attn.k_proj.weight"), tensors.get(p + "self_attn.k_proj.bias"),
                    tensors.get(p + "self_attn.v_proj.weight"), tensors.get(p + "self_attn.v_proj.bias"),
                    tensors.get(p + "self_attn.o_proj.weight"), tensors.get(p + "post_attention_layernorm.weight"),
                    tensors.get(p + "mlp.gate_proj.weight"), tensors.get(p + "mlp.up_proj.weight"),
                    tensors.get(p + "mlp.down_proj.weight"));
        }
        Tensor embed = tensors.get("model.embed_tokens.weight");
        Tensor head = c.tieWordEmbeddings() ? embed : tensors.get("lm_head.weight");
        return new Weights(c, embed, layers, tensors.get("model.norm.weight"), head);
    }

    /** The checks of {@link #bind} on shapes alone ({@code shapes}: the checkpoint's tensor names and shapes). */
    static void check(ModelConfig c, Map<String, long[]> shapes, Map<String, Path> fileOf, String where)
            throws EngineException {
        for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
            long[] shape = shapes.get(e.getKey());
            if (shape == null) {
                throw ModelConfig.invalid(where + ": tensor " + e.getKey() + " is missing"
                        + (e.getKey().equals("lm_head.weight") ? " (config.json says tie_word_embeddings=false)" : "")
                        + "; the checkpoint must be a complete Qwen2ForCausalLM matching config.json");
            }
            if (!Arrays.equals(shape, e.getValue())) {
                Path f = fileOf.get(e.getKey());
                throw ModelConfig.invalid((f == null ? where : f.toString()) + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(shape) + ", config.json implies " + Arrays.toString(e.getValue())
                        + "; config.json and the weights disagree (use the config saved with these weights)");
            }
        }
    }
}
