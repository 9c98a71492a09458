package dev.llmbench.engine;

/** Text to token ids and back, as the model's {@code tokenizer.json} defines it. */
public interface Tokenizer {
    int[] encode(String text);

    String decode(int[] ids);
}
