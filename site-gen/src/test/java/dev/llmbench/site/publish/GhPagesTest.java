package dev.llmbench.site.publish;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.cli.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Publishing onto gh-pages in a real git repository, leaving the checkout alone. */
class GhPagesTest {
    @BeforeAll
    static void needsGit() {
        assumeTrue(git(Path.of("."), "--version") != null, "git is not installed");
    }

    @Test
    void commitsTheSiteOnTheBranchAndLeavesTheCheckoutAlone(@TempDir Path tmp) throws Exception {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("README.md"), "hello\n");
        git(repo, "add", "README.md");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
        Path site = repo.resolve("site");
        Files.createDirectories(site.resolve("releases/v1"));
        Files.writeString(site.resolve("index.html"), "<!DOCTYPE html><title>x</title>\n");
        Files.writeString(site.resolve(".nojekyll"), "");
        Files.writeString(site.resolve("releases/v1/index.html"), "<!DOCTYPE html><title>v1</title>\n");

        String first = new GhPages(repo).publish(site, "gh-pages", "Publish");
        assertThat(git(repo, "ls-tree", "-r", "--name-only", "gh-pages")).isEqualTo(".nojekyll\nindex.html\nreleases/v1/index.html");
        assertThat(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
        assertThat(git(repo, "status", "--porcelain")).isEqualTo("?? site/");

        assertThat(new GhPages(repo).publish(site, "gh-pages", "Publish")).as("unchanged site: no new commit").isEqualTo(first);
        Files.writeString(site.resolve("index.html"), "<!DOCTYPE html><title>y</title>\n");
        String second = new GhPages(repo).publish(site, "gh-pages", "Publish again");
        assertThat(git(repo, "rev-parse", "gh-pages^")).isEqualTo(first);
        assertThat(git(repo, "show", second + ":index.html")).contains("<title>y</title>");
    }

    @Test
    void refusesWhatItCannotPublish(@TempDir Path tmp) throws IOException {
        Path site = tmp.resolve("site");
        Files.createDirectories(site);
        assertThatThrownBy(() -> new GhPages(tmp).publish(site, "gh-pages", "m"))
                .isInstanceOf(SiteException.class).hasMessageContaining("no index.html")
                .satisfies(e -> assertThat(((SiteException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
        Files.writeString(site.resolve("index.html"), "x");
        assertThatThrownBy(() -> new GhPages(tmp).publish(site, "gh-pages", "m")).hasMessageContaining("not inside a git repository");
        assertThatThrownBy(() -> new GhPages(tmp).publish(site, "../x", "m")).hasMessageContaining("branch");
    }

    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
