package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.site.SiteBuilder;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.render.ChartRenderer;
import dev.llmbench.site.render.DefaultCharts;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./bench site}: results files or folders in; Markdown, charts and the HTML site out. */
@Command(name = "site", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Builds the Korean and English benchmark pages, charts and the HTML site from results files.",
                "Folders are searched recursively (layout benchmarks/results/<release>/<engine>-<model>.json);",
                "the old tool's benchmark_results.json is imported with warnings."})
public final class SiteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "results files or folders")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", description = "HTML site folder, replaced whole (default: site/ when neither --out nor --docs is given)")
    Path out;

    @Option(names = "--docs", paramLabel = "DIR", description = "docs folder: writes benchmarks.ko.md, benchmarks.md and assets/ of the newest release")
    Path docs;

    @Option(names = "--lang", paramLabel = "ko|en", description = "one language only (default: both, Korean first)")
    String lang;

    @Option(names = "--templates", paramLabel = "DIR", description = "folder of templates replacing the built-in ones of the same name")
    Path templates;

    @Option(names = "--chart", paramLabel = "FILE", description = "also write the combined chart of the newest release to FILE (PNG)")
    Path chart;

    /** Tests replace the chart renderer. */
    ChartRenderer charts = DefaultCharts.get();

    @Override
    public Integer call() throws SiteException {
        List<Lang> langs = lang == null ? List.of(Lang.KO, Lang.EN) : List.of(Lang.parse(lang));
        Path siteOut = out == null && docs == null && chart == null ? Path.of("site") : out;
        SiteBuilder builder = new SiteBuilder(new Templates(templates), charts);
        SiteBuilder.Result r = builder.build(new SiteBuilder.Options(inputs, siteOut, docs, langs, chart));
        PrintWriter o = spec.commandLine().getOut();
        List<ReleaseReport> releases = r.releasesOldestFirst();
        o.println("site: " + releases.size() + (releases.size() == 1 ? " release" : " releases") + " ("
                + String.join(", ", releases.stream().map(ReleaseReport::release).toList()) + ")");
        for (Path p : r.written()) {
            o.println("  wrote " + p);
        }
        return ExitCode.OK.code();
    }
}
