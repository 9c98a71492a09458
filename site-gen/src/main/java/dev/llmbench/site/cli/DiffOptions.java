package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.diff.Differ;
import dev.llmbench.site.diff.ReleaseDiff;
import dev.llmbench.site.diff.Verdict;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Messages;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How a comparison is judged and written: the options {@code diff} and {@code compare} share (a picocli mixin). */
final class DiffOptions {
    @Option(names = "--format", paramLabel = "text|md|json|html", description = "form of the comparison (default: ${DEFAULT-VALUE})")
    DiffCommand.Format format = DiffCommand.Format.text;

    @Option(names = "--lang", paramLabel = "ko|en", description = "language of the comparison and of the progress lines (default: ${DEFAULT-VALUE})")
    String lang = "ko";

    @Option(names = "--threshold", paramLabel = "PERCENT", description = "smallest change of a median that counts (default: ${DEFAULT-VALUE})")
    double thresholdPercent = Differ.DEFAULT_THRESHOLD * 100;

    @Option(names = "--alpha", paramLabel = "P", description = "significance level of the test (default: ${DEFAULT-VALUE})")
    double alpha = Differ.DEFAULT_ALPHA;

    @Option(names = "--out", paramLabel = "FILE", description = "write the comparison to FILE instead of standard output")
    Path out;

    @Option(names = "--templates", paramLabel = "DIR", description = "folder of templates replacing the built-in ones of the same name")
    Path templates;

    @Option(names = "--fail-on-regression", description = "exit with 1 when a cell got significantly worse (compare: and its p-value holds after the Holm correction over every cell compared)")
    boolean failOnRegression;

    /** The differ these options ask for; refuses a threshold or alpha out of range (exit 2). */
    Differ differ() throws SiteException {
        DiffCommand.checkLimits(thresholdPercent, alpha);
        return new Differ(thresholdPercent / 100, alpha);
    }

    /** Writes {@code diff} as asked and returns the exit code: 1 on a regression with --fail-on-regression. */
    int report(CommandSpec spec, ReleaseDiff diff) throws SiteException {
        DiffCommand.report(spec, diff, format, Lang.parse(lang), templates, out);
        return failOnRegression && diff.hasRegression() ? ExitCode.FAILURE.code() : ExitCode.OK.code();
    }

    /**
     * {@link #report} for the gate of {@code compare}, which runs many cells of two revisions on one noisy machine: with
     * --fail-on-regression, 1 only when a worse cell's p-value holds after the Holm correction
     * ({@link ReleaseDiff#regressionsAfterHolm}); a worse verdict that does not hold is reported and does not fail.
     */
    int reportGate(CommandSpec spec, ReleaseDiff diff) throws SiteException {
        Lang l = Lang.parse(lang);
        DiffCommand.report(spec, diff, format, l, templates, out);
        if (!failOnRegression) {
            return ExitCode.OK.code();
        }
        Messages m = Messages.of(l);
        long worse = diff.count(Verdict.WORSE);
        int held = diff.regressionsAfterHolm().size();
        if (worse > 0) {
            spec.commandLine().getErr().println(held > 0 ? m.get("cli.gate.fails", String.valueOf(held), String.valueOf(worse))
                    : m.get("cli.gate.holds", String.valueOf(worse)));
        }
        return held > 0 ? ExitCode.FAILURE.code() : ExitCode.OK.code();
    }
}
