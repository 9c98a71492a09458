package dev.llmbench.runner.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ConcurrencyLevel;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.ResultsFormatException;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Statistics;
import dev.llmbench.results.Warning;
import dev.llmbench.runner.environment.EnvironmentProbe;
import dev.llmbench.runner.output.OutputLock;
import dev.llmbench.runner.output.OutputPaths;
import dev.llmbench.runner.scenario.ContextSuite;
import dev.llmbench.runner.scenario.Scenario;
import dev.llmbench.runner.scenario.Suite;
import dev.llmbench.runner.scenario.SuiteFormatException;
import dev.llmbench.runner.scenario.Suites;
import dev.llmbench.runner.session.BenchmarkSession;
import dev.llmbench.runner.session.ContextSession;
import dev.llmbench.runner.session.ResultsSession;
import dev.llmbench.runner.session.Progress;
import dev.llmbench.runner.session.SessionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./bench run}: a suite through an engine (and optionally a baseline engine) into results files. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        resourceBundle = "dev.llmbench.runner.cli.Messages")
final class RunCommand implements Callable<Integer> {
    static final String DEFAULT_RELEASE = "dev";
    /** Most simultaneous streams --concurrency accepts. */
    static final int MAX_STREAMS = 1024;

    @ParentCommand
    RunnerMain main;

    @Mixin
    EngineSelection selection;

    @Option(names = "--suite", paramLabel = "default|quick|FILE")
    String suite = "default";

    @Option(names = "--scenarios", paramLabel = "S1,S3", split = ",")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--warmup", paramLabel = "N")
    Integer warmup;

    @Option(names = "--runs", paramLabel = "N")
    Integer runs;

    @Option(names = "--positions", paramLabel = "1,2,4", split = ",")
    List<Integer> positions = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "N")
    Integer steps;

    @Option(names = "--concurrency", paramLabel = "1,4,16,64", split = ",")
    List<Integer> concurrency = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "ENGINE")
    String baseline;

    @Option(names = "--release", paramLabel = "TAG")
    String release;

    @Option(names = "--json", paramLabel = "FILE")
    Path json;

    @Option(names = "--resume", paramLabel = "FILE")
    Path resume;

    @Option(names = "--force")
    boolean force;

    @Option(names = "--list-engines")
    boolean listEngines;

    @Option(names = "--quiet")
    boolean quiet;

    @Override
    public Integer call() {
        if (listEngines) {
            selection.applyNativeLib();
            return listEngines(main.out);
        }
        EngineProvider primary = selection.provider();
        EngineProvider second = null;
        if (baseline != null) {
            if (baseline.equals(primary.name())) {
                throw CliException.of(ExitCode.INVALID_INPUT, "baseline.same", baseline);
            }
            if (resume != null) {
                throw CliException.of(ExitCode.INVALID_INPUT, "baseline.resume");
            }
            second = EngineSelection.provider(baseline, "--baseline");
        }
        selection.checkModel();
        EngineOptions options = selection.options();
        List<Integer> levels = levels();
        if (!levels.isEmpty() && second != null) {
            throw CliException.of(ExitCode.INVALID_INPUT, "concurrency.baseline");
        }

        boolean context = ContextSuite.NAME.equals(suite);
        if (!context && (!positions.isEmpty() || steps != null)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "context.options", positions.isEmpty() ? "--steps" : "--positions");
        }
        if (context && !levels.isEmpty()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "context.with", "--concurrency");
        }
        if (context && !scenarios.isEmpty()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "context.with", "--scenarios");
        }

        BenchmarkResults earlier = resume == null ? null : readResume(resume);
        String tag = release != null ? release : earlier != null ? earlier.run().release() : DEFAULT_RELEASE;
        String problem = OutputPaths.releaseProblem(tag);
        if (problem != null) {
            throw CliException.of(ExitCode.INVALID_INPUT, "release.invalid", tag, problem);
        }
        Suite chosen = context ? null : suite(earlier);
        ContextSuite contextSuite = context ? contextSuite(options, earlier) : null;
        if (chosen != null && chosen.maxCacheTokens() > options.maxCacheLen()) {
            Scenario worst = chosen.scenarios().stream().filter(s -> s.cacheTokens() > options.maxCacheLen())
                    .findFirst().orElseThrow();
            throw CliException.of(ExitCode.INVALID_INPUT, "cache.too.small", worst.id(), worst.promptTokens(),
                    worst.decodeTokens(), worst.cacheTokens(), options.maxCacheLen());
        }
        Path output = json != null ? json : resume != null ? resume
                : OutputPaths.defaultFile(tag, primary.name(), options.model());
        checkWritable(output, resume != null);
        Path baselineOutput = null;
        if (second != null) {
            baselineOutput = output.toAbsolutePath().resolveSibling(OutputPaths.fileName(second.name(), options.model()));
            if (baselineOutput.equals(output.toAbsolutePath())) {
                throw CliException.of(ExitCode.INVALID_INPUT, "baseline.same.file", baselineOutput);
            }
            checkWritable(baselineOutput, false);
        }

        try (OutputLock lock = lock(output); OutputLock baselineLock = baselineOutput == null ? null : lock(baselineOutput)) {
            ExitCode code = runEngine(primary, options, chosen, contextSuite, tag, output, earlier, levels);
            if (code == ExitCode.OK && second != null) {
                code = runEngine(second, options, chosen, contextSuite, tag, baselineOutput, null, List.of());
            }
            return code.code();
        } catch (IOException e) {
            throw CliException.of(ExitCode.FAILURE, "output.write", output, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Holds the results file against a second run writing it at the same time: exit 2 naming the holder. */
    private static OutputLock lock(Path output) {
        try {
            return OutputLock.acquire(output);
        } catch (OutputLock.HeldException e) {
            throw CliException.of(ExitCode.INVALID_INPUT, "output.locked", output, e.holder(), OutputLock.lockFileOf(output));
        } catch (IOException e) {
            throw CliException.of(ExitCode.INVALID_INPUT, "output.parent", output, OutputLock.lockFileOf(output).getParent());
        }
    }

    /** {@code --concurrency}: the levels above one stream, ascending (one stream is every scenario's own runs). */
    private List<Integer> levels() {
        java.util.TreeSet<Integer> above = new java.util.TreeSet<>();
        for (Integer c : concurrency) {
            if (c == null || c < 1 || c > MAX_STREAMS) {
                throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--concurrency", 1, MAX_STREAMS, c);
            }
            if (c > 1) {
                above.add(c);
            }
        }
        return List.copyOf(above);
    }

    /** One session of either kind, with the shutdown hook's way to stop it. */
    /** @param chosen the scenario suite, or null when {@code contextSuite} is run instead */
    private ExitCode runEngine(EngineProvider provider, EngineOptions options, Suite chosen, ContextSuite contextSuite,
                               String tag, Path output, BenchmarkResults earlier, List<Integer> levels) {
        Progress progress = quiet ? Progress.SILENT : new TerminalProgress(main.err, main.terminal);
        try (Engine engine = EngineSelection.open(provider, options)) {
            ResultsSession session = contextSuite != null
                    ? contextSession(engine, provider, contextSuite, tag, output, earlier, progress)
                    : scenarioSession(engine, provider, chosen, tag, output, earlier, levels, progress);
            Thread hook = new Thread(session::interrupt, "llmbench-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            BenchmarkSession.Outcome outcome;
            try {
                outcome = session.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting and the hook has run or is running: nothing to undo
                }
            }
            summary(main.out, outcome);
            if (outcome.status() != RunStatus.COMPLETE) {
                main.err.println(Messages.get("error.prefix") + outcome.error());
                return ExitCode.FAILURE;
            }
            return ExitCode.OK;
        } catch (IOException e) {
            throw CliException.of(ExitCode.FAILURE, "output.write", output, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private ResultsSession contextSession(Engine engine, EngineProvider provider, ContextSuite contextSuite, String tag,
                                   Path output, BenchmarkResults earlier, Progress progress) {
        if (engine instanceof StreamingEngine) {
            throw CliException.of(ExitCode.INVALID_INPUT, "context.streaming", provider.name());
        }
        if (earlier != null) {
            try {
                BenchmarkSession.checkResumable(resume, earlier, engine.info(), engine.model(), ContextSuite.NAME,
                        contextSuite.warmupRuns(), contextSuite.runs(), EnvironmentProbe.capture(engine.accelerator()));
            } catch (SessionException e) {
                throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
            }
        }
        return new ContextSession(engine,
                new ContextSession.Settings(tag, contextSuite, selection.seed, main.clock, earlier), output, progress);
    }

    private ResultsSession scenarioSession(Engine engine, EngineProvider provider, Suite chosen, String tag, Path output,
                                    BenchmarkResults earlier, List<Integer> levels, Progress progress) {
        if (!levels.isEmpty() && (!(engine instanceof StreamingEngine s) || s.maxStreams() < levels.getLast())) {
            throw CliException.of(ExitCode.INVALID_INPUT, "concurrency.one.stream", provider.name(), levels.getLast());
        }
        if (earlier != null) {
            try {
                BenchmarkSession.checkResumable(resume, earlier, engine.info(), engine.model(), chosen,
                        EnvironmentProbe.capture(engine.accelerator()));
            } catch (SessionException e) {
                throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
            }
        }
        return new BenchmarkSession(engine,
                new BenchmarkSession.Settings(tag, chosen, selection.seed, main.clock, earlier, levels), output, progress);
    }

    /**
     * Before the model loads: the results file must be creatable, or the measurement would be lost; an existing one
     * is replaced only with --force (or continued with --resume).
     */
    private void checkWritable(Path output, boolean resuming) {
        if (Files.isDirectory(output)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "output.folder", output);
        }
        if (Files.exists(output) && !resuming && !force) {
            throw CliException.of(ExitCode.INVALID_INPUT, "output.exists", output);
        }
        Path parent = output.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw CliException.of(ExitCode.INVALID_INPUT, "output.parent", output, parent);
        }
        if (!Files.isWritable(parent)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "output.parent", output, parent);
        }
    }

    private static BenchmarkResults readResume(Path file) {
        try {
            return ResultsReader.read(file);
        } catch (ResultsFormatException e) {
            throw CliException.of(ExitCode.INVALID_INPUT, "resume.invalid", e.getMessage());
        }
    }

    /** The suite asked for, narrowed by --scenarios, with --warmup/--runs (or the resumed file's counts). */
    private Suite suite(BenchmarkResults earlier) {
        Suite base;
        try {
            base = Suites.resolve(suite);
        } catch (SuiteFormatException e) {
            throw new CliException(ExitCode.INVALID_INPUT, e.getMessage());
        }
        Integer w = warmup;
        Integer r = runs;
        if (earlier != null) {
            w = w == null ? Integer.valueOf(earlier.protocol().warmupRuns()) : w;
            r = r == null ? Integer.valueOf(earlier.protocol().measuredRuns()) : r;
        }
        if (w != null && (w < 0 || w > Suite.MAX_RUNS)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--warmup", 0, Suite.MAX_RUNS, w);
        }
        if (r != null && (r < 1 || r > Suite.MAX_RUNS)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--runs", 1, Suite.MAX_RUNS, r);
        }
        try {
            return base.select(scenarios).withRuns(w, r);
        } catch (IllegalArgumentException e) {
            throw CliException.of(ExitCode.INVALID_INPUT, "scenarios.invalid", e.getMessage());
        }
    }

    /**
     * The context suite: --positions (default: powers of two up to max_cache_len - prefill_seq_len, then that one),
     * --steps, --warmup and --runs (or the resumed file's counts), checked against the cache.
     */
    private ContextSuite contextSuite(EngineOptions options, BenchmarkResults earlier) {
        List<Integer> chosen = positions.isEmpty()
                ? ContextPosition.defaultPositions(options.maxCacheLen(), options.prefillSeqLen())
                : ContextSuite.sorted(positions);
        if (chosen.isEmpty()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "context.no.positions", options.maxCacheLen(),
                    options.prefillSeqLen());
        }
        if (chosen.getFirst() < 1) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--positions", 1, options.maxCacheLen() - 1,
                    chosen.getFirst());
        }
        Integer w = warmup;
        Integer r = runs;
        Integer n = steps;
        if (earlier != null) {
            w = w == null ? Integer.valueOf(earlier.protocol().warmupRuns()) : w;
            r = r == null ? Integer.valueOf(earlier.protocol().measuredRuns()) : r;
            n = n == null && !earlier.context().isEmpty() ? Integer.valueOf(earlier.context().getFirst().steps()) : n;
        }
        w = w == null ? ContextSuite.DEFAULT_WARMUP_RUNS : w;
        r = r == null ? ContextSuite.DEFAULT_RUNS : r;
        n = n == null ? ContextSuite.DEFAULT_STEPS : n;
        if (w < 0 || w > Suite.MAX_RUNS) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--warmup", 0, Suite.MAX_RUNS, w);
        }
        if (r < 1 || r > Suite.MAX_RUNS) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--runs", 1, Suite.MAX_RUNS, r);
        }
        if (n < 1 || n > ContextSuite.MAX_STEPS) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--steps", 1, ContextSuite.MAX_STEPS, n);
        }
        ContextSuite suite = new ContextSuite(chosen, n, w, r);
        if (suite.cacheTokens() > options.maxCacheLen()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "context.cache", suite.lastPosition(), n, suite.cacheTokens(),
                    options.maxCacheLen());
        }
        return suite;
    }

    private static int listEngines(PrintStream out) {
        var entries = EngineCatalog.entries();
        if (entries.isEmpty()) {
            out.println(Messages.get("engine.none"));
            return ExitCode.OK.code();
        }
        int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(4);
        for (EngineCatalog.Entry e : entries) {
            String state = Messages.get(e.available() ? "list.available" : "list.unavailable");
            String detail = e.reason().isEmpty() ? "" : " (" + e.reason() + ")";
            out.println(String.format(java.util.Locale.ROOT, "%-" + width + "s  %-11s  %s%s", e.name(), state,
                    e.description(), detail));
        }
        return ExitCode.OK.code();
    }

    /** One line per scenario: median ± sample stddev of TTFT, prefill and decode throughput; then the warnings. */
    static void summary(PrintStream out, BenchmarkSession.Outcome outcome) {
        BenchmarkResults r = outcome.results();
        out.println(Messages.get("summary.header", r.engine().name(), r.model().name(),
                outcome.status().json(), outcome.file()));
        for (ScenarioResult s : r.scenarios()) {
            List<RunSample> measured = s.measuredRuns();
            if (measured.isEmpty()) {
                continue;
            }
            Statistics ttft = Statistics.of(measured.stream().mapToDouble(RunSample::ttftMs).toArray());
            Statistics prefill = Statistics.of(measured.stream()
                    .mapToDouble(x -> x.prefillTps(s.promptTokens())).toArray());
            Statistics decode = Statistics.of(measured.stream().mapToDouble(RunSample::decodeTps).toArray());
            out.println(Messages.get("summary.scenario", s.id(), s.promptTokens(), s.decodeTokens(),
                    Numbers.fixed(ttft.median(), 3), Numbers.fixed(ttft.stddev(), 3),
                    Numbers.fixed(prefill.median(), 1), Numbers.fixed(decode.median(), 2),
                    Numbers.fixed(decode.stddev(), 2)));
        }
        for (ScenarioResult s : r.scenarios()) {
            for (ConcurrencyLevel level : s.concurrency()) {
                if (level.measuredRounds().isEmpty()) {
                    continue;
                }
                Statistics ttft = level.ttftMs();
                Statistics itl = level.itlMs();
                out.println(Messages.get("summary.level", s.id(), level.streams(),
                        Numbers.fixed(level.outputTps().median(), 1),
                        Numbers.fixed(ttft.percentile(50), 2), Numbers.fixed(ttft.percentile(90), 2),
                        Numbers.fixed(ttft.percentile(99), 2), itl == null ? "-" : Numbers.fixed(itl.percentile(50), 3),
                        itl == null ? "-" : Numbers.fixed(itl.percentile(90), 3),
                        itl == null ? "-" : Numbers.fixed(itl.percentile(99), 3)));
            }
        }
        for (ContextPosition p : r.context()) {
            if (p.measuredRuns().isEmpty()) {
                continue;
            }
            Statistics step = p.stepStatistics();
            out.println(Messages.get("summary.position", p.position(), p.fill().json(), Numbers.fixed(step.median(), 3),
                    Numbers.fixed(step.stddev(), 3), Numbers.fixed(ContextPosition.tps(step.median()), 2)));
        }
        for (Warning w : r.warnings()) {
            out.println(Messages.get("summary.warning", w.scenario() == null ? "-" : w.scenario(), w.code(), w.message()));
        }
    }
}
