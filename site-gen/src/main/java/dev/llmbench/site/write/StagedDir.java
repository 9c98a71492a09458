package dev.llmbench.site.write;

import dev.llmbench.site.SiteException;
import dev.llmbench.results.ExitCode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A staging folder beside a target: everything is written into the stage, and only a finished stage is moved into
 * place. Before {@link #commit} the target is untouched; {@link #close} removes a stage that was not committed.
 */
public final class StagedDir implements AutoCloseable {
    private final Path target;
    private final Path stage;
    private boolean committed;

    private StagedDir(Path target, Path stage) {
        this.target = target;
        this.stage = stage;
    }

    /** A fresh stage in the target's parent folder (same file system, so the final moves are renames). */
    public static StagedDir beside(Path target) throws SiteException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        try {
            if (Files.exists(abs) && !Files.isDirectory(abs)) {
                throw SiteException.invalidInput(target + ": exists and is not a folder");
            }
            Files.createDirectories(parent);
            Path stage = Files.createTempDirectory(parent, "." + abs.getFileName() + ".staging-");
            return new StagedDir(abs, stage);
        } catch (IOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot create a staging folder beside " + target + ": " + e.getMessage());
        }
    }

    public Path path() {
        return stage;
    }

    public Path target() {
        return target;
    }

    /** Replaces the whole target folder with the stage: the old folder moves aside, the stage moves in, the old goes. */
    public void commitWhole() throws SiteException {
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + stage.getFileName().toString().replaceAll(".*-", ""));
        try {
            boolean had = Files.exists(target);
            if (had) {
                move(target, old);
            }
            try {
                move(stage, target);
            } catch (IOException e) {
                if (had) {
                    move(old, target);
                }
                throw e;
            }
            committed = true;
            if (had) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot move the new output into " + target + ": " + e.getMessage());
        }
    }

    /**
     * Moves each file of the stage into the same place below the target, replacing files of the same name and
     * leaving every other file of the target alone (for a docs folder that holds other pages too).
     */
    public void commitFiles() throws SiteException {
        try {
            Files.createDirectories(target);
            try (var walk = Files.walk(stage)) {
                for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                    Path dest = target.resolve(stage.relativize(p).toString());
                    Files.createDirectories(dest.getParent());
                    move(p, dest);
                }
            }
            committed = true;
            deleteTree(stage);
        } catch (IOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot move the new files into " + target + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                deleteTree(stage);
            } catch (IOException ignored) {
                // a stage left behind is hidden (dot name) and replaced by the next build; the error that got us here matters more
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
