package dev.llmbench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a JSON tree against the results format before it is bound to the records, driven by the schema file we
 * ship ({@code docs/schema/results-v1.schema.json}, packed into this jar), so the format is written once. The first
 * problem in the file's order is reported with its exact JSON path and what the schema expected, in our words
 * ({@code expected an integer >= 1, got a string "16"}); unknown fields are warnings, not errors. What the schema
 * cannot say (counts that must agree across fields, instants that must be real dates, ascending positions) is checked
 * here after it, also in the file's order.
 */
final class SchemaCheck {
    /** More unknown-field warnings than this are counted, not listed. */
    static final int MAX_WARNINGS = 50;
    private static final String RESOURCE = "results-v1.schema.json";
    private static final String INSTANT_EXAMPLE = "an ISO-8601 UTC instant such as \"2026-01-31T09:30:00Z\"";
    private static final JsonNode SCHEMA_TREE;
    private static final Schema SCHEMA;

    static {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the results jar");
            }
            SCHEMA_TREE = ResultsJson.mapper().readTree(in);
            SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA_TREE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private final String file;
    private final List<String> warnings;

    SchemaCheck(String file, List<String> warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    /** Validates a whole file's tree; unknown fields are added to the warnings. */
    void validate(JsonNode root) throws ResultsFormatException {
        Order order = new Order(root);
        List<Error> unknown = new ArrayList<>();
        Map<String, List<Error>> problems = new HashMap<>(); // by instance location: the branches of an anyOf meet there
        for (Error e : SCHEMA.validate(root)) {
            if (e.getKeyword().equals("additionalProperties") && e.getSchemaNode() != null && e.getSchemaNode().isBoolean()) {
                unknown.add(e);
            } else {
                problems.computeIfAbsent(location(e), k -> new ArrayList<>()).add(e);
            }
        }
        unknown.sort(Comparator.comparingInt(e -> order.start(pointer(e.getInstanceLocation().toString(), e.getProperty()))));
        for (int i = 0; i < Math.min(unknown.size(), MAX_WARNINGS); i++) {
            Error e = unknown.get(i);
            warnings.add(file + " at " + order.path(pointer(e.getInstanceLocation().toString(), e.getProperty()))
                    + ": unknown field \"" + e.getProperty() + "\" ignored; schema_version "
                    + BenchmarkResults.CURRENT_SCHEMA_VERSION + " has no such field");
        }
        if (unknown.size() > MAX_WARNINGS) {
            warnings.add(file + ": " + (unknown.size() - MAX_WARNINGS) + " more unknown fields not listed");
        }
        List<Error> first = problems.values().stream().min(Comparator.comparingInt(list -> rank(order, list.getFirst())))
                .orElse(null);
        // a literal too large for a double parses as infinity, which the schema's "number" accepts
        String infinite = order.firstNonFinite();
        if (infinite != null && (first == null || order.start(infinite) < rank(order, first.getFirst()))) {
            throw new ResultsFormatException(file, order.path(infinite), "expected a finite number, got "
                    + describe(root.at(infinite)));
        }
        if (first != null) {
            throw problem(order, first);
        }
        new CrossFieldRules(this).check(root);
    }

    /** Where a problem sorts in the file: a missing field after everything its object holds. */
    private static int rank(Order order, Error e) {
        String at = e.getInstanceLocation().toString();
        return e.getKeyword().equals("required") ? order.end(at) : order.start(at);
    }

    private static String location(Error e) {
        String at = e.getInstanceLocation().toString();
        return e.getKeyword().equals("required") ? pointer(at, e.getProperty()) : at;
    }

    private ResultsFormatException problem(Order order, List<Error> atOnePlace) {
        Error e = atOnePlace.getFirst();
        String fragment = fragment(e);
        boolean demanded = e.getEvaluationPath().toString().contains("/then/"); // an if/then of the schema
        if (e.getKeyword().equals("required")) {
            String at = pointer(e.getInstanceLocation().toString(), e.getProperty());
            String parent = fragment.substring(0, fragment.lastIndexOf('/'));
            String amount = demanded ? measuredAmount(e.getProperty()) : null;
            if (amount != null) {
                return new ResultsFormatException(file, order.path(at), measuredMessage(amount, null));
            }
            JsonNode property = schemaAt(parent).path("properties").path(e.getProperty());
            return new ResultsFormatException(file, order.path(at), "is missing; expected " + expected(property));
        }
        String at = e.getInstanceLocation().toString();
        int anyOf = fragment.indexOf("/anyOf/");
        String owner = anyOf >= 0 ? fragment.substring(0, anyOf) : fragment.substring(0, fragment.lastIndexOf('/'));
        String field = at.substring(at.lastIndexOf('/') + 1);
        String amount = demanded ? measuredAmount(field) : null;
        if (amount != null) {
            return new ResultsFormatException(file, order.path(at), measuredMessage(amount, e.getInstanceNode()));
        }
        return new ResultsFormatException(file, order.path(at), "expected " + expected(schemaAt(owner)) + ", got "
                + describe(e.getInstanceNode()));
    }

    /** The amount field a {@code *_method} field says the method of (the schema demands one beside the other). */
    private static String measuredAmount(String field) {
        return field != null && field.endsWith("_method") ? field.substring(0, field.length() - "_method".length()) + "_bytes"
                : null;
    }

    private static String measuredMessage(String amount, JsonNode got) {
        return "expected a non-empty string saying how " + amount + " was measured, got " + (got == null ? "nothing" : describe(got));
    }

    /** What a schema node accepts, in words that complete "expected ...". */
    static String expected(JsonNode node) {
        JsonNode schema = resolve(node);
        if (schema.has("anyOf")) {
            List<String> options = new ArrayList<>();
            schema.get("anyOf").forEach(s -> options.add(expected(s)));
            return String.join(" or ", options);
        }
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(v.asText()));
            return "one of \"" + String.join("\", \"", values) + "\"";
        }
        if (schema.has("const")) {
            JsonNode c = schema.get("const");
            return c.isIntegralNumber() ? "the integer " + c.asText() : "\"" + c.asText() + "\"";
        }
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            List<String> kinds = new ArrayList<>();
            type.forEach(t -> kinds.add(kind(t.asText(), schema)));
            return kinds.size() == 1 ? kinds.getFirst()
                    : String.join(", ", kinds.subList(0, kinds.size() - 1)) + " or " + kinds.getLast();
        }
        return type.isTextual() ? kind(type.asText(), schema) : "a value of the results format";
    }

    private static String kind(String type, JsonNode schema) {
        return switch (type) {
            case "integer" -> {
                JsonNode min = schema.get("minimum");
                JsonNode max = schema.get("maximum");
                boolean open = max == null || max.asDouble() >= Integer.MAX_VALUE;
                yield min == null || min.asDouble() <= Integer.MIN_VALUE ? "an integer" : open ? "an integer >= " + min.asText()
                        : "an integer from " + min.asText() + " to " + max.asText();
            }
            case "number" -> schema.has("minimum") ? "a finite number >= " + schema.get("minimum").asText() : "a finite number";
            case "string" -> "date-time".equals(schema.path("format").asText()) ? INSTANT_EXAMPLE
                    : schema.path("minLength").asInt() >= 1 ? "a non-empty string" : "a string";
            case "boolean" -> "true or false";
            case "array" -> "an array";
            case "object" -> "an object";
            case "null" -> "null";
            default -> type;
        };
    }

    private static JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref") && schema.get("$ref").asText().startsWith("#")) {
            schema = schemaAt(schema.get("$ref").asText().substring(1));
        }
        return schema;
    }

    /** The schema node at a JSON pointer into the schema file. */
    private static JsonNode schemaAt(String pointer) {
        return SCHEMA_TREE.at(pointer.isEmpty() || pointer.equals("/") ? "" : pointer);
    }

    /** The JSON pointer, inside the schema file, of the keyword that failed. */
    private static String fragment(Error e) {
        String location = e.getSchemaLocation().toString();
        int hash = location.indexOf('#');
        return hash < 0 ? "" : location.substring(hash + 1);
    }

    private static String pointer(String parent, String field) {
        return field == null ? parent : (parent.equals("/") || parent.isEmpty() ? "" : parent) + "/" + field;
    }

    /** A short description of a JSON value for "got ..." in messages. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isNull()) {
            return "null";
        }
        if (value.isBoolean()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return Double.isFinite(value.doubleValue()) ? value.asText() : "a number out of range (" + value.asText() + ")";
        }
        if (value.isTextual()) {
            String text = value.textValue();
            String shown = (text.length() > 40 ? text.substring(0, 40) + "..." : text).replaceAll("\\p{Cntrl}", "?");
            return "a string \"" + shown + "\"";
        }
        if (value.isArray()) {
            return "an array";
        }
        return value.isObject() ? "an object" : value.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    /** Validates {@code root}, a file called {@code file} (in messages); unknown fields go to {@code warnings}. */
    static void validate(String file, JsonNode root, List<String> warnings) throws ResultsFormatException {
        new SchemaCheck(file, warnings).validate(root);
    }

    /**
     * Every node's place in the file, by JSON pointer: its position in a depth-first walk in the file's order, and
     * the position after its last descendant; and our JSON path of each pointer ({@code $.scenarios[1].runs[0]}).
     */
    private static final class Order {
        private final Map<String, int[]> spans = new HashMap<>();
        private final Map<String, String> paths = new HashMap<>();
        private String nonFinite; // the first number in the file that is not finite
        private int next;

        Order(JsonNode root) {
            walk(root, "", JsonPaths.ROOT);
        }

        private void walk(JsonNode node, String pointer, String path) {
            int start = next++;
            paths.put(pointer, path);
            if (nonFinite == null && node.isNumber() && !Double.isFinite(node.doubleValue())) {
                nonFinite = pointer;
            }
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    walk(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"),
                            JsonPaths.field(path, e.getKey()));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), pointer + "/" + i, JsonPaths.index(path, i));
                }
            }
            spans.put(pointer, new int[] {start, next++});
        }

        String firstNonFinite() {
            return nonFinite;
        }

        private static String normal(String pointer) {
            return pointer.equals("/") ? "" : pointer;
        }

        int start(String pointer) {
            int[] span = spans.get(normal(pointer));
            return span == null ? Integer.MAX_VALUE - 1 : span[0];
        }

        int end(String pointer) {
            int[] span = spans.get(normal(pointer));
            return span == null ? Integer.MAX_VALUE : span[1];
        }

        /** Our JSON path of a pointer; a missing field's path is its object's plus its name. */
        String path(String pointer) {
            String p = normal(pointer);
            String known = paths.get(p);
            if (known != null) {
                return known;
            }
            int slash = p.lastIndexOf('/');
            String parent = paths.getOrDefault(p.substring(0, Math.max(0, slash)), JsonPaths.ROOT);
            return JsonPaths.field(parent, p.substring(slash + 1).replace("~1", "/").replace("~0", "~"));
        }
    }

    /** The rules across fields that the schema cannot say, over a tree the schema accepted. */
    private record CrossFieldRules(SchemaCheck check) {
        void check(JsonNode root) throws ResultsFormatException {
            JsonNode run = root.get("run");
            instant(run.get("started_at"), "$.run.started_at");
            instant(run.get("finished_at"), "$.run.finished_at");
            JsonNode scenarios = root.get("scenarios");
            for (int s = 0; s < scenarios.size(); s++) {
                scenario(scenarios.get(s), JsonPaths.index("$.scenarios", s));
            }
            JsonNode context = root.get("context");
            for (int i = 0; context != null && context.isArray() && i < context.size(); i++) {
                String at = JsonPaths.index("$.context", i);
                long steps = context.get(i).get("steps").asLong();
                JsonNode runs = context.get(i).get("runs");
                for (int r = 0; r < runs.size(); r++) {
                    int n = runs.get(r).get("step_ms").size();
                    if (n != steps) {
                        throw problem(JsonPaths.field(JsonPaths.index(JsonPaths.field(at, "runs"), r), "step_ms"), "has " + n
                                + " entries, expected steps = " + steps + " (one time per timed decode step)");
                    }
                }
                if (i > 0) {
                    long before = context.get(i - 1).get("position").asLong();
                    long now = context.get(i).get("position").asLong();
                    if (now <= before) {
                        throw problem(JsonPaths.field(at, "position"), "is " + now + " after " + before
                                + "; expected positions in ascending order without repeats");
                    }
                }
            }
        }

        private void scenario(JsonNode scenario, String path) throws ResultsFormatException {
            long expected = scenario.get("decode_tokens").asLong() - 1;
            JsonNode runs = scenario.get("runs");
            for (int i = 0; i < runs.size(); i++) {
                String at = JsonPaths.index(JsonPaths.field(path, "runs"), i);
                run(runs.get(i), at);
                int steps = runs.get(i).get("step_ms").size();
                JsonNode delivered = runs.get(i).get("delivered_tokens");
                if (delivered != null && delivered.isIntegralNumber()) {
                    if (delivered.asLong() > expected + 1) {
                        throw problem(JsonPaths.field(at, "delivered_tokens"), "is " + delivered.asLong()
                                + ", more than decode_tokens = " + (expected + 1));
                    }
                    if (steps != delivered.asLong() - 1) {
                        throw problem(JsonPaths.field(at, "step_ms"), "has " + steps
                                + " entries, expected delivered_tokens - 1 = " + (delivered.asLong() - 1));
                    }
                } else if (steps != expected) {
                    throw problem(JsonPaths.field(at, "step_ms"), "has " + steps + " entries, expected decode_tokens - 1 = "
                            + expected + " (one step time per generated token after the first)");
                }
            }
            JsonNode levels = scenario.get("concurrency");
            for (int l = 0; levels != null && levels.isArray() && l < levels.size(); l++) {
                String at = JsonPaths.index(JsonPaths.field(path, "concurrency"), l);
                long streams = levels.get(l).get("streams").asLong();
                JsonNode rounds = levels.get(l).get("rounds");
                for (int r = 0; r < rounds.size(); r++) {
                    JsonNode runsOfRound = rounds.get(r).get("streams");
                    String roundAt = JsonPaths.index(JsonPaths.field(at, "rounds"), r);
                    if (runsOfRound.size() != streams) {
                        throw problem(JsonPaths.field(roundAt, "streams"), "has " + runsOfRound.size()
                                + " runs, expected one per stream (" + streams + ")");
                    }
                    for (int k = 0; k < runsOfRound.size(); k++) {
                        run(runsOfRound.get(k), JsonPaths.index(JsonPaths.field(roundAt, "streams"), k));
                    }
                }
            }
        }

        private void run(JsonNode run, String path) throws ResultsFormatException {
            JsonNode kernel = run.get("kernel");
            if (kernel == null || kernel.isNull()) {
                return;
            }
            String at = JsonPaths.field(path, "kernel");
            int steps = run.get("step_ms").size();
            int kernelSteps = kernel.get("step_kernel_ms").size();
            int counts = kernel.get("step_kernel_count").size();
            if (counts != kernelSteps) { // the kernel object's own rule first, as it is read before its run's
                throw problem(JsonPaths.field(at, "step_kernel_count"), "has " + counts
                        + " entries, expected as many as step_kernel_ms (" + kernelSteps + ")");
            }
            if (kernelSteps != steps) {
                throw problem(JsonPaths.field(at, "step_kernel_ms"), "has " + kernelSteps
                        + " entries, expected one per decode step like step_ms (" + steps + ")");
            }
        }

        private void instant(JsonNode value, String path) throws ResultsFormatException {
            if (value == null || value.isNull()) {
                return;
            }
            try {
                Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                throw problem(path, "expected " + INSTANT_EXAMPLE + ", got " + describe(value));
            }
        }

        private ResultsFormatException problem(String path, String message) {
            return new ResultsFormatException(check.file, path, message);
        }
    }
}
