package dev.llmbench.site.diff;

/**
 * A measurement condition that differs between the two sides of a comparison (the machine, the model, an engine
 * setting, the protocol): a change in the numbers may come from it, not from the code.
 *
 * @param field    the results file's JSON path of the condition, e.g. {@code environment.cpu},
 *                 {@code engine.settings.threads}
 * @param oldValue its value in the older release ("—" when absent)
 * @param newValue its value in the newer release ("—" when absent)
 */
public record ConditionChange(String field, String oldValue, String newValue) {
}
