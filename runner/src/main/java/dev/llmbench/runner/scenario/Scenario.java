package dev.llmbench.runner.scenario;

import java.util.regex.Pattern;

/**
 * One scenario: a prompt of exactly {@code promptTokens} tokens, then exactly {@code decodeTokens} generated tokens
 * (the first of them comes from the prefill).
 *
 * @param id           short id such as {@code S1}; letters, digits, {@code _} and {@code -}
 * @param promptTokens prompt length in tokens, {@code >= 1}
 * @param decodeTokens generated tokens per run, {@code >= 2} so that there is at least one decode step
 */
public record Scenario(String id, int promptTokens, int decodeTokens) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    /** Upper bound on either length: far above any real context, low enough that a typo is caught. */
    public static final int MAX_TOKENS = 1 << 20;

    public Scenario {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("scenario id must be 1-32 letters, digits, '_' or '-' starting with a"
                    + " letter or digit, got " + (id == null ? "nothing" : "\"" + id + "\""));
        }
        if (promptTokens < 1 || promptTokens > MAX_TOKENS) {
            throw new IllegalArgumentException("prompt_tokens must be in [1, " + MAX_TOKENS + "], got " + promptTokens);
        }
        if (decodeTokens < 2 || decodeTokens > MAX_TOKENS) {
            throw new IllegalArgumentException("decode_tokens must be in [2, " + MAX_TOKENS + "], got " + decodeTokens);
        }
    }

    /** Tokens the KV cache must hold: the prompt and every generated token but the last. */
    public int cacheTokens() {
        return promptTokens + decodeTokens - 1;
    }
}
