package dev.llmbench.site.chart;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bars with each value written just above its bar, as whole numbers. XChart can only place a value label
 * at a fraction of the bar's own height (inside tall bars, below the top of short ones), so the labels are drawn
 * here after the chart, at the bar positions XChart uses: in each category slot of width
 * {@code step = contentWidth / categories}, bar {@code k} of {@code n} starts at
 * {@code step * (1 - fill) / 2 + k * step * fill / n}.
 *
 * <p>Labels are upright text when every one fits its bar's width, else turned a quarter with a size that fits the
 * bar (no smaller than {@link #MIN_LABEL_SIZE}); bars thinner than that get no labels, the tables carry the numbers.
 */
final class LabelledBarChart extends CategoryChart {
    /** points, logical units */
    static final float LABEL_SIZE = 9f;
    static final float MIN_LABEL_SIZE = 6f;

    private final DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));

    LabelledBarChart(int width, int height) {
        super(width, height);
        getStyler().setLabelsVisible(false);
    }

    /** How the labels of this chart are drawn, decided from the widest label and the bar width. */
    record LabelLayout(Font font, boolean rotated) {
        static final LabelLayout NONE = new LabelLayout(null, false);
    }

    LabelLayout labelLayout(Graphics2D g, double barWidth) {
        Font upright = ChartFonts.regular(LABEL_SIZE);
        double widest = 0;
        for (CategorySeries s : getSeriesMap().values()) {
            for (Number v : s.getYData()) {
                if (v != null && Double.isFinite(v.doubleValue())) {
                    widest = Math.max(widest, g.getFontMetrics(upright).stringWidth(format.format(v.doubleValue())));
                }
            }
        }
        if (widest <= barWidth + 2) {
            return new LabelLayout(upright, false);
        }
        // turned a quarter, the text's height must fit the bar: ascent is about 0.75 of the point size
        float size = (float) Math.min(LABEL_SIZE, (barWidth + 1) / 0.75);
        return size < MIN_LABEL_SIZE ? LabelLayout.NONE : new LabelLayout(ChartFonts.regular(size), true);
    }

    /** the width of one bar for a plot {@code plotWidth} wide, in the same units */
    double barWidth(double plotWidth) {
        CategoryStyler st = getStyler();
        int series = getSeriesMap().size();
        int categories = series == 0 ? 1 : getSeriesMap().values().iterator().next().getXData().size();
        return st.getPlotContentSize() * plotWidth / categories * st.getAvailableSpaceFill() / Math.max(1, series);
    }

    @Override
    public void paint(Graphics2D g, int width, int height) {
        super.paint(g, width, height);
        CategoryStyler st = getStyler();
        Rectangle2D bounds = plot.getBounds();
        List<CategorySeries> series = new ArrayList<>(getSeriesMap().values());
        if (series.isEmpty() || bounds.getWidth() <= 0 || st.getYAxisMax() == null || st.getYAxisMin() == null) {
            return;
        }
        double contentWidth = st.getPlotContentSize() * bounds.getWidth();
        double contentHeight = st.getPlotContentSize() * bounds.getHeight();
        double left = bounds.getX() + (bounds.getWidth() - contentWidth) / 2;
        double bottom = bounds.getY() + bounds.getHeight() - (bounds.getHeight() - contentHeight) / 2;
        double yMin = st.getYAxisMin();
        double yMax = st.getYAxisMax();
        int categories = series.getFirst().getXData().size();
        double step = contentWidth / categories;
        double fill = st.getAvailableSpaceFill();
        double barWidth = barWidth(bounds.getWidth());
        LabelLayout layout = labelLayout(g, barWidth);
        if (layout.font() == null) {
            return;
        }

        Graphics2D lg = (Graphics2D) g.create();
        try {
            lg.setFont(layout.font());
            lg.setColor(ChartStyle.TEXT);
            lg.clip(bounds);
            FontMetrics fm = lg.getFontMetrics();
            for (int k = 0; k < series.size(); k++) {
                int c = 0;
                for (Number v : series.get(k).getYData()) {
                    if (v != null && Double.isFinite(v.doubleValue())) {
                        String text = format.format(v.doubleValue());
                        double centre = left + step * c + step * (1 - fill) / 2 + (k + 0.5) * barWidth;
                        double top = bottom - (v.doubleValue() - yMin) / (yMax - yMin) * contentHeight;
                        if (layout.rotated()) {
                            Graphics2D rg = (Graphics2D) lg.create();
                            rg.translate(centre + fm.getAscent() / 2.0 - 0.5, top - 3);
                            rg.rotate(-Math.PI / 2);
                            rg.drawString(text, 0, 0);
                            rg.dispose();
                        } else {
                            lg.drawString(text, (float) (centre - fm.stringWidth(text) / 2.0), (float) (top - 3));
                        }
                    }
                    c++;
                }
            }
        } finally {
            lg.dispose();
        }
    }
}
