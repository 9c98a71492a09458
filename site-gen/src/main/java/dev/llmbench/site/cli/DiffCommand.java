package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.results.ResultsJson;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.analysis.Analyzer;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.diff.DiffPageModel;
import dev.llmbench.site.diff.DiffText;
import dev.llmbench.site.diff.Differ;
import dev.llmbench.site.diff.ReleaseDiff;
import dev.llmbench.site.input.LoadedRun;
import dev.llmbench.site.input.ResultsLoader;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.MarkdownHtml;
import dev.llmbench.site.render.Messages;
import dev.llmbench.site.render.Templates;
import dev.llmbench.site.write.StagedDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code ./bench diff OLD NEW}: release-to-release comparison, cell by cell, with a verdict per cell. */
@Command(name = "diff", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Compares two releases metric by metric (lower TTFT is better, higher TPS is better).",
                "A cell is better or worse only when its median moved by at least --threshold percent and the exact",
                "Mann-Whitney U test on the raw samples gives p below --alpha; otherwise unchanged or inconclusive."})
public final class DiffCommand implements Callable<Integer> {
    enum Format { text, md, json, html }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "results file or folder of the older release")
    Path oldInput;

    @Parameters(index = "1", paramLabel = "NEW", description = "results file or folder of the newer release")
    Path newInput;

    @Mixin
    DiffOptions diffOptions = new DiffOptions();

    @Override
    public Integer call() throws SiteException {
        Differ differ = diffOptions.differ();
        Lang.parse(diffOptions.lang); // a wrong language is refused before any file is read
        return diffOptions.report(spec, differ.compare(release("OLD", oldInput), release("NEW", newInput)));
    }

    static void checkLimits(double thresholdPercent, double alpha) throws SiteException {
        if (!(thresholdPercent >= 0 && thresholdPercent < 1000)) {
            throw SiteException.invalidInput("--threshold " + thresholdPercent + ": give a percentage from 0 to 1000, e.g. 5");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw SiteException.invalidInput("--alpha " + alpha + ": give a probability between 0 and 1, e.g. 0.05");
        }
    }

    /** All runs under {@code input}, which must belong to one release. */
    static ReleaseReport release(String role, Path input) throws SiteException {
        List<LoadedRun> runs = ResultsLoader.load(List.of(input));
        Set<String> tags = new LinkedHashSet<>();
        runs.forEach(r -> tags.add(r.release()));
        if (tags.size() != 1) {
            throw SiteException.invalidInput(role + " " + input + ": holds releases " + String.join(", ", tags)
                    + "; point at one release's folder, e.g. benchmarks/results/<release>");
        }
        List<EngineReport> engines = new ArrayList<>();
        runs.forEach(r -> engines.add(r.report()));
        return Analyzer.release(tags.iterator().next(), engines);
    }

    /** Prints or writes {@code diff} in the chosen form; shared with {@code ./bench compare}. */
    static void report(CommandSpec spec, ReleaseDiff diff, Format format, Lang l, Path templates, Path out) throws SiteException {
        String text = switch (format) {
            case text -> DiffText.render(diff, l);
            case json -> json(diff);
            case md -> DiffPageModel.markdown(diff, l, new Templates(templates));
            case html -> html(diff, l, templates);
        };
        Messages m = Messages.of(l);
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            write(out, text);
            spec.commandLine().getErr().println(m.get("cli.wrote", spec.name(), out.toString()));
        }
        if (diff.engines().isEmpty()) {
            spec.commandLine().getErr().println(m.get("cli.nothingCompared"));
        }
    }

    private static String html(ReleaseDiff diff, Lang lang, Path templates) throws SiteException {
        Templates t = new Templates(templates);
        Messages text = Messages.of(lang);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lang", lang.code());
        m.put("title", text.get("site.diffTitle", diff.oldRelease(), diff.newRelease()));
        m.put("root", "");
        m.put("indexFile", "index.html");
        m.put("homeText", text.get("site.home"));
        m.put("languages", List.of());
        m.put("body", new MarkdownHtml().render(DiffPageModel.markdown(diff, lang, t)));
        m.put("footerText", text.get("site.footer"));
        return t.render("page.ftlh", m);
    }

    private static String json(ReleaseDiff diff) throws SiteException {
        try {
            return ResultsJson.mapper().writeValueAsString(diff) + "\n";
        } catch (IOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot write the diff as JSON: " + e.getMessage(), e);
        }
    }

    /** Written beside the target and renamed over it: never a half-written file. */
    private static void write(Path file, String text) throws SiteException {
        Path abs = file.toAbsolutePath().normalize();
        try (StagedDir stage = StagedDir.beside(abs.resolveSibling(abs.getFileName() + ".d"))) {
            Path tmp = stage.path().resolve("out");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw SiteException.invalidInput("--out " + file + ": cannot write: " + e.getMessage());
        }
    }
}
