package dev.llmbench.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the external programs the site generator needs (git, and each compared revision's {@code ./bench}). */
public final class Processes {
    private Processes() {
    }

    /** What a finished process printed and how it ended. */
    public record Result(int code, String out, String err) {
        /** The last lines of its error output (or of its output when that is empty), for a message. */
        public String tail(int lines) {
            String text = err.isBlank() ? out : err;
            List<String> all = text.strip().lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
    }

    /** Runs {@code cmd} in {@code dir} and captures both streams; {@code unset} names variables the child must not see. */
    public static Result capture(List<String> cmd, Path dir, Map<String, String> env, List<String> unset, long timeoutMinutes)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.getFirst() + ": " + e.getMessage() + "; install " + cmd.getFirst()
                    + " and put it on PATH", e);
        }
        p.getOutputStream().close();
        try (InputStream out = p.getInputStream(); InputStream err = p.getErrorStream()) {
            ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
            Thread errPump = Thread.ofVirtual().start(() -> {
                try {
                    err.transferTo(errBuf);
                } catch (IOException ignored) {
                    // the process died; its exit code tells
                }
            });
            String o = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutMinutes + " minutes");
            }
            errPump.join();
            return new Result(p.exitValue(), o, errBuf.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd.getFirst(), e);
        }
    }
}
