package dev.llmbench.results;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Bytes of a results file to a JSON tree: size limit, strict UTF-8, then a parse whose every failure becomes a
 * {@link ResultsFormatException} naming the JSON path and line. Jackson's own wording never reaches the user
 * unedited.
 */
final class JsonInput {
    /** Jackson's nested location text, e.g. "[Source: REDACTED (...); line: 197, column: 19]". */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");

    private JsonInput() {
    }

    /** Reads at most {@link ResultsJson#MAX_FILE_BYTES}; the size is checked before any byte is parsed. */
    static byte[] readBounded(Path file, String name) throws ResultsFormatException {
        try {
            if (Files.isDirectory(file)) {
                throw new ResultsFormatException(name, "", "is a directory; expected a results .json file");
            }
            long size = Files.size(file);
            if (size > ResultsJson.MAX_FILE_BYTES) {
                throw tooLarge(name, size);
            }
            try (InputStream in = Files.newInputStream(file)) {
                // The file may grow between the size check and the read: never take more than the limit.
                byte[] bytes = in.readNBytes((int) ResultsJson.MAX_FILE_BYTES + 1);
                if (bytes.length > ResultsJson.MAX_FILE_BYTES) {
                    throw tooLarge(name, bytes.length);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new ResultsFormatException(name, "", "no such file");
        } catch (IOException e) {
            throw new ResultsFormatException(name, "", "cannot be read: " + e.getMessage());
        }
    }

    private static ResultsFormatException tooLarge(String name, long size) {
        return new ResultsFormatException(name, JsonPaths.ROOT, "file is " + size + " bytes, over the limit of "
                + ResultsJson.MAX_FILE_BYTES + " bytes; a results file is a few MB at most: is this the right file?");
    }

    /** Strict UTF-8 (a UTF-8 byte order mark is skipped); other encodings are named and refused. */
    static String decode(String name, byte[] bytes) throws ResultsFormatException {
        int start = 0;
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            start = 3;
        } else if (startsWith(bytes, 0xFE, 0xFF) || startsWith(bytes, 0xFF, 0xFE) || startsWith(bytes, 0, 0, 0xFE, 0xFF)) {
            String bom = String.format(Locale.ROOT, "%02X %02X", bytes[0] & 0xff, bytes[1] & 0xff);
            throw new ResultsFormatException(name, JsonPaths.ROOT, "file is UTF-16 or UTF-32 (it starts with the byte order mark "
                    + bom + "); results files are UTF-8: save it as UTF-8");
        }
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new ResultsFormatException(name, JsonPaths.ROOT, "file has a NUL byte at offset " + i
                        + ", so it is UTF-16, UTF-32 or binary, not UTF-8 JSON; save it as UTF-8");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            String prefix = out.flip().toString();
            throw new ResultsFormatException(name, pathAtEnd(prefix), String.format(Locale.ROOT,
                    "byte 0x%02X at %s (offset %d) is not valid UTF-8 (Latin-1 or Windows-1252 text?); "
                            + "results files are UTF-8: save it as UTF-8", bytes[offset] & 0xff, lineColumn(prefix), offset));
        }
        return out.flip().toString();
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** "line L, column C" of the position just after {@code prefix}, 1-based. */
    private static String lineColumn(String prefix) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (prefix.length() - lineStart + 1);
    }

    /** The JSON path a parser reaches at the end of a (cut) document: where an undecodable byte sits. */
    private static String pathAtEnd(String prefix) {
        try (JsonParser parser = ResultsJson.mapper().createParser(prefix)) {
            try {
                while (parser.nextToken() != null) {
                    // walk to the end; the context then names the value being read
                }
            } catch (JacksonException e) {
                // the cut document ends early: the context is where we want it
            }
            return JsonPaths.of(parser.getParsingContext());
        } catch (IOException e) {
            return JsonPaths.ROOT;
        }
    }

    /** Parses one JSON value; duplicate keys, NaN, deep nesting, trailing content and truncation are errors. */
    static JsonNode parse(String name, String text) throws ResultsFormatException {
        if (text.isBlank()) {
            throw new ResultsFormatException(name, JsonPaths.ROOT,
                    "file is empty; expected a JSON object with \"schema_version\"");
        }
        JsonParser parser;
        try {
            parser = ResultsJson.mapper().createParser(text);
        } catch (IOException e) {
            throw new ResultsFormatException(name, JsonPaths.ROOT, "cannot be parsed: " + firstLine(e.getMessage()));
        }
        try (parser) {
            JsonNode tree = ResultsJson.mapper().readTree(parser);
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw new ResultsFormatException(name, JsonPaths.ROOT, "unexpected content after the top-level value at "
                        + where(parser.currentTokenLocation()) + "; a results file holds one JSON object");
            }
            return tree;
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage();
            String problem = message != null && message.contains("nesting depth")
                    ? "nested deeper than " + ResultsJson.MAX_NESTING + " levels; a results file nests 6 levels at most"
                    : message != null && message.contains("String value length")
                    ? "a string longer than " + ResultsJson.MAX_STRING_LENGTH + " characters; results files hold short strings"
                    : message != null && message.contains("Number value length")
                    ? "a number with too many digits; expected a plain number such as 41.25"
                    : "a value over the parser's size limits";
            throw new ResultsFormatException(name, JsonPaths.of(parser.getParsingContext()), problem);
        } catch (JsonEOFException e) {
            throw new ResultsFormatException(name, JsonPaths.of(parser.getParsingContext()),
                    "file ends early at " + where(e.getLocation()) + " (truncated?); expected the rest of the "
                            + (parser.getParsingContext().inArray() ? "array and its ]" : "object and its }"));
        } catch (JacksonException e) {
            String message = syntaxProblem(e);
            String path = syntaxPath(parser, e.getOriginalMessage());
            throw new ResultsFormatException(name, path, message);
        } catch (IOException e) {
            throw new ResultsFormatException(name, JsonPaths.ROOT, "cannot be parsed: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Where a syntax error sits: the value being read, except when a key was expected (a stray comma, a single-quoted
     * key): the parser still holds the previous key then, but the error belongs to the object.
     */
    private static String syntaxPath(JsonParser parser, String message) {
        JsonStreamContext context = parser.getParsingContext();
        boolean expectingKey = message != null && message.contains("to start field name")
                && context.inObject() && context.getCurrentName() != null;
        return JsonPaths.of(expectingKey ? context.getParent() : context);
    }

    private static String syntaxProblem(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String at = " at " + where(e.getLocation());
        if (message.startsWith("Duplicate field '")) {
            String key = message.substring("Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()));
            return "duplicate key \"" + key + "\"" + at + "; each key may appear once in an object";
        }
        if (message.startsWith("Non-standard token '")) {
            String token = message.substring("Non-standard token '".length(), message.indexOf('\'', "Non-standard token '".length()));
            return token + at + " is not a JSON number; expected a finite number (NaN and Infinity are not allowed)";
        }
        if (message.startsWith("Unexpected end-of-input")) {
            return "file ends early" + at + " (truncated?); expected the rest of the value and its closing bracket";
        }
        if (message.startsWith("Trailing token")) {
            return "unexpected content after the top-level value" + at + "; a results file holds one JSON object";
        }
        // Drop Jackson's advice about its own feature flags and its source descriptions; the rest is one human line.
        int advice = message.indexOf(": enable `");
        if (advice > 0) {
            message = message.substring(0, advice);
        }
        message = SOURCE_LOCATION.matcher(message).replaceAll("line $1, column $2");
        return "not valid JSON" + at + ": " + firstLine(message);
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no detail";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
