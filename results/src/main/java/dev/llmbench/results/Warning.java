package dev.llmbench.results;

/**
 * A validity warning kept with the results and shown on the pages.
 *
 * @param code     stable machine-readable code, e.g. {@code ttft_not_growing}, {@code high_cv}, {@code nan_logits},
 *                 {@code token_count_mismatch}, {@code nondeterministic_output}
 * @param message  human-readable English explanation
 * @param scenario scenario id it concerns, or null for the whole run
 */
public record Warning(String code, String message, String scenario) {
    public Warning {
        Checks.notBlank(code, "warnings[].code");
        Checks.notBlank(message, "warnings[].message");
    }
}
