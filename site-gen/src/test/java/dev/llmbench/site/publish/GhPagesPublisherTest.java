package dev.llmbench.site.publish;

import org.junit.jupiter.api.BeforeEach;
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

/** Publishes into a real git repository made for the test. */
class GhPagesPublisherTest {
    @TempDir
    Path tmp;
    Path repo;
    Path site;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(run(tmp, "git", "--version").startsWith("git version"), "git is not installed");
        repo = Files.createDirectories(tmp.resolve("repo"));
        run(repo, "git", "init", "-q", "-b", "main");
        run(repo, "git", "config", "user.name", "Test");
        run(repo, "git", "config", "user.email", "test@example.com");
        Files.writeString(repo.resolve("README.md"), "project\n");
        run(repo, "git", "add", "README.md");
        run(repo, "git", "commit", "-q", "-m", "first");
        site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>x</title>\n");
        Files.createDirectories(site.resolve("releases/v1"));
        Files.writeString(site.resolve("releases/v1/index.html"), "<!doctype html><title>v1</title>\n");
    }

    @Test
    void putsTheSiteOnGhPagesWithoutTouchingTheWorkingTree() throws Exception {
        GhPagesPublisher.Outcome o = new GhPagesPublisher(repo).publish(site, "gh-pages", "Publish v1");
        assertThat(o.changed()).isTrue();
        assertThat(o.previous()).isNull();
        assertThat(run(repo, "git", "ls-tree", "-r", "--name-only", "gh-pages").lines())
                .containsExactlyInAnyOrder(".nojekyll", "index.html", "releases/v1/index.html");
        assertThat(run(repo, "git", "log", "-1", "--format=%s", "gh-pages").strip()).isEqualTo("Publish v1");
        // the user's branch, index and files are as they were
        assertThat(run(repo, "git", "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("main");
        assertThat(run(repo, "git", "status", "--porcelain")).isEmpty();
        assertThat(repo.resolve("index.html")).doesNotExist();
    }

    @Test
    void secondPublishStacksOnTheFirstAndSkipsWhenUnchanged() throws Exception {
        GhPagesPublisher p = new GhPagesPublisher(repo);
        GhPagesPublisher.Outcome first = p.publish(site, "gh-pages", "one");
        assertThat(p.publish(site, "gh-pages", "same").changed()).isFalse();
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>y</title>\n");
        GhPagesPublisher.Outcome second = p.publish(site, "gh-pages", "two");
        assertThat(second.previous()).isEqualTo(first.commit());
        assertThat(run(repo, "git", "rev-list", "--count", "gh-pages").strip()).isEqualTo("2");
    }

    @Test
    void refusesWhatIsNotASiteOrNotARepository() throws IOException {
        GhPagesPublisher p = new GhPagesPublisher(repo);
        assertThatThrownBy(() -> p.publish(tmp.resolve("missing"), "gh-pages", "m"))
                .isInstanceOf(GhPagesPublisher.PublishException.class).hasMessageContaining("no such folder");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> p.publish(empty, "gh-pages", "m")).hasMessageContaining("no index.html");
        assertThatThrownBy(() -> p.publish(site, "../evil", "m")).hasMessageContaining("not a valid branch name");
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThatThrownBy(() -> new GhPagesPublisher(plain).publish(site, "gh-pages", "m"))
                .hasMessageContaining("not a git repository");
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
