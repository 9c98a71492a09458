package dev.llmbench.engine.java.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
        JsonNode root = parse();
        if (!root.isObject()) {
            throw error("$", "expected a JSON object (a Hugging Face tokenizer.json)");
        }
        UnaryOperator<String> normalizer = normalizer(root.get("normalizer"), "$.normalizer");
        PreTokenizer preTokenizer = preTokenizer(root.get("pre_tokenizer"));
        checkDecoder(root.get("decoder"));

        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw error("$.model", "missing; expected the BPE model object with vocab and merges");
        }
        JsonNode type = model.get("type");
        if (type != null && !"BPE".equals(type.asText())) {
            throw error("$.model.type", "'" + type.asText() + "' is not supported; expected 'BPE'");
        }
        checkModelOptions(model);
        Map<String, Integer> vocab = vocab(model.get("vocab"));
        MergeTable merges = merges(model.get("merges"), vocab);
        boolean ignoreMerges = optionalBoolean(model, "ignore_merges", "$.model", false);
        List<AddedTokens.Token> added = addedTokens(root.get("added_tokens"));
        return new BpeTokenizer(normalizer, new AddedTokens(added, normalizer), preTokenizer,
                new BpeModel(vocab, merges, ignoreMerges), vocab, added);
    }

    private JsonNode parse() throws TokenizerFormatException {
        try (var in = Files.newInputStream(path)) {
            return MAPPER.readTree(in);
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

    private Map<String, Integer> vocab(JsonNode node) throws TokenizerFormatException {
        if (node == null || !node.isObject()) {
            throw error("$.model.vocab", "missing; expected an object from token to id");
        }
        Map<String, Integer> vocab = new HashMap<>(node.size() * 2);
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode id = e.getValue();
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
                throw error("$.model.vocab[" + quote(e.getKey()) + "]", "expected a non-negative integer id, got "
                        + id);
            }
            vocab.put(e.getKey(), id.intValue());
        }
        return vocab;
    }

    private MergeTable merges(JsonNode node, Map<String, Integer> vocab) throws TokenizerFormatException {
        if (node == null || !node.isArray()) {
            throw error("$.model.merges", "missing; expected an array of merges (\"a b\" or [\"a\", \"b\"])");
        }
        MergeTable table = new MergeTable(node.size());
        for (int rank = 0; rank < node.size(); rank++) {
            JsonNode merge = node.get(rank);
            String at = "$.model.merges[" + rank + "]";
            String left;
            String right;
            if (merge.isTextual()) {
                String[] parts = merge.asText().split(" ", -1);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw error(at, "expected two tokens separated by one space, got " + merge);
                }
                left = parts[0];
                right = parts[1];
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual()
                    && merge.get(1).isTextual()) {
                left = merge.get(0).asText();
                right = merge.get(1).asText();
            } else {
                throw error(at, "expected \"a b\" or [\"a\", \"b\"], got " + merge);
            }
            Integer l = vocab.get(left);
            Integer r = vocab.get(right);
            Integer m = vocab.get(left + right);
            if (l == null || r == null || m == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw error(at, "token " + quote(missing) + " is not in $.model.vocab");
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
