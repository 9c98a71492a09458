package dev.llmbench.results;

/**
 * A confidence interval of a mean.
 *
 * @param level confidence level in (0, 1), e.g. 0.95
 * @param lower lower bound, same unit as the samples; NaN when fewer than two samples
 * @param upper upper bound; NaN when fewer than two samples
 */
public record ConfidenceInterval(double level, double lower, double upper) {
    public ConfidenceInterval {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        }
        if (lower > upper) {
            throw new IllegalArgumentException("lower bound " + lower + " is above upper bound " + upper);
        }
    }

    /** Half the width: the "±" of {@code mean ± halfWidth}. */
    public double halfWidth() {
        return (upper - lower) / 2;
    }

    public boolean contains(double value) {
        return value >= lower && value <= upper;
    }
}
