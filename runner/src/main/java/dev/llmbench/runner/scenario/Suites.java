package dev.llmbench.runner.scenario;

import java.nio.file.Path;
import java.util.List;

/** The built-in suites and the lookup behind {@code --suite default|quick|FILE}. */
public final class Suites {
    /** S1..S6 of the design: prompt/decode tokens, 3 warm-up and 5 measured runs. */
    public static final Suite DEFAULT = new Suite("default", 3, 5, List.of(
            new Scenario("S1", 16, 32),
            new Scenario("S2", 64, 64),
            new Scenario("S3", 256, 128),
            new Scenario("S4", 512, 256),
            new Scenario("S5", 1024, 128),
            new Scenario("S6", 64, 512)));

    /** Small scenarios for demos and CI: three prompt lengths so that TTFT scaling is still visible. */
    public static final Suite QUICK = new Suite("quick", 1, 3, List.of(
            new Scenario("Q1", 16, 16),
            new Scenario("Q2", 64, 32),
            new Scenario("Q3", 128, 16)));

    private Suites() {
    }

    public static List<String> builtInNames() {
        return List.of(DEFAULT.name(), QUICK.name());
    }

    /**
     * {@code default}, {@code quick}, or a suite file.
     *
     * @throws SuiteFormatException when the file is missing or not a valid suite
     */
    public static Suite resolve(String spec) throws SuiteFormatException {
        return switch (spec) {
            case "default" -> DEFAULT;
            case "quick" -> QUICK;
            default -> SuiteFile.read(Path.of(spec));
        };
    }
}
