package dev.llmbench.site.render;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The one formatter of human-facing numbers for a language: fixed decimals rounded half-even on the exact binary
 * value, '.' as decimal mark and ',' between thousands (both Korean and English write numbers so), whatever the
 * JVM's default locale.
 */
public final class NumberFormatter {
    /** Shown where a value was not measured. */
    public static final String NONE = "—";

    private final Lang lang;

    private NumberFormatter(Lang lang) {
        this.lang = lang;
    }

    public static NumberFormatter of(Lang lang) {
        return new NumberFormatter(lang);
    }

    public Lang lang() {
        return lang;
    }

    /** {@code value} with exactly {@code decimals} decimals, no grouping: 4497.9. */
    public String fixed(double value, int decimals) {
        return format(value, decimals, false);
    }

    /** {@code value} with exactly {@code decimals} decimals and thousands separated: 11,505. */
    public String grouped(double value, int decimals) {
        return format(value, decimals, true);
    }

    /** A fraction as a percentage: 0.059 -> 5.9%. */
    public String percent(double fraction, int decimals) {
        return fixed(fraction * 100, decimals) + "%";
    }

    /** A ratio as a speed-up: 3.5×. */
    public String times(double ratio) {
        return fixed(ratio, 2) + "×";
    }

    private static String format(double value, int decimals, boolean group) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return NONE;
        }
        BigDecimal d = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN);
        if (d.signum() == 0) {
            d = d.abs();
        }
        String plain = d.toPlainString();
        boolean negative = plain.startsWith("-");
        if (negative) {
            plain = plain.substring(1);
        }
        int dot = plain.indexOf('.');
        String intPart = dot < 0 ? plain : plain.substring(0, dot);
        String frac = dot < 0 ? "" : plain.substring(dot);
        if (group && intPart.length() > 3) {
            StringBuilder sb = new StringBuilder();
            int first = intPart.length() % 3;
            if (first > 0) {
                sb.append(intPart, 0, first);
            }
            for (int i = first; i < intPart.length(); i += 3) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(intPart, i, i + 3);
            }
            intPart = sb.toString();
        }
        return (negative ? "-" : "") + intPart + frac;
    }
}
