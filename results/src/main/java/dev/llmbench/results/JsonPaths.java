package dev.llmbench.results;

import com.fasterxml.jackson.core.JsonStreamContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/** JSON paths in the {@code $.scenarios[2].runs[0].step_ms} notation used by every message of this module. */
final class JsonPaths {
    static final String ROOT = "$";
    /** Paths longer than this many segments are shown cut, so a message stays on one line. */
    private static final int MAX_SEGMENTS = 8;
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonPaths() {
    }

    static String field(String parent, String name) {
        if (PLAIN_NAME.matcher(name).matches()) {
            return parent + "." + name;
        }
        StringBuilder quoted = new StringBuilder(parent).append("['");
        int shown = Math.min(name.length(), 40);
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            if (c == '\'' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (shown < name.length()) {
            quoted.append("...");
        }
        return quoted.append("']").toString();
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path of the value a streaming parser is at, shortened to {@value #MAX_SEGMENTS} segments. */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = ROOT;
        int segments = 0;
        for (JsonStreamContext c : chain) {
            if (segments == MAX_SEGMENTS) {
                return path + "...";
            }
            if (c.inArray() && c.hasCurrentIndex()) {
                path = index(path, c.getCurrentIndex());
                segments++;
            } else if (c.inObject() && c.getCurrentName() != null) {
                path = field(path, c.getCurrentName());
                segments++;
            }
        }
        return path;
    }
}
