package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.site.SiteException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** {@code ./bench site|diff|publish|compare}: the site generator's command line. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = SiteMain.Version.class,
        description = "Builds pages, charts and the HTML site from results files.",
        subcommands = {SiteCommand.class, DiffCommand.class, PublishCommand.class, CompareCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:regression found or generic failure", "2:invalid input", "3:engine or device unavailable (compare)", "4:internal error"})
public final class SiteMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs a command in-process; returns its exit code. Messages go to {@code err}, results to {@code out}. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new SiteMain());
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, a) -> {
            e.println("error: " + ex.getMessage());
            CommandLine bad = ex.getCommandLine();
            e.println("usage: " + bad.getCommandSpec().qualifiedName() + " --help");
            return ExitCode.INVALID_INPUT.code();
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof SiteException se) {
                e.println("error: " + se.getMessage());
                return se.exitCode();
            }
            e.println("error: internal error: " + ex);
            if (Boolean.getBoolean("llmbench.debug")) {
                ex.printStackTrace(e);
            } else {
                e.println("  (run with LLMBENCH_JAVA_OPTS=-Dllmbench.debug=true for the stack trace, and report it)");
            }
            return ExitCode.INTERNAL.code();
        });
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: site, diff, publish or compare");
    }

    /** The version the build wrote into {@code llmbench-site-gen.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            try (java.io.InputStream in = SiteMain.class.getResourceAsStream("/llmbench-site-gen.properties")) {
                java.util.Properties p = new java.util.Properties();
                if (in != null) {
                    p.load(in);
                }
                String v = p.getProperty("version", "").trim();
                return new String[]{"llmbench site-gen " + (v.isEmpty() || v.startsWith("${") ? "unknown" : v)};
            } catch (java.io.IOException e) {
                return new String[]{"llmbench site-gen unknown"};
            }
        }
    }
}
