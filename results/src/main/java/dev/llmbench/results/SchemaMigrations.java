package dev.llmbench.results;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of {@link SchemaMigration} steps, keyed by the version they upgrade from. Immutable; {@link #with}
 * returns a copy. A file of an older version is upgraded step by step to
 * {@link BenchmarkResults#CURRENT_SCHEMA_VERSION}; a missing step means the version cannot be read.
 */
public final class SchemaMigrations {
    private static final SchemaMigrations BUILT_IN = new SchemaMigrations(Map.of());

    private final Map<Integer, SchemaMigration> steps;

    private SchemaMigrations(Map<Integer, SchemaMigration> steps) {
        this.steps = Map.copyOf(steps);
    }

    /** The migrations this tool ships. Version 1 is the first published version, so there are none yet. */
    public static SchemaMigrations builtIn() {
        return BUILT_IN;
    }

    /** A copy with {@code step} registered as the upgrade from {@code fromVersion} to {@code fromVersion + 1}. */
    public SchemaMigrations with(int fromVersion, SchemaMigration step) {
        if (fromVersion >= BenchmarkResults.CURRENT_SCHEMA_VERSION) {
            throw new IllegalArgumentException("a migration must start below the current schema_version "
                    + BenchmarkResults.CURRENT_SCHEMA_VERSION + ", got " + fromVersion);
        }
        Checks.notNull(step, "step");
        Map<Integer, SchemaMigration> copy = new TreeMap<>(steps);
        copy.put(fromVersion, step);
        return new SchemaMigrations(copy);
    }

    /** The oldest schema_version that can be upgraded to the current one. */
    public int oldestReadable() {
        int version = BenchmarkResults.CURRENT_SCHEMA_VERSION;
        while (steps.containsKey(version - 1)) {
            version--;
        }
        return version;
    }

    /** Upgrades {@code tree} of {@code version} to the current version; notes the upgrade in {@code warnings}. */
    ObjectNode upgrade(String file, ObjectNode tree, int version, List<String> warnings) throws ResultsFormatException {
        int oldest = oldestReadable();
        if (version < oldest) {
            throw new ResultsFormatException(file, "$.schema_version", "schema_version " + version
                    + " is older than this tool can read (oldest: " + oldest + "); no migration from it exists");
        }
        ObjectNode current = tree;
        for (int v = version; v < BenchmarkResults.CURRENT_SCHEMA_VERSION; v++) {
            try {
                current = steps.get(v).upgrade(current);
            } catch (IllegalArgumentException e) {
                throw new ResultsFormatException(file, JsonPaths.ROOT, "cannot upgrade from schema_version " + v
                        + " to " + (v + 1) + ": " + JsonInput.firstLine(e.getMessage()));
            }
            if (current == null) {
                throw new IllegalStateException("migration from schema_version " + v + " returned no tree");
            }
            current.put("schema_version", v + 1);
        }
        warnings.add(file + " at $.schema_version: upgraded from schema_version " + version + " to "
                + BenchmarkResults.CURRENT_SCHEMA_VERSION + " while reading; the file itself is unchanged");
        return current;
    }
}
