package dev.llmbench.runner.cli;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.runner.scenario.Suites;
import dev.llmbench.runner.session.BenchmarkSession;
import dev.llmbench.runner.session.Progress;
import dev.llmbench.runner.testing.FakeEngineProvider;
import dev.llmbench.runner.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class InterruptResumeTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearHook() {
        FakeEngineProvider.onPrefill = len -> { };
    }

    @Test
    void failingScenarioLeavesAValidFailedFileThatResumes() throws Exception {
        Path out = dir.resolve("r.json");
        Cli failed = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--json", out.toString(), "--quiet", "--engine-opt", "fail_prompt=64");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err()).contains("scenario Q2 failed: scripted failure at prompt length 64")
                .contains("--resume " + out).doesNotContain("\tat ");
        BenchmarkResults partial = ResultsReader.read(out);
        assertThat(partial.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(partial.run().error()).contains("scenario Q2 failed");
        assertThat(partial.run().finishedAt()).isNotNull();
        assertThat(partial.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1");

        Cli resumed = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--resume", out.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("2 scenario(s) to run, 1 kept from the resumed file");
        BenchmarkResults complete = ResultsReader.read(out);
        assertThat(complete.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(complete.run().error()).isNull();
        assertThat(complete.run().startedAt()).isEqualTo(partial.run().startedAt());
        assertThat(complete.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1", "Q2", "Q3");
        assertThat(complete.scenarios().getFirst()).isEqualTo(partial.scenarios().getFirst());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("r.json");
        }
    }

    @Test
    void interruptionLeavesAnInterruptedFileThatResumes() throws Exception {
        Path out = dir.resolve("i.json");
        AtomicReference<BenchmarkSession> session = new AtomicReference<>();
        // what the shutdown hook does at Ctrl-C, here during the first run of Q3
        FakeEngineProvider.onPrefill = len -> {
            if (len == 128) {
                session.get().interrupt();
            }
        };
        BenchmarkSession.Outcome outcome;
        try (Engine engine = new FakeEngineProvider().open(EngineOptions.of("synthetic:tiny"))) {
            session.set(new BenchmarkSession(engine, new BenchmarkSession.Settings("dev", Suites.QUICK, 42,
                    TestClock.INSTANCE, null), out, Progress.SILENT));
            outcome = session.get().run();
        }
        assertThat(outcome.status()).isEqualTo(RunStatus.INTERRUPTED);
        BenchmarkResults stopped = ResultsReader.read(out);
        assertThat(stopped.run().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(stopped.run().error()).contains("--resume " + out);
        assertThat(stopped.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1", "Q2");
        FakeEngineProvider.onPrefill = len -> { };

        Cli resumed = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--resume", out.toString(), "--quiet");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        BenchmarkResults complete = ResultsReader.read(out);
        assertThat(complete.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(complete.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1", "Q2", "Q3");
        assertThat(complete.scenarios().subList(0, 2)).isEqualTo(stopped.scenarios());
    }

    @Test
    void resumeWithAScenarioSelectionKeepsTheOtherScenarios() throws Exception {
        Path out = dir.resolve("s.json");
        assertThat(Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--json", out.toString(), "--quiet", "--engine-opt", "fail_prompt=64").code()).isEqualTo(1);
        Cli resumed = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--scenarios", "Q3", "--resume", out.toString(), "--quiet");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(ResultsReader.read(out).scenarios()).extracting(ScenarioResult::id).containsExactly("Q1", "Q3");
    }

    @Test
    void resumeRefusesAFileOfAnotherModelOrSuite() throws Exception {
        Path out = dir.resolve("m.json");
        assertThat(Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--scenarios", "Q1", "--json", out.toString(), "--quiet").code()).isZero();
        String before = Files.readString(out);

        Cli model = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tok", "--suite", "quick",
                "--resume", out.toString(), "--quiet");
        assertThat(model.code()).isEqualTo(2);
        assertThat(model.err()).contains(out + " at $.model.name: the file has synthetic:tiny, this run has synthetic:tok");

        Cli settings = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--prefill-seq-len", "64", "--resume", out.toString(), "--quiet");
        assertThat(settings.code()).isEqualTo(2);
        assertThat(settings.err()).contains("at $.engine.settings.prefill_seq_len: the file has 256, this run has 64");

        Cli suite = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "default",
                "--resume", out.toString(), "--quiet");
        assertThat(suite.code()).isEqualTo(2);
        assertThat(suite.err()).contains("at $.protocol.suite");

        Cli engine = Cli.scripted("run", "--engine", "fake-baseline", "--model", "synthetic:tiny", "--suite", "quick",
                "--resume", out.toString(), "--quiet");
        assertThat(engine.code()).isEqualTo(2);
        assertThat(engine.err()).contains("at $.engine.name");

        Cli runs = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--runs", "5", "--resume", out.toString(), "--quiet");
        assertThat(runs.code()).isEqualTo(2);
        assertThat(runs.err()).contains("drop --warmup and --runs when resuming");

        assertThat(Files.readString(out)).isEqualTo(before);

        Path moved = Files.writeString(dir.resolve("other-machine.json"),
                before.replaceFirst("\"cpu\" : \"[^\"]*\"", "\"cpu\" : \"Some Other CPU\""));
        Cli machine = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--resume", moved.toString(), "--quiet");
        assertThat(machine.code()).isEqualTo(2);
        assertThat(machine.err()).contains("at $.environment.cpu: the file has Some Other CPU");
    }
}
