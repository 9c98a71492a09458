package dev.llmbench.engine;

/** An engine could not start or run; {@link #kind()} maps to the CLI's exit code. */
public class EngineException extends Exception {
    public enum Kind {
        /** Bad model folder, bad settings, unsupported dtype or architecture: exit 2. */
        INVALID_INPUT,
        /** No device, no native library: exit 3. */
        UNAVAILABLE,
        /** A bug or an unexpected failure inside the engine: exit 4. */
        INTERNAL
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
