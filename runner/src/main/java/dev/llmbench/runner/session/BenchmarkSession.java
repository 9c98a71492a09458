package dev.llmbench.runner.session;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ConcurrencyLevel;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.Environment;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.RunInfo;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Validity;
import dev.llmbench.results.Warning;
import dev.llmbench.runner.environment.EnvironmentProbe;
import dev.llmbench.runner.environment.PeakMemory;
import dev.llmbench.runner.environment.ToolVersion;
import dev.llmbench.runner.measure.Clock;
import dev.llmbench.runner.measure.Prompts;
import dev.llmbench.runner.measure.RunCancelledException;
import dev.llmbench.runner.measure.ScenarioRunner;
import dev.llmbench.runner.measure.TimerOverhead;
import dev.llmbench.runner.scenario.Scenario;
import dev.llmbench.runner.scenario.Suite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;

/**
 * One engine through one suite into one results file: load metrics, environment, protocol, then every scenario
 * not yet done, the file rewritten after each. Ends complete, failed (a scenario threw) or interrupted.
 */
public final class BenchmarkSession extends ResultsSession {

    /**
     * @param release  release tag
     * @param suite    the scenarios to run, with warm-up and measured runs
     * @param seed     seed of the prompt generator
     * @param clock    the protocol's clock
     * @param resume   an earlier file of the same engine, model and suite whose finished scenarios are kept; or null
     * @param streams  concurrency levels above one stream to run after each scenario's runs, ascending; empty for none
     */
    public record Settings(String release, Suite suite, long seed, Clock clock, BenchmarkResults resume,
                           List<Integer> streams) {
        public Settings {
            streams = streams == null ? List.of() : List.copyOf(streams);
        }

        public Settings(String release, Suite suite, long seed, Clock clock, BenchmarkResults resume) {
            this(release, suite, seed, clock, resume, List.of());
        }
    }

    /** How the session ended; {@code error} is null when complete. */
    public record Outcome(RunStatus status, Path file, String error, BenchmarkResults results) {
    }

    private final Settings settings;

    public BenchmarkSession(Engine engine, Settings settings, Path output, Progress progress) {
        super(engine, output, progress);
        this.settings = settings;
    }


    /**
     * Checks that {@code resume} was measured by this engine with the same settings, on the same model, suite and
     * machine: samples of two set-ups must never share a file.
     *
     * @throws SessionException naming the JSON path that differs
     */
    public static void checkResumable(Path resumeFile, BenchmarkResults resume, EngineInfo engine, ModelInfo model,
                                      Suite suite, Environment here) throws SessionException {
        checkResumable(resumeFile, resume, engine, model, suite.name(), suite.warmupRuns(), suite.runs(), here);
    }

    /** As above, for a suite given by its name and run counts (the context suite). */
    public static void checkResumable(Path resumeFile, BenchmarkResults resume, EngineInfo engine, ModelInfo model,
                                      String suiteName, int warmupRuns, int runs, Environment here)
            throws SessionException {
        String fix = "; resume with the same --engine, --model, --suite and engine settings on the same machine,"
                + " or start a new file with --json";
        differ(resumeFile, "$.engine.name", resume.engine().name(), engine.name(), fix);
        for (String key : union(resume.engine().settings().keySet(), engine.settings().keySet())) {
            differ(resumeFile, "$.engine.settings." + key, resume.engine().settings().get(key),
                    engine.settings().get(key), fix);
        }
        differ(resumeFile, "$.model.name", resume.model().name(), model.name(), fix);
        differ(resumeFile, "$.model.config_sha256", resume.model().configSha256(), model.configSha256(), fix);
        differ(resumeFile, "$.protocol.suite", resume.protocol().suite(), suiteName, fix);
        if (resume.protocol().warmupRuns() != warmupRuns || resume.protocol().measuredRuns() != runs) {
            throw new SessionException(resumeFile + " at $.protocol: the file has " + resume.protocol().warmupRuns()
                    + " warm-up and " + resume.protocol().measuredRuns() + " measured runs, this run asks for "
                    + warmupRuns + " and " + runs + "; drop --warmup and --runs when resuming");
        }
        Environment then = resume.environment();
        differ(resumeFile, "$.environment.os", then.os(), here.os(), fix);
        differ(resumeFile, "$.environment.arch", then.arch(), here.arch(), fix);
        differ(resumeFile, "$.environment.cpu", then.cpu(), here.cpu(), fix);
        differ(resumeFile, "$.environment.cores", then.cores(), here.cores(), fix);
        differ(resumeFile, "$.environment.accelerator", then.accelerator(), here.accelerator(), fix);
    }

    private static void differ(Path file, String path, Object then, Object now, String fix) throws SessionException {
        if (!Objects.equals(normal(then), normal(now))) {
            throw new SessionException(file + " at " + path + ": the file has " + then + ", this run has " + now + fix);
        }
    }

    /** JSON numbers come back as Integer, Long or Double; compare them by value. */
    private static Object normal(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue() == Math.rint(n.doubleValue()) ? (Object) n.longValue() : (Object) n.doubleValue();
        }
        return value;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    public Outcome run() throws IOException {
        Suite suite = settings.suite();
        BenchmarkResults resume = settings.resume();
        Map<String, ScenarioResult> done = keptScenarios(suite, resume);
        List<Warning> runtimeWarnings = new ArrayList<>();
        if (resume != null) {
            for (Warning w : resume.warnings()) {
                if (Validity.NAN_LOGITS.equals(w.code()) && done.containsKey(w.scenario())) {
                    runtimeWarnings.add(w);
                }
            }
        }
        List<Scenario> todo = suite.scenarios().stream().filter(s -> !done.containsKey(s.id())).toList();

        // built before the first write: a tokenizer that fails here is an engine bug, not a failed scenario
        int maxPrompt = todo.stream().mapToInt(Scenario::promptTokens).max().orElse(1);
        int[] prompt = Prompts.build(engine.tokenizer(), engine.vocabSize(), settings.seed(), maxPrompt);
        Clock clock = settings.clock();
        Protocol protocol = new Protocol(suite.name(), suite.warmupRuns(), suite.runs(), clock.name(),
                TimerOverhead.measureNs(clock), ignoresEos(), Prompts.source(engine.tokenizer()), settings.seed());
        Instant started = resume != null ? resume.run().startedAt() : Instant.now();
        Environment environment = EnvironmentProbe.capture(engine.accelerator());
        BenchmarkResults results = new BenchmarkResults(BenchmarkResults.CURRENT_SCHEMA_VERSION,
                new RunInfo(settings.release(), RunStatus.PARTIAL, started, null, null, ToolVersion.current()),
                environment, engine.info(), engine.model(), protocol, load(engine),
                ordered(done), warnings(done, runtimeWarnings));
        file.update(results);
        String engineName = engine.info().name();
        progress.started(engineName, engine.model().name(), todo.size(), done.size());

        ScenarioRunner runner = new ScenarioRunner(engine, clock, () -> cancelled);
        Eta eta = new Eta();
        for (int i = 0; i < todo.size(); i++) {
            Scenario scenario = todo.get(i);
            List<Scenario> later = todo.subList(i + 1, todo.size());
            int number = i + 1;
            ScenarioRunner.Outcome outcome;
            try {
                outcome = runner.run(scenario, prompt, suite.warmupRuns(), suite.runs(), (s, sample, runsDone, runsTotal) -> {
                    eta.add(s, sample);
                    double left = eta.secondsFor(s, runsTotal - runsDone);
                    for (Scenario next : later) {
                        left += eta.secondsFor(next, suite.warmupRuns() + suite.runs());
                    }
                    progress.runFinished(engineName, s, number, todo.size(), sample, runsDone, runsTotal, left);
                });
            } catch (RunCancelledException e) {
                return end(RunStatus.INTERRUPTED, "interrupted during scenario " + scenario.id()
                        + "; continue with --resume " + file.path());
            } catch (RuntimeException | LinkageError e) {
                String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                return end(RunStatus.FAILED, "scenario " + scenario.id() + " failed: " + message
                        + "; the file keeps the finished scenarios, continue with --resume " + file.path());
            }
            ScenarioResult result = outcome.result();
            if (!settings.streams().isEmpty()) {
                List<ConcurrencyLevel> levels = new ArrayList<>();
                try {
                    for (int streams : settings.streams()) {
                        levels.add(runner.runLevel(scenario, prompt, streams, suite.warmupRuns(), suite.runs()));
                        progress.levelFinished(engineName, scenario, levels.getLast());
                    }
                } catch (RunCancelledException e) {
                    return end(RunStatus.INTERRUPTED, "interrupted during scenario " + scenario.id()
                            + "; continue with --resume " + file.path());
                } catch (RuntimeException e) {
                    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                    return end(RunStatus.FAILED, "scenario " + scenario.id() + " failed at " + levels.size()
                            + " concurrency levels done: " + message
                            + "; the file keeps the finished scenarios, continue with --resume " + file.path());
                }
                result = result.withConcurrency(levels);
            }
            done.put(scenario.id(), result);
            if (outcome.sawNonFiniteLogits()) {
                runtimeWarnings.add(Validity.nonFiniteLogits(scenario.id()));
            }
            results = file.current().withScenarios(ordered(done))
                    .withWarnings(warnings(done, runtimeWarnings)).withLoad(load(engine));
            file.update(results);
        }
        return end(RunStatus.COMPLETE, null);
    }


    /**
     * Scenarios of the resumed file to keep: those of this run's selection with the same lengths and every run
     * present, and those outside the selection as they are (a resume with {@code --scenarios} must not drop them).
     */
    private static Map<String, ScenarioResult> keptScenarios(Suite suite, BenchmarkResults resume) {
        Map<String, ScenarioResult> kept = new LinkedHashMap<>();
        if (resume == null) {
            return kept;
        }
        Map<String, Scenario> wanted = new LinkedHashMap<>();
        suite.scenarios().forEach(s -> wanted.put(s.id(), s));
        for (ScenarioResult r : resume.scenarios()) {
            Scenario s = wanted.get(r.id());
            if (s == null || s.promptTokens() == r.promptTokens() && s.decodeTokens() == r.decodeTokens()
                    && r.runs().size() == suite.warmupRuns() + suite.runs()) {
                kept.put(r.id(), r);
            }
        }
        return kept;
    }

    /** Kept scenarios in the file's order, then new ones in suite order (runs stop at a failure, so this is suite order). */
    private static List<ScenarioResult> ordered(Map<String, ScenarioResult> done) {
        return List.copyOf(done.values());
    }

    private List<Warning> warnings(Map<String, ScenarioResult> done, List<Warning> runtime) {
        List<Warning> all = new ArrayList<>(runtime);
        all.addAll(Validity.check(ordered(done), engine.vocabSize()));
        return all;
    }

    /**
     * In-process engines never stop at EOS; an engine that asks a server to ignore it says so in its
     * {@code ignore_eos} setting, which the user may have turned off.
     */
    private boolean ignoresEos() {
        return !Boolean.FALSE.equals(engine.info().settings().get("ignore_eos"));
    }

    /** Load metrics of {@code engine}, with the peak memory so far. */
    static LoadMetrics load(Engine engine) {
        // a server's memory is not this process's: an engine timed from a stream reports none
        Optional<PeakMemory.Reading> peak = engine instanceof StreamingEngine ? Optional.empty() : PeakMemory.measure();
        Optional<Engine.DeviceMemory> device = engine.deviceMemory();
        return new LoadMetrics(engine.compileMs(), engine.weightLoadMs(),
                peak.map(PeakMemory.Reading::bytes).orElse(null), peak.map(PeakMemory.Reading::method).orElse(null),
                device.map(Engine.DeviceMemory::peakBytes).orElse(null), device.map(Engine.DeviceMemory::method).orElse(null));
    }
}
