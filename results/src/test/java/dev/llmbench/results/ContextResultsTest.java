package dev.llmbench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The context suite's positions: written, validated against the schema, read back; bad ones named by path. */
class ContextResultsTest {
    @BeforeAll
    static void loadSchema() throws java.io.IOException {
        ResultsSchemaTest.loadSchema(); // whichever test class runs first
    }

    static BenchmarkResults withContext() {
        BenchmarkResults base = ResultsFixtures.cpuComplete();
        List<ContextPosition> positions = List.of(
                new ContextPosition(1, CacheFill.DIRECT, 3, List.of(
                        new ContextPosition.Run(0, true, 0.5, List.of(9.0, 9.0, 9.0)),
                        new ContextPosition.Run(1, false, 0.4, List.of(10.0, 11.0, 12.0)),
                        new ContextPosition.Run(2, false, 0.4, List.of(10.0, 10.0, 14.0)))),
                new ContextPosition(4096, CacheFill.PREFILL, 3, List.of(
                        new ContextPosition.Run(0, false, 812.5, List.of(20.0, 21.0, 22.0)))));
        return base.withScenarios(List.of()).withContext(positions);
    }

    @Test
    void writtenValidatedAndReadBackWhole(@TempDir Path dir) throws Exception {
        BenchmarkResults results = withContext();
        Path file = dir.resolve("context.json");
        ResultsWriter.write(file, results);
        JsonNode node = ResultsJson.mapper().readTree(file.toFile());
        assertThat(ResultsSchemaTest.validate(node)).isEmpty();
        assertThat(node.at("/context/1/fill").asText()).isEqualTo("prefill");
        assertThat(ResultsReader.read(file)).isEqualTo(results);
    }

    @Test
    void aFileWithoutContextHasNoContextField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plain.json");
        ResultsWriter.write(file, ResultsFixtures.cpuComplete());
        assertThat(ResultsJson.mapper().readTree(file.toFile()).has("context")).isFalse();
        assertThat(ResultsReader.read(file).context()).isEmpty();
    }

    @Test
    void stepStatisticsUseEveryMeasuredStepAndLeaveWarmupsOut() {
        ContextPosition first = withContext().context().getFirst();
        assertThat(first.measuredStepMs()).containsExactly(10.0, 11.0, 12.0, 10.0, 10.0, 14.0);
        Statistics s = first.stepStatistics();
        assertThat(s.median()).isEqualTo(10.5);
        double mean = 67.0 / 6;
        double ss = 0;
        for (double v : List.of(10.0, 11.0, 12.0, 10.0, 10.0, 14.0)) {
            ss += (v - mean) * (v - mean);
        }
        assertThat(s.stddev()).isCloseTo(Math.sqrt(ss / 5), within(1e-12));
        assertThat(ContextPosition.tps(s.median())).isCloseTo(1000 / 10.5, within(1e-12));
    }

    @Test
    void theReaderAndTheSchemaRejectAWrongStepCount(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        ResultsWriter.write(file, withContext());
        ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(file.toFile());
        ((ArrayNode) node.at("/context/0/runs/2/step_ms")).remove(0);
        Files.writeString(file, node.toString());
        assertThat(ResultsSchemaTest.validate(node)).isEmpty(); // a count across fields is the reader's rule
        assertThatThrownBy(() -> ResultsReader.read(file)).isInstanceOf(ResultsFormatException.class)
                .hasMessageContaining("$.context[0].runs[2].step_ms")
                .hasMessageContaining("expected steps = 3");
    }

    @Test
    void positionsMustAscend(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        ResultsWriter.write(file, withContext());
        ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(file.toFile());
        ((ObjectNode) node.at("/context/1")).put("position", 1);
        Files.writeString(file, node.toString());
        assertThatThrownBy(() -> ResultsReader.read(file)).isInstanceOf(ResultsFormatException.class)
                .hasMessageContaining("$.context[1].position")
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> withContext().withContext(List.of(withContext().context().get(1),
                withContext().context().get(0)))).hasMessageContaining("context[1].position is 1");
    }

    @Test
    void theSchemaRejectsAnUnknownFillAndNegativeTimes(@TempDir Path dir) throws Exception {
        for (String[] change : new String[][]{{"/context/0", "fill", "random"}, {"/context/0/runs/1", "fill_ms", "-1"}}) {
            Path file = dir.resolve("bad.json");
            ResultsWriter.write(file, withContext());
            ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(file.toFile());
            if (change[1].equals("fill")) {
                ((ObjectNode) node.at(change[0])).put(change[1], change[2]);
            } else {
                ((ObjectNode) node.at(change[0])).put(change[1], Double.parseDouble(change[2]));
            }
            Files.writeString(file, node.toString());
            assertThat(ResultsSchemaTest.validate(node)).isNotEmpty();
            assertThatThrownBy(() -> ResultsReader.read(file)).isInstanceOf(ResultsFormatException.class)
                    .hasMessageContaining(ResultsSchemaTest.toJsonPath(change[0] + "/" + change[1]));
        }
    }

    @Test
    void defaultPositionsArePowersOfTwoBelowTheCacheLessTheWindowThenThatPosition() {
        assertThat(ContextPosition.defaultPositions(32768, 128)).containsExactly(1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
                1024, 2048, 4096, 8192, 16384, 32640);
        assertThat(ContextPosition.defaultPositions(2048, 1024)).endsWith(512, 1024);
        assertThat(ContextPosition.defaultPositions(129, 128)).containsExactly(1);
        assertThat(ContextPosition.defaultPositions(128, 128)).isEmpty();
    }
}
