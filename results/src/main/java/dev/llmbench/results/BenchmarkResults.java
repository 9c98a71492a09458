package dev.llmbench.results;

import com.fasterxml.jackson.annotation.JsonInclude;

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
        List<Warning> warnings,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ContextPosition> context) {

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
        context = context == null ? List.of() : List.copyOf(context);
        for (int i = 1; i < context.size(); i++) {
            if (context.get(i).position() <= context.get(i - 1).position()) {
                throw new IllegalArgumentException("context[" + i + "].position is " + context.get(i).position()
                        + ", expected positions in ascending order without repeats");
            }
        }
    }

    /** A file of scenarios only (no context suite). */
    public BenchmarkResults(int schemaVersion, RunInfo run, Environment environment, EngineInfo engine, ModelInfo model,
                            Protocol protocol, LoadMetrics load, List<ScenarioResult> scenarios, List<Warning> warnings) {
        this(schemaVersion, run, environment, engine, model, protocol, load, scenarios, warnings, List.of());
    }

    /** A copy with the scenario list replaced, as the runner makes after each finished scenario. */
    public BenchmarkResults withScenarios(List<ScenarioResult> newScenarios) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, load, newScenarios, warnings, context);
    }

    public BenchmarkResults withRun(RunInfo newRun) {
        return new BenchmarkResults(schemaVersion, newRun, environment, engine, model, protocol, load, scenarios, warnings, context);
    }

    public BenchmarkResults withLoad(LoadMetrics newLoad) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, newLoad, scenarios, warnings, context);
    }

    /** A copy with the context positions replaced, as the runner makes after each finished position. */
    public BenchmarkResults withContext(List<ContextPosition> newContext) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, load, scenarios, warnings,
                newContext);
    }

    public BenchmarkResults withWarnings(List<Warning> newWarnings) {
        return new BenchmarkResults(schemaVersion, run, environment, engine, model, protocol, load, scenarios, newWarnings, context);
    }
}
