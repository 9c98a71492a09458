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
 * built from: {@code git rev-parse HEAD} in the folder holding the runner's classes, "unknown" outside a checkout.
 */
public final class ToolVersion {
    public static final String TOOL_NAME = "llmbench";
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
        Path dir = codeLocation();
        if (dir == null) {
            return "unknown";
        }
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(256);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            String commit = new String(out, StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && COMMIT.matcher(commit).matches() ? commit : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
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
