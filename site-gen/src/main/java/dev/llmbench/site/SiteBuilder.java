package dev.llmbench.site;

import dev.llmbench.site.analysis.Analyzer;
import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.results.ExitCode;
import dev.llmbench.site.diff.DiffPageModel;
import dev.llmbench.site.diff.Differ;
import dev.llmbench.site.diff.ReleaseDiff;
import dev.llmbench.site.input.LoadedRun;
import dev.llmbench.site.input.ResultsLoader;
import dev.llmbench.site.render.ChartRenderer;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Messages;
import dev.llmbench.site.render.MarkdownHtml;
import dev.llmbench.site.render.ReleasePageModel;
import dev.llmbench.site.render.Templates;
import dev.llmbench.site.write.StagedDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The site build as a pipeline: load results, analyse them into releases, render Markdown, charts and HTML into
 * staging folders, and only when everything rendered move the stages into place.
 */
public final class SiteBuilder {
    /** Where charts go below a page's folder: {@code assets/<lang>/}. */
    static final String ASSETS = "assets";

    private final Templates templates;
    private final ChartRenderer charts;
    private final MarkdownHtml html = new MarkdownHtml();

    public SiteBuilder(Templates templates, ChartRenderer charts) {
        this.templates = Objects.requireNonNull(templates);
        this.charts = Objects.requireNonNull(charts);
    }

    /**
     * @param out   HTML site folder (replaced whole), or null
     * @param docs  docs folder receiving benchmarks.ko.md, benchmarks.md and assets/ (other files kept), or null
     * @param chart file receiving the combined chart of the newest release, or null
     */
    public record Options(List<Path> inputs, Path out, Path docs, List<Lang> langs, Path chart) {
        public Options {
            inputs = List.copyOf(inputs);
            langs = List.copyOf(new LinkedHashSet<>(langs));
            if (langs.isEmpty()) {
                throw new IllegalArgumentException("langs must not be empty");
            }
        }
    }

    /** What was built, for the command's report. */
    public record Result(List<ReleaseReport> releasesOldestFirst, List<Path> written) {
    }

    public Result build(Options o) throws SiteException {
        if (o.out() != null && o.docs() != null
                && o.out().toAbsolutePath().normalize().equals(o.docs().toAbsolutePath().normalize())) {
            throw SiteException.invalidInput("--out and --docs name the same folder " + o.out() + "; give each its own");
        }
        List<ReleaseReport> releases = releases(ResultsLoader.load(o.inputs()));
        ReleaseReport newest = releases.getLast();
        List<Path> written = new ArrayList<>();
        StagedDir site = null;
        StagedDir docs = null;
        StagedDir chart = null;
        try {
            if (o.out() != null) {
                site = StagedDir.beside(o.out());
                writeSite(site.path(), releases, o.langs());
            }
            if (o.docs() != null) {
                docs = StagedDir.beside(o.docs());
                writeDocs(docs.path(), newest, o.langs());
            }
            if (o.chart() != null) {
                Path parent = o.chart().toAbsolutePath().normalize().getParent();
                chart = StagedDir.beside(parent.resolve(o.chart().getFileName().toString() + ".d"));
                List<Path> made = charts.writeRelease(newest, o.langs().getFirst(), chart.path());
                Path combined = made.stream().filter(p -> p.getFileName().toString().equals("benchmark_chart.png"))
                        .findFirst().orElseThrow(() -> new SiteException(ExitCode.FAILURE,
                                "--chart " + o.chart() + ": this build draws no charts"));
                Files.move(combined, chart.path().resolve(".chart.png"), StandardCopyOption.REPLACE_EXISTING);
            }
            // everything rendered: now move into place
            if (site != null) {
                site.commitWhole();
                written.add(site.target());
            }
            if (docs != null) {
                docs.commitFiles();
                written.add(docs.target());
            }
            if (chart != null) {
                Path target = o.chart().toAbsolutePath().normalize();
                Files.move(chart.path().resolve(".chart.png"), target, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                written.add(target);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot write the output: " + e.getMessage(), e);
        } finally {
            for (StagedDir d : new StagedDir[]{site, docs, chart}) {
                if (d != null) {
                    d.close();
                }
            }
        }
        return new Result(releases, written);
    }

    /** Groups runs by release and orders releases oldest first (by their earliest run; imported files first). */
    static List<ReleaseReport> releases(List<LoadedRun> runs) {
        Map<String, List<EngineReport>> byRelease = new LinkedHashMap<>();
        Map<String, Instant> started = new LinkedHashMap<>();
        for (LoadedRun r : runs) {
            byRelease.computeIfAbsent(r.release(), k -> new ArrayList<>()).add(r.report());
            if (r.startedAt() != null) {
                started.merge(r.release(), r.startedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<String> tags = new ArrayList<>(byRelease.keySet());
        tags.sort(Comparator.comparing((String t) -> started.getOrDefault(t, Instant.MIN)).thenComparing(t -> t));
        List<ReleaseReport> out = new ArrayList<>();
        for (String t : tags) {
            out.add(Analyzer.release(t, byRelease.get(t)));
        }
        return out;
    }

    // --- Markdown ----------------------------------------------------------------------------------------------

    /** The Markdown page of a release; charts are drawn into {@code pageDir/assets/<lang>/} and linked from there. */
    String markdown(ReleaseReport r, Lang lang, Path pageDir) throws SiteException, IOException {
        Path assets = pageDir.resolve(ASSETS).resolve(lang.code());
        Files.createDirectories(assets);
        Map<String, String> links = new LinkedHashMap<>();
        for (Path p : charts.writeRelease(r, lang, assets)) {
            links.put(p.getFileName().toString(), ASSETS + "/" + lang.code() + "/" + p.getFileName());
        }
        deleteIfEmpty(assets);
        deleteIfEmpty(pageDir.resolve(ASSETS));
        return templates.render(Templates.RELEASE_PAGE, ReleasePageModel.build(r, lang, links));
    }

    private void writeDocs(Path stage, ReleaseReport newest, List<Lang> langs) throws SiteException, IOException {
        for (Lang lang : langs) {
            // Korean is the default language of the docs site: benchmarks.ko.md; English: benchmarks.md
            String name = lang == Lang.KO ? "benchmarks.ko.md" : "benchmarks.md";
            write(stage.resolve(name), markdown(newest, lang, stage));
        }
    }

    // --- HTML --------------------------------------------------------------------------------------------------

    private void writeSite(Path stage, List<ReleaseReport> releases, List<Lang> langs) throws SiteException, IOException {
        Files.write(stage.resolve("style.css"), templates.resource("style.css"));
        Files.write(stage.resolve(".nojekyll"), new byte[0]);
        copyFonts(stage.resolve("fonts"));
        // releases are independent (own folder, own charts): render them on every core
        int threads = Math.max(1, Math.min(releases.size(), Runtime.getRuntime().availableProcessors()));
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Void>> done = new ArrayList<>();
            for (ReleaseReport r : releases) {
                done.add(pool.submit(() -> {
                    writeRelease(stage, r, langs);
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SiteException(ExitCode.INTERNAL, "interrupted while building the site");
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case SiteException se -> throw se;
                        case IOException io -> throw io;
                        case RuntimeException re -> throw re;
                        default -> throw new SiteException(ExitCode.INTERNAL, "cannot build the site: " + e.getCause(), e.getCause());
                    }
                }
            }
        }
        Differ differ = new Differ(Differ.DEFAULT_THRESHOLD, Differ.DEFAULT_ALPHA);
        for (int i = 1; i < releases.size(); i++) {
            writeDiff(stage, differ.compare(releases.get(i - 1), releases.get(i)), langs);
        }
        List<ReleaseReport> newestFirst = new ArrayList<>(releases).reversed();
        for (Lang lang : langs) {
            List<Map<String, String>> trends = new ArrayList<>();
            if (releases.size() >= 2) {
                Path assets = stage.resolve(ASSETS).resolve("trends").resolve(lang.code());
                Files.createDirectories(assets);
                for (Path p : charts.writeTrends(releases, lang, assets)) {
                    String name = p.getFileName().toString();
                    trends.add(Map.of("src", ASSETS + "/trends/" + lang.code() + "/" + name, "alt", trendAlt(name, lang)));
                }
                deleteIfEmpty(assets);
                deleteIfEmpty(assets.getParent());
                deleteIfEmpty(assets.getParent().getParent());
            }
            write(stage.resolve(pageFile("index", lang, langs)), index(newestFirst, lang, langs, trends));
        }
    }

    private void writeRelease(Path stage, ReleaseReport r, List<Lang> langs) throws SiteException, IOException {
        Path dir = stage.resolve("releases").resolve(r.release());
        Files.createDirectories(dir);
        for (Lang lang : langs) {
            String md = markdown(r, lang, dir);
            String title = Messages.of(lang).get("site.releaseTitle", r.release());
            write(dir.resolve(pageFile("index", lang, langs)), page(title, md, lang, langs, "../../", "index"));
        }
    }

    /** The Hangul fallback font of the stylesheet, with its licence: the site must read on machines without one. */
    private static void copyFonts(Path dir) throws IOException, SiteException {
        Files.createDirectories(dir);
        for (String name : List.of("NanumSquareR.ttf", "NanumSquareB.ttf", "OFL.txt")) {
            try (InputStream in = SiteBuilder.class.getResourceAsStream("/fonts/" + name)) {
                if (in == null) {
                    throw new SiteException(ExitCode.INTERNAL, "font " + name + " is missing from the jar");
                }
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    /** {@code releases/<new>/diff.html}: the release against the one before it. */
    private void writeDiff(Path stage, ReleaseDiff d, List<Lang> langs) throws SiteException, IOException {
        Path dir = stage.resolve("releases").resolve(d.newRelease());
        for (Lang lang : langs) {
            String title = Messages.of(lang).get("site.diffTitle", d.oldRelease(), d.newRelease());
            write(dir.resolve(pageFile("diff", lang, langs)),
                    page(title, DiffPageModel.markdown(d, lang, templates), lang, langs, "../../", "diff"));
        }
    }

    /** The first language's page is {@code index.html}; the other's {@code index.<lang>.html}. */
    static String pageFile(String base, Lang lang, List<Lang> langs) {
        return lang == langs.getFirst() ? base + ".html" : base + "." + lang.code() + ".html";
    }

    private String page(String title, String markdown, Lang lang, List<Lang> langs, String root, String base)
            throws SiteException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lang", lang.code());
        m.put("title", title);
        m.put("root", root);
        m.put("indexFile", pageFile("index", lang, langs));
        m.put("homeText", Messages.of(lang).get("site.home"));
        m.put("languages", languages(lang, langs, base));
        m.put("body", html.render(markdown));
        m.put("footerText", footer(lang));
        return templates.render("page.ftlh", m);
    }

    private String index(List<ReleaseReport> newestFirst, Lang lang, List<Lang> langs, List<Map<String, String>> trends)
            throws SiteException {
        Map<String, Object> m = new LinkedHashMap<>();
        Messages msg = Messages.of(lang);
        m.put("lang", lang.code());
        m.put("title", msg.get("site.indexTitle"));
        m.put("intro", msg.get("site.intro"));
        m.put("releaseHeading", msg.get("site.releaseHeading"));
        m.put("enginesHeading", msg.get("site.enginesHeading"));
        m.put("modelsHeading", msg.get("site.modelsHeading"));
        m.put("compareHeading", msg.get("site.compareHeading"));
        m.put("trendsHeading", msg.get("site.trendsHeading"));
        m.put("languages", languages(lang, langs, "index"));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            ReleaseReport r = newestFirst.get(i);
            boolean hasPrevious = i + 1 < newestFirst.size();
            rows.add(Map.of("tag", r.release(),
                    "href", "releases/" + r.release() + "/" + pageFile("index", lang, langs),
                    "diffHref", hasPrevious ? "releases/" + r.release() + "/" + pageFile("diff", lang, langs) : "",
                    "diffText", hasPrevious ? newestFirst.get(i + 1).release() + " → " + r.release() : "",
                    "engines", String.join(", ", new LinkedHashSet<>(r.engines().stream().map(EngineReport::label).toList())),
                    "models", String.join(", ", new LinkedHashSet<>(r.engines().stream().map(EngineReport::modelName).toList()))));
        }
        m.put("releases", rows);
        m.put("trends", trends);
        m.put("footerText", footer(lang));
        return templates.render("index.ftlh", m);
    }

    private static List<Map<String, Object>> languages(Lang current, List<Lang> langs, String base) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (langs.size() < 2) {
            return out;
        }
        for (Lang l : langs) {
            out.add(Map.of("name", Messages.of(l).get("site.languageName"), "href", pageFile(base, l, langs), "current", l == current));
        }
        return out;
    }

    private static String footer(Lang lang) {
        return Messages.of(lang).get("site.footer");
    }

    private static String trendAlt(String file, Lang lang) {
        String alt = Messages.of(lang).find("site.alt." + file);
        return alt != null ? alt : file;
    }


    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
        }
    }
}
