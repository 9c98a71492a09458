package dev.llmbench.results;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the KV cache of a context position was filled before its decode steps were timed. */
public enum CacheFill {
    /**
     * The engine wrote random values from the run's seed straight into its cache: fast, and the same bytes for
     * attention to read as a real cache, but not a real prompt.
     */
    DIRECT,
    /** A real prefill of that many prompt tokens, in chunks of {@code prefill_seq_len}. */
    PREFILL;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
