package dev.llmbench.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void validTextDecodesAsTheJdkDoes() {
        String text = "ASCII, 한국어, é, 😀 🇰🇷, \u0000 \uFFFD";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.decodeLossy(utf8, utf8.length)).isEqualTo(text);
    }

    @Test
    void eachMaximalInvalidSubpartIsOneReplacementCharacter() {
        assertThat(decode(0xE2, 0x82)).isEqualTo("\uFFFD");              // truncated 3-byte
        assertThat(decode(0xE0, 0x80, 0x41)).isEqualTo("\uFFFD\uFFFDA"); // overlong: E0 needs A0..BF
        assertThat(decode(0xF0, 0x9F, 0x98, 0x41)).isEqualTo("\uFFFDA"); // truncated 4-byte
        assertThat(decode(0xED, 0xBF, 0xBF)).isEqualTo("\uFFFD\uFFFD\uFFFD"); // surrogate D FFF
        assertThat(decode(0xF5, 0x80)).isEqualTo("\uFFFD\uFFFD");
        assertThat(decode(0xC2)).isEqualTo("\uFFFD");
    }

    @Test
    void truncatedSurrogateAtTheEndIsTwoSubparts() {
        // Rust (and so Hugging Face) gives two; the JDK's decoder gives one here, so it cannot be the oracle
        assertThat(decode(0x4F, 0xED, 0xAC)).isEqualTo("O\uFFFD\uFFFD");
    }

    @Test
    void randomValidTextRoundTrips() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(20); i > 0; i--) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x110000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                text.appendCodePoint(cp);
            }
            byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.decodeLossy(utf8, utf8.length)).isEqualTo(text.toString());
        }
    }

    private static String decode(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return Utf8.decodeLossy(bytes, bytes.length);
    }
}
