package dev.llmbench.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files under src/test/resources/golden; {@code -Dgolden.update=true} rewrites them instead of comparing. */
public final class Golden {
    static final Path ROOT = Path.of("src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private Golden() {
    }

    public static void check(String name, String actual) throws IOException {
        Path file = ROOT.resolve(name);
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(actual).as("output differs from golden file %s; if the change is intended, rerun with"
                + " -Dgolden.update=true and review the diff", file).isEqualTo(expected);
    }
}
