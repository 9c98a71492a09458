package dev.llmbench.runner.output;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class OutputPathsTest {
    @Test
    void defaultFileIsUnderTheReleaseFolder() {
        assertThat(OutputPaths.defaultFile("v0.3.0", "java", "synthetic:qwen2.5-0.5b"))
                .isEqualTo(Path.of("benchmarks/results/v0.3.0/java-qwen2.5-0.5b.json"));
        assertThat(OutputPaths.defaultFile("dev", "cuda", "/models/Qwen2.5-1.5B-Instruct/"))
                .isEqualTo(Path.of("benchmarks/results/dev/cuda-qwen2.5-1.5b-instruct.json"));
    }

    @Test
    void namesCannotEscapeTheFolder() {
        assertThat(OutputPaths.fileName("java", "synthetic:../../etc/passwd")).isEqualTo("java-etc-passwd.json");
        assertThat(OutputPaths.fileName("java", "synthetic:..")).isEqualTo("java-model.json");
        assertThat(OutputPaths.fileName("ja/va", "synthetic:a b")).isEqualTo("ja-va-a-b.json");
        assertThat(OutputPaths.fileName("java", "models/..")).doesNotContain("/").doesNotContain("..");
    }

    @Test
    void releaseTags() {
        assertThat(OutputPaths.releaseProblem("v0.3.0")).isNull();
        assertThat(OutputPaths.releaseProblem("2026.01-rc1")).isNull();
        for (String bad : new String[]{"", "..", "../x", "a/b", "a\\b", ".hidden", "v1..2", "-x", "a b"}) {
            assertThat(OutputPaths.releaseProblem(bad)).as(bad).isNotNull();
        }
    }
}
