package dev.llmbench.site.diff;

/** The outcome of one compared cell. */
public enum Verdict {
    /** Moved in the good direction by at least the threshold, and the samples differ significantly. */
    BETTER,
    /** Moved in the bad direction by at least the threshold, and the samples differ significantly: a regression. */
    WORSE,
    /** Moved by less than the threshold. */
    UNCHANGED,
    /** Moved by at least the threshold, but the samples do not show it significantly (or there are none). */
    INCONCLUSIVE;

    @com.fasterxml.jackson.annotation.JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
