package dev.llmbench.runner.session;

import dev.llmbench.results.ConcurrencyLevel;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.runner.scenario.Scenario;

import java.nio.file.Path;

/** What a session reports while it runs; called outside the timed loop. */
public interface Progress {
    Progress SILENT = new Progress() {
    };

    /** The engine is loaded and {@code scenarios} scenarios are to run ({@code resumed} were kept from a file). */
    default void started(String engine, String model, int scenarios, int resumed) {
    }

    /**
     * A run finished.
     *
     * @param scenarioNumber 1-based among the scenarios this session runs
     * @param secondsLeft    estimate for the whole session, NaN while unknown
     */
    default void runFinished(String engine, Scenario scenario, int scenarioNumber, int scenarioCount, RunSample sample,
                             int runsDone, int runsTotal, double secondsLeft) {
    }

    /** A concurrency level of a scenario finished. */
    default void levelFinished(String engine, Scenario scenario, ConcurrencyLevel level) {
    }

    /** The engine is loaded and {@code positions} context positions are to run ({@code resumed} were kept). */
    default void contextStarted(String engine, String model, int positions, int resumed) {
    }

    /**
     * A run of the context suite finished at a position.
     *
     * @param positionNumber 1-based among the positions this session runs
     */
    default void contextRunFinished(String engine, int position, int positionNumber, int positionCount,
                                    ContextPosition.Run run, int runsDone, int runsTotal) {
    }

    default void finished(String engine, RunStatus status, Path file) {
    }
}
