package dev.llmbench.site.chart;

import dev.llmbench.results.CacheFill;
import dev.llmbench.site.analysis.ContextSummary;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.Summary;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContextPanelsTest {
    /** Positions 1, 4, ..., 4096 whose step time grows from {@code stepMs} by up to half. */
    private static EngineReport engine(String label, double stepMs) {
        List<ContextSummary> points = new ArrayList<>();
        for (int p = 1; p <= 4096; p *= 4) {
            double ms = stepMs * (1 + p / 8192.0);
            points.add(new ContextSummary(p, CacheFill.DIRECT, 4,
                    new Summary(4, ms, ms * 0.05, ms * 0.95, ms * 1.05, List.of(ms, ms, ms, ms), false), 1000 / ms, null));
        }
        return new EngineReport(label, label + ".json", false, null, null, null, null, null, List.of(),
                new EngineReport.Metrics(null, null, null, null, null, false, false), List.of(), Map.of(), Map.of(), points);
    }

    @Test
    void enginesAHundredfoldApartShareLogAxesThatSaySo() {
        ReleaseReport apart = ChartFixtures.release("v", engine("cuda (GPU)", 1.0), engine("java (CPU)", 100.0));

        List<XYChart> charts = ContextPanels.comparison(apart, ContextPanels.Text.of("en"), 600, 400);

        assertThat(charts).hasSize(3);
        XYChart tps = charts.get(0), step = charts.get(1), ratio = charts.get(2);
        assertThat(tps.getStyler().isYAxisLogarithmic()).isTrue();
        assertThat(tps.getYAxisTitle()).isEqualTo("Decode TPS (tokens/sec, log scale)");
        assertThat(step.getStyler().isYAxisLogarithmic()).isTrue();
        assertThat(step.getYAxisTitle()).isEqualTo("Step time (ms, log scale)");
        assertThat(step.getStyler().getYAxisMin()).isPositive().isLessThanOrEqualTo(1.0 * 0.05 + 1.0);
        // error bars stay above zero, where a log axis can draw them
        step.getSeriesMap().values().forEach(s -> {
            double[] y = s.getYData(), err = s.getExtraValues();
            if (err != null) {
                for (int i = 0; i < y.length; i++) {
                    assertThat(y[i] - err[i]).isPositive();
                }
            }
        });
        assertThat(ratio.getStyler().isYAxisLogarithmic()).isFalse();
    }

    @Test
    void enginesOfOneOrderShareLinearAxesFromZero() {
        ReleaseReport close = ChartFixtures.release("v", engine("a", 100.0), engine("b", 150.0));

        List<XYChart> charts = ContextPanels.comparison(close, ContextPanels.Text.of("ko"), 600, 400);

        for (XYChart c : charts.subList(0, 2)) {
            assertThat(c.getStyler().isYAxisLogarithmic()).isFalse();
            assertThat(c.getStyler().getYAxisMin()).isZero();
            assertThat(c.getYAxisTitle()).doesNotContain("로그 축");
        }
    }
}
