package dev.llmbench.site.publish;

import dev.llmbench.site.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts a built site on a branch (by default {@code gh-pages}) of a git repository with real git, without
 * touching the repository's working tree, index or checked-out branch: the site folder is staged into a
 * private index file ({@code GIT_INDEX_FILE}), written as a tree, committed on top of the branch's previous
 * commit and the branch ref is moved. Nothing is pushed; the caller prints the push command.
 */
public final class GhPagesPublisher {
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}");

    /** What happened. {@code commit} is null when the site was already published unchanged. */
    public record Outcome(String branch, String commit, String previous, int files) {
        public boolean changed() {
            return commit != null;
        }
    }

    /** A user mistake (not a repository, no site, bad branch name): shown as it is, exit code 2. */
    public static final class PublishException extends Exception {
        public PublishException(String message) {
            super(message);
        }
    }

    private final Path repo;

    public GhPagesPublisher(Path repo) {
        this.repo = repo.toAbsolutePath().normalize();
    }

    public Outcome publish(Path site, String branch, String message) throws PublishException, IOException {
        if (!BRANCH.matcher(branch).matches() || branch.contains("..") || branch.endsWith("/") || branch.endsWith(".lock")) {
            throw new PublishException("--branch " + branch + ": not a valid branch name; use letters, digits, '.', '_', '-' or '/'");
        }
        Path siteDir = site.toAbsolutePath().normalize();
        if (!Files.isDirectory(siteDir)) {
            throw new PublishException(site + ": no such folder; build the site first with ./bench site --out " + site);
        }
        if (!Files.isRegularFile(siteDir.resolve("index.html"))) {
            throw new PublishException(site + ": no index.html; is this the folder ./bench site --out wrote?");
        }
        if (!Files.isDirectory(repo)) {
            throw new PublishException(repo + ": no such folder");
        }
        Processes.Result top = git(Map.of(), "rev-parse", "--git-dir");
        if (top.code() != 0) {
            throw new PublishException(repo + ": not a git repository; run git init there, or pass --repo DIR");
        }
        if (!Files.exists(siteDir.resolve(".nojekyll"))) {
            // GitHub Pages would otherwise run Jekyll and drop files whose names start with '_'.
            Files.createFile(siteDir.resolve(".nojekyll"));
        }
        String ref = "refs/heads/" + branch;
        Processes.Result prev = git(Map.of(), "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        String previous = prev.code() == 0 ? prev.out().strip() : null;

        Path index = Files.createTempFile("llmbench-publish", ".index");
        try {
            Files.delete(index); // git creates it; an empty file is not a valid index
            Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
            check(git(env, "--work-tree=" + siteDir, "add", "--all", "--force", "."), "stage the site");
            String tree = check(git(env, "write-tree"), "write the tree").strip();
            if (previous != null) {
                String prevTree = check(git(Map.of(), "rev-parse", previous + "^{tree}"), "read the branch").strip();
                if (prevTree.equals(tree)) {
                    return new Outcome(branch, null, previous, countFiles(env));
                }
            }
            List<String> commit = new ArrayList<>(List.of("commit-tree", tree, "-m", message));
            if (previous != null) {
                commit.add("-p");
                commit.add(previous);
            }
            String sha = check(git(identity(), commit.toArray(String[]::new)), "commit the site").strip();
            List<String> update = new ArrayList<>(List.of("update-ref", "-m", "llmbench publish", ref, sha));
            if (previous != null) {
                update.add(previous);
            }
            check(git(Map.of(), update.toArray(String[]::new)), "move " + branch);
            return new Outcome(branch, sha, previous, countFiles(env));
        } finally {
            Files.deleteIfExists(index);
        }
    }

    private int countFiles(Map<String, String> env) throws IOException {
        String out = check(git(env, "ls-files"), "list the site");
        return out.isBlank() ? 0 : (int) out.lines().count();
    }

    /** Commits need an author; a fresh machine may have none configured, so fall back to a neutral one. */
    private Map<String, String> identity() throws IOException {
        Processes.Result name = git(Map.of(), "config", "user.name");
        Processes.Result email = git(Map.of(), "config", "user.email");
        if (name.code() == 0 && email.code() == 0 && System.getenv("GIT_AUTHOR_NAME") == null) {
            return Map.of();
        }
        return Map.of("GIT_AUTHOR_NAME", env("GIT_AUTHOR_NAME", "llmbench"),
                "GIT_AUTHOR_EMAIL", env("GIT_AUTHOR_EMAIL", "llmbench@localhost"),
                "GIT_COMMITTER_NAME", env("GIT_COMMITTER_NAME", "llmbench"),
                "GIT_COMMITTER_EMAIL", env("GIT_COMMITTER_EMAIL", "llmbench@localhost"));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String check(Processes.Result r, String what) throws IOException {
        if (r.code() != 0) {
            throw new IOException("git failed to " + what + " (exit " + r.code() + "): " + r.err().strip());
        }
        return r.out();
    }

    private Processes.Result git(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.add("-C");
        cmd.add(repo.toString());
        cmd.addAll(List.of(args));
        return Processes.capture(cmd, repo, env, List.of(), 5);
    }
}
