package dev.llmbench.site.chart;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The typeface of every chart text, in both languages. It ships inside the jar (NanumSquare, SIL OFL 1.1, see
 * {@code fonts/OFL.txt}) because a fresh machine often has no Hangul font at all, and a system font would make the
 * same results render differently from one machine to the next.
 */
final class ChartFonts {
    static final String REGULAR_RESOURCE = "/fonts/NanumSquareR.ttf";
    static final String BOLD_RESOURCE = "/fonts/NanumSquareB.ttf";

    private static final Font REGULAR = load(REGULAR_RESOURCE);
    private static final Font BOLD = load(BOLD_RESOURCE);

    private ChartFonts() {
    }

    /** @param size points, in the chart's logical (unscaled) units */
    static Font regular(float size) {
        return REGULAR.deriveFont(Font.PLAIN, size);
    }

    /** @param size points, in the chart's logical (unscaled) units */
    static Font bold(float size) {
        return BOLD.deriveFont(Font.PLAIN, size);
    }

    private static Font load(String resource) {
        try (InputStream in = ChartFonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("chart font " + resource
                        + " is missing from the site-gen jar: rebuild site-gen (it ships under src/main/resources/fonts)");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException | FontFormatException e) {
            throw new IllegalStateException("chart font " + resource + " cannot be read: " + e.getMessage()
                    + "; rebuild site-gen", e);
        }
    }
}
