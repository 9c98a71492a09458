package dev.llmbench.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge order and the pieces of the pipeline, on hand-made tokenizers where the answer is known. */
class BpeModelTest {
    @TempDir
    Path dir;

    @Test
    void equalRanksMergeLeftmostFirst() throws Exception {
        // "aaab": merging the left "a a" first gives [aa, ab]; the right one first would give [a, aab]
        BpeTokenizer t = tiny("""
                {"a": 0, "b": 1, "aa": 2, "ab": 3, "aab": 4}""", """
                [["a", "a"], ["a", "b"], ["aa", "b"]]""", null);
        assertThat(t.encode("aaab")).containsExactly(2, 3);
        assertThat(t.encode("aaaa")).containsExactly(2, 2);
        assertThat(t.encode("aaa")).containsExactly(2, 0);
    }

    @Test
    void lowerRankWinsOverPosition() throws Exception {
        // "ab" has rank 0, "aa" rank 1: "aab" becomes [a, ab], not [aa, b]
        BpeTokenizer t = tiny("""
                {"a": 0, "b": 1, "aa": 2, "ab": 3}""", """
                ["a b", "a a"]""", null);
        assertThat(t.encode("aab")).containsExactly(0, 3);
    }

    @Test
    void bytesMissingFromTheVocabularyAreDropped() throws Exception {
        BpeTokenizer t = tiny("""
                {"a": 0, "b": 1}""", "[]", null);
        assertThat(t.encode("a-b")).containsExactly(0, 1);
    }

    @Test
    void gpt2StyleByteLevelSplitsWithItsOwnRegex() throws Exception {
        BpeTokenizer t = tiny("""
                {"a": 0, "b": 1, "Ġ": 2, "Ġa": 3}""", """
                ["Ġ a"]""", null);
        // GPT-2's pattern keeps the space with the following word: " a" is one pre-token
        assertThat(t.encode("b a")).containsExactly(1, 3);
    }

    @Test
    void addedTokensStripWhitespaceWhenAsked() throws Exception {
        BpeTokenizer t = tiny("""
                {"a": 0, "Ġ": 2}""", "[]", """
                [{"id": 9, "content": "<x>", "lstrip": true, "rstrip": true, "normalized": false, "special": true}]""");
        assertThat(t.encode("a  <x>  a")).containsExactly(0, 9, 0);
        assertThat(t.decode(new int[] {0, 9, 0})).isEqualTo("a<x>a");
    }

    @Test
    void normalizedAddedTokensMatchAfterNfc() throws Exception {
        // "é" written as e + combining acute in the text matches the token written precomposed
        BpeTokenizer t = tiny("""
                {"a": 0}""", "[]", """
                [{"id": 7, "content": "\u00e9t\u00e9", "normalized": true, "special": false}]""");
        assertThat(t.encode("ae\u0301te\u0301a")).containsExactly(0, 7, 0);
        assertThat(t.isSpecial(7)).isFalse();
    }

    @Test
    void decodeJoinsBytesAcrossTokensBeforeReadingUtf8() throws Exception {
        // 가 is EA B0 80: three byte tokens make one character only when decoded together
        BpeTokenizer t = tiny("{\"" + ByteLevel.charOf(0xEA) + "\": 0, \"" + ByteLevel.charOf(0xB0) + "\": 1, \""
                + ByteLevel.charOf(0x80) + "\": 2}", "[]", null);
        assertThat(t.decode(new int[] {0, 1, 2})).isEqualTo("가");
        assertThat(t.decode(new int[] {0, 1})).isEqualTo("\uFFFD");
        assertThat(t.decode(new int[] {2, 0})).isEqualTo("\uFFFD\uFFFD");
        assertThat(t.encode("가")).containsExactly(0, 1, 2);
    }

    private BpeTokenizer tiny(String vocab, String merges, String added) throws Exception {
        boolean gpt2 = vocab.contains("Ġa");
        String preTokenizer = gpt2
                ? "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": true}"
                : "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": false}";
        String json = """
                {"version": "1.0", "added_tokens": %s, "normalizer": {"type": "NFC"},
                 "pre_tokenizer": %s, "decoder": {"type": "ByteLevel"},
                 "model": {"type": "BPE", "vocab": %s, "merges": %s}}
                """.formatted(added == null ? "[]" : added, preTokenizer, vocab, merges);
        Path file = dir.resolve("tokenizer-" + Integer.toHexString(json.hashCode()) + ".json");
        Files.writeString(file, json);
        return BpeTokenizer.load(file);
    }
}
