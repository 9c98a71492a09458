package dev.llmbench.runner.cli;

/** The process exit codes of every command, in one place. */
public enum ExitCode {
    OK(0),
    /** A run failed or was interrupted (the results file says so), or another generic failure. */
    FAILURE(1),
    /** A user mistake: bad flag, missing model, bad suite or results file. */
    INVALID_INPUT(2),
    /** The engine or its device is not available on this machine. */
    UNAVAILABLE(3),
    /** A bug or an unexpected failure. */
    INTERNAL(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
