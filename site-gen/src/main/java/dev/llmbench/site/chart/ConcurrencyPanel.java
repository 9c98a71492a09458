package dev.llmbench.site.chart;

import dev.llmbench.results.StreamLevel;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Throughput against latency across concurrency levels: one point per level (aggregate output tokens/s, median
 * inter-token latency), one line per engine and scenario, each point labelled with its stream count. Drawn only for
 * releases whose files ran more than one level.
 */
final class ConcurrencyPanel {
    /** The words of this chart, per page language; {@code streams} labels a point, {@code %d} its stream count. */
    record Text(String title, String xAxis, String yAxis, String streams) {
        static Text of(String lang) {
            return switch (lang) {
                case "ko" -> new Text("동시 스트림별 처리량과 토큰 간 지연", "출력 처리량 (토큰/초, 전체 스트림 합)",
                        "토큰 간 지연 중앙값 (ms)", "스트림 %d개");
                case "en" -> new Text("Throughput vs Latency by Concurrency", "Output throughput (tokens/sec, all streams)",
                        "Median inter-token latency (ms)", "%d streams");
                default -> throw new IllegalArgumentException("chart language '" + lang + "' is not supported: use ko or en");
            };
        }
    }

    private ConcurrencyPanel() {
    }

    static boolean hasLevels(ReleaseReport report) {
        return report.engines().stream().anyMatch(e -> !e.concurrency().isEmpty());
    }

    static XYChart chart(ReleaseReport report, Text text, int width, int height) {
        XYChart chart = ReleasePanels.xyChart(text.title(), text.xAxis(), text.yAxis(), width, height);
        List<String> engineNames = ReleasePanels.seriesNames(report.engines());
        Set<String> used = new HashSet<>();
        double top = 0;
        for (EngineReport engine : report.engines()) {
            for (List<StreamLevel> levels : engine.concurrency().values()) {
                for (StreamLevel l : levels) {
                    if (l.itlMs() != null) {
                        top = Math.max(top, l.itlMs().median());
                    }
                }
            }
        }
        double yMax = top > 0 ? top * 1.2 : 1;
        double right = 0;
        for (EngineReport engine : report.engines()) {
            for (List<StreamLevel> levels : engine.concurrency().values()) {
                for (StreamLevel l : levels) {
                    right = Math.max(right, l.outputTps().median());
                }
            }
        }
        int colour = 0;
        for (int i = 0; i < report.engines().size(); i++) {
            EngineReport engine = report.engines().get(i);
            for (Map.Entry<String, List<StreamLevel>> scenario : engine.concurrency().entrySet()) {
                List<StreamLevel> levels = scenario.getValue().stream().filter(l -> l.itlMs() != null).toList();
                if (levels.isEmpty()) {
                    continue;
                }
                double[] x = new double[levels.size()];
                double[] y = new double[levels.size()];
                for (int j = 0; j < levels.size(); j++) {
                    x[j] = levels.get(j).outputTps().median();
                    y[j] = levels.get(j).itlMs().median();
                }
                String name = engineNames.get(i) + " · " + scenario.getKey();
                for (int k = 2; !used.add(name); k++) {
                    name = engineNames.get(i) + " · " + scenario.getKey() + " #" + k;
                }
                Color color = ChartStyle.engineColor(colour++);
                XYSeries series = chart.addSeries(name, x, y);
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setMarkerColor(color);
                series.setLineColor(color);
                series.setLineWidth(1.6f);
                for (int j = 0; j < levels.size(); j++) {
                    // above its point, clear of the marker
                    chart.addAnnotation(new org.knowm.xchart.AnnotationText(
                            String.format(java.util.Locale.ROOT, text.streams(), levels.get(j).streams()),
                            x[j], y[j] + yMax * 0.045, false));
                }
            }
        }
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(right > 0 ? right * 1.1 : 1); // room for the rightmost point's label
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(yMax);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setAnnotationTextFont(ChartFonts.regular(11f));
        chart.getStyler().setAnnotationTextFontColor(new Color(0x40, 0x40, 0x40));
        return chart;
    }
}
