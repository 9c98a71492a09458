package dev.llmbench.results;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class ResultsReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryGoldenFileBackIntoTheRecordsItWasWrittenFrom() throws Exception {
        for (Map.Entry<String, BenchmarkResults> e : ResultsFixtures.all().entrySet()) {
            ReadResult read = ResultsReader.readWithWarnings(Golden.file(e.getKey()));
            assertThat(read.results()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(read.warnings()).as(e.getKey()).isEmpty();
        }
    }

    // ---- hostile files: each names the file and the JSON path, as a ResultsFormatException ----

    @Test
    void truncatedJson() throws IOException {
        ObjectNode tree = golden();
        ((ArrayNode) tree.at("/scenarios/1/runs/3/step_ms")).set(5, 12345.678);
        String text = ResultsJson.mapper().writeValueAsString(tree);
        // Cut after entry 5 and its comma: the file ends where entry 6 should be.
        Path file = write("truncated.json", text.substring(0, text.indexOf("12345.678") + "12345.678, ".length()));
        assertRejected(file, "$.scenarios[1].runs[3].step_ms[6]", "ends early", "truncated");

        Path cutInKey = write("cut-key.json", "{\"schema_version\": 1, \"run\": {\"rele");
        assertRejected(cutInKey, "$.run", "ends early");
    }

    @Test
    void wrongTypes() throws IOException {
        assertRejected(change("/scenarios/0", "prompt_tokens", "\"16\""), "$.scenarios[0].prompt_tokens",
                "expected an integer >= 1, got a string \"16\"");
        assertRejected(change("/scenarios/2/runs/0", "step_ms", "{}"), "$.scenarios[2].runs[0].step_ms",
                "expected an array, got an object");
        assertRejected(change("/", "scenarios", "\"S1\""), "$.scenarios", "expected an array");
        assertRejected(change("/run", "status", "\"finished\""), "$.run.status",
                "expected one of \"partial\", \"complete\", \"interrupted\", \"failed\"");
        assertRejected(change("/protocol", "seed", "4.5"), "$.protocol.seed", "expected an integer, got 4.5");
        assertRejected(change("/run", "tool", "null"), "$.run.tool", "got null");
    }

    @Test
    void nanAndInfinity() throws IOException {
        assertRejected(change("/scenarios/0/runs/1", "ttft_ms", "NaN"), "$.scenarios[0].runs[1].ttft_ms",
                "NaN", "not a JSON number");
        String text = goldenText();
        int steps = text.indexOf("\"step_ms\" : [ ") + "\"step_ms\" : [ ".length();
        Path infinity = write("infinity.json", text.substring(0, steps) + "Infinity, " + text.substring(steps));
        assertRejected(infinity, "$.scenarios[0].runs[0].step_ms[0]", "Infinity", "finite number");
        Path negative = write("minus-infinity.json", text.substring(0, steps) + "1.5, -Infinity, " + text.substring(steps));
        assertRejected(negative, "$.scenarios[0].runs[0].step_ms[1]", "-Infinity");
        // A literal too large for a double parses as infinity: caught as a value, not a syntax error.
        assertRejected(change("/load", "weight_load_ms", "1e400"), "$.load.weight_load_ms", "finite number", "out of range");
        assertRejected(change("/load", "compile_ms", "1" + "0".repeat(2000)), "$.load.compile_ms", "too many digits");
        assertRejected(change("/load", "compile_ms", "+5"), "$.load.compile_ms", "plus sign", "without the +");
        Path nanInObject = write("nan-in-object.json", "{\"schema_version\": 1, \"load\": {\"compile_ms\" :\n   NaN}}");
        assertRejected(nanInObject, "$.load.compile_ms", "NaN at line 2, column 4 is not a JSON number");
    }

    @Test
    void aBracketThatClosesTheWrongContainerSaysWhichOneItCloses() throws IOException {
        Path array = write("wrong-close.json", "{\"schema_version\": 1, \"run\": [1,\n 2}");
        assertRejected(array, "$.run[1]", "'}' at line 2, column 3 closes the array opened at line 1, column 30; expected ']'");
        Path object = write("wrong-close2.json", "{\"schema_version\": 1, \"run\": {\"a\": 1]}");
        assertRejected(object, "$.run.a", "']' at line 1, column 37 closes the object opened at line 1, column 30; expected '}'");
    }

    @Test
    void overlongKeysAndStringsNameTheirLimit() throws IOException {
        String key = "k".repeat(ResultsJson.mapper().getFactory().streamReadConstraints().getMaxNameLength() + 1);
        assertRejected(write("long-key.json", "{\"schema_version\": 1, \"run\": {\"a\": 1, \"" + key + "\": 2}}"), "$.run",
                "a key longer than");
        String value = "v".repeat(ResultsJson.MAX_STRING_LENGTH + 1);
        assertRejected(write("long-string.json", "{\"schema_version\": 1, \"run\": {\"tool\": \"" + value + "\"}}"),
                "$.run.tool", "a string longer than " + ResultsJson.MAX_STRING_LENGTH + " characters");
    }

    @Test
    void negativeOrZeroCounts() throws IOException {
        assertRejected(change("/scenarios/1", "decode_tokens", "0"), "$.scenarios[1].decode_tokens", "expected an integer >= 1, got 0");
        assertRejected(change("/scenarios/0", "prompt_tokens", "-16"), "$.scenarios[0].prompt_tokens", "got -16");
        assertRejected(change("/environment", "cores", "0"), "$.environment.cores", "got 0");
        assertRejected(change("/protocol", "warmup_runs", "-1"), "$.protocol.warmup_runs", "expected an integer >= 0");
        assertRejected(change("/scenarios/0/runs/2", "ttft_ms", "-0.25"), "$.scenarios[0].runs[2].ttft_ms",
                "expected a finite number >= 0, got -0.25");
    }

    @Test
    void stepCountMustBeDecodeTokensMinusOne() throws IOException {
        ObjectNode tree = golden();
        ((ArrayNode) tree.at("/scenarios/2/runs/0/step_ms")).remove(0);
        Path file = write("short-run.json", ResultsJson.mapper().writeValueAsString(tree));
        assertRejected(file, "$.scenarios[2].runs[0].step_ms", "has 126 entries, expected decode_tokens - 1 = 127");
    }

    @Test
    void missingRequiredFields() throws IOException {
        ObjectNode tree = golden();
        ((ObjectNode) tree.get("run")).remove("started_at");
        assertRejected(write("no-start.json", ResultsJson.mapper().writeValueAsString(tree)), "$.run.started_at",
                "is missing; expected an ISO-8601 UTC instant");
        ObjectNode noRuns = golden();
        ((ObjectNode) noRuns.at("/scenarios/1")).remove("runs");
        assertRejected(write("no-runs.json", ResultsJson.mapper().writeValueAsString(noRuns)), "$.scenarios[1].runs",
                "is missing; expected an array");
    }

    @Test
    void hugeArrays() throws IOException {
        StringBuilder steps = new StringBuilder("[");
        for (int i = 0; i < 500_000; i++) {
            steps.append(i == 0 ? "" : ",").append("44.5");
        }
        Path file = change("/scenarios/0/runs/0", "step_ms", steps.append("]").toString());
        assertRejected(file, "$.scenarios[0].runs[0].step_ms", "has 500000 entries, expected decode_tokens - 1 = 31");
    }

    @Test
    void filesOverTheSizeLimitAreRefusedBeforeParsing() throws IOException {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // Sparse: no disk is used, and the content (zeros) would be invalid anyway if it were parsed.
            raf.setLength(ResultsJson.MAX_FILE_BYTES + 1);
        }
        assertRejected(file, "$", "over the limit of " + ResultsJson.MAX_FILE_BYTES + " bytes");
    }

    @Test
    void unknownSchemaVersion() throws IOException {
        assertRejected(change("/", "schema_version", "2"), "$.schema_version", "newer", "upgrade the tool");
        assertRejected(change("/", "schema_version", "0"), "$.schema_version", "older than this tool can read");
        assertRejected(change("/", "schema_version", "\"1\""), "$.schema_version", "expected an integer");
        ObjectNode none = golden();
        none.remove("schema_version");
        assertRejected(write("no-version.json", ResultsJson.mapper().writeValueAsString(none)), "$.schema_version", "is missing");
        Path legacy = write("benchmark_results.json", "{\"environment\": {}, \"cpu_results\": []}");
        assertRejected(legacy, "$.schema_version", "old tool's benchmark_results.json");
    }

    @Test
    void deeplyNestedJunk() throws IOException {
        Path file = write("deep.json", "{\"schema_version\": 1, \"junk\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        assertRejected(file, "$.junk[0][0][0][0][0][0][0]...", "nested deeper than " + ResultsJson.MAX_NESTING + " levels");
        Path objects = write("deep-objects.json", "{\"schema_version\": 1, \"run\": " + "{\"a\": ".repeat(5_000) + "1"
                + "}".repeat(5_000) + "}");
        assertRejected(objects, "$.run.a.a.a.a.a.a.a...", "nested deeper");
    }

    @Test
    void nonUtf8Files() throws IOException {
        String text = goldenText().replace("\"Qwen2.5-0.5B-Instruct\"", "\"Qwen2.5-0.5B-Instruct caf\u00e9\"");
        Path latin1 = dir.resolve("latin1.json");
        Files.write(latin1, text.getBytes(StandardCharsets.ISO_8859_1));
        int line = (int) text.substring(0, text.indexOf("caf\u00e9")).lines().count();
        assertRejected(latin1, "$.model.name", "byte 0xE9 at line " + line + ",", "not valid UTF-8", "save it as UTF-8");

        Path utf16 = dir.resolve("utf16.json");
        Files.write(utf16, goldenText().getBytes(StandardCharsets.UTF_16)); // big-endian with a byte order mark
        assertRejected(utf16, "$", "UTF-16", "FE FF", "save it as UTF-8");

        Path utf16le = dir.resolve("utf16le.json");
        Files.write(utf16le, goldenText().getBytes(StandardCharsets.UTF_16LE));
        assertRejected(utf16le, "$", "NUL byte at offset 1", "UTF-16");

        Path utf32 = dir.resolve("utf32.json");
        Files.write(utf32, goldenText().getBytes(Charset.forName("UTF-32")));
        assertRejected(utf32, "$", "NUL byte");
    }

    @Test
    void utf8ByteOrderMarkIsAccepted() throws Exception {
        byte[] body = goldenText().getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Path file = dir.resolve("bom.json");
        Files.write(file, withBom);
        assertThat(ResultsReader.read(file)).isEqualTo(ResultsFixtures.cpuComplete());
    }

    @Test
    void emptyFiles() throws IOException {
        assertRejected(write("empty.json", ""), "$", "file is empty");
        assertRejected(write("blank.json", " \n\t\n"), "$", "file is empty");
    }

    @Test
    void topLevelArrayOrScalar() throws IOException {
        assertRejected(write("array.json", "[" + goldenText() + "]"), "$", "expected a JSON object (a results file), got an array");
        assertRejected(write("number.json", "42"), "$", "got 42");
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        String text = goldenText().replace("\"status\" : \"complete\",", "\"status\" : \"complete\",\n    \"status\" : \"failed\",");
        assertRejected(write("dup.json", text), "$.run.status", "duplicate key \"status\"");
        String dupScenarioKey = goldenText().replaceFirst("\"decode_tokens\" : 64,", "\"decode_tokens\" : 64, \"decode_tokens\" : 63,");
        assertRejected(write("dup2.json", dupScenarioKey), "$.scenarios[1].decode_tokens", "duplicate key");
    }

    @Test
    void trailingContentAndSyntaxErrors() throws IOException {
        assertRejected(write("two.json", goldenText() + "{}"), "$", "unexpected content after the top-level value");
        Path comma = write("comma.json", goldenText().replace("\"dtype\" : \"bf16\",", "\"dtype\" : \"bf16\",,"));
        assertRejected(comma, "$.model", "not valid JSON at line", "double-quote to start field name");
        Path single = write("single.json", goldenText().replace("\"dtype\" : \"bf16\"", "'dtype' : 'bf16'"));
        assertRejected(single, "$.model", "not valid JSON");
    }

    @Test
    void crossFieldRules() throws IOException {
        assertRejected(change("/load", "peak_memory_method", "null"), "$.load.peak_memory_method",
                "saying how peak_memory_bytes was measured");
        ObjectNode tree = (ObjectNode) ResultsJson.mapper().readTree(Golden.file("cuda-gpu-kernels.json").toFile());
        ((ArrayNode) tree.at("/scenarios/0/runs/2/kernel/step_kernel_ms")).remove(0);
        ((ArrayNode) tree.at("/scenarios/0/runs/2/kernel/step_kernel_count")).remove(0);
        assertRejected(write("kernels.json", ResultsJson.mapper().writeValueAsString(tree)),
                "$.scenarios[0].runs[2].kernel.step_kernel_ms", "has 30 entries, expected one per decode step like step_ms (31)");
        ((ArrayNode) tree.at("/scenarios/0/runs/2/kernel/step_kernel_count")).remove(0);
        assertRejected(write("kernels2.json", ResultsJson.mapper().writeValueAsString(tree)),
                "$.scenarios[0].runs[2].kernel.step_kernel_count", "has 29 entries, expected as many as step_kernel_ms (30)");
    }

    @Test
    void missingFileAndDirectory() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> ResultsReader.read(missing)).isInstanceOf(ResultsFormatException.class)
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> ResultsReader.read(dir)).isInstanceOf(ResultsFormatException.class)
                .hasMessageContaining("is a directory");
    }

    // ---- warnings and migration ----

    @Test
    void unknownFieldsAreWarningsWithFileAndPath() throws Exception {
        ObjectNode tree = golden();
        ((ObjectNode) tree.get("run")).put("host", "bench-01");
        ((ObjectNode) tree.at("/scenarios/2/runs/4")).put("energy_j", 12.5);
        tree.put("comment", "hand-edited");
        Path file = write("extra.json", ResultsJson.mapper().writeValueAsString(tree));
        ReadResult read = ResultsReader.readWithWarnings(file);
        assertThat(read.results()).isEqualTo(ResultsFixtures.cpuComplete());
        assertThat(read.warnings()).containsExactly(
                file + " at $.run.host: unknown field \"host\" ignored; schema_version 1 has no such field",
                file + " at $.scenarios[2].runs[4].energy_j: unknown field \"energy_j\" ignored; schema_version 1 has no such field",
                file + " at $.comment: unknown field \"comment\" ignored; schema_version 1 has no such field");
        assertThat(ResultsReader.read(file)).isEqualTo(ResultsFixtures.cpuComplete());
    }

    @Test
    void manyUnknownFieldsAreCounted() throws Exception {
        ObjectNode tree = golden();
        for (int i = 0; i < 500; i++) {
            tree.put("extra_" + i, i);
        }
        ReadResult read = ResultsReader.readWithWarnings(write("many.json", ResultsJson.mapper().writeValueAsString(tree)));
        assertThat(read.warnings()).hasSize(SchemaCheck.MAX_WARNINGS + 1);
        assertThat(read.warnings().getLast()).contains("450 more unknown fields");
    }

    /** A made-up version 0 in which run samples called the first-token time "first_token_ms". */
    private Path fakeVersion0() throws IOException {
        ObjectNode tree = golden();
        tree.put("schema_version", 0);
        for (var scenario : tree.get("scenarios")) {
            for (var run : scenario.get("runs")) {
                ObjectNode r = (ObjectNode) run;
                r.set("first_token_ms", r.remove("ttft_ms"));
            }
        }
        return write("v0.json", ResultsJson.mapper().writeValueAsString(tree));
    }

    private static final SchemaMigration RENAME_FIRST_TOKEN = tree -> {
        for (var scenario : tree.get("scenarios")) {
            for (var run : scenario.get("runs")) {
                ObjectNode r = (ObjectNode) run;
                if (!r.has("first_token_ms")) {
                    throw new IllegalArgumentException("a run has no first_token_ms");
                }
                r.set("ttft_ms", r.remove("first_token_ms"));
            }
        }
        return tree;
    };

    @Test
    void migrationHookUpgradesOlderVersionsBeforeBinding() throws Exception {
        Path file = fakeVersion0();
        SchemaMigrations migrations = SchemaMigrations.builtIn().with(0, RENAME_FIRST_TOKEN);
        assertThat(migrations.oldestReadable()).isZero();
        ReadResult read = ResultsReader.readWithWarnings(file, migrations);
        assertThat(read.results()).isEqualTo(ResultsFixtures.cpuComplete());
        assertThat(read.warnings()).containsExactly(file + " at $.schema_version: upgraded from schema_version 0 to 1"
                + " while reading; the file itself is unchanged");
        // Without the step, version 0 cannot be read.
        assertRejected(file, "$.schema_version", "schema_version 0 is older than this tool can read (oldest: 1)");
    }

    @Test
    void failingMigrationIsAFormatError() throws IOException {
        ObjectNode tree = golden();
        tree.put("schema_version", 0);
        Path file = write("bad-v0.json", ResultsJson.mapper().writeValueAsString(tree));
        assertThatThrownBy(() -> ResultsReader.readWithWarnings(file, SchemaMigrations.builtIn().with(0, RENAME_FIRST_TOKEN)))
                .isInstanceOf(ResultsFormatException.class)
                .hasMessage(file + " at $: cannot upgrade from schema_version 0 to 1: a run has no first_token_ms");
        assertThatThrownBy(() -> SchemaMigrations.builtIn().with(1, RENAME_FIRST_TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Random damage to a valid file: the reader either reads it or says what is wrong, never anything else. */
    @Test
    void randomDamageNeverEscapesAsAnotherException() throws IOException {
        byte[] original = Files.readAllBytes(Golden.file("java-cpu-failed.json"));
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            byte[] damaged = original.clone();
            int at = random.nextInt(damaged.length);
            switch (i % 3) {
                case 0 -> damaged = java.util.Arrays.copyOf(damaged, at);
                case 1 -> damaged[at] = (byte) random.nextInt(256);
                default -> {
                    int end = Math.min(damaged.length, at + random.nextInt(200));
                    byte[] cut = new byte[damaged.length - (end - at)];
                    System.arraycopy(damaged, 0, cut, 0, at);
                    System.arraycopy(damaged, end, cut, at, damaged.length - end);
                    damaged = cut;
                }
            }
            try {
                ResultsReader.parse("damaged-" + i + ".json", damaged, SchemaMigrations.builtIn());
            } catch (ResultsFormatException e) {
                assertHumanMessage(e, "damaged-" + i + ".json");
            } catch (RuntimeException e) {
                fail("damage " + i + " escaped as " + e);
            }
        }
    }

    // ---- helpers ----

    private void assertRejected(Path file, String jsonPath, String... fragments) {
        try {
            BenchmarkResults read = ResultsReader.read(file);
            fail(file + " was read, expected a rejection at " + jsonPath + "; got " + read.run());
        } catch (ResultsFormatException e) {
            assertThat(e.file()).isEqualTo(file.toString());
            assertThat(e.jsonPath()).as("JSON path of: %s", e.getMessage()).isEqualTo(jsonPath);
            assertThat(e.getMessage()).startsWith(file + " at " + jsonPath + ": ").contains(fragments);
            assertHumanMessage(e, file.getFileName().toString());
        } catch (RuntimeException e) {
            fail(file + " escaped as " + e);
        }
    }

    private static void assertHumanMessage(ResultsFormatException e, String fileName) {
        assertThat(e.getMessage()).contains(fileName);
        assertThat(e.getMessage().lines().count()).as("lines of: %s", e.getMessage()).isLessThanOrEqualTo(2);
        assertThat(e.getMessage().length()).as("length of: %s", e.getMessage()).isLessThan(400);
        assertThat(e.getMessage()).doesNotContain("com.fasterxml", "jackson", "Jackson", "[Source", "Exception", "\tat ",
                "enable `");
    }

    private static ObjectNode golden() throws IOException {
        return (ObjectNode) ResultsJson.mapper().readTree(Golden.file("java-cpu-complete.json").toFile());
    }

    private static String goldenText() throws IOException {
        return Files.readString(Golden.file("java-cpu-complete.json"));
    }

    /** The golden CPU file with {@code field} of the object at {@code pointer} replaced by raw JSON text. */
    private Path change(String pointer, String field, String rawJson) throws IOException {
        ObjectNode tree = golden();
        ObjectNode target = pointer.equals("/") ? tree : (ObjectNode) tree.at(pointer);
        String marker = "__replace_me__";
        target.put(field, marker);
        String text = ResultsJson.mapper().writeValueAsString(tree).replace("\"" + marker + "\"", rawJson);
        return write(field + "-" + Math.abs(rawJson.hashCode()) + ".json", text);
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
