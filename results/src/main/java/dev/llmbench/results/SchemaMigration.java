package dev.llmbench.results;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One step of the migration hook: turns the JSON tree of a results file of schema_version N into N + 1, before
 * the tree is validated and bound. Steps are registered in {@link SchemaMigrations}; the reader sets
 * {@code schema_version} after each step, so a step only moves and renames fields.
 */
@FunctionalInterface
public interface SchemaMigration {
    /**
     * @param tree the whole file of version N; may be changed in place
     * @return the tree of version N + 1 (usually {@code tree} itself)
     * @throws IllegalArgumentException when the file is not a valid version N file; the message says what is wrong
     */
    ObjectNode upgrade(ObjectNode tree);
}
