package dev.llmbench.site.compare;

import dev.llmbench.site.Processes;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ExitCode;
import dev.llmbench.results.ResultsFormatException;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.ResultsWriter;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.render.Messages;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same suite on two revisions of a project, on this machine: each revision is checked out into a worktree of
 * its own and built there by its own {@code ./bench}; then the suite runs in rounds, base and head alternating
 * (base, head, base, head, ...), so that whatever drifts while they run (heat, other load, the clock) falls on
 * both alike. Each round is a fresh process of that revision's runner with {@code runs / rounds} measured runs;
 * the rounds of a revision are merged into one results file per revision, ready for the diff.
 *
 * <p>Output folder: {@code <label>/<engine>-<model>.json} per revision (label {@code base-1a2b3c4}),
 * {@code rounds/<label>/round-N.json}, {@code logs/<label>.log} (the build and every round's output).
 */
public final class Comparison {
    /** The manifest that marks a folder as a comparison's output, so a later comparison may replace it. */
    public static final String MANIFEST = "compare.json";

    /**
     * @param repo     a folder inside the git working tree whose revisions are compared
     * @param base     the older revision (branch, tag, commit)
     * @param head     the newer revision
     * @param runArgs  options for each revision's {@code ./bench run} (engine, model, suite, settings)
     * @param warmup   warm-up runs per scenario in each round, or null for the suite's
     * @param runs     measured runs per scenario and revision, over all rounds
     * @param rounds   rounds per revision; {@code runs} must be a multiple of it
     * @param output   the output folder
     */
    public record Options(Path repo, String base, String head, List<String> runArgs, Integer warmup, int runs, int rounds,
                          Path output) {
        public Options {
            runArgs = List.copyOf(runArgs);
        }
    }

    /** What a finished comparison left: each revision and the folder holding its merged results file. */
    public record Outcome(Revision base, Revision head, Path baseResults, Path headResults, Path output) {
    }

    private final Options options;
    private final PrintWriter progress;
    private final Messages text;

    /** @param text the language of the progress lines ({@code --lang}) */
    public Comparison(Options options, PrintWriter progress, Messages text) {
        this.options = options;
        this.progress = progress;
        this.text = text;
    }

    public Outcome run() throws SiteException {
        if (options.runs() < 1 || options.rounds() < 1 || options.runs() % options.rounds() != 0) {
            throw SiteException.invalidInput("--runs " + options.runs() + " --rounds " + options.rounds()
                    + ": give at least one run and one round, with the runs a multiple of the rounds (e.g. --runs 6 --rounds 3)");
        }
        if (options.warmup() != null && options.warmup() < 0) {
            throw SiteException.invalidInput("--warmup " + options.warmup() + ": give 0 or more warm-up runs");
        }
        Path out = options.output().toAbsolutePath().normalize();
        checkOutput(out);
        try (Worktrees trees = Worktrees.open(options.repo())) {
            Revision base = trees.resolve("base", options.base());
            Revision head = trees.resolve("head", options.head());
            if (out.startsWith(trees.repo()) && !ignored(trees.repo(), out)) {
                progress.println(text.get("cli.compare.inRepository", out.toString()));
            }
            clear(out);
            Files.createDirectories(out.resolve("logs"));
            writeManifest(out, base, head);

            Map<Revision, Path> dirs = new LinkedHashMap<>();
            for (Revision r : List.of(base, head)) {
                Path reuse = dirs.entrySet().stream().filter(e -> e.getKey().commit().equals(r.commit()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (reuse != null) {
                    progress.println(text.get("cli.compare.sameCommit", r.role()));
                    dirs.put(r, reuse);
                    continue;
                }
                Path dir = trees.checkout(r);
                progress.println(text.get("cli.compare.building", describe(r), dir.toString()));
                Processes.Result built = bench(dir, r, List.of("run", "--list-engines"), log(out, r));
                if (built.code() != 0) {
                    throw new SiteException(ExitCode.FAILURE, describe(r) + " does not build or start (exit " + built.code()
                            + "); its output is in " + log(out, r) + ":\n" + built.tail(15));
                }
                dirs.put(r, dir);
            }

            int perRound = options.runs() / options.rounds();
            Map<Revision, List<Path>> files = new LinkedHashMap<>();
            for (int round = 1; round <= options.rounds(); round++) {
                for (Revision r : List.of(base, head)) {
                    Path file = out.resolve("rounds").resolve(r.label()).resolve("round-" + round + ".json");
                    progress.println(text.get("cli.compare.round", String.valueOf(round), String.valueOf(options.rounds()),
                            describe(r), String.valueOf(perRound)));
                    measure(dirs.get(r), r, file, perRound, out);
                    files.computeIfAbsent(r, k -> new ArrayList<>()).add(file);
                }
            }
            Path baseDir = merge(base, files.get(base), out);
            Path headDir = merge(head, files.get(head), out);
            return new Outcome(base, head, baseDir, headDir, out);
        } catch (Worktrees.RevisionException e) {
            throw SiteException.invalidInput(e.getMessage());
        } catch (IOException e) {
            throw new SiteException(ExitCode.FAILURE, "compare: " + e.getMessage(), e);
        }
    }

    private void measure(Path dir, Revision r, Path file, int runs, Path out) throws SiteException, IOException {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(options.runArgs());
        if (options.warmup() != null) {
            args.addAll(List.of("--warmup", String.valueOf(options.warmup())));
        }
        args.addAll(List.of("--runs", String.valueOf(runs), "--release", r.label(), "--json", file.toString(), "--quiet"));
        Processes.Result res = bench(dir, r, args, log(out, r));
        if (res.code() == 0) {
            return;
        }
        String what = describe(r) + ": ./bench " + String.join(" ", args) + " exited " + res.code() + " (output in "
                + log(out, r) + "):\n" + res.tail(15);
        ExitCode code = switch (res.code()) {
            case 2 -> ExitCode.INVALID_INPUT;
            case 3 -> ExitCode.UNAVAILABLE;
            default -> ExitCode.FAILURE;
        };
        throw new SiteException(code, what);
    }

    private static Path merge(Revision r, List<Path> files, Path out) throws SiteException, IOException {
        List<BenchmarkResults> rounds = new ArrayList<>();
        for (Path f : files) {
            try {
                rounds.add(ResultsReader.read(f));
            } catch (ResultsFormatException e) {
                throw new SiteException(ExitCode.FAILURE, describe(r) + " wrote a results file this version cannot read: "
                        + e.getMessage());
            }
        }
        BenchmarkResults merged;
        try {
            merged = Rounds.merge(rounds);
        } catch (IllegalArgumentException e) {
            throw new SiteException(ExitCode.FAILURE, describe(r) + ": its rounds cannot be merged: " + e.getMessage());
        }
        Path dir = out.resolve(r.label());
        ResultsWriter.write(dir.resolve(fileName(merged)), merged);
        return dir;
    }

    /** {@code java-qwen2.5-0.5b.json}: the name {@code ./bench run} gives such a file by default. */
    static String fileName(BenchmarkResults r) {
        String model = r.model().name().replaceFirst("^synthetic:", "");
        int slash = Math.max(model.lastIndexOf('/'), model.lastIndexOf('\\'));
        return slug(r.engine().name()) + "-" + slug(model.substring(slash + 1)) + ".json";
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /** Runs a revision's own launcher; it builds that revision on first use. Output is appended to {@code log}. */
    private static Processes.Result bench(Path dir, Revision r, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("bench").toString()));
        cmd.addAll(args);
        if (!Files.isExecutable(dir.resolve("bench"))) {
            throw new IOException(describe(r) + " has no executable ./bench launcher; is this an llmbench project?");
        }
        // the commit is known exactly (a worktree's own probe would do too); a prebuilt-jar switch would skip its build
        Processes.Result res = Processes.capture(cmd, dir, Map.of("LLMBENCH_GIT_COMMIT", r.commit()),
                List.of("LLMBENCH_NO_BUILD"), 24 * 60);
        Files.writeString(log, "$ ./bench " + String.join(" ", args) + "\n" + res.out() + res.err() + "(exit " + res.code() + ")\n\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return res;
    }

    private static Path log(Path out, Revision r) {
        return out.resolve("logs").resolve(r.label() + ".log");
    }

    private static String describe(Revision r) {
        return r.role() + " " + r.name() + " (" + r.commit().substring(0, 7) + ")";
    }

    /** The output folder may be new, empty, or an earlier comparison's output (which is replaced). */
    private static void checkOutput(Path out) throws SiteException {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw SiteException.invalidInput("--results " + out + ": exists and is not a folder; choose another --results DIR");
        }
        try (var list = Files.list(out)) {
            if (list.findAny().isPresent() && !Files.isRegularFile(out.resolve(MANIFEST))) {
                throw SiteException.invalidInput("--results " + out + ": holds files that are not an earlier comparison's output; "
                        + "choose another --results DIR or empty it");
            }
        } catch (IOException e) {
            throw SiteException.invalidInput("--results " + out + ": cannot read it: " + e.getMessage());
        }
    }

    private static void clear(Path out) throws IOException {
        if (!Files.exists(out)) {
            return;
        }
        try (var walk = Files.walk(out)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(out)) {
                    Files.delete(p);
                }
            }
        }
    }

    private void writeManifest(Path out, Revision base, Revision head) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Revision r : List.of(base, head)) {
            m.put(r.role(), Map.of("name", r.name(), "commit", r.commit(), "label", r.label()));
        }
        m.put("order", "base, head alternating, one round each");
        m.put("rounds", options.rounds());
        m.put("measured_runs", options.runs());
        m.put("run_options", options.runArgs());
        Files.writeString(out.resolve(MANIFEST), dev.llmbench.results.ResultsJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(m) + "\n", StandardCharsets.UTF_8);
    }

    private static boolean ignored(Path repo, Path p) throws IOException {
        return Processes.capture(List.of("git", "-C", repo.toString(), "check-ignore", "--quiet", p.toString()), repo,
                Map.of(), List.of(), 1).code() == 0;
    }
}
