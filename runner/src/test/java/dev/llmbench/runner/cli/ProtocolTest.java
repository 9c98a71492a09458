package dev.llmbench.runner.cli;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Statistics;
import dev.llmbench.results.Warning;
import dev.llmbench.runner.testing.FakeEngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The protocol against the fake engine's scripted clock: the k-th run of prompt length N has TTFT
 * {@code N * 0.01 + k * 0.1} ms and decode steps of {@code 1 + k * 0.05} ms. The quick suite has 1 warm-up (k = 0)
 * and 3 measured runs (k = 1, 2, 3).
 */
class ProtocolTest {
    private static final double EXACT = 1e-9;

    @TempDir
    Path dir;

    private BenchmarkResults run(String model, String... extra) throws Exception {
        Path out = dir.resolve("out.json");
        String[] base = {"run", "--engine", "fake", "--model", model, "--suite", "quick", "--json", out.toString()};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli r = Cli.scripted(args);
        assertThat(r.code()).as(r.err()).isZero();
        return ResultsReader.read(out);
    }

    @Test
    void samplesMediansStddevsAndTpsAreExact() throws Exception {
        BenchmarkResults r = run("synthetic:tiny", "--quiet");
        assertThat(r.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(r.protocol().clock()).isEqualTo("test-clock");
        assertThat(r.protocol().timerOverheadNs()).isZero();
        assertThat(r.protocol().warmupRuns()).isEqualTo(1);
        assertThat(r.protocol().measuredRuns()).isEqualTo(3);
        assertThat(r.protocol().promptSource()).isEqualTo("seeded");
        assertThat(r.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1", "Q2", "Q3");

        ScenarioResult q1 = r.scenarios().getFirst();
        assertThat(q1.promptTokens()).isEqualTo(16);
        assertThat(q1.decodeTokens()).isEqualTo(16);
        assertThat(q1.runs()).extracting(RunSample::warmup).containsExactly(true, false, false, false);
        assertThat(q1.runs()).extracting(RunSample::index).containsExactly(0, 1, 2, 3);
        assertThat(q1.runs().getFirst().ttftMs()).isCloseTo(0.16, within(EXACT));
        for (RunSample s : q1.runs()) {
            assertThat(s.stepMs()).hasSize(15).allSatisfy(step ->
                    assertThat(step).isCloseTo(1 + s.index() * 0.05, within(EXACT)));
            assertThat(s.generatedIds()).hasSize(16);
        }

        Statistics ttft = Statistics.of(q1.measuredRuns().stream().mapToDouble(RunSample::ttftMs).toArray());
        assertThat(ttft.median()).isCloseTo(0.36, within(EXACT));
        assertThat(ttft.stddev()).isCloseTo(0.1, within(EXACT));
        assertThat(ttft.min()).isCloseTo(0.26, within(EXACT));
        assertThat(ttft.max()).isCloseTo(0.46, within(EXACT));

        // decode TPS of a run = 15 steps / sum of step times = 1000 / step ms
        Statistics tps = Statistics.of(q1.measuredRuns().stream().mapToDouble(RunSample::decodeTps).toArray());
        assertThat(tps.median()).isCloseTo(1000 / 1.10, within(EXACT));
        double a = 1000 / 1.05;
        double b = 1000 / 1.10;
        double c = 1000 / 1.15;
        double mean = (a + b + c) / 3;
        double sd = Math.sqrt(((a - mean) * (a - mean) + (b - mean) * (b - mean) + (c - mean) * (c - mean)) / 2);
        assertThat(tps.stddev()).isCloseTo(sd, within(EXACT));
        assertThat(sd).isCloseTo(41.42212395, within(1e-6));

        // prefill TPS = prompt tokens / TTFT, Q3 (128 tokens): TTFT 1.28 + 0.1k
        ScenarioResult q3 = r.scenarios().get(2);
        double[] prefill = q3.measuredRuns().stream().mapToDouble(s -> 128 * 1000.0 / s.ttftMs()).toArray();
        assertThat(Statistics.of(prefill).median()).isCloseTo(128_000 / 1.48, within(1e-6));

        assertThat(r.load().compileMs()).isEqualTo(1.5);
        assertThat(r.load().weightLoadMs()).isEqualTo(2.5);
    }

    @Test
    void everyRunGetsAPromptOfExactlyNTokens() throws Exception {
        run("synthetic:tiny", "--quiet");
        List<int[]> prompts = FakeEngineProvider.PROMPTS;
        assertThat(prompts).hasSize(12);
        assertThat(prompts).extracting(p -> p.length).containsExactly(16, 16, 16, 16, 64, 64, 64, 64, 128, 128, 128, 128);
        assertThat(prompts.get(0)).isEqualTo(prompts.get(3));
        assertThat(Arrays.copyOf(prompts.get(4), 16)).isEqualTo(prompts.get(0));
        assertThat(Arrays.stream(prompts.get(8)).allMatch(id -> id >= 0 && id < 1000)).isTrue();
        assertThat(Arrays.stream(prompts.get(8)).distinct().count()).isGreaterThan(50);
    }

    @Test
    void withATokenizerThePromptIsTheFixedTextRepeatedAndCut() throws Exception {
        BenchmarkResults r = run("synthetic:tok", "--quiet");
        assertThat(r.protocol().promptSource()).isEqualTo("tokenizer");
        byte[] text = dev.llmbench.runner.measure.Prompts.TEXT.getBytes(StandardCharsets.UTF_8);
        int[] q3 = FakeEngineProvider.PROMPTS.get(8);
        assertThat(q3).hasSize(128);
        for (int i = 0; i < q3.length; i++) {
            assertThat(q3[i]).isEqualTo(text[i % text.length] & 0xff);
        }
    }

    @Test
    void deterministicOutputRaisesOnlyTheExpectedWarnings() throws Exception {
        BenchmarkResults r = run("synthetic:tiny", "--quiet");
        // TTFT CV: Q1 0.1 / 0.36 = 27.8 %, Q2 0.1 / 0.84 = 11.9 %, Q3 0.1 / 1.48 = 6.8 %; decode TPS CV 4.6 %
        assertThat(r.warnings()).extracting(Warning::code).containsOnly("high_cv");
        assertThat(r.warnings()).extracting(Warning::scenario).containsExactly("Q1", "Q2");
        assertThat(r.warnings().getFirst().message()).contains("TTFT 27.8%").doesNotContain("decode");
        for (ScenarioResult s : r.scenarios()) {
            assertThat(s.runs()).extracting(RunSample::generatedIds).containsOnly(s.runs().getFirst().generatedIds());
        }
    }

    @Test
    void flatTtftIsFlagged() throws Exception {
        BenchmarkResults r = run("synthetic:tiny", "--quiet", "--engine-opt", "flat_ttft=true");
        // one warning a file, on the first longer prompt that was not slower
        assertThat(r.warnings()).filteredOn(w -> w.code().equals("ttft_not_growing"))
                .extracting(Warning::scenario).containsExactly("Q2");
    }

    @Test
    void nonFiniteLogitsAreFlagged() throws Exception {
        BenchmarkResults r = run("synthetic:tiny", "--quiet", "--engine-opt", "nan=true");
        assertThat(r.warnings()).filteredOn(w -> w.code().equals("nan_logits"))
                .extracting(Warning::scenario).containsExactly("Q1", "Q2", "Q3");
    }

    @Test
    void differingTokensAcrossRunsAreFlagged() throws Exception {
        BenchmarkResults r = run("synthetic:tiny", "--quiet", "--engine-opt", "drift=true");
        assertThat(r.warnings()).filteredOn(w -> w.code().equals("nondeterministic_output"))
                .hasSize(3).first().extracting(Warning::message).asString()
                .contains("run 1 differs from run 0 at generated token 1");
    }

    @Test
    void scenariosAndRunCountsCanBeChosen() throws Exception {
        BenchmarkResults r = run("synthetic:tiny", "--quiet", "--scenarios", "Q3,Q1", "--warmup", "0", "--runs", "2");
        assertThat(r.scenarios()).extracting(ScenarioResult::id).containsExactly("Q1", "Q3");
        assertThat(r.scenarios().getFirst().runs()).extracting(RunSample::warmup).containsExactly(false, false);
        assertThat(r.protocol().warmupRuns()).isZero();
    }

    @Test
    void progressGoesToStderrAndTheSummaryToStdout() {
        Path out = dir.resolve("p.json");
        Cli r = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--scenarios", "Q1", "--json", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("[fake] model synthetic:tiny: 1 scenario(s) to run")
                .contains("[fake] Q1 (1/1, 16+16 tokens) run 1/4 (warm-up): TTFT 0.16 ms, prefill 100000.0 tok/s,"
                        + " decode 1000.00 tok/s, about 0s left")
                .contains("run 4/4: TTFT 0.46 ms");
        assertThat(r.out()).contains("fake on synthetic:tiny: complete, written to " + out)
                .contains("Q1  16+16 tokens  TTFT 0.360 \u00b1 0.100 ms")
                .contains("decode 909.09 \u00b1 41.42 tok/s")
                .contains("warning [Q1] high_cv");
        Cli quiet = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick",
                "--scenarios", "Q1", "--json", out.toString(), "--quiet", "--force");
        assertThat(quiet.err()).isEmpty();
    }
}
