package dev.llmbench.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The golden fixtures under src/test/resources/fixtures (made by tools/fixtures/make_tiny_qwen2.py). */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] MODELS = {"tiny-qwen2-f32", "tiny-qwen2-bf16", "tiny-qwen2-bf16-untied",
        "tiny-qwen2-f16-untied"};

    private Fixtures() {
    }

    static Path path(String relative) {
        URL url = Fixtures.class.getResource("/fixtures/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test fixture fixtures/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tokenizerJson() {
        return path("tiny-qwen2-f32/tokenizer.json");
    }

    static JsonNode read(String relative) {
        try {
            return JSON.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
