package dev.llmbench.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Added tokens (special tokens such as {@code <|im_end|>} among them) are found in the text before the BPE sees
 * it: the leftmost match wins and, among matches starting there, the longest (Hugging Face's LeftmostLongest).
 * Tokens with {@code normalized: false} are matched in the raw text, the others in the normalized text.
 */
final class AddedTokens {
    /** One added token of tokenizer.json. */
    record Token(int id, String content, boolean special, boolean normalized, boolean lstrip, boolean rstrip) {
        Token {
            if (content == null || content.isEmpty()) {
                throw new IllegalArgumentException("content must not be empty");
            }
        }
    }

    /** A stretch of text: an added token's id, or -1 for text that still needs the BPE. */
    record Segment(String text, int id) {
    }

    private final Matcher raw;
    private final Matcher normalized;

    AddedTokens(List<Token> tokens, UnaryOperator<String> normalizer) {
        List<Token> rawTokens = new ArrayList<>();
        List<Token> normTokens = new ArrayList<>();
        for (Token t : tokens) {
            if (t.normalized()) {
                normTokens.add(new Token(t.id(), normalizer.apply(t.content()), t.special(), true, t.lstrip(),
                        t.rstrip()));
            } else {
                rawTokens.add(t);
            }
        }
        raw = new Matcher(rawTokens);
        normalized = new Matcher(normTokens);
    }

    List<Segment> splitRaw(String text) {
        return raw.split(text);
    }

    List<Segment> splitNormalized(String text) {
        return normalized.split(text);
    }

    private static final class Matcher {
        /** Candidates by first character, longest first. */
        private final Map<Character, List<Token>> byFirstChar = new HashMap<>();

        Matcher(List<Token> tokens) {
            for (Token t : tokens) {
                byFirstChar.computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>()).add(t);
            }
            for (List<Token> list : byFirstChar.values()) {
                list.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
            }
        }

        List<Segment> split(String text) {
            if (byFirstChar.isEmpty()) {
                return List.of(new Segment(text, -1));
            }
            List<Segment> out = new ArrayList<>();
            int done = 0; // end of the last emitted segment
            int i = 0;
            while (i < text.length()) {
                Token match = longestAt(text, i);
                if (match == null) {
                    i++;
                    continue;
                }
                int start = i;
                int end = i + match.content().length();
                if (match.lstrip()) {
                    while (start > done && isWhiteSpace(text.codePointBefore(start))) {
                        start -= Character.charCount(text.codePointBefore(start));
                    }
                }
                if (match.rstrip()) {
                    while (end < text.length() && isWhiteSpace(text.codePointAt(end))) {
                        end += Character.charCount(text.codePointAt(end));
                    }
                }
                if (start > done) {
                    out.add(new Segment(text.substring(done, start), -1));
                }
                out.add(new Segment(text.substring(start, end), match.id()));
                done = end;
                i = end;
            }
            if (done < text.length()) {
                out.add(new Segment(text.substring(done), -1));
            }
            return out;
        }

        private Token longestAt(String text, int i) {
            List<Token> candidates = byFirstChar.get(text.charAt(i));
            if (candidates != null) {
                for (Token t : candidates) {
                    if (text.startsWith(t.content(), i)) {
                        return t;
                    }
                }
            }
            return null;
        }
    }

    /** Unicode's White_Space property, what {@code \s} means in the regexes Hugging Face strips with. */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }
}
