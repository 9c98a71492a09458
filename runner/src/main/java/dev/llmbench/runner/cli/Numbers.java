package dev.llmbench.runner.cli;

import java.util.Locale;

/** The one formatter of numbers in terminal output: locale-free, fixed decimals. */
final class Numbers {
    private Numbers() {
    }

    static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Seconds as {@code 45s}, {@code 3m 20s}, {@code 1h 05m}; "?" while unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + String.format(Locale.ROOT, "%02ds", s % 60);
        }
        return (s / 3600) + "h " + String.format(Locale.ROOT, "%02dm", (s % 3600) / 60);
    }
}
