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
 * The project's docs/ carries benchmark pages generated from the fixture results set; they stay what the generator
 * makes of it. {@code -Dgolden.update=true} regenerates them (pages and charts), as
 * {@code ./bench site site-gen/src/test/resources/results --docs docs/} would.
 */
class DocsPagesTest {
    static final Path DOCS = Path.of("../docs");

    @Test
    void checkedInDocsPagesAreUpToDate(@TempDir Path tmp) throws Exception {
        Path out = Golden.UPDATE ? DOCS : tmp.resolve("docs");
        new SiteBuilder(new Templates(null), DefaultCharts.get()).build(new SiteBuilder.Options(
                List.of(FixtureResultsTest.RESULTS), null, out, List.of(Lang.KO, Lang.EN), null));
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
