package dev.llmbench.site.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a GitHub workflow's jobs on this machine, in order, the way a runner would: every {@code run:} step in bash
 * ({@code -eo pipefail}, as GitHub's default shell) in a checkout, with the workflow's, job's and step's
 * environment, {@code GITHUB_OUTPUT} and {@code GITHUB_STEP_SUMMARY} files, and step outputs feeding later
 * expressions. The actions a step {@code uses:} are replaced by what they would do here (checkout: the copy is the
 * checkout; upload and download of artifacts: a folder; Pages: a check of the uploaded site); an action it does not
 * know fails the dry run. Matrix entries for runners other than {@code ubuntu-latest} are listed, not run.
 */
public final class WorkflowDryRun {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One step as it ran; {@code code} is the exit status (0 for an action that did what it should). */
    public record StepRun(String job, String step, int code, String log) {
    }

    /** Everything a dry run did. */
    public record Outcome(List<StepRun> steps, List<String> notRunHere, Map<String, String> summaries, Path artifacts,
                          List<Path> pagesSites) {
        public boolean succeeded() {
            return steps.stream().allMatch(s -> s.code() == 0);
        }

        public String describe() {
            StringBuilder b = new StringBuilder();
            steps.forEach(s -> b.append(s.job()).append(" / ").append(s.step()).append(": exit ").append(s.code()).append('\n')
                    .append(s.code() == 0 ? "" : s.log()));
            return b.toString();
        }
    }

    private final Path checkout;
    private final Path scratch;
    private final Map<String, Object> inputs;
    private final Map<String, Object> github;
    private final Map<String, Object> vars;
    private final Consumer<Path> pagesCheck;

    /**
     * @param checkout   the repository the workflow runs in (its working tree is the checkout)
     * @param scratch    folder for artifacts, step files and logs
     * @param inputs     {@code inputs.*} of a manual run (empty for push and pull request)
     * @param github     the {@code github} context members the workflow reads (event, ref_name, ...)
     * @param vars       repository variables ({@code vars.*})
     * @param pagesCheck called with the folder a Pages upload would publish
     */
    public WorkflowDryRun(Path checkout, Path scratch, Map<String, Object> inputs, Map<String, Object> github,
                          Map<String, Object> vars, Consumer<Path> pagesCheck) {
        this.checkout = checkout;
        this.scratch = scratch;
        this.inputs = inputs;
        this.github = github;
        this.vars = vars;
        this.pagesCheck = pagesCheck;
    }

    public static JsonNode read(Path workflow) throws IOException {
        return YAML.readTree(workflow.toFile());
    }

    public Outcome run(Path workflow) throws IOException, InterruptedException {
        JsonNode wf = read(workflow);
        Path artifacts = Files.createDirectories(scratch.resolve("artifacts"));
        List<StepRun> steps = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        Map<String, String> summaries = new LinkedHashMap<>();
        List<Path> pages = new ArrayList<>();
        Map<String, Object> needs = new HashMap<>();
        Map<String, Boolean> jobFailed = new HashMap<>();

        for (String jobId : order(wf.get("jobs"))) {
            JsonNode job = wf.get("jobs").get(jobId);
            boolean upstreamFailed = job.has("needs") && names(job.get("needs")).stream().anyMatch(n -> jobFailed.getOrDefault(n, false));
            Map<String, Object> base = context(needs, Map.of(), Map.of());
            if (job.has("if") ? !new Expressions(base, upstreamFailed).condition(job.get("if").asText()) : upstreamFailed) {
                notRun.add(jobId + " (its if: is false)");
                continue;
            }
            List<Map<String, Object>> entries = matrix(job, base);
            Map<String, Object> outputs = new LinkedHashMap<>();
            boolean failed = false;
            for (Map<String, Object> entry : entries) {
                Map<String, Object> ctx = context(needs, entry, Map.of());
                String runsOn = Expressions.text(new Expressions(ctx, false).evaluate(literal(job.get("runs-on"))));
                String name = jobId + (entry.isEmpty() ? "" : " " + entry);
                if (!runsOn.equals("ubuntu-latest")) {
                    notRun.add(name + " (runs on " + runsOn + ")");
                    continue;
                }
                Path summary = Files.createTempFile(scratch, "summary-", ".md");
                Map<String, Object> stepsCtx = new LinkedHashMap<>();
                boolean entryFailed = false;
                for (JsonNode step : job.get("steps")) {
                    ctx = context(needs, entry, stepsCtx);
                    Map<String, String> env = env(wf, job, step, ctx);
                    ctx.put("env", new LinkedHashMap<>(env));
                    Expressions ex = new Expressions(ctx, entryFailed);
                    String stepName = step.has("name") ? ex.substitute(step.get("name").asText())
                            : step.has("uses") ? step.get("uses").asText() : "run";
                    if (step.has("if") ? !ex.condition(step.get("if").asText()) : entryFailed) {
                        continue;
                    }
                    Path outputFile = Files.createTempFile(scratch, "output-", ".txt");
                    StepRun r = step.has("run")
                            ? shell(name, stepName, ex.substitute(step.get("run").asText()), env, outputFile, summary)
                            : action(name, stepName, step, ex, artifacts, pages, outputFile);
                    steps.add(r);
                    if (r.code() != 0) {
                        entryFailed = true;
                    }
                    if (step.has("id")) {
                        stepsCtx.put(step.get("id").asText(), Map.of("outputs", readOutputs(outputFile), "outcome",
                                r.code() == 0 ? "success" : "failure"));
                    }
                }
                summaries.put(name, Files.readString(summary));
                failed |= entryFailed;
                if (job.has("outputs")) {
                    Expressions ex = new Expressions(context(needs, entry, stepsCtx), entryFailed);
                    job.get("outputs").properties().forEach(e -> outputs.put(e.getKey(), ex.substitute(e.getValue().asText())));
                }
            }
            jobFailed.put(jobId, failed);
            needs.put(jobId, Map.of("outputs", outputs, "result", failed ? "failure" : "success"));
        }
        return new Outcome(steps, notRun, summaries, artifacts, pages);
    }

    private Map<String, Object> context(Map<String, Object> needs, Map<String, Object> matrix, Map<String, Object> steps) {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("inputs", inputs);
        ctx.put("github", github);
        ctx.put("vars", vars);
        ctx.put("secrets", Map.of());
        ctx.put("needs", needs);
        ctx.put("matrix", matrix);
        ctx.put("steps", steps);
        ctx.put("env", Map.of());
        return ctx;
    }

    /** The workflow's, job's and step's {@code env:}, each evaluated with what came before it. */
    private static Map<String, String> env(JsonNode wf, JsonNode job, JsonNode step, Map<String, Object> ctx) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode level : List.of(wf, job, step)) {
            if (level.has("env")) {
                Map<String, Object> c = new HashMap<>(ctx);
                c.put("env", new LinkedHashMap<>(env));
                Expressions ex = new Expressions(c, false);
                level.get("env").properties().forEach(e -> env.put(e.getKey(), ex.substitute(e.getValue().asText())));
            }
        }
        return env;
    }

    private static List<Map<String, Object>> matrix(JsonNode job, Map<String, Object> ctx) {
        JsonNode m = job.path("strategy").path("matrix");
        if (m.isMissingNode()) {
            return List.of(Map.of());
        }
        JsonNode include = m.get("include");
        if (include == null || m.size() != 1) {
            throw new IllegalArgumentException("the dry run reads a matrix of include: only");
        }
        Object list = include.isTextual() ? new Expressions(ctx, false).evaluate(literal(include)) : include;
        List<Map<String, Object>> entries = new ArrayList<>();
        for (JsonNode e : (JsonNode) list) {
            Map<String, Object> entry = new LinkedHashMap<>();
            e.properties().forEach(p -> entry.put(p.getKey(), p.getValue()));
            entries.add(entry);
        }
        return entries;
    }

    /** A value that may be a whole {@code ${{ }}} expression, as an expression; a plain value as a string literal. */
    private static String literal(JsonNode v) {
        String t = v.isTextual() ? v.asText().strip() : v.toString();
        if (t.startsWith("${{") && t.endsWith("}}")) {
            return t.substring(3, t.length() - 2);
        }
        return "'" + t + "'";
    }

    private StepRun shell(String job, String step, String script, Map<String, String> env, Path output, Path summary)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile(scratch, "step-", ".sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Path log = Files.createTempFile(scratch, "log-", ".txt");
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", file.toString())
                .directory(checkout.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("CI", "true");
        pb.environment().put("GITHUB_ACTIONS", "true");
        pb.environment().put("GITHUB_OUTPUT", output.toString());
        pb.environment().put("GITHUB_STEP_SUMMARY", summary.toString());
        pb.environment().put("GITHUB_WORKSPACE", checkout.toString());
        pb.environment().put("RUNNER_TEMP", Files.createDirectories(scratch.resolve("runner-temp")).toString());
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new StepRun(job, step, 124, "did not finish in 15 minutes\n" + Files.readString(log));
        }
        return new StepRun(job, step, p.exitValue(), Files.readString(log));
    }

    /** The address {@code actions/configure-pages} reports here: a project site, so everything lives under a subpath. */
    public static final String PAGES_URL = "https://owner.github.io/llmbench";

    private StepRun action(String job, String step, JsonNode s, Expressions ex, Path artifacts, List<Path> pages, Path output)
            throws IOException {
        String uses = s.get("uses").asText();
        String action = uses.replaceAll("@.*", "");
        JsonNode with = s.path("with");
        String path = with.has("path") ? ex.substitute(with.get("path").asText()) : null;
        switch (action) {
            case "actions/configure-pages" -> {
                Files.writeString(output, "base_url=" + PAGES_URL + "\nbase_path=" + java.net.URI.create(PAGES_URL).getPath() + "\n");
                return new StepRun(job, step, 0, "(Pages at " + PAGES_URL + ")");
            }
            case "actions/checkout", "actions/setup-java", "actions/deploy-pages" -> {
                return new StepRun(job, step, 0, "(" + action + ": nothing to do here)");
            }
            case "actions/upload-artifact" -> {
                String name = ex.substitute(with.get("name").asText());
                Path dest = artifacts.resolve(name);
                List<String> paths = path.strip().lines().map(String::strip).filter(p -> !p.isEmpty()).toList();
                int copied = 0;
                for (String p : paths) {
                    // one path: its contents are the artifact; several: each keeps its place below the workspace
                    copied += paths.size() == 1 ? copyContents(checkout.resolve(p), dest) : copy(checkout.resolve(p), dest.resolve(p));
                }
                String ifNone = with.has("if-no-files-found") ? with.get("if-no-files-found").asText() : "warn";
                return new StepRun(job, step, copied == 0 && ifNone.equals("error") ? 1 : 0,
                        "uploaded " + copied + " file(s) as " + name + "\n");
            }
            case "actions/download-artifact" -> {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + ex.substitute(with.get("pattern").asText()));
                Path dest = checkout.resolve(path);
                int copied = 0;
                try (var list = Files.list(artifacts)) {
                    for (Path a : list.filter(a -> m.matches(a.getFileName())).sorted().toList()) {
                        copied += copyContents(a, dest); // merge-multiple: every artifact's files side by side
                    }
                }
                return new StepRun(job, step, 0, "downloaded " + copied + " file(s) into " + path + "\n");
            }
            case "actions/upload-pages-artifact" -> {
                Path site = checkout.resolve(path);
                pages.add(site);
                try {
                    pagesCheck.accept(site);
                    return new StepRun(job, step, 0, "the site in " + path + " passed the Pages check\n");
                } catch (AssertionError e) {
                    return new StepRun(job, step, 1, e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("the dry run does not know the action " + uses
                    + "; teach WorkflowDryRun what it does");
        }
    }

    private static int copy(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            return 1;
        }
        return Files.isDirectory(from) ? copyContents(from, to) : 0;
    }

    /** A folder's files into {@code to} (or one file into it). */
    private static int copyContents(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return 0;
        }
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to);
            Files.copy(from, to.resolve(from.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            return 1;
        }
        int n = 0;
        try (var walk = Files.walk(from)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                n++;
            }
        }
        return n;
    }

    private static Map<String, Object> readOutputs(Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    private static List<String> names(JsonNode needs) {
        List<String> n = new ArrayList<>();
        if (needs.isTextual()) {
            n.add(needs.asText());
        } else {
            needs.forEach(x -> n.add(x.asText()));
        }
        return n;
    }

    /** Jobs in an order that runs each after the jobs it needs. */
    static List<String> order(JsonNode jobs) {
        List<String> done = new ArrayList<>();
        List<String> left = new ArrayList<>();
        jobs.fieldNames().forEachRemaining(left::add);
        while (!left.isEmpty()) {
            boolean progressed = false;
            for (Iterator<String> it = left.iterator(); it.hasNext(); ) {
                String id = it.next();
                JsonNode job = jobs.get(id);
                if (!job.has("needs") || done.containsAll(names(job.get("needs")))) {
                    done.add(id);
                    it.remove();
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalArgumentException("jobs " + left + " need jobs that never run");
            }
        }
        return done;
    }
}
