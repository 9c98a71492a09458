package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A metric's scenario medians across releases, oldest first: one line per scenario and engine. Colour tells the
 * scenario; line style and marker tell the engine.
 */
final class TrendPanels {
    private static final Marker[] ENGINE_MARKERS = {
            SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP};

    private TrendPanels() {
    }

    static Chart<?, ?> ttft(List<ReleaseReport> releases, ChartText text, int width, int height) {
        return trend(releases, text.trendTtftTitle(), text.ttftAxis(), ScenarioSummary::ttftMs, text, width, height);
    }

    static Chart<?, ?> decodeTps(List<ReleaseReport> releases, ChartText text, int width, int height) {
        return trend(releases, text.trendDecodeTitle(), text.decodeTpsAxis(), ScenarioSummary::decodeTps, text,
                width, height);
    }

    private static Chart<?, ?> trend(List<ReleaseReport> releases, String title, String yAxis,
                                     Function<ScenarioSummary, Summary> metric, ChartText text, int width, int height) {
        List<String> categories = releaseNames(releases);
        Set<String> engines = new LinkedHashSet<>();
        Set<String> scenarios = new LinkedHashSet<>();
        for (ReleaseReport r : releases) {
            for (EngineReport e : r.engines()) {
                engines.add(String.valueOf(e.label()));
                e.scenarios().forEach(s -> scenarios.add(s.id()));
            }
        }

        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(text.releaseAxis()).yAxisTitle(yAxis).build();
        ChartStyle.apply(chart.getStyler());
        // lines, not bars: bars would also pin the axis to zero, which a log axis cannot show
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int count = 0;
        int engineIndex = 0;
        for (String engine : engines) {
            int scenarioIndex = 0;
            for (String scenario : scenarios) {
                List<Double> values = new ArrayList<>(releases.size());
                for (ReleaseReport r : releases) {
                    values.add(median(r, engine, scenario, metric));
                }
                if (values.stream().anyMatch(v -> v != null)) {
                    for (Double v : values) {
                        if (v != null) {
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                        }
                    }
                    String name = engines.size() > 1 ? scenario + " · " + engine : scenario;
                    CategorySeries s = chart.addSeries(name, categories, values);
                    s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
                    s.setLineColor(ChartStyle.scenarioColor(scenarioIndex));
                    s.setMarkerColor(ChartStyle.scenarioColor(scenarioIndex));
                    s.setMarker(ENGINE_MARKERS[engineIndex % ENGINE_MARKERS.length]);
                    s.setLineStyle(ChartStyle.ENGINE_STROKES[engineIndex % ChartStyle.ENGINE_STROKES.length]);
                    count++;
                }
                scenarioIndex++;
            }
            engineIndex++;
        }
        if (count == 0) {
            return ReleasePanels.noData(title, text.noScenarioData(), width, height);
        }
        var st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        // every line's points at the centre of its release, not spread across the slot like grouped bars
        st.setOverlapped(true);
        st.setPlotGridVerticalLinesVisible(false);
        st.setMarkerSize(7);
        st.setYAxisDecimalPattern("#,##0.###");
        if (ReleasePanels.useLogAxis(count, lo, hi)) {
            st.setYAxisLogarithmic(true);
            chart.setYAxisTitle(text.logAxis(yAxis));
        } else {
            st.setYAxisMin(0.0);
            st.setYAxisMax(ReleasePanels.niceHeadroom(hi, 1.08));
        }
        return chart;
    }

    /** the first run of that engine label in the release with that scenario, its median; null when absent or not finite */
    private static Double median(ReleaseReport release, String engine, String scenario,
                                 Function<ScenarioSummary, Summary> metric) {
        for (EngineReport e : release.engines()) {
            if (String.valueOf(e.label()).equals(engine)) {
                for (ScenarioSummary s : e.scenarios()) {
                    Summary m = s.id().equals(scenario) ? metric.apply(s) : null;
                    if (m != null && Double.isFinite(m.median())) {
                        return m.median();
                    }
                }
                // the engine's other file (its context suite) has no scenarios: look on
            }
        }
        return null;
    }

    /** release tags as category names, which must be distinct: a repeated tag gets {@code #2} */
    private static List<String> releaseNames(List<ReleaseReport> releases) {
        List<String> names = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (ReleaseReport r : releases) {
            String name = r.release();
            for (int k = 2; !used.add(name); k++) {
                name = r.release() + " #" + k;
            }
            names.add(name);
        }
        return names;
    }
}
