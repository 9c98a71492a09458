package dev.llmbench.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsJson;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's acceptance run through the real Java engine on a real Hugging Face folder (the tiny Qwen2 fixture):
 * {@code run --engine java --model DIR --suite quick --json out.json}, validated against the published JSON Schema.
 */
class JavaEngineAcceptanceTest {
    static final Path SCHEMA = Path.of("..", "docs", "schema", "results-v1.schema.json");
    static final Path MODEL = Path.of("src", "test", "resources", "fixtures", "tiny-qwen2-f32");

    @TempDir
    Path tmp;

    @Test
    void quickSuiteOnAHuggingFaceFolderWritesASchemaValidCompleteFile() throws Exception {
        Path out = tmp.resolve("out.json");
        Cli r = Cli.run("run", "--engine", "java", "--model", MODEL.toString(), "--suite", "quick",
                "--json", out.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();

        Schema schema;
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        JsonNode tree = ResultsJson.mapper().readTree(out.toFile());
        assertThat(schema.validate(tree)).as("schema errors").isEmpty();

        BenchmarkResults results = ResultsReader.read(out);
        assertThat(results.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(results.engine().name()).isEqualTo("java");
        assertThat(results.model().source()).isEqualTo("file");
        assertThat(results.scenarios()).isNotEmpty();
        for (ScenarioResult s : results.scenarios()) {
            assertThat(s.measuredRuns()).isNotEmpty();
            for (RunSample run : s.runs()) {
                assertThat(run.ttftMs()).isPositive();
                assertThat(run.stepMs()).hasSize(s.decodeTokens() - 1);
                assertThat(run.generatedIds()).hasSize(s.decodeTokens());
            }
        }
        assertThat(results.load().peakMemoryBytes()).isPositive();
    }

    @Test
    void anEngineOptionTheJavaEngineDoesNotReadIsInvalidInputAndWritesNothing() {
        // a setting the engine ignored would still be taken as measured (kv_cache=bf16 is a CUDA engine setting)
        Path out = tmp.resolve("out.json");
        Cli r = Cli.run("run", "--engine", "java", "--model", MODEL.toString(), "--suite", "quick", "--engine-opt",
                "kv_cache=bf16", "--json", out.toString(), "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--engine-opt kv_cache=bf16").contains("the java engine has no --engine-opt settings");
        assertThat(out).doesNotExist();
    }
}
