package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.RunInfo;
import dev.llmbench.site.FixtureResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line in-process: exit codes and messages for good and bad input. */
class SiteMainTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SiteMain.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void buildsSiteAndDocs(@TempDir Path tmp) {
        Run r = run("site", "src/test/resources/results", "--out", tmp.resolve("site").toString(),
                "--docs", tmp.resolve("docs").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK.code());
        assertThat(r.out()).contains("2 releases (v0.1.0, v0.2.0)");
        assertThat(tmp.resolve("site/index.html")).exists();
        assertThat(tmp.resolve("docs/benchmarks.ko.md")).exists();
        assertThat(tmp.resolve("docs/benchmarks.md")).exists();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no staging left").containsExactlyInAnyOrder("site", "docs");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void chartOptionWritesTheCombinedChart(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("charts/benchmark_chart.png");
        Files.createDirectories(png.getParent());
        Run r = run("site", "src/test/resources/legacy/benchmark_results.json", "--chart", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(10_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        try (var s = Files.list(png.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("benchmark_chart.png");
        }
    }

    @Test
    void oneLanguageOnly(@TempDir Path tmp) {
        Run r = run("site", "src/test/resources/results", "--docs", tmp.toString(), "--lang", "en");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tmp.resolve("benchmarks.md")).exists();
        assertThat(tmp.resolve("benchmarks.ko.md")).doesNotExist();
    }

    @Test
    void badInputExitsWithTwoAndAClearMessage(@TempDir Path tmp) throws Exception {
        assertThat(run().code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(run("site").code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(run("site", "x", "--bogus").code()).isEqualTo(ExitCode.INVALID_INPUT.code());

        Run missing = run("site", tmp.resolve("nope.json").toString(), "--out", tmp.resolve("o").toString());
        assertThat(missing.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(missing.err()).contains("nope.json").contains("no such file").doesNotContain("Exception", "\tat ");

        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"schema_version\": 1, ");
        Run notJson = run("site", broken.toString(), "--out", tmp.resolve("o").toString());
        assertThat(notJson.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(notJson.err()).contains("broken.json").contains("not valid JSON");

        Path other = tmp.resolve("other.json");
        Files.writeString(other, "[1, 2]");
        Run shape = run("site", other.toString(), "--out", tmp.resolve("o").toString());
        assertThat(shape.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(shape.err()).contains("not a results file");

        Path wrongType = tmp.resolve("wrong.json");
        Files.writeString(wrongType, Files.readString(Path.of("src/test/resources/results/v0.1.0/java-qwen2.5-0.5b.json"))
                .replaceFirst("\"cores\" : 2", "\"cores\" : \"two\""));
        Run types = run("site", wrongType.toString(), "--out", tmp.resolve("o").toString());
        assertThat(types.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(types.err()).contains("wrong.json").contains("$.environment.cores");

        Run lang = run("site", "src/test/resources/results", "--lang", "fr", "--out", tmp.resolve("o").toString());
        assertThat(lang.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(lang.err()).contains("--lang fr");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void releaseTagsThatCouldEscapeTheSiteAreRefused(@TempDir Path tmp) throws Exception {
        BenchmarkResults r = FixtureResults.java("v1", 1, 1, Instant.parse("2026-01-01T00:00:00Z"));
        RunInfo run = r.run();
        Path file = tmp.resolve("in/java.json");
        FixtureResults.write(file, r.withRun(new RunInfo("../../etc", run.status(), run.startedAt(), run.finishedAt(), null, run.tool())));
        Run result = run("site", file.toString(), "--out", tmp.resolve("o").toString());
        assertThat(result.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(result.err()).contains("$.run.release").contains("../../etc").contains("release tag");
    }

    @Test
    void markupInModelNamesShowsAsText(@TempDir Path tmp) throws Exception {
        BenchmarkResults r = FixtureResults.java("v1", 1, 1, Instant.parse("2026-01-01T00:00:00Z"));
        ModelInfo m = r.model();
        String evil = "<script>alert(1)</script>|*x*";
        Map<String, Object> settings = new java.util.LinkedHashMap<>(r.engine().settings());
        settings.put("note", evil); // an engine's own words reach the settings table as text too, its keys as well
        settings.put("<i>k|ey</i>", "v");
        BenchmarkResults hostile = new BenchmarkResults(1, r.run(), r.environment(),
                new EngineInfo(r.engine().name(), r.engine().version(), settings),
                new ModelInfo(evil, m.source(), m.dtype(), m.parameters(), m.configSha256(), m.architecture()),
                r.protocol(), r.load(), r.scenarios(), r.warnings());
        Path file = tmp.resolve("in/java.json");
        FixtureResults.write(file, hostile);
        Run result = run("site", file.toString(), "--out", tmp.resolve("site").toString(), "--docs", tmp.resolve("docs").toString());
        assertThat(result.code()).as(result.err()).isZero();
        for (Path p : List.of(tmp.resolve("site/index.html"), tmp.resolve("site/releases/v1/index.html"),
                tmp.resolve("site/releases/v1/index.en.html"))) {
            String html = Files.readString(p);
            assertThat(html).as(p.toString()).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
        String md = Files.readString(tmp.resolve("docs/benchmarks.ko.md"));
        // outside code blocks (where Markdown shows text literally) no markup gets through
        String prose = md.replaceAll("(?s)```.*?```", "");
        assertThat(prose).doesNotContain("<script");
        assertThat(md).contains("&lt;script&gt;alert(1)&lt;/script&gt;\\|\\*x\\*")
                .contains("| note | &lt;script&gt;alert(1)&lt;/script&gt;\\|\\*x\\* |", "| &lt;i&gt;k\\|ey&lt;/i&gt; | v |");
    }

    @Test
    void aBrokenTemplateNamesTemplateAndLineAndLeavesThePreviousOutputAlone(@TempDir Path tmp) throws Exception {
        Path site = tmp.resolve("site");
        Path docs = tmp.resolve("docs");
        assertThat(run("site", "src/test/resources/results", "--out", site.toString(), "--docs", docs.toString()).code()).isZero();
        String before = Files.readString(site.resolve("releases/v0.2.0/index.html"));
        String docsBefore = Files.readString(docs.resolve("benchmarks.ko.md"));

        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("benchmarks.md.ftl"), "# Title\n\nline two\n<#list engines as e>${e.label}\n");
        Run r = run("site", "src/test/resources/results", "--out", site.toString(), "--docs", docs.toString(),
                "--templates", templates.toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(r.err()).contains("template benchmarks.md.ftl").contains("line ").doesNotContain("\tat ");
        assertThat(Files.readString(site.resolve("releases/v0.2.0/index.html"))).isEqualTo(before);
        assertThat(Files.readString(docs.resolve("benchmarks.ko.md"))).isEqualTo(docsBefore);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no staging left")
                    .containsExactlyInAnyOrder("site", "docs", "templates");
        }

        Files.writeString(templates.resolve("benchmarks.md.ftl"), "# Title\n\n${noSuchValue}\n");
        Run undefined = run("site", "src/test/resources/results", "--docs", docs.toString(), "--templates", templates.toString());
        assertThat(undefined.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(undefined.err()).contains("template benchmarks.md.ftl").contains("line 3").contains("noSuchValue");
    }

    @Test
    void aTemplateOverrideReplacesOneTemplateForEveryLanguage(@TempDir Path tmp) throws Exception {
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("benchmarks.md.ftl"),
                "# ${text(\"page.title\")} ${release}<#if lang == \"en\"> (English)</#if>\n\n${text(\"page.intro\", releaseCode, engineLabels, modelNames)}\n");
        Path docs = tmp.resolve("docs");
        Run r = run("site", "src/test/resources/results", "--docs", docs.toString(), "--templates", templates.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(docs.resolve("benchmarks.md"))).isEqualTo(
                "# Benchmarks v0.2.0 (English)\n\nPerformance of synthetic:qwen2.5-0.5b on cuda (NVIDIA H100 80GB HBM3) and java (CPU), release `v0.2.0`.\n");
        assertThat(Files.readString(docs.resolve("benchmarks.ko.md"))).isEqualTo(
                "# 벤치마크 v0.2.0\n\n릴리스 `v0.2.0`에서 cuda (NVIDIA H100 80GB HBM3), java (CPU) 엔진으로 측정한 synthetic:qwen2.5-0.5b 성능 벤치마크입니다.\n");
    }

    @Test
    void aTemplateAskingForAnUnknownTextNamesTheKey(@TempDir Path tmp) throws Exception {
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("benchmarks.md.ftl"), "# Title\n\n${text(\"page.noSuchText\")}\n");
        Run r = run("site", "src/test/resources/results", "--docs", tmp.resolve("docs").toString(),
                "--templates", templates.toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(r.err()).contains("template benchmarks.md.ftl").contains("line 3").contains("page.noSuchText")
                .contains("Messages.properties").doesNotContain("\tat ");
    }

    @Test
    void aRetiredPerLanguageTemplateIsRefusedWithWhatReplacedIt(@TempDir Path tmp) throws Exception {
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("diff.ko.md.ftl"), "# 비교\n");
        Path docs = tmp.resolve("docs");
        Run r = run("site", "src/test/resources/results", "--docs", docs.toString(), "--templates", templates.toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(r.err()).contains("diff.ko.md.ftl is no longer read").contains("diff.md.ftl").contains("text(")
                .doesNotContain("\tat ");
        assertThat(docs).doesNotExist();
    }
}
