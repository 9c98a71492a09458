package dev.llmbench.site.input;

import dev.llmbench.site.analysis.EngineReport;

import java.time.Instant;

/**
 * One engine run read from a results file, analysed, with the release it belongs to.
 *
 * @param release   release tag (checked to be safe as a folder name)
 * @param startedAt when the run started, or null for imported files (which do not say)
 * @param report    the analysed run
 */
public record LoadedRun(String release, Instant startedAt, EngineReport report) {
    public LoadedRun {
        if (release == null || release.isBlank()) {
            throw new IllegalArgumentException("release must be a non-empty string");
        }
        if (report == null) {
            throw new IllegalArgumentException("report is required");
        }
    }
}
