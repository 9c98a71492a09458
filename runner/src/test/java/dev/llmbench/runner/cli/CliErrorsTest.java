package dev.llmbench.runner.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CliErrorsTest {
    @TempDir
    Path dir;

    private Cli runFake(String... extra) {
        String[] base = {"run", "--engine", "fake", "--model", "synthetic:tiny", "--json", dir.resolve("out.json").toString(), "--quiet"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.scripted(args);
    }

    @Test
    void helpTextComesFromTheMessageBundle() {
        Cli run = Cli.run("run", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Runs a scenario suite on an engine")
                .contains("engine id: java, cuda, metal").contains("KV cache capacity in tokens (default 2048)")
                .contains("(default: the suite's)");
        assertThat(Cli.run("generate", "--help").out()).contains("tokens to generate (default 32)");
    }

    @Test
    void unknownFlagIsInvalidInputWithHint() {
        Cli r = Cli.run("run", "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("--bogus").contains("./bench run --help").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void badNumberIsInvalidInput() {
        Cli r = runFake("--runs", "many");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--runs").contains("many");
    }

    @Test
    void missingCommandIsInvalidInput() {
        Cli r = Cli.run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("./bench run or ./bench generate");
    }

    @Test
    void unknownEngineListsKnownOnes() {
        Cli r = Cli.run("run", "--engine", "nope", "--model", "synthetic:tiny");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.cleanError()).isTrue();
        assertThat(r.err()).contains("unknown engine \"nope\"").contains("fake, fake-baseline");
    }

    @Test
    void missingEngineFlagListsKnownOnes() {
        Cli r = Cli.run("run", "--model", "synthetic:tiny");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--engine is required").contains("fake");
    }

    @Test
    void unavailableEngineExitsThreeWithReason() {
        Cli r = Cli.run("run", "--engine", "offline", "--model", "synthetic:tiny");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.cleanError()).isTrue();
        assertThat(r.err()).contains("offline").contains("no test device on this machine");
    }

    @Test
    void engineWhoseCheckThrowsIsUnavailableNotACrash() {
        Cli r = Cli.run("run", "--engine", "exploding", "--model", "synthetic:tiny");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("libexploding.so");
    }

    @Test
    void listEnginesShowsEachWithItsState() {
        Cli r = Cli.run("run", "--list-engines");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("fake +available +test engine with scripted timings \\(always\\)")
                .containsPattern("offline +unavailable +test engine without its device \\(no test device on this machine\\)")
                .containsPattern("exploding +unavailable .*libexploding.so");
    }

    @Test
    void anExistingResultsFileIsKeptUnlessForced() throws Exception {
        Path out = dir.resolve("kept.json");
        Files.writeString(out, "{}");
        Cli refused = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick", "--json",
                out.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains(out + " already holds results").contains("--resume").contains("--force");
        assertThat(Files.readString(out)).isEqualTo("{}");
        Cli forced = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick", "--scenarios",
                "Q1", "--json", out.toString(), "--force");
        assertThat(forced.code()).isZero();
        assertThat(Files.readString(out)).contains("\"status\"");
        assertThat(dev.llmbench.runner.output.OutputLock.lockFileOf(out)).doesNotExist();
    }

    @Test
    void aResultsFileAnotherRunIsWritingIsRefusedNamingTheProcess() throws Exception {
        Path out = dir.resolve("busy.json");
        try (var held = dev.llmbench.runner.output.OutputLock.acquire(out)) {
            Cli r = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--suite", "quick", "--json",
                    out.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains(out + " is being written by another run (process "
                    + ProcessHandle.current().pid());
            assertThat(r.cleanError()).isTrue();
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void aNativeLibraryThatIsNotThereIsInvalidInput() {
        Path missing = dir.resolve("libllmbench_cuda.so");
        Cli r = Cli.run("run", "--engine", "cuda", "--native-lib", missing.toString(), "--model", "synthetic:tiny");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--native-lib " + missing).contains("no such file");
        assertThat(r.cleanError()).isTrue();
    }

    @Test
    void nativeEnginesWithoutTheirLibraryAreListedAsUnavailable() {
        Cli r = Cli.run("run", "--list-engines");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("metal +unavailable .*libllmbench_metal.dylib");
    }

    @Test
    void missingModelFolderNamesItAndTheFix() {
        Path missing = dir.resolve("no-such-model");
        Cli r = Cli.run("run", "--engine", "fake", "--model", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.cleanError()).isTrue();
        assertThat(r.err()).contains(missing.toString()).contains("no such folder").contains("synthetic:NAME");
    }

    @Test
    void modelFolderWithoutConfigIsRefused() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("empty-model"));
        Cli r = Cli.run("run", "--engine", "fake", "--model", folder.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no config.json");
        Path file = Files.writeString(dir.resolve("model.bin"), "x");
        assertThat(Cli.run("run", "--engine", "fake", "--model", file.toString()).err()).contains("not a folder");
    }

    @Test
    void engineRefusingTheModelIsInvalidInput() {
        Cli r = Cli.run("run", "--engine", "fake", "--model", "synthetic:huge", "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("engine fake cannot load model synthetic:huge: unknown synthetic model huge");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void releaseTagWithPathTricksIsRefused() {
        for (String tag : new String[]{"../escape", "a/b", "..", ".hidden", "v1..2"}) {
            Cli r = runFake("--release", tag);
            assertThat(r.code()).as(tag).isEqualTo(2);
            assertThat(r.err()).as(tag).contains("--release");
        }
        assertThat(Files.exists(dir.resolve("out.json"))).isFalse();
    }

    @Test
    void unknownScenarioListsTheSuitesIds() {
        Cli r = runFake("--suite", "quick", "--scenarios", "Q1,S9");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown scenario S9 in suite quick; it has Q1, Q2, Q3");
    }

    @Test
    void runCountsOutOfRangeAreRefused() {
        assertThat(runFake("--runs", "0").err()).contains("--runs must be between 1 and 1000, got 0");
        assertThat(runFake("--warmup", "-1").code()).isEqualTo(2);
        assertThat(runFake("--threads", "-2").err()).contains("--threads");
        assertThat(runFake("--prefill-seq-len", "0").err()).contains("--prefill-seq-len must be greater than 0");
    }

    @Test
    void cacheTooSmallForASuiteNamesTheScenario() {
        Cli r = runFake("--max-cache-len", "1000");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("scenario S5 (1024 prompt + 128 generated tokens) needs a KV cache of 1151 tokens")
                .contains("--max-cache-len");
    }

    @Test
    void baselineMustBeAnotherEngine() {
        assertThat(runFake("--baseline", "fake").err()).contains("--baseline fake is the engine being run");
        assertThat(runFake("--baseline", "nope").err()).contains("unknown engine \"nope\" given to --baseline");
        assertThat(runFake("--baseline", "offline").code()).isEqualTo(3);
    }

    @Test
    void outputThatCannotBeWrittenIsRefusedBeforeTheModelLoads() throws IOException {
        Cli folder = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny", "--json", dir.toString());
        assertThat(folder.code()).isEqualTo(2);
        assertThat(folder.err()).contains("--json " + dir + " is a folder");
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Cli parent = Cli.scripted("run", "--engine", "fake", "--model", "synthetic:tiny",
                "--json", file.resolve("out.json").toString());
        assertThat(parent.code()).isEqualTo(2);
        assertThat(parent.err()).contains("the folder " + file + " cannot be created or written");
    }

    @Test
    void missingSuiteFile() {
        Cli r = runFake("--suite", dir.resolve("none.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("none.json").contains("no such file").contains("default, quick");
    }

    @Test
    void suiteFileThatIsNotJson() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.json"), "{\"name\": \"x\",\n  \"runs\": }");
        Cli r = runFake("--suite", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.cleanError()).isTrue();
        assertThat(r.err()).contains(f.toString()).contains("not valid JSON at line 2");
    }

    @Test
    void suiteFileWithAWrongValueNamesTheJsonPath() throws IOException {
        Path f = Files.writeString(dir.resolve("suite.json"), """
                {"name": "mine", "warmup": 1, "runs": 2, "scenarios": [
                  {"id": "A", "prompt_tokens": 8, "decode_tokens": 4},
                  {"id": "B", "prompt_tokens": "many", "decode_tokens": 4}]}
                """);
        Cli r = runFake("--suite", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(f + " at $.scenarios[1].prompt_tokens: expected an integer in [1, 1048576], got \"many\"");
    }

    @Test
    void suiteFileProblemsEachNamed() throws IOException {
        String[][] cases = {
                {"{\"name\": \"m\", \"warmup\": 1, \"runs\": 2, \"scenarios\": [{\"id\": \"A\", \"prompt_tokens\": 8, \"decode_tokens\": 1}]}",
                        "$.scenarios[0].decode_tokens: expected an integer in [2, "},
                {"{\"name\": \"m\", \"warmup\": 1, \"runs\": 2, \"scenario\": []}", "$.scenario: unknown key"},
                {"{\"name\": \"m\", \"warmup\": 1, \"runs\": 2, \"scenarios\": []}", "$.scenarios: expected a non-empty array"},
                {"{\"name\": \"m\", \"runs\": 2, \"scenarios\": [{\"id\": \"A\", \"prompt_tokens\": 8, \"decode_tokens\": 4}]}",
                        "$.warmup: missing"},
                {"{\"name\": \"m\", \"warmup\": 1, \"runs\": 2, \"scenarios\": [{\"id\": \"A\", \"prompt_tokens\": 8, \"decode_tokens\": 4},"
                        + " {\"id\": \"A\", \"prompt_tokens\": 9, \"decode_tokens\": 4}]}", "$.scenarios[1].id: scenario id \"A\" appears twice"},
                {"{\"name\": \"m\", \"warmup\": 1, \"runs\": 2, \"scenarios\": [{\"id\": \"../x\", \"prompt_tokens\": 8, \"decode_tokens\": 4}]}",
                        "$.scenarios[0].id: expected 1-32 letters"},
                {"[1, 2]", "at $: expected a JSON object"},
        };
        for (String[] c : cases) {
            Path f = Files.writeString(dir.resolve("case.json"), c[0]);
            Cli r = runFake("--suite", f.toString());
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(f.toString()).contains(c[1]);
            assertThat(r.cleanError()).as(c[0]).isTrue();
        }
    }

    @Test
    void resumeFileThatIsNotAResultsFile() throws IOException {
        Path f = Files.writeString(dir.resolve("old.json"), "{\"schema_version\": 1}");
        Cli r = Cli.run("run", "--engine", "fake", "--model", "synthetic:tiny", "--resume", f.toString(), "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --resume: " + f);
    }
}
