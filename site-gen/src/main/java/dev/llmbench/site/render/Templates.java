package dev.llmbench.site.render;

import dev.llmbench.site.SiteException;
import dev.llmbench.results.ExitCode;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.ParseException;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;

/**
 * The Freemarker templates: the defaults shipped in the jar under {@code templates/}, any one of which a file of the
 * same name in the {@code --templates} folder replaces. {@code .ftlh} templates escape HTML automatically;
 * {@code .md.ftl} templates receive values already made Markdown-safe. A page template serves every language: its
 * words come from the language's message bundle through {@code text("key", args...)} ({@link TextMethod}).
 */
public final class Templates {
    /** The release page, Korean and English. */
    public static final String RELEASE_PAGE = "benchmarks.md.ftl";
    /** The release comparison page, Korean and English. */
    public static final String DIFF_PAGE = "diff.md.ftl";
    /** Per-language page templates of earlier versions, which nothing reads any more, by the template replacing them. */
    private static final Map<String, String> RETIRED = Map.of(
            "benchmarks.ko.md.ftl", RELEASE_PAGE, "benchmarks.en.md.ftl", RELEASE_PAGE,
            "diff.ko.md.ftl", DIFF_PAGE, "diff.en.md.ftl", DIFF_PAGE);

    private final Configuration cfg;
    private final Path overrideDir;

    public Templates(Path overrideDir) throws SiteException {
        this.overrideDir = overrideDir;
        cfg = new Configuration(Configuration.VERSION_2_3_34);
        try {
            ClassTemplateLoader builtIn = new ClassTemplateLoader(Templates.class, "/templates");
            TemplateLoader loader = builtIn;
            if (overrideDir != null) {
                if (!Files.isDirectory(overrideDir)) {
                    throw SiteException.invalidInput("--templates " + overrideDir + ": no such folder");
                }
                refuseRetired(overrideDir);
                loader = new MultiTemplateLoader(new TemplateLoader[]{new FileTemplateLoader(overrideDir.toFile()), builtIn});
            }
            cfg.setTemplateLoader(loader);
        } catch (IOException e) {
            throw SiteException.invalidInput("--templates " + overrideDir + ": cannot read the folder: " + e.getMessage());
        }
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        // templates see strings only; ROOT keeps anything numeric they might print free of the JVM's locale
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat("computer");
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setTemplateUpdateDelayMilliseconds(Long.MAX_VALUE);
    }

    /** Renders template {@code name} with {@code model}; a broken template is reported by name, line and cause. */
    public String render(String name, Map<String, Object> model) throws SiteException {
        try {
            Template t = cfg.getTemplate(name);
            StringWriter out = new StringWriter();
            t.process(model, out);
            return out.toString();
        } catch (ParseException e) {
            throw broken(name, e.getLineNumber(), e.getEditorMessage());
        } catch (TemplateException e) {
            Integer line = e.getLineNumber();
            String first = e.getMessageWithoutStackTop().lines().findFirst().orElse("error").strip();
            String blamed = e.getBlamedExpressionString();
            String cause = blamed == null ? first : first.replaceAll("[:.]$", "") + ": " + blamed;
            throw broken(name, line == null ? 0 : line, cause);
        } catch (IOException e) {
            // a template that failed to parse before (another page, another thread) comes back wrapped
            if (e.getCause() instanceof ParseException pe) {
                throw broken(name, pe.getLineNumber(), pe.getEditorMessage());
            }
            throw new SiteException(overridden(name) ? ExitCode.INVALID_INPUT : ExitCode.INTERNAL,
                    "template " + name + ": cannot load: " + e.getMessage());
        }
    }

    /** A static file shipped with the templates (the stylesheet), from the override folder when it has one. */
    public byte[] resource(String name) throws SiteException {
        try {
            if (overridden(name)) {
                return Files.readAllBytes(overrideDir.resolve(name));
            }
            try (InputStream in = Templates.class.getResourceAsStream("/templates/" + name)) {
                if (in == null) {
                    throw new SiteException(ExitCode.INTERNAL, "template resource " + name + " is missing from the jar");
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw SiteException.invalidInput("template resource " + name + ": cannot read: " + e.getMessage());
        }
    }

    /** A retired per-language template would be ignored without a word: refuse it and say what replaced it. */
    private static void refuseRetired(Path dir) throws SiteException {
        for (Map.Entry<String, String> e : new TreeMap<>(RETIRED).entrySet()) {
            if (Files.exists(dir.resolve(e.getKey()))) {
                throw SiteException.invalidInput("--templates " + dir + ": " + e.getKey() + " is no longer read: one "
                        + "template, " + e.getValue() + ", now renders the page in every language and takes its "
                        + "words from the message bundle with text(\"key\"). Move your changes into "
                        + dir.resolve(e.getValue()) + " (the built-in one is templates/" + e.getValue()
                        + " in the source tree) and delete " + e.getKey());
            }
        }
    }

    private boolean overridden(String name) {
        return overrideDir != null && Files.isRegularFile(overrideDir.resolve(name));
    }

    private SiteException broken(String name, int line, String cause) {
        boolean user = overridden(name);
        String where = user ? overrideDir.resolve(name).toString() : "built-in template " + name;
        return new SiteException(user ? ExitCode.INVALID_INPUT : ExitCode.INTERNAL,
                "template " + name + " (" + where + "), line " + line + ": " + cause.strip()
                        + (user ? "; fix the template or remove it to use the built-in one" : ""));
    }
}
