package dev.llmbench.runner.output;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Default result locations, {@code benchmarks/results/<release>/<engine>-<model>.json}, built only from names that
 * cannot leave that folder.
 */
public final class OutputPaths {
    public static final Path RESULTS_ROOT = Path.of("benchmarks", "results");
    /** Release tags such as {@code v0.3.0}, {@code 2026.01}, {@code dev}: no separators, no leading dot. */
    private static final Pattern RELEASE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    private OutputPaths() {
    }

    /** @return null when the tag is acceptable, else what is wrong with it */
    public static String releaseProblem(String release) {
        if (release == null || release.isEmpty()) {
            return "it is empty";
        }
        if (!RELEASE.matcher(release).matches()) {
            return "use 1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit";
        }
        if (release.contains("..")) {
            return "it must not contain '..'";
        }
        return null;
    }

    public static Path defaultFile(String release, String engine, String model) {
        if (releaseProblem(release) != null) {
            throw new IllegalArgumentException("invalid release tag " + release);
        }
        return RESULTS_ROOT.resolve(release).resolve(fileName(engine, model));
    }

    public static String fileName(String engine, String model) {
        return slug(engine) + "-" + slug(modelName(model)) + ".json";
    }

    /** {@code synthetic:qwen2.5-0.5b} -> {@code qwen2.5-0.5b}; a folder -> its last name. */
    public static String modelName(String model) {
        if (model.startsWith("synthetic:")) {
            return model.substring("synthetic:".length());
        }
        Path p = Path.of(model).normalize();
        Path last = p.getFileName();
        if (last == null || last.toString().isEmpty() || last.toString().equals("..")) {
            last = p.toAbsolutePath().normalize().getFileName();
        }
        return last == null ? "model" : last.toString();
    }

    /** Keeps letters, digits, '.', '_' and '-'; anything else becomes '-'; no leading dots, no "..". */
    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("\\.{2,}", ".");
        s = s.replaceAll("^[.-]+", "");
        if (s.length() > 80) {
            s = s.substring(0, 80);
        }
        return s.isEmpty() ? "model" : s;
    }
}
