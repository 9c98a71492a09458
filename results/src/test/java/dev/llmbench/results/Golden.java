package dev.llmbench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files under src/test/resources/golden; {@code -Dgolden.update=true} rewrites them from the fixtures. */
final class Golden {
    static final Path DIR = Path.of("src", "test", "resources", "golden");

    private Golden() {
    }

    static boolean updating() {
        return Boolean.getBoolean("golden.update");
    }

    static Path file(String name) {
        return DIR.resolve(name);
    }

    /** Asserts {@code actual} equals the golden file, or rewrites the file when updating. */
    static void check(String name, String actual) throws IOException {
        Path file = file(name);
        if (updating()) {
            Files.createDirectories(DIR);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (regenerate with -Dgolden.update=true and review the diff)", file).exists();
        assertThat(actual).as("output for golden file %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
