package dev.llmbench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonPointer;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keeps docs/schema/results-v1.schema.json true: golden files and writer output validate; bad files don't. */
class ResultsSchemaTest {
    static final Path SCHEMA = Path.of("..", "docs", "schema", "results-v1.schema.json");
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = registry.getSchema(in);
        }
    }

    static List<Error> validate(JsonNode node) {
        return schema.validate(node);
    }

    static Stream<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(Golden.DIR)) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(json).as("golden results files").hasSizeGreaterThanOrEqualTo(3);
            return json.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("goldenFiles")
    void everyGoldenFileValidates(Path file) throws IOException {
        JsonNode node = ResultsJson.mapper().readTree(file.toFile());
        assertThat(validate(node)).as("schema errors of %s", file).isEmpty();
    }

    @Test
    void whatTheWriterWritesValidates(@TempDir Path dir) throws Exception {
        BenchmarkResults interrupted = ResultsFixtures.gpuWithKernels().withRun(new RunInfo("v0.1.0", RunStatus.INTERRUPTED,
                ResultsFixtures.gpuWithKernels().run().startedAt(), null, null, ResultsFixtures.gpuWithKernels().run().tool()));
        for (BenchmarkResults results : List.of(ResultsFixtures.cpuComplete(), ResultsFixtures.failedPartial(), interrupted)) {
            Path file = dir.resolve("written.json");
            ResultsWriter.write(file, results);
            assertThat(validate(ResultsJson.mapper().readTree(file.toFile()))).isEmpty();
        }
    }

    @Test
    void aClearlyInvalidFileIsRejected() throws IOException {
        ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(Golden.file("java-cpu-complete.json").toFile());
        ((ObjectNode) node.at("/scenarios/0")).put("prompt_tokens", "sixteen");
        node.remove("run");
        List<Error> errors = validate(node);
        assertThat(errors).extracting(e -> e.getInstanceLocation().toString())
                .anySatisfy(location -> assertThat(location).contains("scenarios").contains("prompt_tokens"));
        assertThat(errors).extracting(Error::getMessage).anySatisfy(m -> assertThat(m).contains("run"));
    }

    /** Each change breaks a rule both the schema and the reader enforce; the reader names the same place. */
    static Stream<Arguments> breakingChanges() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return Stream.of(
                Arguments.of("/scenarios/0/prompt_tokens", f.numberNode(0)),
                Arguments.of("/scenarios/1/decode_tokens", f.numberNode(-3)),
                Arguments.of("/scenarios/1/runs/2/ttft_ms", f.textNode("12.5")),
                Arguments.of("/scenarios/2/runs/4/step_ms/7", f.numberNode(-0.5)),
                Arguments.of("/scenarios/0/runs/0/generated_ids/3", f.numberNode(-1)),
                Arguments.of("/run/status", f.textNode("done")),
                Arguments.of("/run/started_at", f.textNode("yesterday")),
                Arguments.of("/run/finished_at", f.textNode("2026-11-20 08:19")),
                Arguments.of("/run/tool/git_commit", f.textNode(" ")),
                Arguments.of("/environment/cores", f.numberNode(2.5)),
                Arguments.of("/environment/memory_bytes", f.numberNode(0)),
                Arguments.of("/model/source", f.textNode("hub")),
                Arguments.of("/model/config_sha256", null),
                Arguments.of("/protocol/ignore_eos", f.textNode("yes")),
                Arguments.of("/protocol/measured_runs", f.numberNode(0)),
                Arguments.of("/engine/settings/threads", f.objectNode()),
                Arguments.of("/load/peak_memory_method", f.nullNode()),
                Arguments.of("/load/weight_load_ms", f.nullNode()),
                Arguments.of("/warnings", f.nullNode()),
                Arguments.of("/scenarios/0/runs/1", f.arrayNode()),
                Arguments.of("/schema_version", f.numberNode(2)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("breakingChanges")
    void schemaAndReaderRejectTheSameChanges(String pointer, JsonNode value, @TempDir Path dir) throws IOException {
        ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(Golden.file("java-cpu-complete.json").toFile());
        set(node, pointer, value);
        assertThat(validate(node)).as("schema errors").isNotEmpty();

        Path file = dir.resolve("changed.json");
        Files.write(file, ResultsJson.mapper().writeValueAsBytes(node));
        String expectedPath = pointer.equals("/schema_version") ? "$.schema_version" : toJsonPath(pointer);
        assertThatThrownBy(() -> ResultsReader.read(file)).isInstanceOfSatisfying(ResultsFormatException.class,
                e -> assertThat(e.jsonPath()).isEqualTo(expectedPath));
    }

    @Test
    void unknownFieldsAreSchemaErrorsButReaderWarnings(@TempDir Path dir) throws Exception {
        ObjectNode node = (ObjectNode) ResultsJson.mapper().readTree(Golden.file("java-cpu-complete.json").toFile());
        ((ObjectNode) node.get("run")).put("host", "bench-01");
        assertThat(validate(node)).isNotEmpty();
        Path file = dir.resolve("extra.json");
        Files.write(file, ResultsJson.mapper().writeValueAsBytes(node));
        assertThat(ResultsReader.readWithWarnings(file).warnings()).singleElement().asString().contains("$.run.host");
    }

    @Test
    void schemaNamesEveryFieldTheWriterWrites() throws IOException {
        // A field added to a record but not to the schema fails here even before a golden file is regenerated.
        JsonNode written = ResultsJson.mapper().readTree(ResultsWriter.toJson(ResultsFixtures.gpuWithKernels()));
        JsonNode defs = ResultsJson.mapper().readTree(SCHEMA.toFile()).get("$defs");
        Map<String, JsonNode> objects = Map.of(
                "/run", defs.get("run"), "/environment", defs.get("environment"), "/engine", defs.get("engine"),
                "/model", defs.get("model"), "/protocol", defs.get("protocol"), "/load", defs.get("load"),
                "/scenarios/0", defs.get("scenario"), "/scenarios/0/runs/0", defs.get("runSample"),
                "/scenarios/0/runs/0/kernel", defs.get("kernelStats"));
        objects.forEach((pointer, def) -> written.at(pointer).fieldNames().forEachRemaining(name ->
                assertThat(def.get("properties").has(name)).as("schema property for %s/%s", pointer, name).isTrue()));
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        JsonPointer p = JsonPointer.compile(pointer);
        JsonNode parent = root.at(p.head());
        String last = p.last().getMatchingProperty();
        if (parent.isArray()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(p.last().getMatchingIndex(), value);
        } else if (value == null) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    /** "/scenarios/0/prompt_tokens" -> "$.scenarios[0].prompt_tokens". */
    static String toJsonPath(String pointer) {
        StringBuilder path = new StringBuilder("$");
        for (String part : pointer.substring(1).split("/")) {
            path.append(part.chars().allMatch(Character::isDigit) ? "[" + part + "]" : "." + part);
        }
        return path.toString();
    }
}
