package dev.llmbench.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmbench.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed or unsupported tokenizer.json files fail with the file, the JSON path and what was expected. */
class TokenizerJsonErrorsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                broken("no model", "$.model", "missing", root -> root.remove("model")),
                broken("other model type", "$.model.type", "'WordPiece' is not supported",
                        root -> model(root).put("type", "WordPiece")),
                broken("no vocab", "$.model.vocab", "missing", root -> model(root).remove("vocab")),
                broken("vocab id not a number", "$.model.vocab[\"a\"]", "non-negative integer",
                        root -> ((ObjectNode) model(root).get("vocab")).put("a", "seven")),
                broken("no merges", "$.model.merges", "missing", root -> model(root).remove("merges")),
                broken("merge of unknown token", "$.model.merges[3]", "\"zz\" is not in $.model.vocab",
                        root -> ((ArrayNode) model(root).get("merges")).set(3,
                                Fixtures.JSON.createArrayNode().add("zz").add("q"))),
                broken("merge string without space", "$.model.merges[0]", "two tokens separated by one space",
                        root -> ((ArrayNode) model(root).get("merges")).set(0,
                                Fixtures.JSON.getNodeFactory().textNode("ab"))),
                broken("merge of three", "$.model.merges[1]", "expected \"a b\" or [\"a\", \"b\"]",
                        root -> ((ArrayNode) model(root).get("merges")).set(1,
                                Fixtures.JSON.createArrayNode().add("a").add("b").add("c"))),
                broken("bpe dropout", "$.model.dropout", "not supported",
                        root -> model(root).put("dropout", 0.1)),
                broken("unsupported normalizer", "$.normalizer.type", "'Lowercase' is not supported",
                        root -> ((ObjectNode) root.get("normalizer")).put("type", "Lowercase")),
                broken("no pre-tokenizer", "$.pre_tokenizer", "needs a ByteLevel pre-tokenizer",
                        root -> root.putNull("pre_tokenizer")),
                broken("bad regex", "$.pre_tokenizer.pretokenizers[0].pattern.Regex",
                        "not a regular expression", root -> ((ObjectNode) root.at("/pre_tokenizer/pretokenizers/0"))
                                .set("pattern", Fixtures.JSON.createObjectNode().put("Regex", "(\\p{L}+"))),
                broken("split behavior", "$.pre_tokenizer.pretokenizers[0].behavior", "'Removed' is not supported",
                        root -> ((ObjectNode) root.at("/pre_tokenizer/pretokenizers/0")).put("behavior", "Removed")),
                broken("prefix space", "$.pre_tokenizer.pretokenizers[1].add_prefix_space", "not supported",
                        root -> ((ObjectNode) root.at("/pre_tokenizer/pretokenizers/1"))
                                .put("add_prefix_space", true)),
                broken("other decoder", "$.decoder.type", "'WordPiece' is not supported",
                        root -> ((ObjectNode) root.get("decoder")).put("type", "WordPiece")),
                broken("added token without content", "$.added_tokens[1].content", "non-empty string",
                        root -> ((ObjectNode) root.get("added_tokens").get(1)).remove("content")),
                broken("added token id negative", "$.added_tokens[0].id", "non-negative integer",
                        root -> ((ObjectNode) root.get("added_tokens").get(0)).put("id", -3)),
                broken("added token flag not boolean", "$.added_tokens[2].special", "true or false",
                        root -> ((ObjectNode) root.get("added_tokens").get(2)).put("special", "yes")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void namesFileAndPath(String name, String jsonPath, String problem, Consumer<ObjectNode> damage)
            throws Exception {
        ObjectNode root = (ObjectNode) Fixtures.read("tiny-qwen2-f32/tokenizer.json");
        damage.accept(root);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, root.toString());

        assertThatThrownBy(() -> BpeTokenizer.load(file))
                .isInstanceOfSatisfying(TokenizerFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.jsonPath()).isEqualTo(jsonPath);
                    assertThat(e.kind()).isEqualTo(EngineException.Kind.INVALID_INPUT);
                })
                .hasMessageStartingWith(file + " at " + jsonPath + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void notJson() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"vocab\": {\"a\": 0,}");
        assertThatThrownBy(() -> BpeTokenizer.load(file))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageStartingWith(file + ": not valid JSON (line 1, column ");
    }

    @Test
    void notAnObject() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> BpeTokenizer.load(file))
                .hasMessage(file + " at $: expected a JSON object (a Hugging Face tokenizer.json)");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent/tokenizer.json");
        assertThatThrownBy(() -> BpeTokenizer.load(file))
                .isInstanceOf(TokenizerFormatException.class)
                .hasMessageStartingWith(file + ": no such file");
    }

    @Test
    void idsWithoutTokenDecodeToNothingAndNegativeIdsAreRefused() throws Exception {
        BpeTokenizer tokenizer = BpeTokenizer.load(Fixtures.tokenizerJson());
        int a = tokenizer.encode("a")[0];
        // a model's embedding may have more rows than the tokenizer has tokens; Hugging Face skips such ids
        assertThat(tokenizer.decode(new int[] {a, 1283, 99_999, a})).isEqualTo("aa");
        assertThat(tokenizer.isSpecial(1283)).isFalse();
        assertThatThrownBy(() -> tokenizer.decode(new int[] {a, -1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token id -1 is negative");
    }

    private static ObjectNode model(ObjectNode root) {
        return (ObjectNode) root.get("model");
    }

    private static Arguments broken(String name, String path, String problem, Consumer<ObjectNode> damage) {
        return Arguments.of(name, path, problem, damage);
    }
}
