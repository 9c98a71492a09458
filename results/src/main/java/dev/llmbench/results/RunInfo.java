package dev.llmbench.results;

import java.time.Instant;

/**
 * Identity and state of one run.
 *
 * @param release    release tag the run belongs to, e.g. {@code v0.3.0}
 * @param status     how far it got
 * @param startedAt  ISO-8601 instant the run started
 * @param finishedAt ISO-8601 instant the run ended; null while running
 * @param error      what went wrong when {@code status} is failed; null otherwise
 * @param tool       the tool that measured
 */
public record RunInfo(String release, RunStatus status, Instant startedAt, Instant finishedAt, String error, ToolInfo tool) {
    public RunInfo {
        Checks.notBlank(release, "run.release");
        Checks.notNull(status, "run.status");
        Checks.notNull(startedAt, "run.started_at");
        Checks.notNull(tool, "run.tool");
    }

    /** @param gitCommit commit of the tool's sources, or "unknown" */
    public record ToolInfo(String name, String version, String gitCommit) {
        public ToolInfo {
            Checks.notBlank(name, "run.tool.name");
            Checks.notBlank(version, "run.tool.version");
            Checks.notBlank(gitCommit, "run.tool.git_commit");
        }
    }
}
