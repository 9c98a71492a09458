package dev.llmbench.site.diff;

import java.util.List;

/**
 * The validity warnings one side of a comparison carries (from its results file or the analysis), by code: a
 * verdict on such a run says less than it seems to.
 *
 * @param release   the release whose run it is
 * @param code      the warning's code, e.g. {@code high_cv}
 * @param scenarios the scenarios it concerns, in file order; empty when it concerns the whole run
 */
public record RunWarnings(String release, String code, List<String> scenarios) {
    public RunWarnings {
        scenarios = List.copyOf(scenarios);
    }
}
