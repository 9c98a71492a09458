package dev.llmbench.results;

import java.util.List;

/**
 * A results file that was read, with what the reader noticed but accepted: unknown fields and upgrades from an
 * older schema_version. Each warning names the file and the JSON path.
 */
public record ReadResult(BenchmarkResults results, List<String> warnings) {
    public ReadResult {
        Checks.notNull(results, "results");
        warnings = List.copyOf(Checks.notNull(warnings, "warnings"));
    }
}
