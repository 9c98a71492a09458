package dev.llmbench.results;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates results files. The first problem wins and is reported as a {@link ResultsFormatException}
 * naming the file, the JSON path and what was expected; nothing else is ever thrown for a bad file.
 *
 * <p>Steps: size limit (before parsing), strict UTF-8, JSON syntax (no NaN, no duplicate keys, bounded nesting),
 * schema_version (newer: refused; older: {@link SchemaMigrations}), the schema file and the rules across fields
 * ({@link SchemaCheck}), then binding to the records. Unknown fields are warnings, not errors.
 */
public final class ResultsReader {
    private ResultsReader() {
    }

    public static BenchmarkResults read(Path file) throws ResultsFormatException {
        return readWithWarnings(file).results();
    }

    public static ReadResult readWithWarnings(Path file) throws ResultsFormatException {
        return readWithWarnings(file, SchemaMigrations.builtIn());
    }

    public static ReadResult readWithWarnings(Path file, SchemaMigrations migrations) throws ResultsFormatException {
        String name = file.toString();
        return parse(name, JsonInput.readBounded(file, name), migrations);
    }

    /** Parses the bytes of a file called {@code name} (used in messages). */
    static ReadResult parse(String name, byte[] bytes, SchemaMigrations migrations) throws ResultsFormatException {
        try {
            JsonNode tree = JsonInput.parse(name, JsonInput.decode(name, bytes));
            return fromTree(name, tree, migrations);
        } catch (ResultsFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bad file must never surface as another exception: report it in the one shape callers handle.
            throw new ResultsFormatException(name, JsonPaths.ROOT, "cannot be read (" + e.getClass().getSimpleName()
                    + "): " + JsonInput.firstLine(e.getMessage()));
        }
    }

    private static ReadResult fromTree(String name, JsonNode tree, SchemaMigrations migrations) throws ResultsFormatException {
        if (!tree.isObject()) {
            throw new ResultsFormatException(name, JsonPaths.ROOT, "expected a JSON object (a results file), got "
                    + SchemaCheck.describe(tree));
        }
        List<String> warnings = new ArrayList<>();
        ObjectNode root = (ObjectNode) tree;
        JsonNode version = root.get("schema_version");
        if (version == null) {
            boolean legacy = root.has("npu_results") || root.has("cpu_results") || root.has("executor_results")
                    || root.has("dag_results");
            throw new ResultsFormatException(name, "$.schema_version", "is missing; expected the integer "
                    + BenchmarkResults.CURRENT_SCHEMA_VERSION + (legacy
                    ? " (this looks like the old tool's benchmark_results.json, which is imported, not read, as a results file)"
                    : " (is this a results file?)"));
        }
        if (!version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new ResultsFormatException(name, "$.schema_version", "expected an integer, got "
                    + SchemaCheck.describe(version));
        }
        int v = version.intValue();
        if (v > BenchmarkResults.CURRENT_SCHEMA_VERSION) {
            throw new ResultsFormatException(name, "$.schema_version", "schema_version " + v
                    + " is newer than this tool reads (" + BenchmarkResults.CURRENT_SCHEMA_VERSION
                    + "); upgrade the tool to read this file");
        }
        if (v < BenchmarkResults.CURRENT_SCHEMA_VERSION) {
            root = migrations.upgrade(name, root, v, warnings);
        }
        SchemaCheck.validate(name, root, warnings);
        return new ReadResult(bind(name, root), warnings);
    }

    private static BenchmarkResults bind(String name, JsonNode tree) throws ResultsFormatException {
        try {
            return ResultsJson.mapper().treeToValue(tree, BenchmarkResults.class);
        } catch (JsonMappingException e) {
            // The validator checks every rule the records check; this is the safety net for one it missed.
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new ResultsFormatException(name, path(e), JsonInput.firstLine(message));
        } catch (JacksonException e) {
            throw new ResultsFormatException(name, JsonPaths.ROOT, JsonInput.firstLine(e.getOriginalMessage()));
        }
    }

    static String path(JsonMappingException e) {
        String path = JsonPaths.ROOT;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path = JsonPaths.index(path, ref.getIndex());
            } else if (ref.getFieldName() != null) {
                path = JsonPaths.field(path, ref.getFieldName());
            }
        }
        return path;
    }
}
