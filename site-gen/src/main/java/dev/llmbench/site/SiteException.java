package dev.llmbench.site;

import dev.llmbench.results.ExitCode;

/**
 * A failure the command reports as one message, without a stack trace, and exits with {@link #exitCode()}.
 * The message names the input, the place and the fix.
 */
public class SiteException extends Exception {
    private final ExitCode exitCode;

    public SiteException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public SiteException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static SiteException invalidInput(String message) {
        return new SiteException(ExitCode.INVALID_INPUT, message);
    }

    /** The process exit code, as the command returns it. */
    public int exitCode() {
        return exitCode.code();
    }
}
