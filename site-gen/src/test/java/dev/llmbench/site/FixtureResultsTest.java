package dev.llmbench.site;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The checked-in results fixtures are exactly what {@link FixtureResults} makes (so they can be regenerated). */
class FixtureResultsTest {
    static final Path RESULTS = Path.of("src/test/resources/results");

    @Test
    void checkedInFixturesMatchTheGenerator(@TempDir Path tmp) throws IOException {
        FixtureResults.writeSet(tmp);
        if (Golden.UPDATE) {
            FixtureResults.writeSet(RESULTS);
        }
        List<Path> made;
        try (var s = Files.walk(tmp)) {
            made = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(made).hasSize(4);
        for (Path p : made) {
            Path checkedIn = RESULTS.resolve(tmp.relativize(p).toString());
            assertThat(checkedIn).exists();
            assertThat(Files.readString(checkedIn)).as(checkedIn.toString()).isEqualTo(Files.readString(p));
        }
    }
}
