package dev.llmbench.runner.session;

/** The session cannot start: a resume file does not fit the run asked for. The message names the file and the fix. */
public class SessionException extends Exception {
    public SessionException(String message) {
        super(message);
    }
}
