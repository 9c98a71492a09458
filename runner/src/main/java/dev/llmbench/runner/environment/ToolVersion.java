package dev.llmbench.runner.environment;

import dev.llmbench.results.RunInfo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The tool's version (from the build, {@code llmbench-runner.properties}) and the git commit of the sources it was
 * built from: {@code git rev-parse HEAD} in the folder holding the runner's classes, with {@code -dirty} appended when
 * tracked files differ from that commit, "unknown" outside a checkout. A copy of the sources without their history
 * (e.g. the tree sent to a GPU machine) can name its commit in the environment variable {@value #COMMIT_ENV}.
 */
public final class ToolVersion {
    public static final String TOOL_NAME = "llmbench";
    /** Names the commit of a copy of the sources that has no git history of its own. */
    public static final String COMMIT_ENV = "LLMBENCH_GIT_COMMIT";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

    private ToolVersion() {
    }

    public static RunInfo.ToolInfo current() {
        return new RunInfo.ToolInfo(TOOL_NAME, version(), gitCommit());
    }

    public static String version() {
        try (InputStream in = ToolVersion.class.getResourceAsStream("/llmbench-runner.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").trim();
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to "unknown": the version is informative, never a reason to stop
        }
        return "unknown";
    }

    public static String gitCommit() {
        String given = System.getenv(COMMIT_ENV);
        if (given != null && COMMIT.matcher(given.trim()).matches()) {
            return given.trim();
        }
        Path dir = codeLocation();
        if (dir == null) {
            return "unknown";
        }
        String commit = git(dir, "rev-parse", "HEAD");
        if (commit == null || !COMMIT.matcher(commit).matches()) {
            return "unknown";
        }
        String changes = git(dir, "status", "--porcelain", "--untracked-files=no");
        return changes == null || changes.isEmpty() ? commit : commit + "-dirty";
    }

    /** The trimmed output of {@code git -C dir args}, or null when it fails. */
    private static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(1 << 16);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Path codeLocation() {
        try {
            var source = ToolVersion.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path p = Path.of(source.getLocation().toURI());
            return Files.isDirectory(p) ? p : p.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
