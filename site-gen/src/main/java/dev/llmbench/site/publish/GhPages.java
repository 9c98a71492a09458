package dev.llmbench.site.publish;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.cli.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Puts a built site on a branch (gh-pages) of a git repository with git's plumbing: the site folder is staged into
 * a private index, written as a tree and committed on top of the branch. The user's checkout, index and HEAD are
 * never touched; the branch is then ready to push.
 */
public final class GhPages {
    private final Path repo;

    public GhPages(Path repo) {
        this.repo = repo;
    }

    /** @return the new commit id */
    public String publish(Path site, String branch, String message) throws SiteException {
        if (!Files.isRegularFile(site.resolve("index.html"))) {
            throw SiteException.invalidInput(site + ": no index.html; build the site first with ./bench site --out " + site);
        }
        if (!branch.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}") || branch.contains("..")) {
            throw SiteException.invalidInput("--branch " + branch + ": not a usable branch name");
        }
        gitDir = null;
        String dir = git(null, "rev-parse", "--absolute-git-dir");
        if (dir == null) {
            throw SiteException.invalidInput(repo + ": not inside a git repository; run from the repository or pass --repo");
        }
        Path index = null;
        try {
            index = Files.createTempFile("llmbench-publish", ".index");
            Files.delete(index);
            gitDir = dir;
            Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString(), "GIT_WORK_TREE", site.toAbsolutePath().toString());
            siteDir = site.toAbsolutePath();
            run(env, "add", "--all", "--force", ".");
            siteDir = null;
            String tree = run(env, "write-tree");
            String parent = git(null, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch);
            List<String> commit = new ArrayList<>(List.of("commit-tree", tree, "-m", message));
            if (parent != null) {
                if (run(null, "rev-parse", parent + "^{tree}").equals(tree)) {
                    return parent; // nothing changed: no empty commit
                }
                commit.addAll(List.of("-p", parent));
            }
            String id = run(null, commit.toArray(String[]::new));
            run(null, "update-ref", "refs/heads/" + branch, id);
            return id;
        } catch (IOException e) {
            throw new SiteException(ExitCode.INTERNAL, "publish: " + e.getMessage());
        } finally {
            if (index != null) {
                try {
                    Files.deleteIfExists(index);
                } catch (IOException ignored) {
                    // a temporary index file left in the temp folder does no harm
                }
            }
        }
    }

    /** Runs git; its trimmed output, or an error naming the git command. */
    private String run(Map<String, String> env, String... args) throws SiteException {
        String out = git(env, args);
        if (out == null) {
            throw new SiteException(ExitCode.FAILURE, "publish: git " + String.join(" ", args) + " failed: " + lastError);
        }
        return out;
    }

    private String lastError = "";
    /** once known, git runs against this git folder, so the site folder can be the work tree */
    private String gitDir;
    /** the folder git runs in while staging the site; null: the repository */
    private Path siteDir;

    /** Git's trimmed output, or null when it exits non-zero. */
    private String git(Map<String, String> env, String... args) throws SiteException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        if (gitDir != null) {
            cmd.add("--git-dir=" + gitDir);
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory((siteDir != null ? siteDir : repo.toAbsolutePath()).toFile());
        if (env != null) {
            pb.environment().putAll(env);
        }
        // commits made here need an identity; the user's own is used when configured
        pb.environment().putIfAbsent("GIT_AUTHOR_NAME", "llmbench");
        pb.environment().putIfAbsent("GIT_AUTHOR_EMAIL", "llmbench@localhost");
        pb.environment().putIfAbsent("GIT_COMMITTER_NAME", "llmbench");
        pb.environment().putIfAbsent("GIT_COMMITTER_EMAIL", "llmbench@localhost");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var stdout = p.getInputStream().readAllBytes();
            var stderr = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SiteException(ExitCode.FAILURE, "publish: git " + String.join(" ", args) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                lastError = new String(stderr, StandardCharsets.UTF_8).strip();
                return null;
            }
            return new String(stdout, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SiteException(ExitCode.FAILURE, "publish needs git on the PATH: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SiteException(ExitCode.INTERNAL, "publish: interrupted");
        }
    }
}
