package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.Analyzer;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The context suite's panels, over the KV cache position on a log2 axis: decode TPS, step time with its standard
 * deviation as error bars, and, for two or more engines, each engine's TPS over the reference engine's at the same
 * position. One series per engine.
 */
final class ContextPanels {
    /** The words of these charts, per page language; {@code ratioAxis} takes the reference engine's label. */
    record Text(String tpsTitle, String stepTitle, String ratioTitle, String xAxis, String tpsAxis, String stepAxis,
                String ratioAxis, ChartText chart) {
        static Text of(String lang) {
            return switch (lang) {
                case "ko" -> new Text("캐시 위치별 Decode TPS", "캐시 위치별 디코드 스텝 시간", "캐시 위치별 TPS 비율",
                        "KV 캐시 위치 (토큰, log2 축)", "Decode TPS (토큰/초)", "스텝 시간 (ms)", "TPS 비율 (기준: %s)",
                        ChartText.of(lang));
                case "en" -> new Text("Decode TPS by Cache Position", "Decode Step Time by Cache Position",
                        "TPS Ratio by Cache Position", "KV cache position (tokens, log2 scale)",
                        "Decode TPS (tokens/sec)", "Step time (ms)", "TPS ratio (vs %s)", ChartText.of(lang));
                default -> throw new IllegalArgumentException("chart language '" + lang + "' is not supported: use ko or en");
            };
        }
    }

    private ContextPanels() {
    }

    static boolean hasContext(ReleaseReport report) {
        return report.engines().stream().anyMatch(e -> !e.context().isEmpty());
    }

    /** TPS and step time, every engine that ran the suite. */
    static List<XYChart> scaling(ReleaseReport report, Text text, int width, int height) {
        return List.of(tps(report, text, width, height), stepTime(report, text, width, height));
    }

    /** TPS, step time and the ratio to the reference engine; empty when fewer than two engines ran the suite. */
    static List<XYChart> comparison(ReleaseReport report, Text text, int width, int height) {
        EngineReport reference = Analyzer.contextReference(report);
        if (reference == null) {
            return List.of();
        }
        return List.of(tps(report, text, width, height), stepTime(report, text, width, height),
                ratio(report, reference, text, width, height));
    }

    private static XYChart tps(ReleaseReport report, Text text, int width, int height) {
        XYChart chart = ReleasePanels.xyChart(text.tpsTitle(), text.xAxis(), text.tpsAxis(), width, height);
        List<String> names = ReleasePanels.seriesNames(report.engines());
        double top = 0;
        double bottom = Double.POSITIVE_INFINITY;
        List<Double> levels = new ArrayList<>();
        for (int i = 0; i < report.engines().size(); i++) {
            List<ContextSummary> points = report.engines().get(i).context();
            if (points.isEmpty()) {
                continue;
            }
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            for (int j = 0; j < points.size(); j++) {
                x[j] = log2(points.get(j).position());
                y[j] = points.get(j).tps();
                top = Math.max(top, y[j]);
                bottom = Math.min(bottom, y[j]);
            }
            levels.add(ReleasePanels.median(y));
            style(chart.addSeries(names.get(i), x, y), ChartStyle.engineColor(ReleasePanels.colourIndexes(report.engines())[i]));
        }
        yAxis(chart, text, text.tpsAxis(), levels, bottom, top);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        return log2Axis(chart, report);
    }

    /**
     * From zero, or logarithmic when the engines' typical values lie far apart (a GPU's and a CPU's TPS differ a
     * hundredfold, and a linear axis draws the slower one flat on the floor), as the release charts decide.
     */
    private static void yAxis(XYChart chart, Text text, String title, List<Double> levels, double bottom, double top) {
        if (ReleasePanels.enginesApart(levels) && bottom > 0) {
            chart.getStyler().setYAxisLogarithmic(true);
            chart.setYAxisTitle(text.chart().logAxis(title));
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(bottom))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(top * 1.15))));
        } else {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(ReleasePanels.niceHeadroom(top, 1.15));
        }
    }

    private static XYChart stepTime(ReleaseReport report, Text text, int width, int height) {
        XYChart chart = ReleasePanels.xyChart(text.stepTitle(), text.xAxis(), text.stepAxis(), width, height);
        List<String> names = ReleasePanels.seriesNames(report.engines());
        double top = 0;
        double bottom = Double.POSITIVE_INFINITY;
        List<Double> levels = new ArrayList<>();
        List<double[][]> series = new ArrayList<>();
        for (int i = 0; i < report.engines().size(); i++) {
            List<ContextSummary> points = report.engines().get(i).context();
            if (points.isEmpty()) {
                series.add(null);
                continue;
            }
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            double[] err = new double[points.size()];
            for (int j = 0; j < points.size(); j++) {
                x[j] = log2(points.get(j).position());
                y[j] = points.get(j).stepMs().median();
                err[j] = points.get(j).stepMs().stddev();
                top = Math.max(top, y[j] + err[j]);
                bottom = Math.min(bottom, y[j]);
            }
            levels.add(ReleasePanels.median(y));
            series.add(new double[][]{x, y, err});
        }
        boolean log = ReleasePanels.enginesApart(levels) && bottom > 0;
        for (int i = 0; i < series.size(); i++) {
            double[][] s = series.get(i);
            if (s == null) {
                continue;
            }
            if (log) { // a bar below zero has no place on a log axis: keep it above a tenth of the point
                for (int j = 0; j < s[2].length; j++) {
                    s[2][j] = Math.min(s[2][j], 0.9 * s[1][j]);
                }
            }
            style(chart.addSeries(names.get(i), s[0], s[1], s[2]), ChartStyle.engineColor(ReleasePanels.colourIndexes(report.engines())[i]));
        }
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        yAxis(chart, text, text.stepAxis(), levels, log ? bottom / 2 : bottom, top);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        return log2Axis(chart, report);
    }

    private static XYChart ratio(ReleaseReport report, EngineReport reference, Text text, int width, int height) {
        XYChart chart = ReleasePanels.xyChart(text.ratioTitle(), text.xAxis(),
                String.format(Locale.ROOT, text.ratioAxis(), reference.label()), width, height);
        List<String> names = ReleasePanels.seriesNames(report.engines());
        Map<Integer, Double> base = new HashMap<>();
        reference.context().forEach(p -> base.put(p.position(), p.tps()));
        double top = 1;
        for (int i = 0; i < report.engines().size(); i++) {
            EngineReport engine = report.engines().get(i);
            if (engine == reference) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            for (ContextSummary p : engine.context()) {
                Double b = base.get(p.position());
                if (b != null && b > 0 && Double.isFinite(p.tps())) {
                    points.add(new double[]{log2(p.position()), p.tps() / b});
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            double[] x = points.stream().mapToDouble(q -> q[0]).toArray();
            double[] y = points.stream().mapToDouble(q -> q[1]).toArray();
            for (double v : y) {
                top = Math.max(top, v);
            }
            style(chart.addSeries(names.get(i), x, y), ChartStyle.engineColor(ReleasePanels.colourIndexes(report.engines())[i]));
        }
        // the line of equal speed
        double[] span = xSpan(report);
        XYSeries one = chart.addSeries(" = 1", span, new double[]{1, 1});
        one.setMarker(SeriesMarkers.NONE);
        one.setLineColor(new Color(0x80, 0x80, 0x80));
        one.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{4f, 4f}, 0f));
        one.setShowInLegend(false);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(ReleasePanels.niceHeadroom(top, 1.15));
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        return log2Axis(chart, report);
    }

    private static void style(XYSeries series, Color color) {
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setMarkerColor(color);
        series.setLineColor(color);
        series.setLineWidth(1.6f);
    }

    /** Whole powers of two from the smallest position to the largest, labelled by position (1K = 1,024). */
    private static XYChart log2Axis(XYChart chart, ReleaseReport report) {
        double[] span = xSpan(report);
        chart.getStyler().setXAxisMin(span[0]);
        chart.getStyler().setXAxisMax(span[1]);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(ContextPanels::positionLabel);
        return chart;
    }

    /** From the whole power of two at or below the smallest position to the one at or above the largest. */
    private static double[] xSpan(ReleaseReport report) {
        int lo = Integer.MAX_VALUE;
        int hi = 1;
        for (EngineReport e : report.engines()) {
            for (ContextSummary p : e.context()) {
                lo = Math.min(lo, p.position());
                hi = Math.max(hi, p.position());
            }
        }
        lo = lo == Integer.MAX_VALUE ? 1 : lo;
        double min = Math.floor(log2(lo));
        double max = Math.max(min + 1, Math.ceil(log2(hi)));
        return new double[]{min, max};
    }

    /** A tick at log2 value {@code x}: the position it stands for when whole, else no label. */
    static String positionLabel(double x) {
        double whole = Math.rint(x);
        if (Math.abs(x - whole) > 1e-6 || whole < 0 || whole > 62) {
            return "";
        }
        long position = 1L << (long) whole;
        if (position >= 1L << 20 && position % (1L << 20) == 0) {
            return (position >> 20) + "M";
        }
        if (position >= 1024 && position % 1024 == 0) {
            return (position >> 10) + "K";
        }
        return Long.toString(position);
    }

    static double log2(int position) {
        return Math.log(position) / Math.log(2);
    }
}
