package dev.llmbench.site.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of GitHub Actions' expression language our workflows use: strings, context paths
 * ({@code inputs.release}, {@code matrix.engine}, {@code steps.plan.outputs.matrix}), {@code ! && || == !=},
 * parentheses, {@code always() success() failure() fromJSON()}. Anything else is refused, so a workflow that
 * starts using more fails its dry run until this learns it.
 */
public final class Expressions {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Contexts whose missing members read as empty, as on GitHub (an unset input or variable). */
    private static final Set<String> LENIENT = Set.of("inputs", "vars", "env", "secrets");

    private final Map<String, Object> context;
    private final boolean failed;
    private String src;
    private int pos;

    public Expressions(Map<String, Object> context, boolean failed) {
        this.context = context;
        this.failed = failed;
    }

    /** Replaces every {@code ${{ ... }}} of a text with its value. */
    public String substitute(String text) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int start = text.indexOf("${{", at);
            if (start < 0) {
                return out.append(text.substring(at)).toString();
            }
            int end = text.indexOf("}}", start);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed ${{ in: " + text);
            }
            out.append(text, at, start).append(text(evaluate(text.substring(start + 3, end))));
            at = end + 2;
        }
    }

    /** An {@code if:} condition, with or without {@code ${{ }}}. */
    public boolean condition(String text) {
        String t = text.strip();
        if (t.startsWith("${{") && t.endsWith("}}")) {
            t = t.substring(3, t.length() - 2);
        }
        return truthy(evaluate(t));
    }

    public Object evaluate(String expression) {
        src = expression;
        pos = 0;
        Object v = or();
        skip();
        if (pos != src.length()) {
            throw unsupported();
        }
        return v;
    }

    public static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof JsonNode n) {
            return n.isTextual() ? n.asText() : n.toString();
        }
        return v.toString();
    }

    static boolean truthy(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (v instanceof JsonNode n) {
            return !(n.isNull() || n.isBoolean() && !n.asBoolean() || n.isTextual() && n.asText().isEmpty());
        }
        return !(v instanceof String s && s.isEmpty());
    }

    private Object or() {
        Object left = and();
        while (eat("||")) {
            Object right = and();
            left = truthy(left) ? left : right;
        }
        return left;
    }

    private Object and() {
        Object left = compare();
        while (eat("&&")) {
            Object right = compare();
            left = truthy(left) ? right : left;
        }
        return left;
    }

    private Object compare() {
        Object left = unary();
        if (eat("==")) {
            return text(left).equals(text(unary()));
        }
        if (eat("!=")) {
            return !text(left).equals(text(unary()));
        }
        return left;
    }

    private Object unary() {
        skip();
        if (src.startsWith("!=", pos)) {
            throw unsupported();
        }
        if (eat("!")) {
            return !truthy(unary());
        }
        return primary();
    }

    private Object primary() {
        skip();
        if (eat("(")) {
            Object v = or();
            expect(")");
            return v;
        }
        if (pos < src.length() && src.charAt(pos) == '\'') {
            int end = src.indexOf('\'', pos + 1);
            if (end < 0) {
                throw unsupported();
            }
            String s = src.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || "._-".indexOf(src.charAt(pos)) >= 0)) {
            pos++;
        }
        String name = src.substring(start, pos);
        if (name.isEmpty()) {
            throw unsupported();
        }
        skip();
        if (eat("(")) {
            List<Object> args = new ArrayList<>();
            skip();
            if (!eat(")")) {
                do {
                    args.add(or());
                } while (eat(","));
                expect(")");
            }
            return call(name, args);
        }
        return switch (name) {
            case "true" -> true;
            case "false" -> false;
            case "null" -> null;
            default -> lookup(name);
        };
    }

    private Object call(String name, List<Object> args) {
        return switch (name) {
            case "always" -> true;
            case "success" -> !failed;
            case "failure" -> failed;
            case "fromJSON" -> {
                try {
                    yield JSON.readTree(text(args.getFirst()));
                } catch (Exception e) {
                    throw new IllegalArgumentException("fromJSON of " + args.getFirst() + ": " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("the dry run does not know the function " + name + "() in: " + src);
        };
    }

    private Object lookup(String path) {
        String[] parts = path.split("\\.");
        Object v = context;
        for (int i = 0; i < parts.length; i++) {
            if (v instanceof Map<?, ?> m && m.containsKey(parts[i])) {
                v = m.get(parts[i]);
            } else if (v instanceof JsonNode n && n.has(parts[i])) {
                v = n.get(parts[i]);
            } else if (LENIENT.contains(parts[0]) && i > 0) {
                return null;
            } else {
                throw new IllegalArgumentException("the dry run has no value for " + path + " (in: " + src + ")");
            }
        }
        return v;
    }

    private boolean eat(String token) {
        skip();
        if (src.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!eat(token)) {
            throw unsupported();
        }
    }

    private void skip() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException unsupported() {
        return new IllegalArgumentException("the dry run cannot read the expression '" + src + "' at position " + pos);
    }
}
