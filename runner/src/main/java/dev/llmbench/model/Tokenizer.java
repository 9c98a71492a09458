package dev.llmbench.model;

/**
 * Text to token ids and back, as the model's {@code tokenizer.json} defines it
 * ({@link dev.llmbench.model.tokenizer.BpeTokenizer}); {@link ModelSource#tokenizer()} gives a model's.
 */
public interface Tokenizer {
    /** The ids of {@code text}, special tokens in it included, no BOS or EOS added. */
    int[] encode(String text);

    /** The text of {@code ids}, special tokens included; bytes that are not valid UTF-8 become U+FFFD. */
    String decode(int[] ids);
}
