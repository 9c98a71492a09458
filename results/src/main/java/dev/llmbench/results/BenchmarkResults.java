package dev.llmbench.results;

import java.util.List;

/**
 * One results file: a single (release, engine, model) run with every raw sample.
 * The JSON form uses snake_case names; see {@code docs/schema/results-v1.schema.json}.
 */
public record BenchmarkResults(
        int schemaVersion,
        RunInfo run,
        Environment environment,
        EngineInfo engine,
        ModelInfo model,
        Protocol protocol,
        LoadMetrics load,
        List<ScenarioResult> scenarios,
        List<Warning> warnings) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public BenchmarkResults {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1, got " + schemaVersion);
        }
        Checks.notNull(run, "run");
        Checks.notNull(environment, "environment");
        Checks.notNull(engine, "engine");
        Checks.notNull(model, "model");
        Checks.notNull(protocol, "protocol");
        Checks.notNull(load, "load");
        scenarios = List.copyOf(Checks.notNull(scenarios, "scenarios"));
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A copy with the scenario list replaced, as the runner makes after each finished scenario. */
    public BenchmarkResults withScenarios(List<ScenarioResult> newScenarios) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, load, newScenarios, warnings);
    }

    public BenchmarkResults withRun(RunInfo newRun) {
        return new BenchmarkResults(schemaVersion, newRun, environment, engine, model, protocol, load, scenarios, warnings);
    }

    public BenchmarkResults withLoad(LoadMetrics newLoad) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, newLoad, scenarios, warnings);
    }

    public BenchmarkResults withWarnings(List<Warning> newWarnings) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, load, scenarios, newWarnings);
    }
}
