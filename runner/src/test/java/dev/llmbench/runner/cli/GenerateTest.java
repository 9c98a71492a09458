package dev.llmbench.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateTest {
    @Test
    void textPromptThroughTheTokenizer() {
        Cli r = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tok", "--prompt", "hi", "--tokens", "3");
        assertThat(r.code()).as(r.err()).isZero();
        // "hi" = bytes 104, 105; prefill: (209 * 31 + 2) % 300 = 181; decode: (t * 17 + 11) % 300
        assertThat(r.out()).isEqualTo("""
                prompt ids    : [104, 105]
                generated ids : [181, 88, 7]
                text          : zkh
                """);
    }

    @Test
    void jsonFormatHasTheThreeKeys() throws Exception {
        Cli r = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tok", "--prompt", "hi", "--tokens", "3",
                "--format", "json");
        assertThat(r.code()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("prompt_ids").toString()).isEqualTo("[104,105]");
        assertThat(doc.get("generated_ids").toString()).isEqualTo("[181,88,7]");
        assertThat(doc.get("text").asText()).isEqualTo("zkh");
    }

    @Test
    void modelWithoutTokenizerAsksForIds() {
        Cli r = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny", "--prompt", "hi");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.cleanError()).isTrue();
        assertThat(r.err()).contains("synthetic:tiny has no tokenizer").contains("--prompt-ids 1,2,3");

        Cli ids = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny", "--prompt-ids", "1,2,3",
                "--tokens", "2", "--format", "json");
        assertThat(ids.code()).isZero();
        assertThat(ids.err()).contains("note: model synthetic:tiny has no tokenizer; printing token ids only");
        assertThat(ids.out()).contains("\"prompt_ids\" : [ 1, 2, 3 ]").contains("\"text\" : null");
    }

    @Test
    void badPromptArguments() {
        assertThat(Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny").err())
                .contains("pass exactly one of --prompt TEXT or --prompt-ids 1,2,3");
        Cli range = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny", "--prompt-ids", "1,5000");
        assertThat(range.code()).isEqualTo(2);
        assertThat(range.err()).contains("id number 1 is 5000, outside the vocabulary [0, 1000)");
        Cli notNumber = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny", "--prompt-ids", "1,x");
        assertThat(notNumber.code()).isEqualTo(2);
        Cli tokens = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny", "--prompt-ids", "1", "--tokens", "0");
        assertThat(tokens.err()).contains("--tokens must be between 1 and");
        Cli cache = Cli.run("generate", "--engine", "fake", "--model", "synthetic:tiny", "--prompt-ids", "1,2",
                "--tokens", "10", "--max-cache-len", "8");
        assertThat(cache.code()).isEqualTo(2);
        assertThat(cache.err()).contains("--max-cache-len 8");
    }
}
