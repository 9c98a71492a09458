package dev.llmbench.engine.openai;

import dev.llmbench.model.Tokenizer;

/**
 * A text that the tokenizer encodes to exactly N tokens, for servers that take text prompts only. Decoding a prefix
 * of the prompt ids and encoding the text again can merge or split tokens at the seams; the nearest prefix length
 * whose text encodes to exactly N tokens is taken. The server's {@code usage.prompt_tokens} checks it again.
 */
final class ExactText {
    /** How far from N the prefix length is searched. */
    private static final int SEARCH = 32;

    private ExactText() {
    }

    /**
     * @param ids a prompt of at least {@code n + SEARCH} ids would be searched fully; shorter ones are searched as far as
     *            they go
     * @throws IllegalStateException when no prefix within the search range encodes to exactly {@code n} tokens
     */
    static String of(Tokenizer tokenizer, int[] ids, int n) {
        for (int d = 0; d <= SEARCH; d++) {
            for (int k : new int[]{n - d, n + d}) {
                if (k < 1 || k > ids.length) {
                    continue;
                }
                int[] prefix = java.util.Arrays.copyOf(ids, k);
                String text = tokenizer.decode(prefix);
                if (tokenizer.encode(text).length == n) {
                    return text;
                }
            }
        }
        throw new IllegalStateException("no text of exactly " + n + " tokens could be built from the prompt with this"
                + " tokenizer; use --engine-opt prompt=ids if the server takes token-id prompts");
    }
}
