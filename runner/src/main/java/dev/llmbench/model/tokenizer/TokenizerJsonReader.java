package dev.llmbench.model.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a Hugging Face tokenizer.json of a byte-level BPE (GPT-2, Qwen2, Llama 3 style) and checks every part
 * this implementation relies on; anything it would silently get wrong is refused with the JSON path.
 */
final class TokenizerJsonReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;
    private final String file;

    TokenizerJsonReader(Path path) {
        this.path = path;
        this.file = path.toString();
    }

    BpeTokenizer read() throws TokenizerFormatException {
        Parsed parsed = parse();
        ObjectNode root = parsed.root();
        UnaryOperator<String> normalizer = normalizer(root.get("normalizer"), "$.normalizer");
        PreTokenizer preTokenizer = preTokenizer(root.get("pre_tokenizer"));
        checkDecoder(root.get("decoder"));

        ObjectNode model = parsed.model();
        if (model == null) {
            throw error("$.model", "missing; expected the BPE model object with vocab and merges");
        }
        JsonNode type = model.get("type");
        if (type != null && !"BPE".equals(type.asText())) {
            throw error("$.model.type", "'" + type.asText() + "' is not supported; expected 'BPE'");
        }
        checkModelOptions(model);
        if (parsed.vocab() == null) {
            throw error("$.model.vocab", "missing; expected an object from token to id");
        }
        if (parsed.merges() == null) {
            throw error("$.model.merges", "missing; expected an array of merges (\"a b\" or [\"a\", \"b\"])");
        }
        MergeTable merges = merges(parsed.merges(), parsed.vocab());
        boolean ignoreMerges = optionalBoolean(model, "ignore_merges", "$.model", false);
        List<AddedTokens.Token> added = addedTokens(root.get("added_tokens"));
        return new BpeTokenizer(normalizer, new AddedTokens(added, normalizer), preTokenizer,
                new BpeModel(parsed.vocab(), merges, ignoreMerges), parsed.vocab(), added);
    }

    /**
     * The file with {@code model.vocab} and {@code model.merges} read by streaming (a Qwen2 vocabulary has
     * 151,643 tokens and as many merges: a JSON tree of them would cost seconds and hundreds of MB); every other
     * part as a tree. {@code merges} holds left and right token in turn.
     */
    private record Parsed(ObjectNode root, ObjectNode model, Map<String, Integer> vocab, List<String> merges) {
    }

    private Parsed parse() throws TokenizerFormatException {
        try (var in = Files.newInputStream(path); JsonParser p = MAPPER.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw error("$", "expected a JSON object (a Hugging Face tokenizer.json)");
            }
            ObjectNode root = MAPPER.createObjectNode();
            ObjectNode model = null;
            Map<String, Integer> vocab = null;
            List<String> merges = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!"model".equals(name) || value != JsonToken.START_OBJECT) {
                    root.set(name, p.readValueAsTree());
                    continue;
                }
                model = MAPPER.createObjectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("vocab".equals(field) && v == JsonToken.START_OBJECT) {
                        vocab = streamVocab(p);
                    } else if ("merges".equals(field) && v == JsonToken.START_ARRAY) {
                        merges = streamMerges(p);
                    } else if ("vocab".equals(field)) {
                        throw error("$.model.vocab", "expected an object from token to id, got " + v);
                    } else if ("merges".equals(field)) {
                        throw error("$.model.merges", "expected an array of merges, got " + v);
                    } else {
                        model.set(field, p.readValueAsTree());
                    }
                }
            }
            return new Parsed(root, model, vocab, merges);
        } catch (NoSuchFileException e) {
            throw error("", "no such file; a model folder needs its tokenizer.json for text prompts");
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw error("", "not valid JSON" + (where == null ? "" : " (line " + where.getLineNr() + ", column "
                    + where.getColumnNr() + ")") + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw error("", "cannot read: " + e.getMessage());
        }
    }

    private Map<String, Integer> streamVocab(JsonParser p) throws IOException, TokenizerFormatException {
        Map<String, Integer> vocab = new HashMap<>(1 << 18);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                    || p.getIntValue() < 0) {
                throw error("$.model.vocab[" + quote(token) + "]", "expected a non-negative integer id, got "
                        + (v == JsonToken.VALUE_STRING ? quote(p.getText()) : p.getText()));
            }
            vocab.put(token, p.getIntValue());
        }
        return vocab;
    }

    private List<String> streamMerges(JsonParser p) throws IOException, TokenizerFormatException {
        List<String> merges = new ArrayList<>(1 << 19);
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String at = "$.model.merges[" + i + "]";
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                String merge = p.getText();
                int space = merge.indexOf(' ');
                if (space <= 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) {
                    throw error(at, "expected two tokens separated by one space, got " + quote(merge));
                }
                merges.add(merge.substring(0, space));
                merges.add(merge.substring(space + 1));
            } else {
                String left = p.currentToken() == JsonToken.START_ARRAY ? nextString(p) : null;
                String right = left == null ? null : nextString(p);
                if (right == null || p.nextToken() != JsonToken.END_ARRAY) {
                    throw error(at, "expected \"a b\" or [\"a\", \"b\"]");
                }
                merges.add(left);
                merges.add(right);
            }
        }
        return merges;
    }

    private static String nextString(JsonParser p) throws IOException {
        return p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private UnaryOperator<String> normalizer(JsonNode node, String where) throws TokenizerFormatException {
        if (node == null || node.isNull()) {
            return UnaryOperator.identity();
        }
        String type = type(node, where);
        return switch (type) {
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Sequence" -> {
                JsonNode list = array(node, "normalizers", where);
                List<UnaryOperator<String>> steps = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    steps.add(normalizer(list.get(i), where + ".normalizers[" + i + "]"));
                }
                yield s -> {
                    String out = s;
                    for (UnaryOperator<String> step : steps) {
                        out = step.apply(out);
                    }
                    return out;
                };
            }
            default -> throw error(where + ".type", "normalizer '" + type
                    + "' is not supported; expected NFC, NFD, NFKC, NFKD or a Sequence of them");
        };
    }

    /** A Split (Isolated) sequence ending in ByteLevel, or ByteLevel alone. */
    private PreTokenizer preTokenizer(JsonNode node) throws TokenizerFormatException {
        String where = "$.pre_tokenizer";
        if (node == null || node.isNull()) {
            throw error(where, "missing; a byte-level BPE needs a ByteLevel pre-tokenizer");
        }
        List<JsonNode> steps = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        if ("Sequence".equals(type(node, where))) {
            JsonNode list = array(node, "pretokenizers", where);
            for (int i = 0; i < list.size(); i++) {
                steps.add(list.get(i));
                paths.add(where + ".pretokenizers[" + i + "]");
            }
        } else {
            steps.add(node);
            paths.add(where);
        }
        List<Pattern> patterns = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String at = paths.get(i);
            String type = type(step, at);
            boolean last = i == steps.size() - 1;
            switch (type) {
                case "Split" -> patterns.add(split(step, at));
                case "ByteLevel" -> {
                    if (!last) {
                        throw error(at, "ByteLevel must be the last pre-tokenizer");
                    }
                    if (optionalBoolean(step, "add_prefix_space", at, false)) {
                        throw error(at + ".add_prefix_space", "true is not supported; expected false");
                    }
                    if (optionalBoolean(step, "use_regex", at, true)) {
                        patterns.add(PreTokenizer.compile(PreTokenizer.GPT2_PATTERN));
                    }
                }
                default -> throw error(at + ".type", "pre-tokenizer '" + type
                        + "' is not supported; expected Split or ByteLevel");
            }
            if (last && !"ByteLevel".equals(type)) {
                throw error(at, "a byte-level BPE needs ByteLevel as the last pre-tokenizer");
            }
        }
        return new PreTokenizer(patterns);
    }

    private Pattern split(JsonNode step, String at) throws TokenizerFormatException {
        JsonNode pattern = step.get("pattern");
        if (pattern == null || !pattern.isObject()) {
            throw error(at + ".pattern", "missing; expected {\"Regex\": ...} or {\"String\": ...}");
        }
        String behavior = step.path("behavior").asText("");
        if (!"Isolated".equals(behavior)) {
            throw error(at + ".behavior", "'" + behavior + "' is not supported; expected 'Isolated'");
        }
        if (optionalBoolean(step, "invert", at, false)) {
            throw error(at + ".invert", "true is not supported; expected false");
        }
        if (pattern.hasNonNull("Regex")) {
            String regex = pattern.get("Regex").asText();
            try {
                return PreTokenizer.compile(regex);
            } catch (PatternSyntaxException e) {
                throw error(at + ".pattern.Regex", "not a regular expression this tokenizer can run: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        }
        if (pattern.hasNonNull("String")) {
            return Pattern.compile(Pattern.quote(pattern.get("String").asText()));
        }
        throw error(at + ".pattern", "expected {\"Regex\": ...} or {\"String\": ...}");
    }

    private void checkDecoder(JsonNode node) throws TokenizerFormatException {
        String where = "$.decoder";
        if (node == null || node.isNull()) {
            throw error(where, "missing; a byte-level BPE needs the ByteLevel decoder");
        }
        String type = type(node, where);
        if (!"ByteLevel".equals(type)) {
            throw error(where + ".type", "decoder '" + type + "' is not supported; expected 'ByteLevel'");
        }
    }

    private void checkModelOptions(JsonNode model) throws TokenizerFormatException {
        JsonNode dropout = model.get("dropout");
        if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0.0) {
            throw error("$.model.dropout", dropout + " is not supported; expected null (no BPE dropout)");
        }
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            JsonNode v = model.get(affix);
            if (v != null && !v.isNull() && !v.asText().isEmpty()) {
                throw error("$.model." + affix, "'" + v.asText() + "' is not supported; expected null");
            }
        }
    }

    private MergeTable merges(List<String> pairs, Map<String, Integer> vocab) throws TokenizerFormatException {
        MergeTable table = new MergeTable(pairs.size() / 2);
        for (int rank = 0; rank < pairs.size() / 2; rank++) {
            String left = pairs.get(2 * rank);
            String right = pairs.get(2 * rank + 1);
            Integer l = vocab.get(left);
            Integer r = vocab.get(right);
            Integer m = vocab.get(left + right);
            if (l == null || r == null || m == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw error("$.model.merges[" + rank + "]", "token " + quote(missing) + " is not in $.model.vocab");
            }
            table.put(l, r, rank, m);
        }
        return table;
    }

    private List<AddedTokens.Token> addedTokens(JsonNode node) throws TokenizerFormatException {
        List<AddedTokens.Token> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw error("$.added_tokens", "expected an array");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            String at = "$.added_tokens[" + i + "]";
            if (!t.isObject()) {
                throw error(at, "expected an object with id and content");
            }
            JsonNode id = t.get("id");
            if (id == null || !id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw error(at + ".id", "expected a non-negative integer id, got " + id);
            }
            JsonNode content = t.get("content");
            if (content == null || !content.isTextual() || content.asText().isEmpty()) {
                throw error(at + ".content", "expected a non-empty string, got " + content);
            }
            if (optionalBoolean(t, "single_word", at, false)) {
                throw error(at + ".single_word", "true is not supported; expected false");
            }
            boolean special = optionalBoolean(t, "special", at, false);
            out.add(new AddedTokens.Token(id.intValue(), content.asText(), special,
                    optionalBoolean(t, "normalized", at, !special), optionalBoolean(t, "lstrip", at, false),
                    optionalBoolean(t, "rstrip", at, false)));
        }
        return out;
    }

    private String type(JsonNode node, String where) throws TokenizerFormatException {
        if (!node.isObject()) {
            throw error(where, "expected an object with a type");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw error(where + ".type", "missing; expected a string");
        }
        return type.asText();
    }

    private JsonNode array(JsonNode node, String field, String where) throws TokenizerFormatException {
        JsonNode list = node.get(field);
        if (list == null || !list.isArray()) {
            throw error(where + "." + field, "missing; expected an array");
        }
        return list;
    }

    private boolean optionalBoolean(JsonNode node, String field, String where, boolean fallback)
            throws TokenizerFormatException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw error(where + "." + field, "expected true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static String quote(String s) {
        return MAPPER.getNodeFactory().textNode(s).toString();
    }

    private TokenizerFormatException error(String jsonPath, String problem) {
        return new TokenizerFormatException(file, jsonPath, problem);
    }
}
