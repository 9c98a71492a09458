package dev.llmbench.site.cli;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.diff.DiffRenderer;
import dev.llmbench.site.diff.ReleaseDiff;
import dev.llmbench.site.input.LoadedRun;
import dev.llmbench.site.input.ResultsLoader;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./bench diff OLD NEW}: release-to-release comparison of two results sets. */
@Command(name = "diff", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Compares two releases metric by metric (TTFT lower is better, TPS higher is better).",
                "OLD and NEW are results files or folders, e.g. benchmarks/results/v0.1.0 benchmarks/results/v0.2.0."})
public final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "results file or folder of the older release")
    Path older;

    @Parameters(index = "1", paramLabel = "NEW", description = "results file or folder of the newer release")
    Path newer;

    @Option(names = "--fail-on-regression", description = "exit 1 when a metric got significantly worse")
    boolean failOnRegression;

    @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "3",
            description = "smallest change of a median that counts, percent (default: ${DEFAULT-VALUE})")
    double thresholdPercent;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "0.05",
            description = "significance level of the Mann-Whitney U test (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the comparison as JSON")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the comparison as a Markdown page")
    Path markdown;

    @Option(names = "--lang", paramLabel = "ko|en", defaultValue = "ko", description = "language of the text (default: ${DEFAULT-VALUE})")
    String lang;

    @Option(names = "--templates", paramLabel = "DIR", description = "folder of templates replacing the built-in ones of the same name")
    Path templates;

    @Override
    public Integer call() throws SiteException {
        if (!(thresholdPercent >= 0 && thresholdPercent < 1000)) {
            throw SiteException.invalidInput("--threshold " + thresholdPercent + ": expected a percentage >= 0, e.g. 3");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw SiteException.invalidInput("--alpha " + alpha + ": expected a probability between 0 and 1, e.g. 0.05");
        }
        Lang l = Lang.parse(lang);
        List<LoadedRun> a = ResultsLoader.load(List.of(older));
        List<LoadedRun> b = ResultsLoader.load(List.of(newer));
        ReleaseDiff d = ReleaseDiff.compare(name(a), reports(a), name(b), reports(b), thresholdPercent / 100, alpha);
        String md = markdown == null ? null : DiffRenderer.markdown(d, l, new Templates(templates));
        if (json != null) {
            write(json, DiffRenderer.json(d));
        }
        if (md != null) {
            write(markdown, md);
        }
        spec.commandLine().getOut().print(DiffRenderer.terminal(d, l));
        spec.commandLine().getOut().flush();
        return failOnRegression && d.hasRegression() ? ExitCode.FAILURE : ExitCode.OK;
    }

    private static String name(List<LoadedRun> runs) {
        return String.join("+", new LinkedHashSet<>(runs.stream().map(LoadedRun::release).toList()));
    }

    private static List<EngineReport> reports(List<LoadedRun> runs) {
        return runs.stream().map(LoadedRun::report).toList();
    }

    /** Written beside the target, then renamed over it: never half a file. */
    private static void write(Path file, String text) throws SiteException {
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new SiteException(ExitCode.INTERNAL, file + ": cannot write: " + e.getMessage());
        }
    }
}
