package dev.llmbench.runner.scenario;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuitesTest {
    @Test
    void defaultSuiteIsTheDesignsS1ToS6() {
        Suite s = Suites.DEFAULT;
        assertThat(s.warmupRuns()).isEqualTo(3);
        assertThat(s.runs()).isEqualTo(5);
        assertThat(s.scenarios()).containsExactly(new Scenario("S1", 16, 32), new Scenario("S2", 64, 64),
                new Scenario("S3", 256, 128), new Scenario("S4", 512, 256), new Scenario("S5", 1024, 128),
                new Scenario("S6", 64, 512));
    }

    @Test
    void selectKeepsSuiteOrderAndNamesUnknownIds() {
        assertThat(Suites.DEFAULT.select(List.of("S3", "S1")).scenarios()).extracting(Scenario::id).containsExactly("S1", "S3");
        assertThatThrownBy(() -> Suites.DEFAULT.select(List.of("S7")))
                .hasMessage("unknown scenario S7 in suite default; it has S1, S2, S3, S4, S5, S6");
    }

    @Test
    void theExampleSuiteFileParses() throws Exception {
        Path example = Path.of("..", "benchmarks", "suites", "long-prompts.json");
        Suite s = Suites.resolve(example.toString());
        assertThat(s.name()).isEqualTo("long-prompts");
        assertThat(s.scenarios()).extracting(Scenario::id).containsExactly("L1", "L2", "L3");
        assertThat(s.maxCacheTokens()).isEqualTo(2047);
    }
}
