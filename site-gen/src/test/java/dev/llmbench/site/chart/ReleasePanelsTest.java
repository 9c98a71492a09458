package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.awt.Font;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.llmbench.site.chart.ChartFixtures.release;
import static dev.llmbench.site.chart.ChartsTest.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReleasePanelsTest {
    private static final int W = 500;
    private static final int H = 375;

    @Test
    void ttftPointsAreSortedByPromptLengthWithStddevBarsAndSharedLengthsKept() {
        XYChart chart = (XYChart) ReleasePanels.ttft(release("v", ChartFixtures.legacyMetal()), ChartText.EN, W, H);

        XYSeries s = chart.getSeriesMap().get("NPU (Metal)");
        // suite order S1..S6 is 16, 64, 256, 512, 1024, 64: S6 moves next to S2, both kept
        assertThat(s.getXData()).containsExactly(16, 64, 64, 256, 512, 1024);
        assertThat(s.getYData()).containsExactly(4497.9, 4476.5, 4487.8, 4493.2, 4499.7, 4492.2);
        assertThat(s.getExtraValues()).containsExactly(33.9, 10.1, 11.1, 15.2, 3.0, 19.9);
    }

    @Test
    void ttftErrorBarsAreTheSampleStddevOfRawSamples() {
        EngineReport cpu = ChartFixtures.javaCpu(9);
        XYChart chart = (XYChart) ReleasePanels.ttft(release("v", cpu), ChartText.EN, W, H);

        double[] expected = cpu.scenarios().stream()
                .sorted(java.util.Comparator.comparingInt(ScenarioSummary::promptTokens))
                .mapToDouble(sc -> sc.ttftMs().stddev()).toArray();
        double[] bars = chart.getSeriesMap().get("java (CPU)").getExtraValues();
        assertThat(bars).containsExactly(expected, within(1e-9));
        assertThat(Arrays.stream(bars).allMatch(b -> b > 0)).as("every bar has a spread").isTrue();
    }

    @Test
    void nanIsNeverPlotted() {
        List<Double> steps = List.of(10.0, Double.NaN, 11.0, 12.0, Double.POSITIVE_INFINITY);
        EngineReport engine = ChartFixtures.engine("e", false, List.of(
                scenario("S1", 16, 32, 100, Double.NaN, 10, List.of()),
                scenario("S2", 64, 6, Double.NaN, 1, Double.NaN, steps),
                scenario("S3", 256, 5, 300, 3, 9, List.of())));
        ReleaseReport report = release("v", engine);

        XYSeries ttft = ((XYChart) ReleasePanels.ttft(report, ChartText.EN, W, H)).getSeriesMap().get("e");
        assertThat(ttft.getXData()).containsExactly(16, 256);
        assertThat(ttft.getExtraValues()).containsExactly(0, 3);

        XYSeries step = ((XYChart) ReleasePanels.stepTps(report, ChartText.EN, W, H)).getSeriesMap().get("e");
        assertThat(step.getXData()).containsExactly(1, 3, 4);
        assertThat(step.getYData()).containsExactly(10, 11, 12);

        CategoryChart bars = (CategoryChart) ReleasePanels.throughput(report, ChartText.EN, W, H);
        List<Object> decode = new ArrayList<>(bars.getSeriesMap().get("Decode (tok/s)").getYData());
        assertThat(decode).containsExactly(10.0, null, 9.0);
    }

    @Test
    void stepPanelShowsTheLongestDecodeScenarioAndItsMedian() {
        ReleaseReport report = release("v", ChartFixtures.legacyMetal());

        XYChart chart = (XYChart) ReleasePanels.stepTps(report, ChartText.KO, W, H);

        assertThat(chart.getTitle()).isEqualTo("스텝별 Decode TPS (S6: 512 토큰)");
        XYSeries line = chart.getSeriesMap().get("NPU (Metal)");
        assertThat(line.getXData()).hasSize(511);
        double[] values = report.engines().getFirst().scenarios().get(5).stepTps().stream()
                .mapToDouble(Double::doubleValue).sorted().toArray();
        double median = values[values.length / 2];
        String label = "중앙값: " + ChartText.oneDecimal(median);
        XYSeries m = chart.getSeriesMap().get(label);
        assertThat(m).as("median series named " + label).isNotNull();
        assertThat(m.getYData()).containsExactly(median, median);
    }

    @Test
    void withSeveralEnginesEachLegendRowCarriesItsEnginesMedian() {
        ReleaseReport report = release("v", ChartFixtures.cuda(1), ChartFixtures.javaCpu(2));

        XYChart chart = (XYChart) ReleasePanels.stepTps(report, ChartText.EN, W, H);

        List<String> legend = chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend)
                .map(XYSeries::getLabel).toList();
        assertThat(legend).hasSize(2);
        assertThat(legend.get(0)).startsWith("cuda (H100) · Median: 14");
        assertThat(legend.get(1)).startsWith("java (CPU) · Median: 9.");
        assertThat(chart.getSeriesMap().values().stream().filter(s -> !s.isShowInLegend()).count())
                .as("two dashed medians and the axis anchor").isEqualTo(3);
    }

    @Test
    void ttftLegendAvoidsTheCurves() {
        assertThat(((XYChart) ReleasePanels.ttft(release("v", ChartFixtures.javaCpu(1)), ChartText.EN, W, H))
                .getStyler().getLegendPosition()).as("rising curve").isEqualTo(Styler.LegendPosition.InsideNW);
        assertThat(((XYChart) ReleasePanels.ttft(release("v", ChartFixtures.legacyMetal()), ChartText.EN, W, H))
                .getStyler().getLegendPosition()).as("flat curve at the top").isEqualTo(Styler.LegendPosition.InsideSE);
    }

    @Test
    void throughputHasOneBarPerEngineAndMetricInEveryScenarioGroup() {
        ReleaseReport report = release("v", ChartFixtures.cuda(1), ChartFixtures.javaCpu(2));

        CategoryChart chart = (CategoryChart) ReleasePanels.throughput(report, ChartText.EN, W, H);

        assertThat(chart.getSeriesMap().keySet()).containsExactly("cuda (H100) prefill", "cuda (H100) decode",
                "java (CPU) prefill", "java (CPU) decode");
        for (CategorySeries s : chart.getSeriesMap().values()) {
            assertThat(new ArrayList<Object>(s.getXData())).containsExactly("S1", "S2", "S3", "S4", "S5", "S6");
        }
        assertThat(chart.getSeriesMap().get("java (CPU) prefill").getFillColor()).isEqualTo(ChartStyle.engineColor(1));
    }

    @Test
    void enginesAnOrderOfMagnitudeApartShareALogAxisThatSaysSo() {
        ReleaseReport apart = release("v", ChartFixtures.cuda(1), ChartFixtures.javaCpu(2));
        ReleaseReport close = release("v", ChartFixtures.javaCpu(1), ChartFixtures.javaCpu(2));

        XYChart log = (XYChart) ReleasePanels.ttft(apart, ChartText.EN, W, H);
        XYChart linear = (XYChart) ReleasePanels.ttft(close, ChartText.KO, W, H);

        assertThat(log.getStyler().isYAxisLogarithmic()).isTrue();
        assertThat(log.getYAxisTitle()).isEqualTo("TTFT (ms, log scale)");
        assertThat(linear.getStyler().isYAxisLogarithmic()).isFalse();
        assertThat(linear.getYAxisTitle()).isEqualTo("TTFT (ms)");
        assertThat(linear.getStyler().getYAxisMin()).isZero();
    }

    @Test
    void repeatedEngineLabelsGetDistinctSeries() {
        ReleaseReport report = release("v", ChartFixtures.javaCpu(1), ChartFixtures.javaCpu(2));

        XYChart chart = (XYChart) ReleasePanels.ttft(report, ChartText.EN, W, H);

        assertThat(chart.getSeriesMap().keySet()).containsExactly("java (CPU)", "java (CPU) #2");
    }

    @Test
    void everyChartTextUsesTheShippedFont() throws Exception {
        ReleaseReport report = release("v", ChartFixtures.cuda(1), ChartFixtures.legacyMetal());
        List<Chart<?, ?>> charts = new ArrayList<>();
        for (ChartText text : List.of(ChartText.KO, ChartText.EN)) {
            charts.addAll(ReleasePanels.all(report, text, W, H));
            charts.add(ReleasePanels.noData("t", text.noStepData(), W, H));
            charts.add(TrendPanels.ttft(List.of(report, report), text, W, H));
        }
        String family = "NanumSquare";
        for (Chart<?, ?> chart : charts) {
            Styler styler = chart.getStyler();
            List<Method> getters = Arrays.stream(styler.getClass().getMethods())
                    .filter(m -> m.getParameterCount() == 0 && m.getReturnType() == Font.class).toList();
            assertThat(getters).hasSizeGreaterThan(5);
            for (Method getter : getters) {
                Font font = (Font) getter.invoke(styler);
                assertThat(font.getFamily()).as(chart.getTitle() + " " + getter.getName()).startsWith(family);
            }
        }
    }
}
