package dev.llmbench.runner.cli;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsFormatException;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real process stopped by a signal mid-suite, as Ctrl-C does: the shutdown hook leaves an interrupted file. */
class ShutdownHookTest {
    @TempDir
    Path dir;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy is not a signal that runs shutdown hooks there")
    void terminatedRunLeavesAnInterruptedResumableFile() throws Exception {
        Path out = dir.resolve("killed.json");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                RunnerMain.class.getName(), "run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--json", out.toString(), "--quiet", "--engine-opt", "sleep_ms=20"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            BenchmarkResults seen = null;
            while (System.nanoTime() < deadline && p.isAlive()) {
                seen = readIfThere(out);
                if (seen != null && !seen.scenarios().isEmpty()) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(seen).as("first scenario written; log: %s", Files.readString(dir.resolve("log.txt"))).isNotNull();
            assertThat(seen.scenarios()).isNotEmpty();
            p.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as at Ctrl-C (SIGINT)
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        BenchmarkResults stopped = ResultsReader.read(out);
        assertThat(stopped.run().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(stopped.run().error()).contains("--resume");
        assertThat(stopped.scenarios().size()).isBetween(1, 2);

        Cli resumed = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--resume", out.toString(), "--quiet");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(ResultsReader.read(out).run().status()).isEqualTo(RunStatus.COMPLETE);
    }

    private static BenchmarkResults readIfThere(Path file) {
        try {
            return Files.exists(file) ? ResultsReader.read(file) : null;
        } catch (ResultsFormatException e) {
            throw new AssertionError(e.getMessage());
        }
    }
}
