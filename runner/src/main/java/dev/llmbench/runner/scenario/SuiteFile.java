package dev.llmbench.runner.scenario;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a user suite file (format: {@code docs/suites.md}):
 * <pre>{"name": "long-prompts", "warmup": 2, "runs": 5,
 *  "scenarios": [{"id": "L1", "prompt_tokens": 2048, "decode_tokens": 64}]}</pre>
 * Unknown keys are refused so that a misspelt key is not silently ignored.
 */
public final class SuiteFile {
    /** A suite is a few hundred bytes; anything this large is the wrong file. */
    static final long MAX_BYTES = 1 << 20;
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "warmup", "runs", "scenarios");
    private static final Set<String> SCENARIO_KEYS = Set.of("id", "prompt_tokens", "decode_tokens");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SuiteFile() {
    }

    public static Suite read(Path file) throws SuiteFormatException {
        String name = file.toString();
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new SuiteFormatException(name, "", "no such file; --suite takes default, quick or a suite"
                        + " file (see docs/suites.md)");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new SuiteFormatException(name, "", "larger than " + MAX_BYTES + " bytes; is this a suite file?");
            }
            root = MAPPER.readTree(file.toFile());
        } catch (JsonParseException e) {
            throw new SuiteFormatException(name, "", "not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new SuiteFormatException(name, "", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SuiteFormatException(name, "", "cannot read: " + e.getMessage());
        }
        return parse(name, root);
    }

    static Suite parse(String file, JsonNode root) throws SuiteFormatException {
        if (root == null || !root.isObject()) {
            throw new SuiteFormatException(file, "$", "expected a JSON object with name, warmup, runs and scenarios");
        }
        checkKeys(file, "$", root, TOP_KEYS);
        String suiteName = string(file, "$.name", root.get("name"));
        int warmup = integer(file, "$.warmup", root.get("warmup"), 0, Suite.MAX_RUNS);
        int runs = integer(file, "$.runs", root.get("runs"), 1, Suite.MAX_RUNS);
        JsonNode list = root.get("scenarios");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new SuiteFormatException(file, "$.scenarios", "expected a non-empty array of"
                    + " {\"id\", \"prompt_tokens\", \"decode_tokens\"} objects");
        }
        List<Scenario> scenarios = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "$.scenarios[" + i + "]";
            JsonNode s = list.get(i);
            if (!s.isObject()) {
                throw new SuiteFormatException(file, at, "expected an object with id, prompt_tokens and decode_tokens");
            }
            checkKeys(file, at, s, SCENARIO_KEYS);
            String id = string(file, at + ".id", s.get("id"));
            if (!Scenario.ID.matcher(id).matches()) {
                throw new SuiteFormatException(file, at + ".id", "expected 1-32 letters, digits, '_' or '-'"
                        + " starting with a letter or digit, got \"" + id + "\"");
            }
            if (ids.contains(id)) {
                throw new SuiteFormatException(file, at + ".id", "scenario id \"" + id + "\" appears twice; ids must be unique");
            }
            ids.add(id);
            int prompt = integer(file, at + ".prompt_tokens", s.get("prompt_tokens"), 1, Scenario.MAX_TOKENS);
            int decode = integer(file, at + ".decode_tokens", s.get("decode_tokens"), 2, Scenario.MAX_TOKENS);
            scenarios.add(new Scenario(id, prompt, decode));
        }
        return new Suite(suiteName, warmup, runs, scenarios);
    }

    private static void checkKeys(String file, String at, JsonNode node, Set<String> known) throws SuiteFormatException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new SuiteFormatException(file, at + "." + key, "unknown key; expected one of "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String string(String file, String at, JsonNode node) throws SuiteFormatException {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new SuiteFormatException(file, at, "expected a non-empty string");
        }
        return node.asText();
    }

    private static int integer(String file, String at, JsonNode node, int min, int max) throws SuiteFormatException {
        if (node == null) {
            throw new SuiteFormatException(file, at, "missing; expected an integer in [" + min + ", " + max + "]");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw new SuiteFormatException(file, at, "expected an integer in [" + min + ", " + max + "], got " + node);
        }
        return node.intValue();
    }
}
