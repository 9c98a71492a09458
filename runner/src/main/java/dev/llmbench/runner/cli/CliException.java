package dev.llmbench.runner.cli;

import dev.llmbench.results.ExitCode;

/** Ends a command with an exit code and one line for the user (no stack trace). */
public class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A message from the bundle. */
    public static CliException of(ExitCode exitCode, String key, Object... args) {
        return new CliException(exitCode, Messages.get(key, args));
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
