package dev.llmbench.serve;

import dev.llmbench.model.Tokenizer;

import java.util.Arrays;

/**
 * The text of a growing token sequence, piece by piece: each new token's text is the decoded tail minus the text
 * already sent. A token that ends inside a UTF-8 sequence (a Hangul syllable split over byte tokens) decodes to
 * U+FFFD; its text is held back until the sequence completes, so no piece ever carries half a character.
 */
final class IncrementalText {
    private final Tokenizer tokenizer;
    private int[] ids = new int[64];
    private int size;
    /** Start of the window decoded for context, and the end of what was sent. */
    private int prefixOffset;
    private int readOffset;

    IncrementalText(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds a token and returns the text it completes ("" while a character is unfinished). */
    String next(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String before = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String now = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        if (now.length() > before.length() && !now.endsWith("\uFFFD")) {
            prefixOffset = readOffset;
            readOffset = size;
            return now.substring(before.length());
        }
        return "";
    }

    /** The text still held back at the end of the sequence (an unfinished character, as U+FFFD). */
    String rest() {
        String before = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String now = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        readOffset = size;
        prefixOffset = size;
        return now.length() > before.length() ? now.substring(before.length()) : "";
    }
}
