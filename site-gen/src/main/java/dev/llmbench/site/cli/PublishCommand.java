package dev.llmbench.site.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.publish.GhPagesPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./bench publish}: commits a built site onto a gh-pages branch with real git, ready to push. */
@Command(name = "publish", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Puts a built site (./bench site --out DIR) on a branch of a git repository, ready to push.",
                "Your working tree, index and current branch are left untouched; nothing is pushed."})
public final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--site", paramLabel = "DIR", description = "the built site (default: ${DEFAULT-VALUE})")
    Path site = Path.of("site");

    @Option(names = "--repo", paramLabel = "DIR", description = "the git repository (default: the current folder)")
    Path repo = Path.of(".");

    @Option(names = "--branch", paramLabel = "NAME", description = "branch to commit to (default: ${DEFAULT-VALUE})")
    String branch = "gh-pages";

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "commit message (default: ${DEFAULT-VALUE})")
    String message = "Publish benchmark site";

    @Override
    public Integer call() throws SiteException {
        GhPagesPublisher.Outcome o;
        try {
            o = new GhPagesPublisher(repo).publish(site, branch, message);
        } catch (GhPagesPublisher.PublishException e) {
            throw SiteException.invalidInput(e.getMessage());
        } catch (IOException e) {
            throw new SiteException(ExitCode.FAILURE, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!o.changed()) {
            out.println("publish: " + branch + " already holds this site (" + o.files() + " files); nothing to commit");
        } else {
            out.println("publish: committed " + o.files() + " files to " + branch + " as " + o.commit().substring(0, 12)
                    + (o.previous() == null ? " (new branch)" : ""));
            out.println("  to publish it: git push origin " + branch);
        }
        return ExitCode.OK.code();
    }
}
