package dev.llmbench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmbench.model.ModelSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A model's end-of-sequence ids: {@code eos_token_id} (one id or a list) of its {@code generation_config.json}, else
 * of its {@code config.json}. Synthetic models have none, so their answers always run to {@code max_tokens}.
 */
public final class EosIds {
    private EosIds() {
    }

    /** @param model what {@code --model} says */
    public static Set<Integer> of(String model) {
        if (model.startsWith(ModelSource.SYNTHETIC_PREFIX)) {
            return Set.of();
        }
        for (String name : new String[]{"generation_config.json", "config.json"}) {
            Path file = Path.of(model, name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                JsonNode eos = JsonMapper.builder().build().readTree(file.toFile()).get("eos_token_id");
                Set<Integer> ids = new LinkedHashSet<>();
                if (eos != null && eos.canConvertToInt()) {
                    ids.add(eos.asInt());
                } else if (eos != null && eos.isArray()) {
                    eos.forEach(e -> {
                        if (e.canConvertToInt()) {
                            ids.add(e.asInt());
                        }
                    });
                }
                if (!ids.isEmpty()) {
                    return ids;
                }
            } catch (IOException e) {
                // config.json was read and checked when the model opened; a broken generation_config.json has no EOS
            }
        }
        return Set.of();
    }
}
