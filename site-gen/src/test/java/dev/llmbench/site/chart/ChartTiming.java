package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.ReleaseReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How long one release's four PNGs take, cold and after warm-up (a measurement, not a test). Run from the
 * repository root after {@code ./mvnw -pl site-gen -am test-compile}:
 * <pre>
 * java -cp results/target/classes:site-gen/target/classes:site-gen/target/test-classes:XCHART_JAR \
 *     dev.llmbench.site.chart.ChartTiming [runs]
 * </pre>
 */
public final class ChartTiming {
    private ChartTiming() {
    }

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("chart-timing");
        ReleaseReport report = ChartFixtures.release("v1", ChartFixtures.cuda(3), ChartFixtures.javaCpu(4));

        long cold = System.nanoTime();
        Charts.writeRelease(report, "ko", dir);
        double coldMs = (System.nanoTime() - cold) / 1e6;
        for (int i = 0; i < 10; i++) {
            Charts.writeRelease(report, "en", dir);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Charts.writeRelease(report, i % 2 == 0 ? "ko" : "en", dir);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        long t0 = System.nanoTime();
        Charts.writeTrends(List.of(report, report, report), "ko", dir);
        double trendMs = (System.nanoTime() - t0) / 1e6;
        Arrays.sort(ms);
        System.out.printf("writeRelease, 4 PNGs, 2 engines x 6 scenarios: cold %.0f ms; warm median %.0f ms, "
                + "min %.0f ms, max %.0f ms over %d runs; writeTrends (2 PNGs, 3 releases) %.0f ms%n",
                coldMs, ms[runs / 2], ms[0], ms[runs - 1], runs, trendMs);
    }
}
