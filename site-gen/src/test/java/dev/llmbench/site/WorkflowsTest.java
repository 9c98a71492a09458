package dev.llmbench.site;

import dev.llmbench.site.testing.ProjectCopy;
import dev.llmbench.site.testing.SiteLinks;
import dev.llmbench.site.testing.WorkflowDryRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GitHub workflows: each valid for GitHub's workflow schema (action-validator, which .ci/run installs), and each
 * run here as a dry run (every run: step in order, in a real repository of the project, through
 * {@link WorkflowDryRun}). The published site is checked to work under a project subpath.
 */
class WorkflowsTest {
    static final Path WORKFLOWS = ProjectCopy.ROOT.resolve(".github/workflows");

    @TempDir
    static Path tmp;
    static ProjectCopy project;

    @BeforeAll
    static void copyTheProject() throws Exception {
        project = ProjectCopy.create(tmp.resolve("project"));
    }

    static List<Path> workflows() throws IOException {
        try (Stream<Path> s = Files.list(WORKFLOWS)) {
            return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static Path validator() {
        return Stream.concat(Stream.of(System.getenv("LLMBENCH_ACTION_VALIDATOR")),
                        Stream.of(System.getenv("PATH").split(":")).map(d -> d + "/action-validator"))
                .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    }

    static String validate(Path validator, Path workflow) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(validator.toString(), workflow.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return p.exitValue() + "\n" + out;
    }

    @Test
    void everyWorkflowIsValidForGithubsSchemaAndTheValidatorCatchesAMistake() throws Exception {
        Path validator = validator();
        assumeTrue(validator != null, "action-validator is not installed (npm install -g @action-validator/cli; .ci/run does)");
        assertThat(workflows()).extracting(p -> p.getFileName().toString())
                .contains("pages.yml", "regression.yml", "matrix.yml", "metal.yml");
        for (Path wf : workflows()) {
            assertThat(validate(validator, wf)).as(wf.toString()).startsWith("0\n");
        }
        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, Files.readString(WORKFLOWS.resolve("pages.yml")).replace("runs-on:", "run-on:"));
        assertThat(validate(validator, broken)).doesNotStartWith("0\n").contains("runs-on");
    }

    @Test
    void pagesBuildsTheSiteAndTheDocsForAProjectSubpath() throws Exception {
        WorkflowDryRun.Outcome o = dryRun("pages.yml", Map.of(), Map.of("ref_name", "main", "event_name", "push"), Map.of());
        assertThat(o.succeeded()).as(o.describe()).isTrue();
        assertThat(o.pagesSites()).hasSize(1);
        Path site = o.pagesSites().getFirst();
        assertThat(site.resolve("index.html")).isRegularFile();
        assertThat(site.resolve("releases/v0.1.0/index.html")).isRegularFile();
        assertThat(site.resolve("docs/index.html")).isRegularFile();
        assertThat(site.resolve(".nojekyll")).exists();
    }

    @Test
    void regressionComparesBaseAndHeadAndPostsTheSummary() throws Exception {
        String head = project.git("rev-parse", "HEAD").strip();
        WorkflowDryRun.Outcome o = dryRun("regression.yml", Map.of(),
                Map.of("event_name", "pull_request", "event", Map.of("pull_request", Map.of("number", "1",
                        "base", Map.of("sha", head), "head", Map.of("sha", head)))),
                // identical commits: a significance level no p-value of 10 runs a side can reach keeps the noise of
                // this machine from failing the gate, so the test checks the workflow, not the machine
                Map.of("LLMBENCH_GATE_MODEL", "synthetic:tiny", "LLMBENCH_GATE_ALPHA", "0.000001"));
        assertThat(o.succeeded()).as(o.describe()).isTrue();
        String label = head.substring(0, 7);
        assertThat(o.summaries().values()).singleElement().asString().contains("base-" + label).contains("head-" + label)
                .contains("Decode TPS");
        assertThat(o.artifacts().resolve("compare-output/compare-output/compare.json")).isRegularFile();
        assertThat(o.artifacts().resolve("compare-output/compare-report.md")).isRegularFile();
    }

    @Test
    void matrixRunsTheLinuxEntryHereAndGathersOneSite() throws Exception {
        WorkflowDryRun.Outcome o = dryRun("matrix.yml",
                Map.of("release", "v9.9.9", "engines", "java,metal,cuda", "model", "synthetic:tiny", "suite", "quick"),
                Map.of("ref_name", "main", "event_name", "workflow_dispatch"), Map.of());
        assertThat(o.succeeded()).as(o.describe()).isTrue();
        assertThat(o.notRunHere()).anyMatch(s -> s.contains("metal") && s.contains("macos-14"))
                .anyMatch(s -> s.contains("cuda") && s.contains("self-hosted"));
        assertThat(o.artifacts().resolve("results-java/java-tiny.json")).isRegularFile();
        assertThat(o.artifacts().resolve("release-v9.9.9/java-tiny.json")).isRegularFile();
        Path site = o.pagesSites().getFirst();
        assertThat(site.resolve("releases/v9.9.9/index.html")).isRegularFile();
        assertThat(site.resolve("releases/v0.1.0/index.html")).isRegularFile();
    }

    @Test
    void metalRunsOnlyOnAMac() throws Exception {
        WorkflowDryRun.Outcome o = dryRun("metal.yml", Map.of(), Map.of("ref", "refs/heads/main", "event_name", "push"), Map.of());
        assertThat(o.steps()).isEmpty();
        assertThat(o.notRunHere()).containsExactly("metal (runs on macos-14)");
    }

    @Test
    void theSubpathCheckFindsLinksThatLeaveTheSite() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("links/site"));
        Files.createDirectories(site.resolve("docs"));
        Files.writeString(site.resolve("style.css"), "body { background: url(\"/bg.png\"); }");
        Files.writeString(site.resolve("index.html"), "<a href=\"releases/x.html\"></a><a href=\"https://example.com/\"></a>"
                + "<img src=\"ok.png\"><a href=\"#top\"></a>");
        Files.writeString(site.resolve("ok.png"), "");
        Files.writeString(site.resolve("docs/index.html"), "<a href=\"https://example.com/\"></a><a href=\"../index.html\"></a>");
        Files.writeString(site.resolve("docs/404.html"), "<a href=\"/llmbench/docs/index.html\"></a><a href=\"/docs/index.html\"></a>");
        assertThat(SiteLinks.problems(site, "docs", "/llmbench")).containsExactly(
                "docs/404.html: /docs/index.html: a 404 page's absolute link outside the subpath /llmbench/",
                "index.html: releases/x.html: no such file in the site",
                "index.html: https://example.com/: external address",
                "style.css: /bg.png: absolute path; it leaves a project subpath");
    }

    @Test
    void theMatrixPlanRefusesAnUnknownEngine() throws Exception {
        Process p = new ProcessBuilder(ProjectCopy.ROOT.resolve(".github/scripts/matrix-plan").toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String ok = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(ok).isEqualTo("matrix=[{\"engine\":\"java\",\"runs-on\":\"ubuntu-latest\"}]\n");
        ProcessBuilder pb = new ProcessBuilder(ProjectCopy.ROOT.resolve(".github/scripts/matrix-plan").toString()).redirectErrorStream(true);
        pb.environment().put("ENGINES", "java,rocm");
        p = pb.start();
        String bad = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(bad).contains("unknown engine 'rocm'");
    }

    private static WorkflowDryRun.Outcome dryRun(String workflow, Map<String, Object> inputs, Map<String, Object> github,
                                                 Map<String, Object> vars) throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve("dry-" + workflow));
        return new WorkflowDryRun(project.dir(), scratch, inputs, github, vars, site -> {
            try {
                assertThat(site.resolve("index.html")).isRegularFile();
                assertThat(SiteLinks.problems(site, "docs", java.net.URI.create(WorkflowDryRun.PAGES_URL).getPath())).as("links that break under a project subpath").isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).run(project.dir().resolve(".github/workflows").resolve(workflow));
    }
}
