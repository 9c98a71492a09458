package dev.llmbench.results;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ResultsWriterTest {
    private final Locale originalLocale = Locale.getDefault();

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(originalLocale);
    }

    /** Same bytes whatever the default locale: Arabic and German would change digits and decimal marks if used. */
    @ParameterizedTest
    @ValueSource(strings = {"und", "de-DE", "ko-KR", "ar-SA"})
    void writesGoldenFilesUnderEveryLocale(String tag, @TempDir Path dir) throws IOException {
        Locale.setDefault(Locale.forLanguageTag(tag));
        for (Map.Entry<String, BenchmarkResults> e : ResultsFixtures.all().entrySet()) {
            String json = ResultsWriter.toJson(e.getValue());
            Golden.check(e.getKey(), json);
            Path written = dir.resolve(e.getKey());
            ResultsWriter.write(written, e.getValue());
            assertThat(Files.readString(written, StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }

    @Test
    void localeSensitiveFormattingWouldHaveChangedTheOutput() {
        // Guards the test above: under these locales, formatting that used the default locale really differs.
        Locale.setDefault(Locale.forLanguageTag("de-DE"));
        assertThat(String.format("%.3f", 412.875)).isEqualTo("412,875");
        Locale.setDefault(Locale.forLanguageTag("ar-SA"));
        assertThat(String.format("%d", 42)).isNotEqualTo("42");
    }

    @Test
    void fieldsFollowRecordOrderAndInstantsAreIso8601() {
        String json = ResultsWriter.toJson(ResultsFixtures.failedPartial());
        List<String> topLevel = Stream.of("schema_version", "run", "environment", "engine", "model", "protocol", "load",
                "scenarios", "warnings").map(k -> "\n  \"" + k + "\"").toList();
        int previous = -1;
        for (String key : topLevel) {
            int at = json.indexOf(key);
            assertThat(at).as("position of %s", key).isGreaterThan(previous);
            previous = at;
        }
        assertThat(json).contains("\"started_at\" : \"2026-11-21T22:40:00Z\"", "\"finished_at\" : \"2026-11-21T22:41:13.700Z\"");
        assertThat(json).doesNotContain("\r");
        assertThat(json).endsWith("}\n");
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        ResultsWriter.write(file, ResultsFixtures.failedPartial());
        ResultsWriter.write(file, ResultsFixtures.cpuComplete());
        assertThat(Files.readString(file)).isEqualTo(ResultsWriter.toJson(ResultsFixtures.cpuComplete()));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void failedSerialisationKeepsTheOldFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        ResultsWriter.write(file, ResultsFixtures.failedPartial());
        byte[] before = Files.readAllBytes(file);

        BenchmarkResults unserialisable = ResultsFixtures.failedPartial().withScenarios(List.of());
        unserialisable = new BenchmarkResults(1, unserialisable.run(), unserialisable.environment(),
                new EngineInfo("java", "0.1.0", Map.of("threads", new ExplodingNumber())), unserialisable.model(),
                unserialisable.protocol(), unserialisable.load(), List.of(), List.of());
        BenchmarkResults broken = unserialisable;

        assertThatThrownBy(() -> ResultsWriter.write(file, broken)).isInstanceOf(IOException.class)
                .hasMessageContaining("run.json");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "needs a POSIX file system");
        Path file = dir.resolve("run.json");
        ResultsWriter.write(file, ResultsFixtures.failedPartial());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        ResultsWriter.write(file, ResultsFixtures.cpuComplete());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw----");
    }

    @Test
    void writesIntoMissingDirectoriesAndReadsBackEqual(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks/results/v0.1.0/cuda-qwen.json");
        ResultsWriter.write(file, ResultsFixtures.gpuWithKernels());
        assertThat(ResultsReader.read(file)).isEqualTo(ResultsFixtures.gpuWithKernels());
    }

    /** A setting value whose text cannot be produced, as a buggy engine could hand over. */
    private static final class ExplodingNumber extends Number {
        @Override
        public int intValue() {
            throw new ArithmeticException("no value");
        }

        @Override
        public long longValue() {
            throw new ArithmeticException("no value");
        }

        @Override
        public float floatValue() {
            throw new ArithmeticException("no value");
        }

        @Override
        public double doubleValue() {
            throw new ArithmeticException("no value");
        }

        @Override
        public String toString() {
            throw new ArithmeticException("no value");
        }
    }
}
