package dev.llmbench.results;

/**
 * The process exit codes of every llmbench command, in one place: the runner and the site generator both depend on
 * this module and take their codes from here.
 */
public enum ExitCode {
    OK(0),
    /** A regression was found, a run failed or was interrupted (the results file says so), or another failure. */
    FAILURE(1),
    /** A user mistake: bad flag, missing model, bad suite, results file or template; the message names the fix. */
    INVALID_INPUT(2),
    /** The engine or its device is not available on this machine. */
    UNAVAILABLE(3),
    /** A bug, or an environment failure (disk full, I/O error) that the user's input did not cause. */
    INTERNAL(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
