package dev.llmbench.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.CacheFill;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.ResultsJson;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code ./bench run --suite context} against the fake engine's scripted clock: the k-th prefill of length N takes
 * {@code N * 0.01 + k * 0.1} ms and the decode steps after it {@code 1 + k * 0.05} ms each; with
 * {@code direct_fill=true} the k-th direct fill of N positions takes {@code N * 0.001} ms.
 */
class ContextSuiteTest {
    private static final double EXACT = 1e-9;

    @TempDir
    Path dir;

    private Cli run(String... extra) {
        String[] base = {"run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "context", "--quiet",
                "--json", dir.resolve("out.json").toString()};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.scripted(args);
    }

    private BenchmarkResults ok(String... extra) throws Exception {
        Cli r = run(extra);
        assertThat(r.code()).as(r.err()).isZero();
        Path out = dir.resolve("out.json");
        Schema schema;
        try (InputStream in = Files.newInputStream(JavaEngineAcceptanceTest.SCHEMA)) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        JsonNode tree = ResultsJson.mapper().readTree(out.toFile());
        assertThat(schema.validate(tree)).as("schema errors").isEmpty();
        return ResultsReader.read(out);
    }

    @Test
    void eachPositionIsReachedByPrefillAndItsStepsAreKeptWhole() throws Exception {
        BenchmarkResults r = ok("--positions", "64,1,8", "--steps", "3", "--warmup", "1", "--runs", "2",
                "--max-cache-len", "128");
        assertThat(r.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(r.protocol().suite()).isEqualTo("context");
        assertThat(r.protocol().warmupRuns()).isEqualTo(1);
        assertThat(r.protocol().measuredRuns()).isEqualTo(2);
        assertThat(r.scenarios()).isEmpty();
        assertThat(r.context()).extracting(ContextPosition::position).containsExactly(1, 8, 64);
        for (ContextPosition p : r.context()) {
            assertThat(p.fill()).isEqualTo(CacheFill.PREFILL);
            assertThat(p.steps()).isEqualTo(3);
            assertThat(p.runs()).extracting(ContextPosition.Run::warmup).containsExactly(true, false, false);
            for (ContextPosition.Run run : p.runs()) {
                assertThat(run.fillMs()).isCloseTo(p.position() * 0.01 + run.index() * 0.1, within(EXACT));
                assertThat(run.stepMs()).hasSize(3).allSatisfy(ms ->
                        assertThat(ms).isCloseTo(1 + run.index() * 0.05, within(EXACT)));
            }
            // measured: three steps of 1.05 ms and three of 1.10 ms
            assertThat(p.stepStatistics().median()).isCloseTo(1.075, within(EXACT));
        }
        // a position is reached by a prefill of exactly that many tokens of one prompt
        assertThat(dev.llmbench.runner.testing.FakeEngineProvider.PROMPTS).extracting(ids -> ids.length)
                .containsExactly(1, 1, 1, 8, 8, 8, 64, 64, 64);
    }

    @Test
    void anEngineThatFillsItsCacheSaysSo() throws Exception {
        Cli r = run("--positions", "100", "--steps", "2", "--warmup", "0", "--runs", "2", "--max-cache-len", "128",
                "--engine-opt", "direct_fill=true");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("position 100  direct fill  step 1.025 \u00b1 0.029 ms");
        BenchmarkResults b = ResultsReader.read(dir.resolve("out.json"));
        ContextPosition p = b.context().getFirst();
        assertThat(p.fill()).isEqualTo(CacheFill.DIRECT);
        assertThat(p.runs()).extracting(ContextPosition.Run::fillMs).allSatisfy(ms -> assertThat(ms).isCloseTo(0.1, within(EXACT)));
        assertThat(p.measuredStepMs()).containsExactly(1.0, 1.0, 1.05, 1.05);
    }

    @Test
    void defaultPositionsArePowersOfTwoUpToTheCacheLessThePrefillWindow() throws Exception {
        BenchmarkResults r = ok("--steps", "2", "--warmup", "0", "--runs", "1", "--max-cache-len", "64",
                "--prefill-seq-len", "16", "--engine-opt", "direct_fill=true");
        assertThat(r.context()).extracting(ContextPosition::position).containsExactly(1, 2, 4, 8, 16, 32, 48);
    }

    @Test
    void aResumedFileKeepsItsFinishedPositions() throws Exception {
        BenchmarkResults first = ok("--positions", "1,8", "--steps", "2", "--max-cache-len", "128");
        BenchmarkResults resumed = ok("--positions", "1,8,64", "--steps", "2", "--max-cache-len", "128",
                "--resume", dir.resolve("out.json").toString());
        assertThat(resumed.context()).extracting(ContextPosition::position).containsExactly(1, 8, 64);
        assertThat(resumed.context().subList(0, 2)).isEqualTo(first.context());
        assertThat(resumed.run().startedAt()).isEqualTo(first.run().startedAt());
    }

    @Test
    void badOptionsExitTwoNamingTheFixAndWriteNothing() {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"--positions", "120", "--steps", "16", "--max-cache-len", "128"});
        cases.add(new String[]{"--positions", "0,4"});
        cases.add(new String[]{"--steps", "0"});
        cases.add(new String[]{"--concurrency", "4"});
        cases.add(new String[]{"--scenarios", "S1"});
        cases.add(new String[]{"--max-cache-len", "128", "--prefill-seq-len", "128"});
        List<String> expected = List.of("raise --max-cache-len, or lower the last of --positions or --steps",
                "--positions must be between 1 and", "--steps must be between 1 and 10000",
                "--concurrency does not apply to the context suite", "--scenarios does not apply to the context suite",
                "pass --positions");
        for (int i = 0; i < cases.size(); i++) {
            Cli r = run(cases.get(i));
            assertThat(r.code()).as(String.join(" ", cases.get(i))).isEqualTo(2);
            assertThat(r.cleanError()).as(r.err()).isTrue();
            assertThat(r.err()).contains(expected.get(i));
            assertThat(dir.resolve("out.json")).doesNotExist();
        }
        Cli plain = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--positions", "4",
                "--json", dir.resolve("out.json").toString());
        assertThat(plain.code()).isEqualTo(2);
        assertThat(plain.err()).contains("--positions belongs to the context suite; add --suite context");
        assertThat(dir.resolve("out.json")).doesNotExist();
    }

    @Test
    void theJavaEngineFillsItsCacheDirectly() throws Exception {
        Path out = dir.resolve("java.json");
        Cli r = Cli.run("run", "--engine", "java", "--model", "synthetic:tiny", "--suite", "context", "--positions",
                "1,200", "--steps", "2", "--warmup", "0", "--runs", "1", "--max-cache-len", "256", "--threads", "2",
                "--json", out.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        BenchmarkResults b = ResultsReader.read(out);
        assertThat(b.context()).extracting(ContextPosition::fill).containsOnly(CacheFill.DIRECT);
        assertThat(b.context()).extracting(ContextPosition::position).containsExactly(1, 200);
        assertThat(b.context().getLast().measuredStepMs()).hasSize(2).allSatisfy(ms -> assertThat(ms).isPositive());
        assertThat(b.engine().settings()).containsEntry("kv_cache_dtype", "f32");
    }
}
