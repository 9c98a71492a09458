package dev.llmbench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and validates results files. First problem wins; the message names file, JSON path and expectation. */
public final class ResultsReader {
    private ResultsReader() {
    }

    public static BenchmarkResults read(Path file) throws ResultsFormatException {
        String name = file.toString();
        try {
            if (!Files.isRegularFile(file)) {
                throw new ResultsFormatException(name, "", "no such file");
            }
            if (Files.size(file) > ResultsJson.MAX_FILE_BYTES) {
                throw new ResultsFormatException(name, "", "file is larger than " + ResultsJson.MAX_FILE_BYTES
                        + " bytes; a results file is a few MB at most");
            }
            JsonNode tree = ResultsJson.mapper().readTree(file.toFile());
            return fromTree(name, tree);
        } catch (JsonMappingException e) {
            throw new ResultsFormatException(name, path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ResultsFormatException(name, "", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ResultsFormatException(name, "", "cannot read: " + e.getMessage());
        }
    }

    static BenchmarkResults fromTree(String name, JsonNode tree) throws ResultsFormatException {
        if (tree == null || !tree.isObject()) {
            throw new ResultsFormatException(name, "$", "expected a JSON object");
        }
        JsonNode version = tree.get("schema_version");
        if (version == null || !version.isInt()) {
            throw new ResultsFormatException(name, "$.schema_version", "expected an integer schema version");
        }
        if (version.intValue() != BenchmarkResults.CURRENT_SCHEMA_VERSION) {
            throw new ResultsFormatException(name, "$.schema_version", "unsupported version " + version.intValue()
                    + "; this tool reads version " + BenchmarkResults.CURRENT_SCHEMA_VERSION);
        }
        try {
            return ResultsJson.mapper().treeToValue(tree, BenchmarkResults.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ResultsFormatException(name, path(e), cause.getMessage());
        } catch (JsonMappingException e) {
            throw new ResultsFormatException(name, path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ResultsFormatException(name, "", e.getOriginalMessage());
        }
    }

    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                sb.append('.').append(ref.getFieldName());
            }
        }
        return sb.toString();
    }
}
