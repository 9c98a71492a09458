package dev.llmbench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fields of engines timed from a stream: delivered_tokens, event_tokens and concurrency levels. */
class StreamedResultsTest {
    static RunSample run(int index, boolean warmup, int tokens, int delivered) {
        List<Double> steps = new ArrayList<>();
        List<Integer> events = new ArrayList<>();
        for (int i = 1; i < delivered; i++) {
            steps.add(i % 4 == 0 ? 0.0 : 5.0); // every fourth token came in the same event as the one before
        }
        for (int i = 0; i < delivered; ) {
            int k = i > 0 && i + 1 < delivered && (i + 1) % 4 == 0 ? 2 : 1;
            events.add(k);
            i += k;
        }
        return new RunSample(index, warmup, 50.0, steps, List.of(), null, delivered < tokens ? delivered : null, events);
    }

    static BenchmarkResults withStreams() {
        BenchmarkResults base = ResultsFixtures.cpuComplete();
        ScenarioResult first = base.scenarios().getFirst();
        int m = first.decodeTokens();
        List<ConcurrencyLevel.Round> rounds = List.of(
                new ConcurrencyLevel.Round(0, true, 400.0, List.of(run(0, true, m, m), run(1, true, m, m))),
                new ConcurrencyLevel.Round(1, false, 300.0, List.of(run(0, false, m, m), run(1, false, m, m - 3))));
        List<RunSample> runs = new ArrayList<>(first.runs());
        runs.set(runs.size() - 1, run(runs.size() - 1, false, m, m - 1));
        ScenarioResult streamed = new ScenarioResult(first.id(), first.promptTokens(), m, runs,
                List.of(new ConcurrencyLevel(2, rounds)));
        List<ScenarioResult> all = new ArrayList<>(base.scenarios());
        all.set(0, streamed);
        return base.withScenarios(all);
    }

    @Test
    void writtenValidatedAndReadBackWhole(@TempDir Path dir) throws Exception {
        BenchmarkResults results = withStreams();
        Path file = dir.resolve("streamed.json");
        ResultsWriter.write(file, results);
        JsonNode node = ResultsJson.mapper().readTree(file.toFile());
        assertThat(ResultsSchemaTest.validate(node)).isEmpty();
        assertThat(node.at("/scenarios/1").has("concurrency")).isFalse(); // absent when none were run
        assertThat(node.at("/scenarios/1/runs/0").has("delivered_tokens")).isFalse();
        BenchmarkResults read = ResultsReader.read(file);
        assertThat(read).isEqualTo(results);
        ConcurrencyLevel level = read.scenarios().getFirst().concurrency().getFirst();
        int m = read.scenarios().getFirst().decodeTokens();
        assertThat(level.measuredRounds()).hasSize(1);
        assertThat(level.outputTps().median()).isEqualTo((m + m - 3) * 1000.0 / 300.0);
        assertThat(level.ttftMs().median()).isEqualTo(50.0);
        assertThat(read.scenarios().getFirst().runs().getLast().tokens()).isEqualTo(m - 1);
    }

    @Test
    void theReaderNamesWhatDisagrees(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        ResultsWriter.write(file, withStreams());
        ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) node.at("/scenarios/0/concurrency/0/rounds/1/streams")).remove(1);
        Files.writeString(file, node.toString());
        assertThatThrownBy(() -> ResultsReader.read(file)).isInstanceOf(ResultsFormatException.class)
                .hasMessageContaining("$.scenarios[0].concurrency[0].rounds[1].streams")
                .hasMessageContaining("expected one per stream (2)");

        ResultsWriter.write(file, withStreams());
        node = (ObjectNode) ResultsJson.mapper().readTree(file.toFile());
        ((ObjectNode) node.at("/scenarios/0/runs/0")).put("delivered_tokens", 3);
        Files.writeString(file, node.toString());
        assertThatThrownBy(() -> ResultsReader.read(file)).isInstanceOf(ResultsFormatException.class)
                .hasMessageContaining("$.scenarios[0].runs[0].step_ms")
                .hasMessageContaining("expected delivered_tokens - 1 = 2");
    }

    @Test
    void eventTokensMustAddUpToTheRun() {
        assertThatThrownBy(() -> new RunSample(0, false, 1.0, List.of(1.0, 1.0), List.of(), null, null, List.of(1, 1)))
                .hasMessageContaining("runs[].event_tokens add up to 2 tokens, the run has 3");
    }
}
