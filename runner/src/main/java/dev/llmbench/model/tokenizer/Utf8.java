package dev.llmbench.model.tokenizer;

/**
 * Lossy UTF-8 decoding: each maximal invalid subpart (the longest prefix of a well-formed sequence, at least one
 * byte) becomes one U+FFFD, the Unicode recommendation that Hugging Face tokenizers follow through Rust's
 * {@code String::from_utf8_lossy}.
 */
final class Utf8 {
    private static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    static String decodeLossy(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int j = i + 1;
            int got = 0;
            while (got < need && j < length) {
                int b = bytes[j] & 0xFF;
                // only the first continuation byte has a narrowed range
                if (got == 0 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
                got++;
                j++;
            }
            if (got == need) {
                out.appendCodePoint(cp);
            } else {
                out.append(REPLACEMENT);
            }
            i = j;
        }
        return out.toString();
    }
}
