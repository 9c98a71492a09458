package dev.llmbench.site.cli;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.compare.Comparison;
import dev.llmbench.site.diff.Differ;
import dev.llmbench.site.diff.ReleaseDiff;
import dev.llmbench.site.diff.Verdict;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Messages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./bench compare BASE HEAD}: one suite on two git revisions of this machine's checkout, then the diff. */
@Command(name = "compare", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Runs the same suite on two git revisions on this machine and compares them with the diff's verdicts.",
                "Each revision is checked out into a worktree of its own and built there; your checkout is left as it is.",
                "The runs alternate (base, head, base, head, ...) in --rounds rounds, so drift falls on both alike.",
                "Results, round files and logs go to --results DIR."})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASE", description = "the older revision: branch, tag or commit (e.g. main, v0.2.0, HEAD~1)")
    String base;

    @Parameters(index = "1", paramLabel = "HEAD", description = "the newer revision (e.g. HEAD)")
    String head;

    @Option(names = "--repo", paramLabel = "DIR", description = "the git checkout whose revisions run (default: the current folder)")
    Path repo = Path.of(".");

    @Option(names = "--engine", paramLabel = "ENGINE", required = true, description = "engine, as for ./bench run (java, cuda, metal)")
    String engine;

    @Option(names = "--model", paramLabel = "DIR|synthetic:NAME", required = true, description = "model, as for ./bench run")
    String model;

    @Option(names = "--suite", paramLabel = "default|quick|FILE", description = "suite, as for ./bench run (default: ${DEFAULT-VALUE})")
    String suite = "default";

    @Option(names = "--scenarios", paramLabel = "S1,S3", description = "only these scenarios of the suite")
    String scenarios;

    @Option(names = "--warmup", paramLabel = "N", description = "warm-up runs per scenario in every round (default: the suite's)")
    Integer warmup;

    @Option(names = "--runs", paramLabel = "N", description = "measured runs per scenario and revision (default: ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--rounds", paramLabel = "N", description = "rounds per revision, each a fresh process; --runs must be a multiple (default: as many as --runs)")
    Integer rounds;

    @Option(names = "--threads", paramLabel = "N", description = "engine setting, as for ./bench run")
    Integer threads;

    @Option(names = "--prefill-seq-len", paramLabel = "N", description = "engine setting, as for ./bench run")
    Integer prefillSeqLen;

    @Option(names = "--max-cache-len", paramLabel = "N", description = "engine setting, as for ./bench run")
    Integer maxCacheLen;

    @Option(names = "--seed", paramLabel = "N", description = "seed of synthetic weights and prompts, as for ./bench run")
    Long seed;

    @Option(names = "--engine-opt", paramLabel = "KEY=VALUE", description = "engine option, as for ./bench run (repeatable)")
    List<String> engineOpts = new ArrayList<>();

    @Option(names = "--native-lib", paramLabel = "PATH", description = "native engine library, as for ./bench run")
    String nativeLib;

    @Option(names = "--results", paramLabel = "DIR", description = "where results, round files and logs go; replaced when it holds an earlier comparison (default: ${DEFAULT-VALUE})")
    Path results = Path.of("compare-output");

    @Mixin
    DiffOptions diffOptions = new DiffOptions();

    @Override
    public Integer call() throws SiteException {
        Differ differ = diffOptions.differ();
        Messages text = Messages.of(Lang.parse(diffOptions.lang)); // a wrong language is refused before anything is built
        PrintWriter err = spec.commandLine().getErr();
        Comparison.Outcome o = new Comparison(new Comparison.Options(repo, base, head, runArgs(), warmup, runs,
                rounds != null ? rounds : runs, results), err, text).run();
        ReleaseDiff diff = differ.compare(DiffCommand.release("BASE", o.baseResults()), DiffCommand.release("HEAD", o.headResults()));
        int exit = diffOptions.reportGate(spec, diff);
        err.println(text.get("cli.compare.summary", String.valueOf(diff.count(Verdict.WORSE)),
                String.valueOf(diff.count(Verdict.BETTER)), String.valueOf(diff.count(Verdict.UNCHANGED)),
                String.valueOf(diff.count(Verdict.INCONCLUSIVE)), o.output().toString()));
        return exit;
    }

    /** The options every round's {@code ./bench run} gets, as the user gave them. */
    private List<String> runArgs() {
        List<String> a = new ArrayList<>(List.of("--engine", engine, "--model", model, "--suite", suite));
        if (scenarios != null) {
            a.addAll(List.of("--scenarios", scenarios));
        }
        if (threads != null) {
            a.addAll(List.of("--threads", threads.toString()));
        }
        if (prefillSeqLen != null) {
            a.addAll(List.of("--prefill-seq-len", prefillSeqLen.toString()));
        }
        if (maxCacheLen != null) {
            a.addAll(List.of("--max-cache-len", maxCacheLen.toString()));
        }
        if (seed != null) {
            a.addAll(List.of("--seed", seed.toString()));
        }
        engineOpts.forEach(e -> a.addAll(List.of("--engine-opt", e)));
        if (nativeLib != null) {
            a.addAll(List.of("--native-lib", nativeLib));
        }
        return a;
    }
}
