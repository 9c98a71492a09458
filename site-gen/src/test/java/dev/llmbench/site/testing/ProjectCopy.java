package dev.llmbench.site.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A real git repository holding this project's sources as they are now (tracked files and untracked ones git does
 * not ignore), committed, for tests that check out, build and run revisions of the project like a user's clone.
 */
public final class ProjectCopy {
    /** The project root: the site-gen module's parent (tests run in the module's folder). */
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private final Path dir;

    private ProjectCopy(Path dir) {
        this.dir = dir;
    }

    public static ProjectCopy create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String list = run(ROOT, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard");
        for (String name : list.split("\0")) {
            if (name.isEmpty()) {
                continue;
            }
            Path from = ROOT.resolve(name);
            if (!Files.isRegularFile(from)) {
                continue; // deleted in the working tree, or a submodule
            }
            Path to = dir.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        ProjectCopy copy = new ProjectCopy(dir);
        copy.git("init", "-q", "-b", "main");
        copy.commit("the project as it is");
        return copy;
    }

    public Path dir() {
        return dir;
    }

    /** Commits every change; returns the new commit id. */
    public String commit(String message) throws IOException, InterruptedException {
        git("add", "--all");
        git("-c", "user.name=llmbench test", "-c", "user.email=test@localhost", "commit", "-q", "--allow-empty", "-m", message);
        return git("rev-parse", "HEAD").strip();
    }

    /** Replaces the one occurrence of {@code anchor} in a file; fails when the anchor is not there exactly once. */
    public void edit(String file, String anchor, String replacement) throws IOException {
        Path p = dir.resolve(file);
        String text = Files.readString(p, StandardCharsets.UTF_8);
        int at = text.indexOf(anchor);
        if (at < 0 || text.indexOf(anchor, at + 1) >= 0) {
            throw new IllegalStateException(file + ": the anchor must occur exactly once: " + anchor);
        }
        Files.writeString(p, text.replace(anchor, replacement), StandardCharsets.UTF_8);
    }

    public String git(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        return run(dir, cmd.toArray(String[]::new));
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed in " + dir + " (exit " + p.exitValue() + ")");
        }
        return out;
    }
}
