package dev.llmbench.runner.cli;

import dev.llmbench.engine.openai.ScriptedServer;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ConcurrencyLevel;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** ./bench run --concurrency: every stream of every level is kept whole; one-stream engines refuse. */
class ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void everyStreamOfEveryLevelIsKept() throws Exception {
        Path out = dir.resolve("c.json");
        try (ScriptedServer s = new ScriptedServer("m", b -> OpenAiRunFailuresTest.answer(b, -1, false))) {
            Cli r = Cli.run("run", "--engine", "openai", "--url", s.url(), "--served-model", "m", "--model",
                    "synthetic:tiny", "--suite", "quick", "--scenarios", "Q1,Q2", "--warmup", "1", "--runs", "2",
                    "--concurrency", "1,64,4", "--json", out.toString(), "--quiet");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Q1  4 streams  output").contains("Q2  64 streams  output")
                    .contains("TTFT p50/p90/p99");
        }
        BenchmarkResults b = ResultsReader.read(out);
        for (ScenarioResult s : b.scenarios()) {
            assertThat(s.runs()).hasSize(3);
            assertThat(s.concurrency()).extracting(ConcurrencyLevel::streams).containsExactly(4, 64);
            for (ConcurrencyLevel level : s.concurrency()) {
                assertThat(level.rounds()).hasSize(3);
                assertThat(level.rounds().getFirst().warmup()).isTrue();
                for (ConcurrencyLevel.Round round : level.rounds()) {
                    assertThat(round.streams()).hasSize(level.streams());
                    for (RunSample stream : round.streams()) {
                        assertThat(stream.tokens()).isEqualTo(s.decodeTokens());
                        assertThat(stream.deliveredTokens()).isNull();
                        assertThat(round.wallMs()).isGreaterThanOrEqualTo(stream.ttftMs());
                    }
                }
                assertThat(level.outputTps().median()).isPositive();
            }
        }
    }

    @Test
    void inProcessEnginesServeOneStream() {
        Cli r = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick", "--concurrency", "1,4",
                "--json", dir.resolve("f.json").toString(), "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.cleanError()).as(r.err()).isTrue();
        assertThat(r.err()).contains("engine fake serves one stream at a time, so it cannot run 4 at once");
        Cli zero = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--concurrency", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--concurrency must be between 1 and 1024, got 0");
    }
}
