package dev.llmbench.site.chart;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bars with each value written just above its bar, as whole numbers. XChart can only place a value label
 * at a fraction of the bar's own height (inside tall bars, below the top of short ones), so the labels are drawn
 * here after the chart, at the bar positions XChart uses: in each category slot of width
 * {@code step = contentWidth / categories}, bar {@code k} of {@code n} starts at
 * {@code step * (1 - fill) / 2 + k * step * fill / n}.
 */
final class LabelledBarChart extends CategoryChart {
    private final DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    private Font labelFont = ChartFonts.regular(9f);

    LabelledBarChart(int width, int height) {
        super(width, height);
        getStyler().setLabelsVisible(false);
    }

    void setLabelFont(Font font) {
        labelFont = font;
    }

    /** whether some value label is wider than its bar, so the labels are drawn upright (rotated) */
    boolean labelsRotated(Graphics2D g, double barWidth) {
        FontMetrics fm = g.getFontMetrics(labelFont);
        for (CategorySeries s : getSeriesMap().values()) {
            for (Number v : s.getYData()) {
                if (v != null && fm.stringWidth(format.format(v.doubleValue())) > barWidth + 2) {
                    return true;
                }
            }
        }
        return false;
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
        double barWidth = step * fill / series.size();
        boolean rotated = labelsRotated(g, barWidth);

        Graphics2D lg = (Graphics2D) g.create();
        try {
            lg.setFont(labelFont);
            lg.setColor(ChartStyle.TEXT);
            lg.clip(bounds);
            FontMetrics fm = lg.getFontMetrics();
            for (int k = 0; k < series.size(); k++) {
                Collection<? extends Number> ys = series.get(k).getYData();
                int c = 0;
                for (Number v : ys) {
                    if (v != null && Double.isFinite(v.doubleValue())) {
                        String text = format.format(v.doubleValue());
                        double centre = left + step * c + step * (1 - fill) / 2 + (k + 0.5) * barWidth;
                        double top = bottom - (v.doubleValue() - yMin) / (yMax - yMin) * contentHeight;
                        if (rotated) {
                            AffineTransform saved = lg.getTransform();
                            lg.translate(centre + fm.getAscent() / 2.0 - 1, top - 3);
                            lg.rotate(-Math.PI / 2);
                            lg.drawString(text, 0, 0);
                            lg.setTransform(saved);
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
