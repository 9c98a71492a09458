package dev.llmbench.results;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.ContentReference;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bytes of a results file to a JSON tree: size limit, strict UTF-8, then a parse whose every failure becomes a
 * {@link ResultsFormatException} naming the JSON path and line. Jackson's own wording never reaches the user
 * unedited.
 */
final class JsonInput {
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

    /**
     * Parses one JSON value; duplicate keys, NaN, deep nesting, trailing content and truncation are errors. A first
     * pass walks the tokens and decides every error from what the parser reached (its token, its context, the
     * location it reports) and from our own text at that location, never from Jackson's wording; the second builds
     * the tree from text that is known to parse.
     */
    static JsonNode parse(String name, String text) throws ResultsFormatException {
        if (text.isBlank()) {
            throw new ResultsFormatException(name, JsonPaths.ROOT,
                    "file is empty; expected a JSON object with \"schema_version\"");
        }
        try {
            try (JsonParser parser = ResultsJson.mapper().createParser(text)) {
                // Walk finds duplicates itself, with the key's path; Jackson would only say so in words
                parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                new Walk(name, text, parser).run();
            }
            return ResultsJson.mapper().readTree(text);
        } catch (ResultsFormatException e) {
            throw e;
        } catch (JacksonException e) {
            // the walk accepted the text, so the tree cannot fail on syntax; report whatever this is at its place
            throw new ResultsFormatException(name, JsonPaths.ROOT, "cannot be parsed at " + where(e.getLocation())
                    + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ResultsFormatException(name, JsonPaths.ROOT, "cannot be parsed: " + firstLine(e.getMessage()));
        }
    }

    /** One pass over the tokens of a document, turning the first problem into a {@link ResultsFormatException}. */
    private static final class Walk {
        private static final Set<String> ARRAY = Set.of();
        /** JSON has no literal for these; a parser told to accept them would read them as non-finite doubles. */
        private static final List<String> NON_FINITE = List.of("-Infinity", "+Infinity", "Infinity", "-INF", "+INF", "NaN");

        private final String name;
        private final String text;
        private final JsonParser parser;
        /** Keys seen so far in each open object, innermost first; {@link #ARRAY} for an open array. */
        private final Deque<Set<String>> open = new ArrayDeque<>();

        Walk(String name, String text, JsonParser parser) {
            this.name = name;
            this.text = text;
            this.parser = parser;
        }

        void run() throws ResultsFormatException, IOException {
            JsonToken t = next();
            while (t != null) {
                switch (t) {
                    case START_OBJECT -> open.push(new HashSet<>());
                    case START_ARRAY -> open.push(ARRAY);
                    case END_OBJECT, END_ARRAY -> open.pop();
                    case FIELD_NAME -> {
                        if (!open.element().add(parser.currentName())) {
                            throw problem("duplicate key \"" + parser.currentName() + "\" at "
                                    + where(parser.currentTokenLocation()) + "; each key may appear once in an object");
                        }
                    }
                    case VALUE_STRING -> stringValue();
                    default -> {
                    }
                }
                if (open.isEmpty()) {
                    break; // the top-level value is complete
                }
                t = next();
            }
            if (next() != null) {
                throw problem("unexpected content after the top-level value at "
                        + where(parser.currentTokenLocation()) + "; a results file holds one JSON object");
            }
        }

        /** The string's text is read lazily: its length limit applies here, not in {@link #next()}. */
        private void stringValue() throws ResultsFormatException, IOException {
            try {
                parser.getText();
            } catch (StreamConstraintsException e) {
                throw problem("a string longer than " + constraints().getMaxStringLength()
                        + " characters; results files hold short strings");
            }
        }

        private JsonToken next() throws ResultsFormatException, IOException {
            try {
                return parser.nextToken();
            } catch (StreamConstraintsException e) {
                throw overLimit();
            } catch (JacksonException e) {
                boolean atKey = keyExpected();
                JsonLocation at = e.getLocation();
                if (e instanceof JsonEOFException || (at != null && at.getCharOffset() >= text.length())) {
                    throw problem("file ends early at " + where(at) + " (truncated?); expected the rest of the "
                            + (parser.getParsingContext().inArray() ? "array and its ]" : "object and its }"));
                }
                String mismatch = mismatchedClose(at);
                if (mismatch != null) {
                    throw problem(mismatch);
                }
                int value = valueStart();
                String literal = value < 0 ? null : NON_FINITE.stream().filter(l -> text.startsWith(l, value))
                        .findFirst().orElse(null);
                if (literal != null) {
                    throw problem(literal + " at " + lineColumn(text.substring(0, value))
                            + " is not a JSON number; expected a finite number (NaN and Infinity are not allowed)");
                }
                if (value >= 0 && value + 1 < text.length() && text.charAt(value) == '+'
                        && Character.isDigit(text.charAt(value + 1))) {
                    throw problem("a number with a plus sign at " + lineColumn(text.substring(0, value))
                            + " is not JSON; write it without the +");
                }
                String syntax = "not valid JSON at " + where(at) + ": " + firstLine(e.getOriginalMessage());
                throw atKey ? problemAtKey(syntax) : problem(syntax);
            }
        }

        /**
         * A {@code ]} closing an object or a {@code }} closing an array: the parser stops at the bracket, and the open
         * container's own start is where the reader should look.
         */
        private String mismatchedClose(JsonLocation at) {
            long offset = at == null ? -1 : at.getCharOffset();
            if (offset < 0 || offset >= text.length() || open.isEmpty()) {
                return null;
            }
            char found = text.charAt((int) offset);
            boolean inArray = open.element() == ARRAY;
            if (!(found == '}' && inArray) && !(found == ']' && !inArray)) {
                return null;
            }
            JsonLocation start = parser.getParsingContext().startLocation(ContentReference.unknown());
            return "'" + found + "' at " + where(at) + " closes the "
                    + (inArray ? "array" : "object") + " opened at " + where(start) + "; expected '"
                    + (inArray ? ']' : '}') + "' (a bracket is missing or one too many)";
        }

        /** Which of the parser's limits was passed: told by where the parser stands, since each limit has its place. */
        private ResultsFormatException overLimit() {
            StreamReadConstraints limits = constraints();
            if (parser.getParsingContext().getNestingDepth() > limits.getMaxNestingDepth()) {
                return problem("nested deeper than " + limits.getMaxNestingDepth() + " levels; a results file nests 6 levels at most");
            }
            if (keyExpected()) {
                return problemAtKey("a key longer than " + limits.getMaxNameLength() + " characters; results files use short keys");
            }
            // a string value is read lazily (see stringValue()), so a value that fails here is a number
            return problem("a number with more than " + limits.getMaxNumberLength()
                    + " characters (too many digits); expected a plain number such as 41.25");
        }

        /**
         * True when the failed token stands where a key belongs: inside an object, with no key read for it yet. The
         * parser sets FIELD_NAME as soon as it has read a key, before it reads the key's value.
         */
        private boolean keyExpected() {
            return parser.getParsingContext().inObject() && parser.currentToken() != JsonToken.FIELD_NAME;
        }

        /**
         * Where the value that failed starts in {@code text}, or -1 where a key failed. The parser's token location is
         * the value's in an array, and the key's in an object (then the value follows the key and its colon).
         */
        private int valueStart() {
            if (keyExpected() || parser.getParsingContext().inRoot()) {
                return -1;
            }
            long at = parser.currentTokenLocation().getCharOffset();
            if (at < 0 || at >= text.length()) {
                return -1;
            }
            int i = (int) at;
            if (parser.currentToken() == JsonToken.FIELD_NAME) {
                i = skipBlanks(afterString(i));
                if (i >= text.length() || text.charAt(i) != ':') {
                    return -1;
                }
                i = skipBlanks(i + 1);
            }
            return i < text.length() ? i : -1;
        }

        /** The index just after the JSON string starting at {@code i} (its opening quote). */
        private int afterString(int i) {
            int j = i + 1;
            while (j < text.length() && text.charAt(j) != '"') {
                j += text.charAt(j) == '\\' ? 2 : 1;
            }
            return j + 1;
        }

        private int skipBlanks(int i) {
            while (i < text.length() && " \t\r\n".indexOf(text.charAt(i)) >= 0) {
                i++;
            }
            return i;
        }

        /** A problem at the value (or key) the parser is on. */
        private ResultsFormatException problem(String message) {
            return new ResultsFormatException(name, JsonPaths.of(parser.getParsingContext()), message);
        }

        /**
         * A problem where a key was expected (a stray comma, a single-quoted key): the parser still holds the previous
         * key then, but the problem belongs to the object.
         */
        private ResultsFormatException problemAtKey(String message) {
            JsonStreamContext context = parser.getParsingContext();
            return new ResultsFormatException(name,
                    JsonPaths.of(context.getCurrentName() != null ? context.getParent() : context), message);
        }

        private static StreamReadConstraints constraints() {
            return ResultsJson.mapper().getFactory().streamReadConstraints();
        }
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
