package dev.llmbench.site;

import dev.llmbench.site.render.DefaultCharts;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's docs/ carries the benchmark pages of the measured results committed under benchmarks/results/ (never
 * test fixtures); they stay what the generator makes of them. {@code -Dgolden.update=true} regenerates them (pages
 * and charts), as {@code ./bench site benchmarks/results --docs docs} does.
 */
class DocsPagesTest {
    static final Path DOCS = Path.of("../docs");
    static final Path RESULTS = Path.of("../benchmarks/results");

    @Test
    void docsPagesComeFromMeasuredResultsOnly() throws Exception {
        assertThat(RESULTS).isDirectory();
        try (var files = Files.walk(RESULTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                String json = Files.readString(f);
                assertThat(json).as("%s is a finished measured run", f).containsPattern("\"status\"\\s*:\\s*\"complete\"");
            }
        }
        for (String page : List.of("benchmarks.ko.md", "benchmarks.md")) {
            String text = Files.readString(DOCS.resolve(page));
            // the fixture set's made-up engine never appears on a published page
            assertThat(text).as("docs/%s", page).doesNotContain("H100 80GB HBM3");
        }
    }

    @Test
    void checkedInDocsPagesAreUpToDate(@TempDir Path tmp) throws Exception {
        Path out = Golden.UPDATE ? DOCS : tmp.resolve("docs");
        new SiteBuilder(new Templates(null), DefaultCharts.get()).build(new SiteBuilder.Options(
                List.of(RESULTS), null, out, List.of(Lang.KO, Lang.EN), null));
        for (String page : List.of("benchmarks.ko.md", "benchmarks.md")) {
            assertThat(Files.readString(DOCS.resolve(page))).as("docs/%s is stale: regenerate with -Dgolden.update=true", page)
                    .isEqualTo(Files.readString(out.resolve(page)));
        }
        for (String lang : List.of("ko", "en")) {
            for (String png : List.of("benchmark_chart.png", "ttft_vs_prompt.png", "step_tps.png", "throughput.png")) {
                assertThat(DOCS.resolve("assets/" + lang + "/" + png)).exists();
            }
        }
    }
}
