package dev.llmbench.model.tokenizer;

import dev.llmbench.model.Tokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A byte-level BPE tokenizer read from a Hugging Face {@code tokenizer.json} (Qwen2/Qwen2.5, GPT-2, Llama 3
 * style), giving the same ids as Hugging Face tokenizers.
 *
 * <p>Encoding, in pipeline order: added tokens matched in the raw text; NFC (the file's normalizer) on the rest;
 * added tokens with {@code normalized: true} matched in the normalized text; the pre-tokenizer regex splits the
 * rest into pre-tokens; each pre-token's UTF-8 bytes go through the BPE merges. Decoding maps every token back
 * to its bytes and reads them as UTF-8, each invalid sequence becoming U+FFFD.
 *
 * <p>Immutable after loading and safe to share between threads.
 */
public final class BpeTokenizer implements Tokenizer {
    private static final byte[] NOTHING = new byte[0];

    private final UnaryOperator<String> normalizer;
    private final AddedTokens addedTokens;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final Map<String, Integer> vocab;
    private final Map<String, Integer> addedIds = new HashMap<>();
    /** (vocab size) the bytes each id decodes to; null for an id no token has. */
    private final byte[][] tokenBytes;
    /** (vocab size) whether each id is a special added token. */
    private final boolean[] special;

    BpeTokenizer(UnaryOperator<String> normalizer, AddedTokens addedTokens, PreTokenizer preTokenizer,
                 BpeModel model, Map<String, Integer> vocab, List<AddedTokens.Token> added) {
        this.normalizer = normalizer;
        this.addedTokens = addedTokens;
        this.preTokenizer = preTokenizer;
        this.model = model;
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        for (AddedTokens.Token t : added) {
            size = Math.max(size, t.id() + 1);
        }
        tokenBytes = new byte[size][];
        special = new boolean[size];
        vocab.forEach((token, id) -> tokenBytes[id] = ByteLevel.decode(token));
        for (AddedTokens.Token t : added) {
            // an added token decodes as its content, also where the vocabulary has the same id
            tokenBytes[t.id()] = ByteLevel.decode(t.content());
            special[t.id()] = t.special();
            addedIds.put(t.content(), t.id());
        }
        this.vocab = vocab;
    }

    /**
     * Reads {@code tokenizerJson}.
     *
     * @throws TokenizerFormatException if the file is missing, is not JSON, or is not a byte-level BPE this
     *     class supports; the message names the file and the JSON path
     */
    public static BpeTokenizer load(Path tokenizerJson) throws TokenizerFormatException {
        return new TokenizerJsonReader(tokenizerJson).read();
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        IntList ids = new IntList();
        for (AddedTokens.Segment raw : addedTokens.splitRaw(text)) {
            if (raw.id() >= 0) {
                ids.add(raw.id());
                continue;
            }
            for (AddedTokens.Segment part : addedTokens.splitNormalized(normalizer.apply(raw.text()))) {
                if (part.id() >= 0) {
                    ids.add(part.id());
                } else {
                    preTokenizer.split(part.text(), piece -> model.encode(piece, ids));
                }
            }
        }
        return ids.toArray();
    }

    /** The text of {@code ids}, special tokens included (Hugging Face's {@code skip_special_tokens=False}). */
    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of {@code ids}; bytes that do not form valid UTF-8 become U+FFFD. An id that no token has (the
     * padding rows of a model's embedding, beyond the tokenizer's vocabulary) decodes to nothing, as in Hugging
     * Face.
     *
     * @throws IllegalArgumentException if an id is negative
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        int length = 0;
        for (int id : ids) {
            length += bytesOf(id).length;
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (int id : ids) {
            if (skipSpecialTokens && isSpecial(id)) {
                continue;
            }
            byte[] b = bytesOf(id);
            System.arraycopy(b, 0, bytes, at, b.length);
            at += b.length;
        }
        return Utf8.decodeLossy(bytes, at);
    }

    /** One more than the largest token id: the size the model's embedding needs at least. */
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** The id of a vocabulary or added token, given in the vocabulary's own spelling. */
    public OptionalInt tokenId(String token) {
        Integer id = addedIds.getOrDefault(token, vocab.get(token));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether {@code id} is a special added token ({@code <|im_end|>}, ...); false for an id no token has. */
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    private byte[] bytesOf(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id " + id + " is negative");
        }
        return id < tokenBytes.length && tokenBytes[id] != null ? tokenBytes[id] : NOTHING;
    }

    @Override
    public String toString() {
        return "BpeTokenizer[vocabSize=" + vocabSize() + "]";
    }
}
