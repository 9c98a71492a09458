package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The three panels of a release: TTFT over prompt length, per-step decode TPS, throughput per scenario. */
final class ReleasePanels {
    /**
     * Above this ratio between engines (or trend lines) the y axis turns logarithmic, so a fast engine is not drawn
     * as a flat line at zero next to a slow one.
     */
    static final double LOG_AXIS_RATIO = 30;

    private ReleasePanels() {
    }

    static List<Chart<?, ?>> all(ReleaseReport report, ChartText text, int width, int height) {
        return List.of(ttft(report, text, width, height), stepTps(report, text, width, height),
                throughput(report, text, width, height));
    }

    // ---- panel 1: TTFT over prompt length ------------------------------------------------------------------------

    private record Point(int promptTokens, double medianMs, double stddevMs) {
    }

    static Chart<?, ?> ttft(ReleaseReport report, ChartText text, int width, int height) {
        List<EngineReport> engines = report.engines();
        List<String> names = seriesNames(engines);
        List<List<Point>> points = new ArrayList<>();
        double hi = Double.NEGATIVE_INFINITY;
        List<Double> levels = new ArrayList<>();
        for (EngineReport engine : engines) {
            // sorted by prompt length: scenarios are listed in suite order, which is not length order (S6 is short)
            List<Point> p = engine.scenarios().stream()
                    // a TTFT of zero or less is no measurement, and a log axis could not place it
                    .filter(s -> s.ttftMs() != null && finite(s.ttftMs().median()) && s.ttftMs().median() > 0)
                    .map(s -> new Point(s.promptTokens(), s.ttftMs().median(), spread(s.ttftMs())))
                    .sorted(Comparator.comparingInt(Point::promptTokens))
                    .toList();
            points.add(p);
            p.stream().mapToDouble(Point::medianMs).max().ifPresent(levels::add);
            for (Point q : p) {
                hi = Math.max(hi, q.medianMs());
            }
        }
        if (points.stream().allMatch(List::isEmpty)) {
            return noData(text.ttftTitle(), text.noScenarioData(), width, height);
        }
        boolean log = enginesApart(levels);

        XYChart chart = xyChart(text.ttftTitle(), text.promptAxis(), text.ttftAxis(), width, height);
        for (int i = 0; i < engines.size(); i++) {
            List<Point> p = points.get(i);
            if (p.isEmpty()) {
                continue;
            }
            double[] x = new double[p.size()];
            double[] y = new double[p.size()];
            double[] err = new double[p.size()];
            for (int j = 0; j < p.size(); j++) {
                x[j] = p.get(j).promptTokens();
                y[j] = p.get(j).medianMs();
                // a log axis cannot show a bar reaching zero or below; such a bar is shortened to 90 % of the value
                err[j] = log ? Math.min(p.get(j).stddevMs(), 0.9 * y[j]) : p.get(j).stddevMs();
            }
            Color color = ChartStyle.engineColor(colourIndexes(engines)[i]);
            XYSeries series = chart.addSeries(names.get(i), x, y, err);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setMarkerColor(color);
            series.setLineColor(color);
            series.setLineWidth(1.6f);
        }
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setLegendPosition(legendCorner(points, names, log, width, height));
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        if (log) {
            chart.getStyler().setYAxisLogarithmic(true);
            chart.setYAxisTitle(text.logAxis(text.ttftAxis()));
        } else {
            // from zero, so TTFT that does not grow with the prompt (padded prefill) shows flat, as it is
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(niceHeadroom(hi, 1.1));
        }
        return chart;
    }

    /**
     * The inside corner of the TTFT plot that the curves cross least, for the legend: usually top left, since TTFT
     * grows with the prompt, but bottom right for flat curves near the top (padded prefill).
     */
    static Styler.LegendPosition legendCorner(List<List<Point>> points, List<String> names, boolean log,
                                              int width, int height) {
        double xMax = 0;
        double yLo = Double.POSITIVE_INFINITY;
        double yHi = 0;
        for (List<Point> p : points) {
            for (Point q : p) {
                xMax = Math.max(xMax, q.promptTokens());
                yLo = Math.min(yLo, q.medianMs());
                yHi = Math.max(yHi, q.medianMs());
            }
        }
        double lo = log ? Math.log10(yLo / 1.25) : 0;
        double hi = log ? Math.log10(yHi * 1.25) : yHi * 1.1;
        int longest = names.stream().mapToInt(String::length).max().orElse(8);
        // legend box as a fraction of the plot: about 6 units a character plus the line sample, 16 units a row
        double boxW = Math.min(0.9, (longest * 6.0 + 45) / (width - 90.0));
        double boxH = Math.min(0.9, (points.stream().filter(p -> !p.isEmpty()).count() * 16.0 + 14) / (height - 95.0));
        Styler.LegendPosition[] corners = {Styler.LegendPosition.InsideNW, Styler.LegendPosition.InsideSE,
                Styler.LegendPosition.InsideNE, Styler.LegendPosition.InsideSW};
        int[] crossings = new int[corners.length];
        for (List<Point> p : points) {
            for (int j = 0; j < p.size(); j++) {
                Point a = p.get(j);
                Point b = j + 1 < p.size() ? p.get(j + 1) : a;
                // the line between two points, sampled, so a curve passing a corner counts too
                for (int t = 0; t <= 8; t++) {
                    double x = (a.promptTokens() + (b.promptTokens() - a.promptTokens()) * t / 8.0) / Math.max(1, xMax);
                    double v = a.medianMs() + (b.medianMs() - a.medianMs()) * t / 8.0;
                    double y = ((log ? Math.log10(v) : v) - lo) / (hi - lo);
                    boolean left = x < boxW + 0.03;
                    boolean right = x > 0.97 - boxW;
                    boolean top = y > 0.97 - boxH;
                    boolean bottom = y < boxH + 0.03;
                    crossings[0] += left && top ? 1 : 0;
                    crossings[1] += right && bottom ? 1 : 0;
                    crossings[2] += right && top ? 1 : 0;
                    crossings[3] += left && bottom ? 1 : 0;
                }
            }
        }
        int best = 0;
        for (int c = 1; c < corners.length; c++) {
            if (crossings[c] < crossings[best]) {
                best = c;
            }
        }
        return corners[best];
    }

    /** sample stddev when known and finite, else no bar (one run, or a legacy file without it) */
    private static double spread(Summary s) {
        return finite(s.stddev()) && s.stddev() > 0 ? s.stddev() : 0;
    }

    // ---- panel 2: per-step TPS of the longest decode scenario ----------------------------------------------------

    static Chart<?, ?> stepTps(ReleaseReport report, ChartText text, int width, int height) {
        ScenarioSummary longest = longestDecode(report);
        if (longest == null) {
            return noData(text.stepTitle(), text.noStepData(), width, height);
        }
        String title = text.stepTitle(longest.id(), longest.decodeTokens());
        List<EngineReport> engines = report.engines();
        List<String> names = seriesNames(engines);
        XYChart chart = xyChart(title, text.stepAxis(), text.stepTpsAxis(), width, height);

        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int drawn = 0;
        List<Double> levels = new ArrayList<>();
        List<MedianLine> medians = new ArrayList<>();
        for (int i = 0; i < engines.size(); i++) {
            ScenarioSummary s = scenario(engines.get(i), longest.id());
            if (s == null || !hasSteps(s)) {
                continue;
            }
            List<Double> steps = s.stepTps();
            double[] xs = new double[steps.size()];
            double[] ys = new double[steps.size()];
            int n = 0;
            for (int k = 0; k < steps.size(); k++) {
                Double v = steps.get(k);
                if (v != null && finite(v) && v > 0) {
                    xs[n] = k + 1; // step k + 1 makes token k + 2: the first token comes from prefill
                    ys[n] = v;
                    n++;
                }
            }
            double[] x = Arrays.copyOf(xs, n);
            double[] y = Arrays.copyOf(ys, n);
            Color color = ChartStyle.engineColor(colourIndexes(engines)[i]);
            XYSeries line = chart.addSeries(names.get(i), x, y);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(color);
            line.setLineWidth(1.1f);
            drawn++;
            double median = median(y);
            levels.add(median);
            lo = Math.min(lo, Arrays.stream(y).min().orElse(lo));
            hi = Math.max(hi, Arrays.stream(y).max().orElse(hi));
            if (engines.size() > 1) {
                // one legend row per engine, its median in words; the dashed line itself stays out of the legend
                line.setLabel(names.get(i) + " · " + text.medianLabel(median));
            }
            medians.add(new MedianLine(text.medianLabel(median) + (engines.size() > 1 ? " " + names.get(i) : ""),
                    x[0], x[n - 1], median, engines.size() > 1 ? ChartStyle.darker(color, 0.35) : ChartStyle.MEDIAN,
                    engines.size() == 1));
        }
        // after every step line, so the dashed medians are drawn on top
        for (MedianLine m : medians) {
            XYSeries line = chart.addSeries(m.label(), new double[]{m.firstStep(), m.lastStep()},
                    new double[]{m.value(), m.value()});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(m.color());
            line.setLineStyle(ChartStyle.MEDIAN_STROKE);
            line.setShowInLegend(m.inLegend());
        }
        // XChart puts x ticks on the data points when the x values are evenly spaced (every step here), which
        // crowds the axis; one hidden point off the grid makes it choose round ticks instead
        XYSeries anchor = chart.addSeries("\u200b", new double[]{0, 0.5}, new double[]{lo, lo});
        anchor.setMarker(SeriesMarkers.NONE);
        anchor.setLineColor(new Color(0, 0, 0, 0));
        anchor.setShowInLegend(false);
        boolean log = enginesApart(levels);
        var st = chart.getStyler();
        st.setXAxisMin(0.0);
        st.setXAxisDecimalPattern("#,##0");
        if (drawn == 1) {
            // from zero so step-to-step noise is seen at its true size; the legend sits in the empty lower part
            st.setLegendPosition(Styler.LegendPosition.InsideSE);
            st.setYAxisMin(0.0);
            st.setYAxisMax(niceHeadroom(hi, 1.08));
        } else {
            // the lines are bands across the whole width: keep the top free for the legend, one row an engine
            st.setLegendPosition(Styler.LegendPosition.InsideNE);
            double legendShare = (drawn * 16.0 + 14) / (height - 95.0) + 0.05;
            double dataShare = Math.max(0.4, 1 - legendShare);
            if (log) {
                st.setYAxisLogarithmic(true);
                chart.setYAxisTitle(text.logAxis(text.stepTpsAxis()));
                st.setYAxisMin(lo / 1.25);
                st.setYAxisMax(lo / 1.25 * Math.pow(hi * 1.1 / (lo / 1.25), 1 / dataShare));
            } else {
                st.setYAxisMin(0.0);
                st.setYAxisMax(niceHeadroom(hi, 1 / dataShare));
            }
        }
        return chart;
    }

    private record MedianLine(String label, double firstStep, double lastStep, double value, Color color,
                              boolean inLegend) {
    }

    /**
     * The scenario with the most decode tokens that has per-step data in some engine; on a tie, the first in report
     * order. Null when no engine has per-step data.
     */
    static ScenarioSummary longestDecode(ReleaseReport report) {
        ScenarioSummary best = null;
        for (EngineReport engine : report.engines()) {
            for (ScenarioSummary s : engine.scenarios()) {
                if (hasSteps(s) && (best == null || s.decodeTokens() > best.decodeTokens())) {
                    best = s;
                }
            }
        }
        return best;
    }

    private static boolean hasSteps(ScenarioSummary s) {
        return s.stepTps().stream().anyMatch(v -> v != null && finite(v) && v > 0);
    }

    private static ScenarioSummary scenario(EngineReport engine, String id) {
        return engine.scenarios().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    // ---- panel 3: prefill and decode throughput per scenario -----------------------------------------------------

    static Chart<?, ?> throughput(ReleaseReport report, ChartText text, int width, int height) {
        List<EngineReport> engines = report.engines();
        List<String> names = seriesNames(engines);
        Set<String> ids = new LinkedHashSet<>();
        engines.forEach(e -> e.scenarios().forEach(s -> ids.add(s.id())));
        List<String> categories = List.copyOf(ids);

        LabelledBarChart chart = new LabelledBarChart(width, height);
        chart.setTitle(text.throughputTitle());
        chart.setXAxisTitle(text.scenarioAxis());
        chart.setYAxisTitle(text.throughputAxis());
        ChartStyle.apply(chart.getStyler());
        double hi = 0;
        int series = 0;
        for (int i = 0; i < engines.size(); i++) {
            EngineReport engine = engines.get(i);
            List<Double> prefill = values(engine, categories, ScenarioSummary::prefillTps);
            List<Double> decode = values(engine, categories, ScenarioSummary::decodeTps);
            Color color = ChartStyle.engineColor(colourIndexes(engines)[i]);
            boolean several = engines.size() > 1;
            for (int metric = 0; metric < 2; metric++) {
                List<Double> v = metric == 0 ? prefill : decode;
                if (v.stream().allMatch(d -> d == null)) {
                    continue;
                }
                hi = Math.max(hi, v.stream().filter(d -> d != null).mapToDouble(Double::doubleValue).max().orElse(0));
                // with several engines the legend stands beside the plot: short names, units on the axis
                String name = several
                        ? names.get(i) + " " + (metric == 0 ? text.prefillShort() : text.decodeShort())
                        : metric == 0 ? text.prefill() : text.decode();
                CategorySeries s = chart.addSeries(name, categories, v);
                // the decode bar is a light tint of the engine's colour, so each engine keeps one hue
                s.setFillColor(metric == 0 ? color : ChartStyle.lighter(color, 0.5));
                series++;
            }
        }
        if (series == 0) {
            return noData(text.throughputTitle(), text.noScenarioData(), width, height);
        }
        var st = chart.getStyler();
        st.setLegendPosition(engines.size() > 1 ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.InsideNW);
        // wide groups when many bars share one; a lone scenario does not get bars as wide as the plot
        st.setAvailableSpaceFill(Math.min(series > 2 ? 0.85 : 0.7, 0.09 * series * categories.size()));
        st.setOverlapped(false);
        st.setYAxisDecimalPattern("#,##0");
        st.setYAxisMin(0.0);
        // room above the tallest bar for its label, upright when many bars share a group
        st.setYAxisMax(niceHeadroom(hi, series > 2 || hi >= 10_000 ? 1.2 : 1.1));
        st.setPlotGridVerticalLinesVisible(false);
        return chart;
    }

    /** per category, the median of the metric, or null where the engine has no finite value */
    private static List<Double> values(EngineReport engine, List<String> categories,
                                       Function<ScenarioSummary, Summary> metric) {
        List<Double> out = new ArrayList<>(categories.size());
        for (String id : categories) {
            ScenarioSummary s = scenario(engine, id);
            Summary m = s == null ? null : metric.apply(s);
            out.add(m != null && finite(m.median()) ? m.median() : null);
        }
        return out;
    }

    // ---- shared ---------------------------------------------------------------------------------------------------

    static XYChart xyChart(String title, String xAxis, String yAxis, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xAxis).yAxisTitle(yAxis).build();
        ChartStyle.apply(chart.getStyler());
        return chart;
    }

    /** A panel that keeps its title and says why it is empty, in place of a chart. */
    static XYChart noData(String title, String message, int width, int height) {
        XYChart chart = xyChart(title, "", "", width, height);
        XYSeries frame = chart.addSeries(" ", new double[]{0, 1}, new double[]{0, 1});
        frame.setMarker(SeriesMarkers.NONE);
        frame.setLineColor(new Color(0, 0, 0, 0));
        frame.setShowInLegend(false);
        var st = chart.getStyler();
        st.setLegendVisible(false);
        st.setAxisTicksVisible(false);
        st.setAxisTitlesVisible(false);
        st.setPlotGridLinesVisible(false);
        st.setAnnotationTextFont(ChartFonts.regular(13f));
        st.setAnnotationTextFontColor(new Color(0x70, 0x70, 0x70));
        chart.addAnnotation(new AnnotationText(message, 0.5, 0.5, false));
        return chart;
    }

    /**
     * Engine labels as series names, which XChart needs unique within a chart: a repeated label gets {@code #2},
     * {@code #3}. One engine's scenario file and context-suite file share a label and its name, as no chart draws both.
     */
    static List<String> seriesNames(List<EngineReport> engines) {
        List<String> names = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (EngineReport e : engines) {
            String base = e.label() == null || e.label().isBlank() ? "engine" : e.label();
            String name = base;
            for (int k = 2; !used.add(name + (e.contextSuite() ? "\u0000context" : "")); k++) {
                name = base + " #" + k;
            }
            names.add(name);
        }
        return names;
    }

    /** Each engine's colour index: the order of its label on the page, so one engine's files share a colour. */
    static int[] colourIndexes(List<EngineReport> engines) {
        List<String> labels = engines.stream().map(EngineReport::label).distinct().toList();
        return engines.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    }

    /**
     * @param levels one typical value per engine drawn (its largest TTFT, its median step TPS)
     * @return whether the engines lie so far apart that only a log axis shows them all
     */
    static boolean enginesApart(List<Double> levels) {
        double lo = levels.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = levels.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return useLogAxis(levels.size(), lo, hi);
    }

    static boolean useLogAxis(long seriesCount, double lo, double hi) {
        return seriesCount > 1 && lo > 0 && hi / lo > LOG_AXIS_RATIO;
    }

    /** an axis maximum a little above {@code hi}, so value labels and the top point stay inside the plot */
    static Double niceHeadroom(double hi, double factor) {
        return hi > 0 && finite(hi) ? hi * factor : 1.0;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static boolean finite(double v) {
        return Double.isFinite(v);
    }
}
