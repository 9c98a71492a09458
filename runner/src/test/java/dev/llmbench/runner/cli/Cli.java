package dev.llmbench.runner.cli;

import dev.llmbench.runner.measure.Clock;
import dev.llmbench.runner.testing.TestClock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process and keeps its exit code, stdout and stderr. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        return run(Clock.SYSTEM, args);
    }

    /** With the clock the fake engine advances: every timing is known. */
    static Cli scripted(String... args) {
        return run(TestClock.INSTANCE, args);
    }

    static Cli run(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = RunnerMain.run(clock, o, e, false, args);
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** One line of error, no stack trace. */
    boolean cleanError() {
        return err.startsWith("error: ") && !err.contains("\tat ") && !err.contains("Exception");
    }
}
