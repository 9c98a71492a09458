package dev.llmbench.runner.cli;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Through the CLI with the real clock, into a file the results reader accepts. */
class EndToEndTest {
    @TempDir
    Path dir;

    @Test
    void quickSuiteWritesACompleteReadableFile() throws Exception {
        Path out = dir.resolve("nested/out.json");
        Cli r = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--release", "v0.1.0", "--json", out.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        BenchmarkResults results = ResultsReader.read(out);
        assertThat(results.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(results.run().release()).isEqualTo("v0.1.0");
        assertThat(results.run().finishedAt()).isAfterOrEqualTo(results.run().startedAt());
        assertThat(results.run().tool().name()).isEqualTo("llmbench");
        assertThat(results.run().tool().version()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(results.run().tool().gitCommit()).matches("[0-9a-f]{40}(-dirty)?|unknown");
        assertThat(results.protocol().clock()).isEqualTo("System.nanoTime");
        assertThat(results.protocol().timerOverheadNs()).isPositive();
        assertThat(results.protocol().ignoreEos()).isTrue();
        assertThat(results.scenarios()).hasSize(3);
        for (ScenarioResult s : results.scenarios()) {
            assertThat(s.measuredRuns()).hasSize(3);
            for (RunSample run : s.measuredRuns()) {
                assertThat(run.stepMs()).hasSize(s.decodeTokens() - 1);
                assertThat(run.generatedIds()).hasSize(s.decodeTokens());
            }
        }
        assertThat(results.environment().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(results.environment().jdk()).contains(System.getProperty("java.runtime.version"));
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(results.load().peakMemoryBytes()).isPositive();
            assertThat(results.load().peakMemoryMethod()).isEqualTo("VmHWM from /proc/self/status");
        }
        String json = Files.readString(out);
        String user = System.getProperty("user.name");
        String host = InetAddress.getLocalHost().getHostName();
        if (user.length() > 3) {
            assertThat(json).doesNotContain("\"" + user + "\"");
        }
        if (host.length() > 3) {
            assertThat(json).doesNotContain(host);
        }
    }

    @Test
    void baselineEngineWritesItsOwnFileBesideTheMainOne() throws Exception {
        Path out = dir.resolve("fake-tiny.json");
        Cli r = Cli.run("run", "--engine", "fake", "--baseline", "fake-baseline", "--model", "synthetic:tiny",
                "--suite", "quick", "--scenarios", "Q1", "--json", out.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        BenchmarkResults main = ResultsReader.read(out);
        BenchmarkResults baseline = ResultsReader.read(dir.resolve("fake-baseline-tiny.json"));
        assertThat(main.engine().name()).isEqualTo("fake");
        assertThat(baseline.engine().name()).isEqualTo("fake-baseline");
        assertThat(baseline.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(baseline.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1");
        assertThat(r.out()).contains("fake on synthetic:tiny: complete").contains("fake-baseline on synthetic:tiny: complete");
    }
}
