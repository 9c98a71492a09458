package dev.llmbench.site.render;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class NumberFormatterTest {
    private final Locale saved = Locale.getDefault();

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "de-DE", "ko-KR", "fr-FR", "ar-SA", "hi-IN-u-nu-deva"})
    void formatsTheSameUnderEveryDefaultLocale(String tag) {
        Locale.setDefault(Locale.forLanguageTag(tag));
        for (Lang lang : Lang.values()) {
            NumberFormatter f = NumberFormatter.of(lang);
            assertThat(f.fixed(4497.94, 1)).isEqualTo("4497.9");
            assertThat(f.fixed(3.557, 0)).isEqualTo("4");
            assertThat(f.grouped(11505.3, 0)).isEqualTo("11,505");
            assertThat(f.grouped(1234567.891, 2)).isEqualTo("1,234,567.89");
            assertThat(f.grouped(999, 0)).isEqualTo("999");
            assertThat(f.percent(0.05907, 1)).isEqualTo("5.9%");
            assertThat(f.fixed(-0.01, 1)).isEqualTo("0.0");
            assertThat(f.fixed(-2.25, 1)).isEqualTo("-2.2");
            assertThat(f.times(3.14159)).isEqualTo("3.14×");
            assertThat(f.fixed(Double.NaN, 1)).isEqualTo("—");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.25, 0.35, 13.95, 2.675})
    void roundsTheExactBinaryValueLikePythonFormat(double v) {
        // Python's f"{v:.1f}" rounds the exact binary value half-even: 0.25 -> 0.2, 0.35 -> 0.3 (0.34999...), 13.95 -> 13.9
        String expected = new java.math.BigDecimal(v).setScale(v == 2.675 ? 2 : 1, java.math.RoundingMode.HALF_EVEN).toPlainString();
        assertThat(NumberFormatter.of(Lang.KO).fixed(v, v == 2.675 ? 2 : 1)).isEqualTo(expected);
        assertThat(NumberFormatter.of(Lang.KO).fixed(0.25, 1)).isEqualTo("0.2");
        assertThat(NumberFormatter.of(Lang.KO).fixed(13.95, 1)).isEqualTo("13.9");
        assertThat(NumberFormatter.of(Lang.KO).fixed(2.675, 2)).isEqualTo("2.67");
    }
}
