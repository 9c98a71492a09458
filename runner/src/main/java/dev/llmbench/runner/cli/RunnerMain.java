package dev.llmbench.runner.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.runner.environment.ToolVersion;
import dev.llmbench.runner.measure.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Entry point of {@code ./bench run}, {@code ./bench generate} and {@code ./bench serve}. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = RunnerMain.Version.class,
        resourceBundle = "dev.llmbench.runner.cli.Messages",
        subcommands = {RunCommand.class, GenerateCommand.class, ServeCommand.class})
public final class RunnerMain implements Callable<Integer> {
    final Clock clock;
    final PrintStream out;
    final PrintStream err;
    /** True when stderr is an interactive terminal: progress then redraws one line. */
    final boolean terminal;

    RunnerMain(Clock clock, PrintStream out, PrintStream err, boolean terminal) {
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public static void main(String... args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command in-process and returns its exit code (see {@link ExitCode}). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        boolean terminal = err == System.err && System.console() != null && System.console().isTerminal();
        return run(Clock.SYSTEM, out, err, terminal, args);
    }

    static int run(Clock clock, PrintStream out, PrintStream err, boolean terminal, String... args) {
        CommandLine cli = new CommandLine(new RunnerMain(clock, out, err, terminal));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, ignored) -> {
            err.println(Messages.get("error.prefix") + e.getMessage() + " "
                    + Messages.get("usage.hint", e.getCommandLine().getCommandName()));
            return ExitCode.INVALID_INPUT.code();
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException c) {
                if (c.getMessage() != null && !c.getMessage().isEmpty()) {
                    err.println(Messages.get("error.prefix") + c.getMessage());
                }
                return c.exitCode().code();
            }
            err.println(Messages.get("internal.prefix") + e);
            e.printStackTrace(err);
            return ExitCode.INTERNAL.code();
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        throw CliException.of(ExitCode.INVALID_INPUT, "command.missing");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{ToolVersion.TOOL_NAME + " " + ToolVersion.version() + " (" + ToolVersion.gitCommit() + ")"};
        }
    }
}
