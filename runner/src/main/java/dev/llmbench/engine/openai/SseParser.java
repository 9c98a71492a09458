package dev.llmbench.engine.openai;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Server-sent events, incrementally, as the WHATWG HTML standard defines the {@code text/event-stream} format: lines
 * end in LF, CRLF or CR; a line starting with {@code :} is a comment; {@code data:} lines (one optional space after
 * the colon) are joined with LF; a blank line dispatches the event. Only {@code data} matters to the OpenAI API:
 * {@code event}, {@code id} and {@code retry} are read and dropped. Bytes may arrive cut anywhere, even inside a
 * UTF-8 sequence: data is decoded once its line is complete.
 */
final class SseParser {
    /** Longest line accepted, bytes: a token event is a few hundred. */
    static final int MAX_LINE = 1 << 20;

    private final Consumer<String> onEvent;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private final StringBuilder data = new StringBuilder(512);
    private boolean hasData;
    private boolean lastWasCr;

    /** @param onEvent receives each event's data (events without data are not dispatched) */
    SseParser(Consumer<String> onEvent) {
        this.onEvent = onEvent;
    }

    /** Feeds the next bytes; dispatches every event they complete. */
    void feed(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue; // the LF of a CRLF
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine();
            } else {
                if (line.size() >= MAX_LINE) {
                    throw new IllegalArgumentException("an event line is longer than " + MAX_LINE + " bytes");
                }
                line.write(b);
            }
        }
    }

    /** True when bytes of an unfinished line or event are waiting for more. */
    boolean midEvent() {
        return line.size() > 0 || hasData;
    }

    private void endLine() {
        if (line.size() == 0) {
            if (hasData) {
                String event = data.toString();
                data.setLength(0);
                hasData = false;
                onEvent.accept(event);
            }
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        }
    }
}
