package dev.llmbench.site;

import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole pages of a fixed results set (two releases, java and cuda engines) against golden files, built under
 * several JVM default locales: the output must not change with the locale.
 */
class GoldenPagesTest {
    private final Locale saved = Locale.getDefault();

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(saved);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "de-DE", "ko-KR", "ar-EG"})
    void pagesMatchGoldenFilesUnderEveryLocale(String locale, @TempDir Path tmp) throws Exception {
        Locale.setDefault(Locale.forLanguageTag(locale));
        Path site = tmp.resolve("site");
        Path docs = tmp.resolve("docs");
        new SiteBuilder(new Templates(null), new TestCharts()).build(new SiteBuilder.Options(
                List.of(FixtureResultsTest.RESULTS), site, docs, List.of(Lang.KO, Lang.EN), null));

        Golden.check("docs/benchmarks.ko.md", read(docs.resolve("benchmarks.ko.md")));
        Golden.check("docs/benchmarks.md", read(docs.resolve("benchmarks.md")));
        List<Path> pages;
        try (var s = Files.walk(site)) {
            pages = s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        assertThat(pages).extracting(p -> site.relativize(p).toString().replace('\\', '/')).containsExactly(
                "index.en.html", "index.html",
                "releases/v0.1.0/index.en.html", "releases/v0.1.0/index.html",
                "releases/v0.2.0/diff.en.html", "releases/v0.2.0/diff.html",
                "releases/v0.2.0/index.en.html", "releases/v0.2.0/index.html");
        for (Path p : pages) {
            Golden.check("site/" + site.relativize(p).toString().replace('\\', '/'), read(p));
        }
        assertThat(site.resolve(".nojekyll")).exists();
        assertThat(site.resolve("style.css")).exists();
        assertThat(site.resolve("releases/v0.2.0/assets/ko/benchmark_chart.png")).exists();
        assertThat(site.resolve("assets/trends/en/trend_ttft.png")).exists();
        assertThat(docs.resolve("assets/ko/benchmark_chart.png")).exists();
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
