package dev.llmbench.results;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a JSON tree against schema_version 1 before it is bound to the records, so that the first problem is
 * reported with its exact JSON path and what was expected. Fields are visited in the file's order; a missing
 * required field is reported when its object has been read; rules across fields run last. Unknown fields are
 * warnings. Keep in step with {@code docs/schema/results-v1.schema.json} (a test checks both agree).
 */
final class SchemaV1Validator {
    /** More unknown-field warnings than this are counted, not listed. */
    static final int MAX_WARNINGS = 50;
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    private final String file;
    private final List<String> warnings;
    private int unknownFields;

    SchemaV1Validator(String file, List<String> warnings) {
        this.file = file;
        this.warnings = warnings;
    }

    // ---- the shape of schema_version 1 ----

    private static final Shape TOOL = new Shape()
            .required("name", text())
            .required("version", text())
            .required("git_commit", text());
    private static final Shape RUN = new Shape()
            .required("release", text())
            .required("status", oneOf("partial", "complete", "interrupted", "failed"))
            .required("started_at", instant())
            .optional("finished_at", instant())
            .optional("error", anyText())
            .required("tool", object(TOOL));
    private static final Shape ENVIRONMENT = new Shape()
            .required("os", text())
            .optional("os_version", anyText())
            .optional("arch", anyText())
            .required("cpu", text())
            .required("cores", integer(1, Integer.MAX_VALUE))
            .required("memory_bytes", integer(1, Long.MAX_VALUE))
            .optional("accelerator", anyText())
            .optional("driver", anyText())
            .required("jdk", text());
    private static final Shape ENGINE = new Shape()
            .required("name", text())
            .required("version", text())
            .optionalNotNull("settings", scalarMap());
    private static final Shape MODEL = new Shape()
            .required("name", text())
            .required("source", oneOf("file", "synthetic"))
            .required("dtype", text())
            .required("parameters", integer(1, Long.MAX_VALUE))
            .required("config_sha256", text())
            .optional("architecture", anyText());
    private static final Shape PROTOCOL = new Shape()
            .required("suite", text())
            .required("warmup_runs", integer(0, Integer.MAX_VALUE))
            .required("measured_runs", integer(1, Integer.MAX_VALUE))
            .required("clock", text())
            .required("timer_overhead_ns", nonNegative())
            .required("ignore_eos", bool())
            .required("prompt_source", text())
            .required("seed", integer(Long.MIN_VALUE, Long.MAX_VALUE));
    private static final Shape LOAD = new Shape()
            .required("compile_ms", nonNegative())
            .required("weight_load_ms", nonNegative())
            .optional("peak_memory_bytes", integer(1, Long.MAX_VALUE))
            .optional("peak_memory_method", anyText())
            .optional("device_memory_bytes", integer(1, Long.MAX_VALUE))
            .optional("device_memory_method", anyText())
            .across((v, node, path) -> {
                v.methodGiven(node, path, "peak_memory_bytes", "peak_memory_method");
                v.methodGiven(node, path, "device_memory_bytes", "device_memory_method");
            });
    private static final Shape KERNEL = new Shape()
            .required("prefill_kernel_ms", nonNegative())
            .required("prefill_kernel_count", integer(0, Integer.MAX_VALUE))
            .required("step_kernel_ms", array(nonNegative()))
            .required("step_kernel_count", array(integer(0, Integer.MAX_VALUE)))
            .across((v, node, path) -> v.sameLength(node, path, "step_kernel_count", "step_kernel_ms"));
    private static final Shape RUN_SAMPLE = new Shape()
            .required("index", integer(0, Integer.MAX_VALUE))
            .required("warmup", bool())
            .required("ttft_ms", nonNegative())
            .required("step_ms", array(nonNegative()))
            .optionalNotNull("generated_ids", array(integer(0, Integer.MAX_VALUE)))
            .optional("kernel", object(KERNEL))
            .optionalNotNull("delivered_tokens", integer(1, Integer.MAX_VALUE))
            .optionalNotNull("event_tokens", array(integer(1, Integer.MAX_VALUE)))
            .across((v, node, path) -> {
                JsonNode kernel = node.get("kernel");
                if (kernel != null && !kernel.isNull()) {
                    int steps = node.get("step_ms").size();
                    int kernelSteps = kernel.get("step_kernel_ms").size();
                    if (kernelSteps != steps) {
                        throw v.problem(JsonPaths.field(JsonPaths.field(path, "kernel"), "step_kernel_ms"),
                                "has " + kernelSteps + " entries, expected one per decode step like step_ms (" + steps + ")");
                    }
                }
            });
    private static final Shape ROUND = new Shape()
            .required("index", integer(0, Integer.MAX_VALUE))
            .required("warmup", bool())
            .required("wall_ms", nonNegative())
            .required("streams", array(object(RUN_SAMPLE)));
    private static final Shape CONCURRENCY = new Shape()
            .required("streams", integer(2, Integer.MAX_VALUE))
            .required("rounds", array(object(ROUND)))
            .across((v, node, path) -> {
                long streams = node.get("streams").asLong();
                JsonNode rounds = node.get("rounds");
                for (int i = 0; i < rounds.size(); i++) {
                    int n = rounds.get(i).get("streams").size();
                    if (n != streams) {
                        throw v.problem(JsonPaths.field(JsonPaths.index(JsonPaths.field(path, "rounds"), i), "streams"),
                                "has " + n + " runs, expected one per stream (" + streams + ")");
                    }
                }
            });
    private static final Shape SCENARIO = new Shape()
            .required("id", text())
            .required("prompt_tokens", integer(1, Integer.MAX_VALUE))
            .required("decode_tokens", integer(1, Integer.MAX_VALUE))
            .required("runs", array(object(RUN_SAMPLE)))
            .optionalNotNull("concurrency", array(object(CONCURRENCY)))
            .across((v, node, path) -> {
                long expected = node.get("decode_tokens").asLong() - 1;
                JsonNode runs = node.get("runs");
                for (int i = 0; i < runs.size(); i++) {
                    int steps = runs.get(i).get("step_ms").size();
                    JsonNode delivered = runs.get(i).get("delivered_tokens");
                    if (delivered != null && delivered.isInt()) {
                        String at = JsonPaths.field(JsonPaths.index(JsonPaths.field(path, "runs"), i), "delivered_tokens");
                        if (delivered.asLong() > expected + 1) {
                            throw v.problem(at, "is " + delivered.asLong() + ", more than decode_tokens = " + (expected + 1));
                        }
                        if (steps != delivered.asLong() - 1) {
                            throw v.problem(JsonPaths.field(JsonPaths.index(JsonPaths.field(path, "runs"), i), "step_ms"),
                                    "has " + steps + " entries, expected delivered_tokens - 1 = " + (delivered.asLong() - 1));
                        }
                        continue;
                    }
                    if (steps != expected) {
                        throw v.problem(JsonPaths.field(JsonPaths.index(JsonPaths.field(path, "runs"), i), "step_ms"),
                                "has " + steps + " entries, expected decode_tokens - 1 = " + expected
                                        + " (one step time per generated token after the first)");
                    }
                }
            });
    private static final Shape CONTEXT_RUN = new Shape()
            .required("index", integer(0, Integer.MAX_VALUE))
            .required("warmup", bool())
            .required("fill_ms", nonNegative())
            .required("step_ms", array(nonNegative()));
    private static final Shape CONTEXT = new Shape()
            .required("position", integer(1, Integer.MAX_VALUE))
            .required("fill", oneOf("direct", "prefill"))
            .required("steps", integer(1, Integer.MAX_VALUE))
            .required("runs", array(object(CONTEXT_RUN)))
            .across((v, node, path) -> {
                long steps = node.get("steps").asLong();
                JsonNode runs = node.get("runs");
                for (int i = 0; i < runs.size(); i++) {
                    int n = runs.get(i).get("step_ms").size();
                    if (n != steps) {
                        throw v.problem(JsonPaths.field(JsonPaths.index(JsonPaths.field(path, "runs"), i), "step_ms"),
                                "has " + n + " entries, expected steps = " + steps + " (one time per timed decode step)");
                    }
                }
            });
    private static final Shape WARNING = new Shape()
            .required("code", text())
            .required("message", text())
            .optional("scenario", anyText());
    private static final Shape ROOT = new Shape()
            .required("schema_version", integer(BenchmarkResults.CURRENT_SCHEMA_VERSION, BenchmarkResults.CURRENT_SCHEMA_VERSION))
            .required("run", object(RUN))
            .required("environment", object(ENVIRONMENT))
            .required("engine", object(ENGINE))
            .required("model", object(MODEL))
            .required("protocol", object(PROTOCOL))
            .required("load", object(LOAD))
            .required("scenarios", array(object(SCENARIO)))
            .optionalNotNull("warnings", array(object(WARNING)))
            .optionalNotNull("context", array(object(CONTEXT)))
            .across((v, node, path) -> {
                JsonNode context = node.get("context");
                for (int i = 1; context != null && i < context.size(); i++) {
                    long before = context.get(i - 1).get("position").asLong();
                    long now = context.get(i).get("position").asLong();
                    if (now <= before) {
                        throw v.problem(JsonPaths.field(JsonPaths.index(JsonPaths.field(path, "context"), i), "position"),
                                "is " + now + " after " + before + "; expected positions in ascending order without repeats");
                    }
                }
            });

    /** Validates a whole file's tree; unknown fields are added to the warnings. */
    void validate(JsonNode root) throws ResultsFormatException {
        object(ROOT).check(this, root, JsonPaths.ROOT);
        if (unknownFields > MAX_WARNINGS) {
            warnings.add(file + ": " + (unknownFields - MAX_WARNINGS) + " more unknown fields not listed");
        }
    }

    // ---- rules ----

    /** One rule for a value; {@code expected} completes "expected ..." in messages. */
    private interface Rule {
        String expected();

        void check(SchemaV1Validator v, JsonNode value, String path) throws ResultsFormatException;
    }

    private interface Across {
        void check(SchemaV1Validator v, JsonNode node, String path) throws ResultsFormatException;
    }

    private record Field(String name, Rule rule, boolean required, boolean nullable) {
    }

    private static final class Shape {
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private final List<Across> across = new ArrayList<>();

        Shape required(String name, Rule rule) {
            fields.put(name, new Field(name, rule, true, false));
            return this;
        }

        /** May be missing or null. */
        Shape optional(String name, Rule rule) {
            fields.put(name, new Field(name, rule, false, true));
            return this;
        }

        /** May be missing, but not null (the writer always writes a list or an object). */
        Shape optionalNotNull(String name, Rule rule) {
            fields.put(name, new Field(name, rule, false, false));
            return this;
        }

        Shape across(Across rule) {
            across.add(rule);
            return this;
        }
    }

    private static Rule rule(String expected, Check check) {
        return new Rule() {
            @Override
            public String expected() {
                return expected;
            }

            @Override
            public void check(SchemaV1Validator v, JsonNode value, String path) throws ResultsFormatException {
                if (!check.ok(value)) {
                    throw v.problem(path, "expected " + expected + ", got " + describe(value));
                }
            }
        };
    }

    private interface Check {
        boolean ok(JsonNode value);
    }

    private static Rule text() {
        return rule("a non-empty string", v -> v.isTextual() && !v.textValue().isBlank());
    }

    private static Rule anyText() {
        return rule("a string", JsonNode::isTextual);
    }

    private static Rule bool() {
        return rule("true or false", JsonNode::isBoolean);
    }

    private static Rule oneOf(String... values) {
        String expected = "one of \"" + String.join("\", \"", values) + "\"";
        return rule(expected, v -> v.isTextual() && List.of(values).contains(v.textValue()));
    }

    private static Rule instant() {
        return rule("an ISO-8601 UTC instant such as \"2026-01-31T09:30:00Z\"", v -> {
            if (!v.isTextual() || !INSTANT.matcher(v.textValue()).matches()) {
                return false;
            }
            try {
                Instant.parse(v.textValue());
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        });
    }

    private static Rule nonNegative() {
        return rule("a finite number >= 0", v -> v.isNumber() && Double.isFinite(v.doubleValue()) && v.doubleValue() >= 0);
    }

    private static Rule integer(long min, long max) {
        String expected = min == max ? "the integer " + min
                : max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? (min == Long.MIN_VALUE ? "an integer" : "an integer >= " + min)
                : "an integer from " + min + " to " + max;
        return rule(expected, v -> {
            if (!v.isNumber()) {
                return false;
            }
            // 5 and 5.0 are the same JSON number; 5.5 is not an integer.
            if (v.isFloatingPointNumber() && (!Double.isFinite(v.doubleValue()) || v.doubleValue() != Math.rint(v.doubleValue()))) {
                return false;
            }
            if (v.isFloatingPointNumber() ? Math.abs(v.doubleValue()) >= 0x1p63 : !v.canConvertToLong()) {
                return false;
            }
            long value = v.isFloatingPointNumber() ? (long) v.doubleValue() : v.longValue();
            return value >= min && value <= max;
        });
    }

    private static Rule scalarMap() {
        Rule scalar = rule("a string, a finite number or true/false",
                v -> v.isTextual() || v.isBoolean() || (v.isNumber() && Double.isFinite(v.doubleValue())));
        return new Rule() {
            @Override
            public String expected() {
                return "an object of string, number or boolean values";
            }

            @Override
            public void check(SchemaV1Validator v, JsonNode value, String path) throws ResultsFormatException {
                if (!value.isObject()) {
                    throw v.problem(path, "expected " + expected() + ", got " + describe(value));
                }
                for (Map.Entry<String, JsonNode> e : value.properties()) {
                    scalar.check(v, e.getValue(), JsonPaths.field(path, e.getKey()));
                }
            }
        };
    }

    private static Rule array(Rule element) {
        return new Rule() {
            @Override
            public String expected() {
                return "an array";
            }

            @Override
            public void check(SchemaV1Validator v, JsonNode value, String path) throws ResultsFormatException {
                if (!value.isArray()) {
                    throw v.problem(path, "expected an array, got " + describe(value));
                }
                for (int i = 0; i < value.size(); i++) {
                    element.check(v, value.get(i), JsonPaths.index(path, i));
                }
            }
        };
    }

    private static Rule object(Shape shape) {
        return new Rule() {
            @Override
            public String expected() {
                return "an object";
            }

            @Override
            public void check(SchemaV1Validator v, JsonNode value, String path) throws ResultsFormatException {
                v.checkObject(shape, value, path);
            }
        };
    }

    private void checkObject(Shape shape, JsonNode node, String path) throws ResultsFormatException {
        if (!node.isObject()) {
            throw problem(path, "expected an object, got " + describe(node));
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String fieldPath = JsonPaths.field(path, e.getKey());
            Field field = shape.fields.get(e.getKey());
            if (field == null) {
                unknownFields++;
                if (unknownFields <= MAX_WARNINGS) {
                    warnings.add(file + " at " + fieldPath + ": unknown field \"" + e.getKey()
                            + "\" ignored; schema_version " + BenchmarkResults.CURRENT_SCHEMA_VERSION + " has no such field");
                }
                continue;
            }
            JsonNode value = e.getValue();
            if (value.isNull()) {
                if (field.nullable()) {
                    continue;
                }
                throw problem(fieldPath, "expected " + field.rule().expected() + ", got null");
            }
            field.rule().check(this, value, fieldPath);
        }
        for (Field field : shape.fields.values()) {
            if (field.required() && !node.has(field.name())) {
                throw problem(JsonPaths.field(path, field.name()), "is missing; expected " + field.rule().expected());
            }
        }
        for (Across rule : shape.across) {
            rule.check(this, node, path);
        }
    }

    private void methodGiven(JsonNode node, String path, String amountField, String methodField) throws ResultsFormatException {
        JsonNode amount = node.get(amountField);
        JsonNode method = node.get(methodField);
        if (amount != null && !amount.isNull() && (method == null || !method.isTextual() || method.textValue().isBlank())) {
            throw problem(JsonPaths.field(path, methodField), "expected a non-empty string saying how "
                    + amountField + " was measured, got " + (method == null ? "nothing" : describe(method)));
        }
    }

    private void sameLength(JsonNode node, String path, String field, String like) throws ResultsFormatException {
        int size = node.get(field).size();
        int expected = node.get(like).size();
        if (size != expected) {
            throw problem(JsonPaths.field(path, field), "has " + size + " entries, expected as many as " + like + " (" + expected + ")");
        }
    }

    private ResultsFormatException problem(String path, String message) {
        return new ResultsFormatException(file, path, message);
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
        return value.isObject() ? "an object" : value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
