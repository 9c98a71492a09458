package dev.llmbench.runner.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps two runs from writing one results file at once: an operating-system lock on {@code <file>.lock} beside it,
 * held while a run writes the file, with the holder's process id inside. The operating system releases the lock
 * when its process ends, so a crashed run never blocks the next one; the lock file is removed on close.
 */
public final class OutputLock implements AutoCloseable {
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    /** Thrown by {@link #acquire} when another run holds the lock; {@code holder} is its process id, or "unknown". */
    public static final class HeldException extends Exception {
        private final String holder;

        HeldException(String holder) {
            super("held by process " + holder);
            this.holder = holder;
        }

        public String holder() {
            return holder;
        }
    }

    private OutputLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a results file. */
    public static Path lockFileOf(Path results) {
        Path abs = results.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + ".lock");
    }

    /** Takes the lock of {@code results} (whose folder must exist), or says who holds it. */
    public static OutputLock acquire(Path results) throws HeldException, IOException {
        Path lockFile = lockFileOf(results);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this process holds it already
        }
        if (lock == null) {
            String holder = holder(lockFile);
            channel.close();
            throw new HeldException(holder);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new OutputLock(lockFile, channel, lock);
    }

    private static String holder(Path lockFile) {
        try {
            String pid = Files.readString(lockFile, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,19}") ? pid : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(lockFile); // while still held: a waiting run then creates a new one
        } finally {
            lock.release();
            channel.close();
        }
    }
}
