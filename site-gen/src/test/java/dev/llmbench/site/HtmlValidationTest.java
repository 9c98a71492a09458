package dev.llmbench.site;

import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import nu.validator.client.EmbeddedValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every generated HTML page passes the Nu HTML5 validator (run offline through its Java API). */
class HtmlValidationTest {

    @Test
    void everyPageIsValidHtml5(@TempDir Path tmp) throws Exception {
        Path site = tmp.resolve("site");
        new SiteBuilder(new Templates(null), new TestCharts()).build(new SiteBuilder.Options(
                List.of(FixtureResultsTest.RESULTS, Path.of("src/test/resources/legacy")), site, null,
                List.of(Lang.KO, Lang.EN), null));
        List<Path> pages;
        try (var s = Files.walk(site)) {
            pages = s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        // two languages of: the index, four release pages (legacy/reference/ is the old tool's later page, Metal and
        // CUDA), and the diff pages of the three later releases
        assertThat(pages).hasSize(16);
        EmbeddedValidator validator = new EmbeddedValidator();
        validator.setOutputFormat(EmbeddedValidator.OutputFormat.TEXT);
        for (Path page : pages) {
            String html = Files.readString(page);
            // self-contained: no CDN, no absolute link, nothing fetched from elsewhere
            assertThat(html).as(page.toString()).doesNotContainPattern("(src|href)=\"(https?:)?//")
                    .doesNotContainPattern("(src|href)=\"/").doesNotContain("@import", "<script");
            // Markdown emphasis that the renderer did not close shows its asterisks (e.g. ** before a Hangul particle)
            assertThat(html).as("literal ** in %s", site.relativize(page)).doesNotContain("**");
            String report = validator.validate(page);
            assertThat(report.lines().filter(l -> l.startsWith("Error") || l.startsWith("Warning")).toList())
                    .as("HTML5 validation of %s:%n%s", site.relativize(page), report).isEmpty();
        }
    }

    @Test
    void theValidatorCatchesInvalidHtml(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body><p><div></span></body></html>");
        EmbeddedValidator validator = new EmbeddedValidator();
        validator.setOutputFormat(EmbeddedValidator.OutputFormat.TEXT);
        assertThat(validator.validate(bad)).contains("Error: Stray end tag");
    }
}
