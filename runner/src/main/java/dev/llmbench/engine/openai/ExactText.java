package dev.llmbench.engine.openai;

import dev.llmbench.model.Tokenizer;

/**
 * A text that the tokenizer encodes to exactly N tokens, for servers that take text prompts only. The prompt's ids
 * are decoded to text (repeated, so it is long enough), and the shortest prefix of that text, cut between
 * characters, that encodes to exactly N tokens is taken; when a character of several byte tokens steps over N, the
 * text starts a character later. The server's {@code usage.prompt_tokens} checks it again.
 */
final class ExactText {
    /** Start offsets tried. */
    private static final int SEARCH = 64;

    private ExactText() {
    }

    /** @throws IllegalStateException when no prefix encodes to exactly {@code n} tokens */
    static String of(Tokenizer tokenizer, int[] ids, int n) {
        String base = tokenizer.decode(ids);
        StringBuilder text = new StringBuilder(base);
        while (tokenizer.encode(text.toString()).length < n + 1 && !base.isEmpty()) {
            text.append(base);
        }
        String all = text.toString();
        // a character of several byte tokens can step the count over n; starting a little later moves the steps
        for (int start = 0; start < Math.min(SEARCH, all.length()); start++) {
            if (Character.isLowSurrogate(all.charAt(start))) {
                continue;
            }
            String found = prefix(tokenizer, all.substring(start), n);
            if (found != null) {
                return found;
            }
        }
        throw new IllegalStateException("no text of exactly " + n + " tokens could be built from the prompt with this"
                + " tokenizer; use --engine-opt prompt=ids if the server takes token-id prompts");
    }

    /** The shortest prefix of {@code all} with exactly {@code n} tokens near the first one with n, or null. */
    private static String prefix(Tokenizer tokenizer, String all, int n) {
        int lo = 1;
        int hi = all.length();
        while (lo < hi) { // the shortest prefix with at least n tokens
            int mid = (lo + hi) >>> 1;
            if (count(tokenizer, all, mid) >= n) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        for (int end = lo; end <= Math.min(all.length(), lo + 4); end++) {
            if (!Character.isHighSurrogate(all.charAt(end - 1)) && count(tokenizer, all, end) == n) {
                return all.substring(0, end);
            }
        }
        return null;
    }

    private static int count(Tokenizer tokenizer, String text, int end) {
        return tokenizer.encode(text.substring(0, end)).length;
    }
}
