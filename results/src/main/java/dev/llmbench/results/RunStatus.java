package dev.llmbench.results;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a run ended. A file is rewritten after every scenario, so every status keeps what was measured. */
public enum RunStatus {
    /** Still running or stopped before every scenario finished, without an error (for example a crash of the JVM). */
    PARTIAL,
    /** Every scenario of the suite finished. */
    COMPLETE,
    /** Stopped by the user (Ctrl-C); resumable. */
    INTERRUPTED,
    /** A scenario failed; {@link RunInfo#error()} says why; resumable. */
    FAILED;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
