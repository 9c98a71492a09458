package dev.llmbench.site.cli;

/** The process exit codes of every llmbench command, in one place. */
public final class ExitCode {
    public static final int OK = 0;
    /** A regression was found, or a generic failure (including a command this build lacks). */
    public static final int FAILURE = 1;
    /** Bad input: a results file, a template, an option. The message names the input, the place and the fix. */
    public static final int INVALID_INPUT = 2;
    /** An engine or device is unavailable (runner only; listed so the codes stay one table). */
    public static final int UNAVAILABLE = 3;
    /** A bug or an environment failure (disk full, I/O error) that the user's input did not cause. */
    public static final int INTERNAL = 4;

    private ExitCode() {
    }
}
