package dev.llmbench.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/** Writes test checkpoints in the safetensors layout, converting each tensor's values to a chosen dtype. */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} to {@code file} as {@code dtype}; {@code dtypeName} overrides the header's dtype. */
    public static void write(Path file, Collection<Tensor> tensors, DType dtype, Map<String, String> dtypeName) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Tensor t : tensors) {
            long bytes = t.numel() * dtype.bytes();
            header.append(",\"").append(t.name()).append("\":{\"dtype\":\"")
                    .append(dtypeName.getOrDefault(t.name(), dtype.safetensorsName())).append("\",\"shape\":")
                    .append(Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Tensor t : tensors) {
                ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.numel() * dtype.bytes())).order(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < t.numel(); i++) {
                    float f = t.getFloat(i);
                    switch (dtype) {
                        case BF16 -> b.putShort((short) (Float.floatToRawIntBits(f) >>> 16)); // exact: source is bf16
                        case F16 -> b.putShort(Float.floatToFloat16(f));
                        case F32 -> b.putFloat(f);
                    }
                }
                out.write(b.array());
            }
        }
    }

    /** {@code config.json} of {@code c} as save_pretrained writes it; {@code ropeInParameters} nests rope_theta. */
    public static String configJson(ModelConfig c, String dtype, boolean ropeInParameters) {
        String rope = ropeInParameters
                ? "\"rope_parameters\": {\"rope_theta\": " + c.ropeTheta() + ", \"rope_type\": \"default\"}"
                : "\"rope_theta\": " + c.ropeTheta();
        return "{\n  \"architectures\": [\"" + c.architecture() + "\"],\n  \"model_type\": \"qwen2\",\n"
                + "  \"hidden_size\": " + c.hiddenSize() + ",\n  \"intermediate_size\": " + c.intermediateSize() + ",\n"
                + "  \"num_hidden_layers\": " + c.numLayers() + ",\n  \"num_attention_heads\": " + c.numHeads() + ",\n"
                + "  \"num_key_value_heads\": " + c.numKvHeads() + ",\n  \"head_dim\": " + c.headDim() + ",\n"
                + "  \"vocab_size\": " + c.vocabSize() + ",\n  \"rms_norm_eps\": " + c.rmsNormEps() + ",\n  " + rope + ",\n"
                + "  \"rope_scaling\": null,\n  \"tie_word_embeddings\": " + c.tieWordEmbeddings() + ",\n"
                + "  \"torch_dtype\": \"" + dtype + "\"\n}\n";
    }
}
