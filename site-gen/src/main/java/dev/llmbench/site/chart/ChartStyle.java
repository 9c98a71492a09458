package dev.llmbench.site.chart;

import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;

/**
 * The look shared by every chart: fonts, colours, grid, legend. Sizes are logical units; images are drawn at
 * {@link #SCALE} pixels per unit so text stays sharp at page width.
 */
final class ChartStyle {
    /** pixels per logical unit */
    static final int SCALE = 2;

    static final Color BACKGROUND = Color.WHITE;
    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Color GRID = new Color(0xE3, 0xE3, 0xE3);
    static final Color BORDER = new Color(0x9A, 0x9A, 0x9A);
    /** the median line when one engine is drawn, as on the reference chart */
    static final Color MEDIAN = new Color(0xD6, 0x27, 0x28);

    /** one colour per engine, in report order; the same engine keeps its colour on every panel */
    private static final Color[] ENGINE = {
            new Color(0x1F, 0x77, 0xB4), new Color(0xE0, 0x6C, 0x00), new Color(0x2C, 0xA0, 0x2C),
            new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD), new Color(0x8C, 0x56, 0x4B),
            new Color(0xE3, 0x77, 0xC2), new Color(0x7F, 0x7F, 0x7F)};

    /** one colour per scenario on the trend charts, where engines differ by line style instead */
    private static final Color[] SCENARIO = {
            new Color(0x1F, 0x77, 0xB4), new Color(0xE0, 0x6C, 0x00), new Color(0x2C, 0xA0, 0x2C),
            new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD), new Color(0x17, 0xA2, 0xB8),
            new Color(0x8C, 0x56, 0x4B), new Color(0xE3, 0x77, 0xC2), new Color(0xBC, 0xBD, 0x22)};

    static final BasicStroke[] ENGINE_STROKES = {
            new BasicStroke(1.6f),
            new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{6f, 3f}, 0f),
            new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{2f, 2f}, 0f),
            new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{8f, 3f, 2f, 3f}, 0f)};

    static final BasicStroke MEDIAN_STROKE =
            new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{5f, 4f}, 0f);

    private ChartStyle() {
    }

    static Color engineColor(int index) {
        return ENGINE[index % ENGINE.length];
    }

    static Color scenarioColor(int index) {
        return SCENARIO[index % SCENARIO.length];
    }

    /** @param amount 0 keeps the colour, 1 gives white */
    static Color lighter(Color c, double amount) {
        return mix(c, Color.WHITE, amount);
    }

    /** @param amount 0 keeps the colour, 1 gives black */
    static Color darker(Color c, double amount) {
        return mix(c, Color.BLACK, amount);
    }

    private static Color mix(Color c, Color towards, double amount) {
        return new Color(
                (int) Math.round(c.getRed() + (towards.getRed() - c.getRed()) * amount),
                (int) Math.round(c.getGreen() + (towards.getGreen() - c.getGreen()) * amount),
                (int) Math.round(c.getBlue() + (towards.getBlue() - c.getBlue()) * amount));
    }

    /** Fonts, colours and spacing common to every panel; each text of the chart gets the shipped font. */
    static void apply(AxesChartStyler s) {
        s.setBaseFont(ChartFonts.regular(11f));
        s.setChartTitleFont(ChartFonts.bold(14f));
        s.setAxisTitleFont(ChartFonts.regular(11.5f));
        s.setAxisTickLabelsFont(ChartFonts.regular(10.5f));
        s.setLegendFont(ChartFonts.regular(10.5f));
        s.setAnnotationTextFont(ChartFonts.regular(11f));
        s.setAnnotationTextPanelFont(ChartFonts.regular(11f));
        s.setToolTipFont(ChartFonts.regular(10f));
        s.setChartButtonFont(ChartFonts.regular(10f));
        if (s instanceof XYStyler xy) {
            xy.setCursorFont(ChartFonts.regular(10f));
        } else if (s instanceof CategoryStyler category) {
            category.setLabelsFont(ChartFonts.regular(9f));
        }

        s.setChartBackgroundColor(BACKGROUND);
        s.setPlotBackgroundColor(BACKGROUND);
        s.setChartFontColor(TEXT);
        s.setAxisTickLabelsColor(TEXT);
        s.setAnnotationTextFontColor(TEXT);
        s.setPlotBorderColor(BORDER);
        s.setPlotBorderVisible(true);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(0.8f));
        s.setAxisTickMarksColor(BORDER);
        s.setAxisTickPadding(5);
        s.setAxisTicksLineVisible(false);
        s.setAxisTicksMarksVisible(false);
        s.setXAxisTickMarkSpacingHint(90);
        s.setAxisTitlePadding(6);
        s.setPlotMargin(6);
        s.setChartPadding(12);
        s.setChartTitlePadding(8);
        s.setChartTitleBoxVisible(false);

        s.setLegendBackgroundColor(new Color(255, 255, 255, 230));
        s.setLegendBorderColor(new Color(0xC8, 0xC8, 0xC8));
        s.setLegendPadding(6);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setToolTipsEnabled(false);
        s.setAntiAlias(true);
        // tick labels like 2,500 whatever the JVM's default locale: a German default would print 2.500
        s.setLocale(Locale.ROOT);
    }
}
