package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code ./bench publish} in-process: a site built by {@code ./bench site} onto gh-pages of a real repository. */
class PublishCommandTest {
    @TempDir
    Path tmp;

    static int bench(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return SiteMain.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    static void git(Path dir, String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void publishesABuiltSiteAndExplainsMistakes() throws Exception {
        try {
            git(tmp, "--version");
        } catch (IOException e) {
            assumeTrue(false, "git is not installed");
        }
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, "init", "-q", "-b", "main");
        Path site = repo.resolve("site");
        Path results = Path.of(getClass().getResource("/results/v0.2.0").toURI());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(bench(out, err, "site", "--out", site.toString(), results.toString())).as(err.toString()).isZero();

        out.reset();
        int code = bench(out, err, "publish", "--repo", repo.toString(), "--site", site.toString(), "-m", "Site v0.2.0");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("committed").contains("git push origin gh-pages");

        out.reset();
        assertThat(bench(out, err, "publish", "--repo", repo.toString(), "--site", site.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("already holds this site");

        err.reset();
        assertThat(bench(out, err, "publish", "--repo", tmp.toString(), "--site", site.toString())).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a git repository");
    }
}
