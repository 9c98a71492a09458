package dev.llmbench.site.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsFormatException;
import dev.llmbench.results.ResultsJson;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.analysis.Analyzer;
import dev.llmbench.site.analysis.EngineReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds results files (files, or folders searched recursively for {@code *.json}, in the layout
 * {@code benchmarks/results/<release>/<engine>-<model>.json}), tells our format from the old tool's by shape,
 * reads and analyses them.
 */
public final class ResultsLoader {
    /** Imported files carry no release; one in a folder {@code <release>/} takes that name, else this one. */
    public static final String LEGACY_RELEASE = "legacy";

    private ResultsLoader() {
    }

    public static List<LoadedRun> load(List<Path> inputs) throws SiteException {
        List<LoadedRun> runs = new ArrayList<>();
        for (Path file : files(inputs)) {
            runs.addAll(loadFile(file));
        }
        if (runs.isEmpty()) {
            throw SiteException.invalidInput("no results found in " + inputs
                    + ": pass results files or folders holding <release>/<engine>-<model>.json");
        }
        return runs;
    }

    /** Every input file, and every {@code *.json} below every input folder, sorted by path. */
    static List<Path> files(List<Path> inputs) throws SiteException {
        if (inputs.isEmpty()) {
            throw SiteException.invalidInput("no input: pass results files or folders (for example benchmarks/results)");
        }
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isRegularFile(in)) {
                out.add(in);
            } else if (Files.isDirectory(in)) {
                // links are not followed: a results tree holds plain files
                try (Stream<Path> walk = Files.walk(in)) {
                    walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                            .filter(p -> p.getFileName().toString().endsWith(".json"))
                            .sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    throw SiteException.invalidInput(in + ": cannot list the folder: " + e.getMessage());
                }
            } else {
                throw SiteException.invalidInput(in + ": no such file or folder");
            }
        }
        return out;
    }

    static List<LoadedRun> loadFile(Path file) throws SiteException {
        String name = display(file);
        JsonNode tree;
        try {
            if (Files.size(file) > ResultsJson.MAX_FILE_BYTES) {
                throw SiteException.invalidInput(name + ": larger than " + ResultsJson.MAX_FILE_BYTES
                        + " bytes; a results file is a few MB at most");
            }
            tree = ResultsJson.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw SiteException.invalidInput(name + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw SiteException.invalidInput(name + ": cannot read: " + e.getMessage());
        }
        if (LegacyImporter.looksLegacy(tree)) {
            String release = legacyRelease(file);
            List<LoadedRun> out = new ArrayList<>();
            for (EngineReport r : LegacyImporter.read(name, tree)) {
                out.add(new LoadedRun(release, null, r));
            }
            return out;
        }
        if (tree == null || !tree.isObject() || !tree.has("schema_version")) {
            throw SiteException.invalidInput(name + ": not a results file: expected an object with schema_version"
                    + " (llmbench results) or with npu_results/cpu_results (the old tool's benchmark_results.json)");
        }
        BenchmarkResults results;
        try {
            results = ResultsReader.read(file);
        } catch (ResultsFormatException e) {
            throw SiteException.invalidInput(e.getMessage());
        }
        String release = results.run().release();
        if (!ReleaseTags.isSafe(release)) {
            throw SiteException.invalidInput(name + " at $.run.release: \"" + release + "\" is not a usable release tag; "
                    + ReleaseTags.rule());
        }
        String label = Analyzer.label(results.engine(), results.environment().accelerator());
        return List.of(new LoadedRun(release, results.run().startedAt(), Analyzer.analyze(results, label, name)));
    }

    private static String legacyRelease(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        String folder = parent == null || parent.getFileName() == null ? null : parent.getFileName().toString();
        return folder != null && ReleaseTags.isSafe(folder) && !"results".equals(folder) ? folder : LEGACY_RELEASE;
    }

    /** The path as a user reads it: relative to the working folder when below it, with '/' separators. */
    static String display(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        Path shown = abs.startsWith(cwd) ? cwd.relativize(abs) : file.normalize();
        return shown.toString().replace('\\', '/');
    }
}
