package dev.llmbench.site.compare;

import dev.llmbench.site.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks out revisions of a git repository into worktrees of their own (detached, under a private temporary
 * folder), so that the user's working tree, index and checked-out branch stay as they were. {@link #close}
 * removes every worktree it added, and git's record of them.
 */
public final class Worktrees implements AutoCloseable {
    /** A user mistake (not a repository, an unknown revision): shown as it is, exit code 2. */
    public static final class RevisionException extends Exception {
        public RevisionException(String message) {
            super(message);
        }
    }

    private final Path repo;
    private final Path root;
    private final List<Path> added = new ArrayList<>();
    /** Removes the worktrees when the process is stopped (Ctrl-C) before {@link #close} ran. */
    private final Thread onExit;

    private Worktrees(Path repo, Path root) {
        this.repo = repo;
        this.root = root;
        this.onExit = new Thread(() -> {
            try {
                removeAll();
            } catch (IOException ignored) {
                // the process is ending; git worktree prune clears what is left
            }
        }, "llmbench-compare-worktrees");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Opens {@code repo} (any folder inside a git working tree); worktrees go into a fresh temporary folder. */
    public static Worktrees open(Path repo) throws RevisionException, IOException {
        Path dir = repo.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new RevisionException("--repo " + repo + ": no such folder");
        }
        Processes.Result top = git(dir, "rev-parse", "--show-toplevel");
        if (top.code() != 0) {
            throw new RevisionException("--repo " + repo + ": not inside a git working tree; run ./bench compare in a clone of "
                    + "the project, or pass --repo DIR");
        }
        return new Worktrees(Path.of(top.out().strip()), Files.createTempDirectory("llmbench-compare-"));
    }

    public Path repo() {
        return repo;
    }

    /** The commit {@code name} names, as the given side of the comparison. */
    public Revision resolve(String role, String name) throws RevisionException, IOException {
        if (name.isBlank() || name.startsWith("-")) {
            throw new RevisionException(role.toUpperCase() + " '" + name + "': not a revision; give a branch, tag or commit");
        }
        Processes.Result r = git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", name + "^{commit}");
        if (r.code() != 0) {
            throw new RevisionException(role.toUpperCase() + " '" + name + "': no such commit in " + repo
                    + "; give a branch, tag or commit that git log shows (fetch it first if it is only on a remote)");
        }
        return new Revision(role, name, r.out().strip());
    }

    /** A new detached worktree of {@code revision}'s commit. */
    public Path checkout(Revision revision) throws IOException {
        Path dir = root.resolve(revision.label());
        Processes.Result r = git(repo, "worktree", "add", "--detach", "--quiet", dir.toString(), revision.commit());
        if (r.code() != 0) {
            throw new IOException("git could not check out " + revision.name() + " (" + revision.commit() + ") into " + dir
                    + ": " + r.tail(5));
        }
        added.add(dir);
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook does the work
        }
        removeAll();
    }

    private synchronized void removeAll() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path dir : added) {
            Processes.Result r = git(repo, "worktree", "remove", "--force", "--force", dir.toString());
            if (r.code() != 0) {
                problems.add(dir + ": " + r.tail(2));
            }
        }
        added.clear();
        git(repo, "worktree", "prune");
        try (var list = Files.list(root)) {
            if (list.findAny().isEmpty()) {
                Files.delete(root);
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("could not remove the worktrees " + String.join("; ", problems)
                    + " (git worktree remove --force removes them)");
        }
    }

    private static Processes.Result git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        return Processes.capture(cmd, dir, Map.of(), List.of(), 5);
    }
}
