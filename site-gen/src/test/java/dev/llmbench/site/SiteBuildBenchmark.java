package dev.llmbench.site;

import dev.llmbench.results.Statistics;
import dev.llmbench.site.render.DefaultCharts;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): wall time of {@code ./bench site} for 50 results files (25 releases, java and cuda each,
 * default suite with raw samples), Korean and English, HTML site and docs, with the real charts. One warm-up build,
 * then five measured builds; prints each time and the median.
 *
 * <pre>
 * ./mvnw -B -q -ntp -pl site-gen -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test.cp
 * java -cp "site-gen/target/test-classes:site-gen/target/classes:$(cat site-gen/target/test.cp)" \
 *     dev.llmbench.site.SiteBuildBenchmark [runs] [nocharts]
 * </pre>
 */
public final class SiteBuildBenchmark {
    private SiteBuildBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // "nocharts" as second argument measures the pages alone
        boolean charts = args.length < 2 || !"nocharts".equals(args[1]);
        Path root = Files.createTempDirectory("llmbench-site-bench");
        Path results = root.resolve("results");
        for (int i = 0; i < 25; i++) {
            String tag = String.format(Locale.ROOT, "v0.%d.0", i);
            Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(86_400L * i);
            FixtureResults.write(results.resolve(tag + "/java-qwen2.5-0.5b.json"), FixtureResults.java(tag, 1 - 0.005 * i, 100 + i, t));
            FixtureResults.write(results.resolve(tag + "/cuda-qwen2.5-0.5b.json"), FixtureResults.cuda(tag, 1 - 0.004 * i, 200 + i, t.plusSeconds(60)));
        }
        long bytes;
        try (var s = Files.walk(results)) {
            bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf(Locale.ROOT, "50 results files, %.1f MB, in %s%n", bytes / 1e6, results);
        List<Double> seconds = new ArrayList<>();
        for (int r = 0; r <= runs; r++) {
            long t0 = System.nanoTime();
            new SiteBuilder(new Templates(null), charts ? DefaultCharts.get() : dev.llmbench.site.render.ChartRenderer.none()).build(new SiteBuilder.Options(List.of(results),
                    root.resolve("site"), root.resolve("docs"), List.of(Lang.KO, Lang.EN), null));
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s %d: %.2f s%n", r == 0 ? "warm-up" : "build", r, s);
            if (r > 0) {
                seconds.add(s);
            }
        }
        Statistics st = Statistics.of(seconds);
        System.out.printf(Locale.ROOT, "median %.2f s, min %.2f s, max %.2f s over %d builds (%d cores)%n",
                st.median(), st.min(), st.max(), st.n(), Runtime.getRuntime().availableProcessors());
        deleteTree(root);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
