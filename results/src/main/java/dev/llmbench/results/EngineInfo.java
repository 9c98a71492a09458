package dev.llmbench.results;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine that ran and its settings.
 *
 * @param name     engine id: {@code java}, {@code cuda}, {@code metal}, ...
 * @param version  engine build version
 * @param settings scalar settings (string, number or boolean) such as {@code prefill_seq_len},
 *                 {@code max_cache_len}, {@code threads}; sorted by key
 */
public record EngineInfo(String name, String version, Map<String, Object> settings) {
    public EngineInfo {
        Checks.notBlank(name, "engine.name");
        Checks.notBlank(version, "engine.version");
        TreeMap<String, Object> copy = new TreeMap<>();
        if (settings != null) {
            settings.forEach((k, v) -> {
                if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    throw new IllegalArgumentException("engine.settings." + k + " must be a string, number or boolean");
                }
                copy.put(k, v);
            });
        }
        settings = Collections.unmodifiableMap(copy);
    }
}
