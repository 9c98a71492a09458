package dev.llmbench.site.cli;

/** The codes of {@link dev.llmbench.results.ExitCode} as the {@code int}s that picocli commands return. */
public final class ExitCode {
    public static final int OK = dev.llmbench.results.ExitCode.OK.code();
    /** A regression was found, or a generic failure (including a command this build lacks). */
    public static final int FAILURE = dev.llmbench.results.ExitCode.FAILURE.code();
    /** Bad input: a results file, a template, an option. The message names the input, the place and the fix. */
    public static final int INVALID_INPUT = dev.llmbench.results.ExitCode.INVALID_INPUT.code();
    /** An engine or device is unavailable (runner only; listed so the codes stay one table). */
    public static final int UNAVAILABLE = dev.llmbench.results.ExitCode.UNAVAILABLE.code();
    /** A bug or an environment failure (disk full, I/O error) that the user's input did not cause. */
    public static final int INTERNAL = dev.llmbench.results.ExitCode.INTERNAL.code();

    private ExitCode() {
    }
}
