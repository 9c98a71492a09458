package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmbench.results.ResultsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./bench diff} in-process over the fixture releases v0.1.0 and v0.2.0 (v0.2.0 is faster). */
class DiffCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run diff(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "diff";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = SiteMain.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String release(String tag) throws URISyntaxException {
        return Path.of(DiffCommandTest.class.getResource("/results/" + tag).toURI()).toString();
    }

    @Test
    void improvementPassesAndTheReverseFailsOnRegression() throws Exception {
        Run better = diff(release("v0.1.0"), release("v0.2.0"), "--fail-on-regression", "--lang", "en");
        assertThat(better.code()).isZero();
        assertThat(better.out()).contains("Comparison v0.1.0 -> v0.2.0").contains("java (CPU) / synthetic:qwen2.5-0.5b")
                .contains("better").doesNotContain("worse 1");

        Run worse = diff(release("v0.2.0"), release("v0.1.0"), "--fail-on-regression");
        assertThat(worse.code()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(worse.out()).contains("저하");
        // without the flag a regression is reported but does not fail
        assertThat(diff(release("v0.2.0"), release("v0.1.0")).code()).isZero();
    }

    @Test
    void theTerminalLinesFollowTheLanguage() throws Exception {
        Path md = tmp.resolve("diff.md");
        Run ko = diff(release("v0.1.0"), release("v0.2.0"), "--format", "md", "--out", md.toString());
        assertThat(ko.code()).isZero();
        assertThat(ko.err()).isEqualTo("diff: " + md + "에 저장했습니다" + System.lineSeparator());
        Run en = diff(release("v0.1.0"), release("v0.2.0"), "--format", "md", "--out", md.toString(), "--lang", "en");
        assertThat(en.err()).isEqualTo("diff: wrote " + md + System.lineSeparator());

        // two releases with no engine and model in common: nothing to compare, said in the chosen language
        Path oldRelease = tmp.resolve("old/v0.1.0");
        Path newRelease = tmp.resolve("new/v0.2.0");
        Files.createDirectories(oldRelease);
        Files.createDirectories(newRelease);
        Files.copy(Path.of(release("v0.1.0")).resolve("java-qwen2.5-0.5b.json"), oldRelease.resolve("java-qwen2.5-0.5b.json"));
        Files.copy(Path.of(release("v0.2.0")).resolve("cuda-qwen2.5-0.5b.json"), newRelease.resolve("cuda-qwen2.5-0.5b.json"));
        Run none = diff(oldRelease.toString(), newRelease.toString());
        assertThat(none.code()).isZero();
        assertThat(none.err()).contains("경고: 두 릴리스에 공통 엔진·모델이 없어 비교하지 않았습니다").doesNotContain("warning");
        assertThat(none.out()).contains("비교 제외: java (CPU) / synthetic:qwen2.5-0.5b (v0.1.0에만 있음)");
        Run noneEn = diff(oldRelease.toString(), newRelease.toString(), "--lang", "en");
        assertThat(noneEn.err()).contains("warning: no engine and model was measured in both releases; nothing was compared");
    }

    @Test
    void jsonKeepsEveryCellWithItsVerdict() throws Exception {
        Run r = diff(release("v0.1.0"), release("v0.2.0"), "--format", "json");
        assertThat(r.code()).isZero();
        JsonNode root = ResultsJson.mapper().readTree(r.out());
        assertThat(root.get("old_release").asText()).isEqualTo("v0.1.0");
        assertThat(root.get("threshold").asDouble()).isEqualTo(0.05);
        JsonNode cell = root.get("engines").get(0).get("cells").get(0);
        assertThat(cell.get("metric").asText()).isIn("ttft_ms", "decode_tps", "prefill_tps");
        assertThat(cell.get("verdict").asText()).isIn("better", "worse", "unchanged", "inconclusive");
        assertThat(cell.get("p_value").isNumber()).isTrue();
    }

    @Test
    void markdownAndHtmlGoToAFile() throws Exception {
        Path md = tmp.resolve("diff.ko.md");
        assertThat(diff(release("v0.1.0"), release("v0.2.0"), "--format", "md", "--out", md.toString()).code()).isZero();
        assertThat(Files.readString(md)).startsWith("# 릴리스 비교: `v0.1.0` → `v0.2.0`").contains("| S1 | TTFT (ms) |");
        Path html = tmp.resolve("diff.html");
        assertThat(diff(release("v0.1.0"), release("v0.2.0"), "--format", "html", "--lang", "en", "--out", html.toString()).code()).isZero();
        assertThat(Files.readString(html)).contains("<table>").contains("<html lang=\"en\">");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("diff.ko.md", "diff.html");
        }
    }

    @Test
    void badInputExitsWithTwo() throws Exception {
        Path parent = Path.of(release("v0.1.0")).getParent();
        Run mixed = diff(parent.toString(), release("v0.2.0"));
        assertThat(mixed.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(mixed.err()).contains("holds releases v0.1.0, v0.2.0").doesNotContain("Exception");
        Run missing = diff(tmp.resolve("nope").toString(), release("v0.2.0"));
        assertThat(missing.code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(missing.err()).contains("nope");
        assertThat(diff(release("v0.1.0"), release("v0.2.0"), "--threshold", "-3").code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(diff(release("v0.1.0"), release("v0.2.0"), "--alpha", "2").code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(diff(release("v0.1.0"), release("v0.2.0"), "--format", "pdf").code()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(diff(release("v0.1.0")).code()).isEqualTo(ExitCode.INVALID_INPUT.code());
    }
}
