package dev.llmbench.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits normalized text into pre-tokens with one or more regular expressions, each match and each gap between
 * matches becoming its own piece (Hugging Face's {@code Split} with behavior {@code Isolated}).
 *
 * <p>Patterns in tokenizer.json are Oniguruma regexes. Java reads them alike once compiled with
 * {@link Pattern#UNICODE_CHARACTER_CLASS}: then {@code \s} is Unicode White_Space (as in Oniguruma, not just
 * ASCII), {@code \p{L}} and {@code \p{N}} are the general categories, and {@code (?i:...)} folds Unicode case.
 */
final class PreTokenizer {
    /** GPT-2's pattern, used by a ByteLevel pre-tokenizer with {@code use_regex: true}. */
    static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private final List<Pattern> patterns;

    PreTokenizer(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** Hands each non-empty pre-token of {@code text} to {@code sink}, in order. */
    void split(String text, Consumer<String> sink) {
        if (text.isEmpty()) {
            return;
        }
        if (patterns.isEmpty()) {
            sink.accept(text);
            return;
        }
        List<String> pieces = List.of(text);
        for (int p = 0; p < patterns.size() - 1; p++) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                isolate(patterns.get(p), piece, next::add);
            }
            pieces = next;
        }
        Pattern last = patterns.getLast();
        for (String piece : pieces) {
            isolate(last, piece, sink);
        }
    }

    private static void isolate(Pattern pattern, String text, Consumer<String> sink) {
        Matcher m = pattern.matcher(text);
        int done = 0;
        while (m.find()) {
            if (m.start() == m.end()) {
                continue; // an empty match makes an empty piece, which Hugging Face drops
            }
            if (m.start() > done) {
                sink.accept(text.substring(done, m.start()));
            }
            sink.accept(text.substring(m.start(), m.end()));
            done = m.end();
        }
        if (done < text.length()) {
            sink.accept(text.substring(done));
        }
    }
}
