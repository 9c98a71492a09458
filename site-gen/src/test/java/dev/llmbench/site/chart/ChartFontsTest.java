package dev.llmbench.site.chart;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.image.BufferedImage;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Hangul must come out as glyphs from the shipped font, never as the missing-glyph box. */
class ChartFontsTest {
    private static final String KOREAN = "프롬프트 길이 대비 TTFT 스텝별 디코드 처리량 중앙값";

    @Test
    void shippedFontsCoverEveryChartText() {
        for (Font font : new Font[]{ChartFonts.regular(12), ChartFonts.bold(12)}) {
            assertThat(font.getFamily()).startsWith("NanumSquare");
            for (ChartText text : new ChartText[]{ChartText.KO, ChartText.EN}) {
                for (var component : ChartText.class.getRecordComponents()) {
                    String s = (String) invoke(component.getAccessor(), text);
                    assertThat(font.canDisplayUpTo(s)).as(component.getName() + " = " + s).isEqualTo(-1);
                }
            }
            assertThat(font.canDisplayUpTo("0123456789,.: ()/·#—")).isEqualTo(-1);
        }
    }

    @Test
    void koreanRendersAsRealGlyphsNotTheMissingGlyphBox() {
        Font font = ChartFonts.regular(32);
        FontRenderContext frc = new FontRenderContext(null, true, true);
        String syllables = KOREAN.replace(" ", "").replace("TTFT", "");
        GlyphVector korean = font.createGlyphVector(frc, syllables);
        int missing = font.getMissingGlyphCode();
        for (int i = 0; i < korean.getNumGlyphs(); i++) {
            assertThat(korean.getGlyphCode(i)).as("glyph of '%s'", syllables.charAt(i)).isNotEqualTo(missing);
        }
        int[] boxes = new int[korean.getNumGlyphs()];
        Arrays.fill(boxes, missing);
        GlyphVector box = font.createGlyphVector(frc, boxes);

        int[] drawn = render(korean);
        int[] missingDrawn = render(box);

        assertThat(ink(drawn)).as("Korean text leaves ink").isGreaterThan(1_000);
        assertThat(drawn).isNotEqualTo(missingDrawn);
        // distinct syllables give distinct shapes; missing-glyph boxes would all be the same shape
        assertThat(render(font.createGlyphVector(frc, "프"))).isNotEqualTo(render(font.createGlyphVector(frc, "량")));
    }

    private static int[] render(GlyphVector glyphs) {
        BufferedImage image = new BufferedImage(1400, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.drawGlyphVector(glyphs, 4, 44);
        } finally {
            g.dispose();
        }
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static long ink(int[] pixels) {
        return Arrays.stream(pixels).filter(p -> (p & 0xFFFFFF) != 0xFFFFFF).count();
    }

    private static Object invoke(java.lang.reflect.Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
