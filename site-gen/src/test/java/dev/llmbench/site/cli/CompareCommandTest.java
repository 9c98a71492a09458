package dev.llmbench.site.cli;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ExitCode;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.site.testing.ProjectCopy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./bench compare} on a real git repository holding this project: two revisions checked out and built by
 * their own launcher, the Java engine on the synthetic tiny model, runs interleaved; the head revision makes every
 * decode step sleep, which the diff must call a regression.
 */
class CompareCommandTest {
    @TempDir
    static Path tmp;
    static ProjectCopy project;
    static String base;
    static String head;

    @BeforeAll
    static void twoRevisions() throws Exception {
        project = ProjectCopy.create(tmp.resolve("project"));
        base = project.git("rev-parse", "HEAD").strip();
        // 50 ms is far above a step of the tiny model in a fresh JVM (about 10 ms before the JIT compiled the
        // kernels, and noisy on a busy machine), so the regression stands out at 5 runs a side
        project.edit("runner/src/main/java/dev/llmbench/engine/java/JavaEngine.java",
                "    public int decode(int tokenId) {\n",
                "    public int decode(int tokenId) {\n        try {\n            Thread.sleep(50);\n        } catch (InterruptedException e) {\n"
                        + "            Thread.currentThread().interrupt();\n        }\n");
        head = project.commit("Decode sleeps 50 ms a step");
    }

    @Test
    void aSlowerHeadIsARegressionAndTheCheckoutStaysAsItWas() throws Exception {
        Path results = tmp.resolve("compare");
        Path report = tmp.resolve("report.md");
        Files.writeString(project.dir().resolve("uncommitted.txt"), "the user's work in progress\n");
        String statusBefore = project.git("status", "--porcelain");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PublishCommandTest.bench(out, err, "compare", "main~1", "main", "--repo", project.dir().toString(),
                "--engine", "java", "--model", "synthetic:tiny", "--suite", "quick", "--scenarios", "Q1", "--warmup", "1",
                "--runs", "5", "--results", results.toString(), "--format", "md", "--lang", "en", "--out", report.toString(),
                "--fail-on-regression");
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(log).isEqualTo(ExitCode.FAILURE.code());

        String b = "base-" + base.substring(0, 7);
        String h = "head-" + head.substring(0, 7);
        // interleaved: base, head, base, head, ...
        assertThat(log.lines().filter(l -> l.startsWith("compare: round")).map(l -> l.replaceAll(".*: (base|head) .*", "$1")).toList())
                .containsExactly("base", "head", "base", "head", "base", "head", "base", "head", "base", "head");
        BenchmarkResults merged = ResultsReader.read(results.resolve(h).resolve("java-tiny.json"));
        assertThat(merged.run().release()).isEqualTo(h);
        assertThat(merged.run().tool().gitCommit()).isEqualTo(head);
        assertThat(merged.scenarios().getFirst().measuredRuns()).hasSize(5);
        assertThat(merged.protocol().measuredRuns()).isEqualTo(5);
        assertThat(ResultsReader.read(results.resolve(b).resolve("java-tiny.json")).run().tool().gitCommit()).isEqualTo(base);
        assertThat(results.resolve("rounds").resolve(h)).isDirectoryContaining("glob:**/round-5.json");
        assertThat(results.resolve("logs").resolve(b + ".log")).isRegularFile();

        String md = Files.readString(report);
        assertThat(md).contains(b).contains(h).contains("Decode TPS").containsIgnoringCase("worse");

        assertThat(project.git("status", "--porcelain")).isEqualTo(statusBefore);
        assertThat(project.git("rev-parse", "HEAD").strip()).isEqualTo(head);
        assertThat(project.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void mistakesExitWith2NamingTheFixAndWriteNothing() throws Exception {
        Path results = tmp.resolve("never");
        String repo = project.dir().toString();
        record Case(String expected, String... args) {
        }
        List<Case> cases = List.of(
                new Case("BASE 'no-such-branch': no such commit", "no-such-branch", "main", "--repo", repo),
                new Case("not inside a git working tree", "main~1", "main", "--repo", tmp.toString()),
                new Case("--runs 5 --rounds 2", "main~1", "main", "--repo", repo, "--runs", "5", "--rounds", "2"),
                new Case("holds files that are not an earlier comparison's output", "main~1", "main", "--repo", repo,
                        "--results", project.dir().resolve("runner").toString()));
        for (Case c : cases) {
            List<String> args = new ArrayList<>(List.of("compare"));
            args.addAll(List.of(c.args()));
            args.addAll(List.of("--engine", "java", "--model", "synthetic:tiny"));
            if (!args.contains("--results")) {
                args.addAll(List.of("--results", results.toString()));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = PublishCommandTest.bench(out, err, args.toArray(String[]::new));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(msg).isEqualTo(ExitCode.INVALID_INPUT.code());
            assertThat(msg).contains(c.expected()).doesNotContain("Exception");
            assertThat(results).doesNotExist();
        }
        assertThat(project.git("worktree", "list").lines()).hasSize(1);
        assertThat(project.git("status", "--porcelain")).doesNotContain("runner/");
    }
}
