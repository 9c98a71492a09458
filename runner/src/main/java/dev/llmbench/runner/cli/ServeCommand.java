package dev.llmbench.runner.cli;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.results.ExitCode;
import dev.llmbench.runner.environment.ToolVersion;
import dev.llmbench.serve.EosIds;
import dev.llmbench.serve.OpenAiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ./bench serve}: an OpenAI-compatible server over one of our in-process engines, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        resourceBundle = "dev.llmbench.runner.cli.Messages")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    RunnerMain main;

    @Mixin
    EngineSelection selection;

    @Option(names = "--host", paramLabel = "ADDRESS")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N")
    int port = 8080;

    @Option(names = "--max-queue", paramLabel = "N")
    int maxQueue = 256;

    @Override
    public Integer call() {
        if (selection.engine == null || selection.engine.isBlank()) {
            selection.engine = "java";
        }
        EngineProvider provider = selection.provider();
        if (EngineSelection.OPENAI.equals(provider.name())) {
            throw CliException.of(ExitCode.INVALID_INPUT, "serve.streaming", provider.name());
        }
        selection.checkModel();
        if (port < 0 || port > 65535) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--port", 0, 65535, port);
        }
        if (maxQueue < 0) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--max-queue", 0, Integer.MAX_VALUE, maxQueue);
        }
        String name = selection.servedModel != null ? selection.servedModel : selection.model;
        if (name.isBlank()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "serve.name.blank");
        }
        EngineOptions options = selection.optionsForServe();
        Engine engine = EngineSelection.open(provider, options);
        if (engine instanceof StreamingEngine) {
            engine.close();
            throw CliException.of(ExitCode.INVALID_INPUT, "serve.streaming", provider.name());
        }
        OpenAiServer server;
        try {
            server = OpenAiServer.start(engine, name, EosIds.of(options.model()), options.maxCacheLen(), maxQueue,
                    ToolVersion.version(), new InetSocketAddress(host, port));
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw CliException.of(ExitCode.INVALID_INPUT, "serve.bind", host, port,
                    e.getMessage() == null ? e.toString() : e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            engine.close();
            stopped.countDown();
        }, "llmbench-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        main.err.println(Messages.get("serve.ready", provider.name(), options.model(), name, server.baseUrl()));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK.code();
    }
}
