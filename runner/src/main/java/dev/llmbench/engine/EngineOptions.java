package dev.llmbench.engine;

import java.util.Map;

/**
 * What an engine is opened with.
 *
 * @param model         a Hugging Face model folder, or {@code synthetic:NAME} (e.g. {@code synthetic:qwen2.5-1.5b})
 * @param prefillSeqLen prefill chunk size in tokens (a chunk, never padding)
 * @param maxCacheLen   KV cache capacity in tokens
 * @param threads       worker threads for CPU engines; 0 = all available cores
 * @param seed          seed for synthetic weights
 * @param extra         engine-specific settings ({@code --engine-opt key=value})
 */
public record EngineOptions(String model, int prefillSeqLen, int maxCacheLen, int threads, long seed, Map<String, String> extra) {
    public static final int DEFAULT_PREFILL_SEQ_LEN = 256;
    public static final int DEFAULT_MAX_CACHE_LEN = 2048;

    public EngineOptions {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be a folder or synthetic:NAME");
        }
        if (prefillSeqLen <= 0) {
            throw new IllegalArgumentException("prefill_seq_len must be > 0, got " + prefillSeqLen);
        }
        if (maxCacheLen <= 0) {
            throw new IllegalArgumentException("max_cache_len must be > 0, got " + maxCacheLen);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public static EngineOptions of(String model) {
        return new EngineOptions(model, DEFAULT_PREFILL_SEQ_LEN, DEFAULT_MAX_CACHE_LEN, 0, 42L, Map.of());
    }
}
