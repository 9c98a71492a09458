package dev.llmbench.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Exact agreement with Hugging Face tokenizers on the golden fixtures. */
class BpeTokenizerGoldenTest {
    private static BpeTokenizer tokenizer;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = BpeTokenizer.load(Fixtures.tokenizerJson());
        reference = Fixtures.read("tokenizer-reference.json");
    }

    @TestFactory
    Stream<DynamicTest> encodesLikeHuggingFace() {
        return stream(reference.get("encode")).map(c -> dynamicTest(c.get("name").asText(), () -> {
            String text = c.get("text").asText();
            int[] ids = tokenizer.encode(text);
            assertThat(ids).as("ids of %s", c.get("name")).containsExactly(Fixtures.ints(c.get("ids")));
        }));
    }

    @TestFactory
    Stream<DynamicTest> decodesLikeHuggingFace() {
        return stream(reference.get("encode")).map(c -> dynamicTest(c.get("name").asText(), () -> {
            int[] ids = Fixtures.ints(c.get("ids"));
            assertThat(tokenizer.decode(ids)).isEqualTo(c.get("decoded").asText());
            assertThat(tokenizer.decode(ids, true)).isEqualTo(c.get("decoded_skip_special").asText());
        }));
    }

    @TestFactory
    Stream<DynamicTest> roundTripsToNfcText() {
        return stream(reference.get("encode")).map(c -> dynamicTest(c.get("name").asText(), () -> {
            String text = c.get("text").asText();
            assertThat(tokenizer.decode(tokenizer.encode(text)))
                    .isEqualTo(Normalizer.normalize(text, Normalizer.Form.NFC));
        }));
    }

    @TestFactory
    Stream<DynamicTest> preTokenizesLikeHuggingFace() {
        return stream(reference.get("encode")).map(c -> dynamicTest(c.get("name").asText(), () -> {
            JsonNode root = Fixtures.read("tiny-qwen2-f32/tokenizer.json");
            PreTokenizer pre = new PreTokenizer(List.of(PreTokenizer.compile(
                    root.at("/pre_tokenizer/pretokenizers/0/pattern/Regex").asText())));
            String nfc = Normalizer.normalize(c.get("text").asText(), Normalizer.Form.NFC);
            List<String> pieces = new ArrayList<>();
            pre.split(nfc, piece -> pieces.add(ByteLevel.encode(piece.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            List<String> expected = new ArrayList<>();
            c.get("pre_tokens").forEach(p -> expected.add(p.asText()));
            assertThat(pieces).containsExactlyElementsOf(expected);
        }));
    }

    @TestFactory
    Stream<DynamicTest> decodesInvalidUtf8WithReplacementCharacters() {
        return stream(reference.get("decode")).map(c -> dynamicTest(c.get("name").asText(), () -> {
            int[] ids = Fixtures.ints(c.get("ids"));
            assertThat(tokenizer.decode(ids)).isEqualTo(c.get("decoded").asText());
            if (c.has("decoded_skip_special")) {
                assertThat(tokenizer.decode(ids, true)).isEqualTo(c.get("decoded_skip_special").asText());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> encodesEveryModelPromptLikeHuggingFace() {
        return Stream.of(Fixtures.MODELS).flatMap(model -> {
            JsonNode ref = Fixtures.read(model + "/reference.json");
            return stream(ref.get("prompts")).map(p -> dynamicTest(model + "/" + p.get("name").asText(), () -> {
                BpeTokenizer own = BpeTokenizer.load(Fixtures.path(model + "/tokenizer.json"));
                assertThat(own.encode(p.get("text").asText())).containsExactly(Fixtures.ints(p.get("ids")));
                assertThat(own.decode(Fixtures.ints(p.get("greedy"))))
                        .isEqualTo(p.get("greedy_text").asText());
            }));
        });
    }

    @Test
    void specialTokensHaveTheirIdsAndAreMatchedWhole() {
        Map<String, Integer> expected = Map.of("<|endoftext|>", 1280, "<|im_start|>", 1281, "<|im_end|>", 1282);
        reference.get("special_tokens").properties().forEach(e ->
                assertThat(e.getValue().intValue()).isEqualTo(expected.get(e.getKey())));
        expected.forEach((content, id) -> {
            assertThat(tokenizer.tokenId(content)).hasValue(id);
            assertThat(tokenizer.isSpecial(id)).isTrue();
            assertThat(tokenizer.encode(content)).containsExactly(id);
        });
        assertThat(tokenizer.isSpecial(tokenizer.encode("a")[0])).isFalse();
        // a broken special token is ordinary text
        assertThat(tokenizer.encode("<|im_end|")).doesNotContain(1282);
        assertThat(tokenizer.decode(new int[] {1281, 1282}, true)).isEmpty();
        assertThat(tokenizer.vocabSize()).isEqualTo(reference.get("vocab_size").intValue());
    }

    @Test
    void readsMergesWrittenAsStrings(@TempDir Path dir) throws Exception {
        ObjectNode root = (ObjectNode) Fixtures.read("tiny-qwen2-f32/tokenizer.json");
        ArrayNode merges = (ArrayNode) root.get("model").get("merges");
        assertThat(merges.get(0).isArray()).as("fixture uses the array form").isTrue();
        ArrayNode asStrings = Fixtures.JSON.createArrayNode();
        merges.forEach(m -> asStrings.add(m.get(0).asText() + " " + m.get(1).asText()));
        ((ObjectNode) root.get("model")).set("merges", asStrings);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, root.toString());

        BpeTokenizer fromStrings = BpeTokenizer.load(file);
        for (JsonNode c : reference.get("encode")) {
            assertThat(fromStrings.encode(c.get("text").asText())).containsExactly(Fixtures.ints(c.get("ids")));
        }
    }

    @Test
    void longTextRoundTrips() {
        StringBuilder text = new StringBuilder();
        for (JsonNode c : reference.get("encode")) {
            text.append(c.get("text").asText()).append(' ');
        }
        text.append(" ".repeat(3000)).append("=".repeat(500)).append("가".repeat(300)).append("\n".repeat(200));
        String s = text.toString();
        int[] ids = tokenizer.encode(s);
        assertThat(tokenizer.decode(ids)).isEqualTo(Normalizer.normalize(s, Normalizer.Form.NFC));
        // the per-pre-token cache must not change the result
        assertThat(tokenizer.encode(s)).containsExactly(ids);
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
