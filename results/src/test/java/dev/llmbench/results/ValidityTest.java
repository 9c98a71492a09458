package dev.llmbench.results;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValidityTest {
    private static RunSample run(int index, double ttft, double step, List<Integer> ids) {
        return new RunSample(index, false, ttft, List.of(step, step), ids, null);
    }

    @Test
    void steadySamplesGiveNoWarning() {
        ScenarioResult a = new ScenarioResult("A", 16, 3, List.of(run(0, 1.0, 2.0, List.of(1, 2, 3)), run(1, 1.0, 2.0, List.of(1, 2, 3))));
        ScenarioResult b = new ScenarioResult("B", 64, 3, List.of(run(0, 3.0, 2.0, List.of(1, 2, 3)), run(1, 3.1, 2.0, List.of(1, 2, 3))));
        assertThat(Validity.check(List.of(a, b), 10)).isEmpty();
    }

    @Test
    void outOfVocabularyAndMissingIdsAreFlagged() {
        ScenarioResult shortIds = new ScenarioResult("A", 16, 3, List.of(run(0, 1.0, 2.0, List.of(1, 2))));
        ScenarioResult badId = new ScenarioResult("B", 64, 3, List.of(run(0, 3.0, 2.0, List.of(1, 2, 99))));
        assertThat(Validity.check(List.of(shortIds, badId), 10)).extracting(Warning::code)
                .containsExactly("token_count_mismatch", "invalid_token_id");
    }

    @Test
    void equalTtftAtTwoLengthsIsFlaggedOnTheLongerOne() {
        ScenarioResult a = new ScenarioResult("A", 16, 3, List.of(run(0, 2.0, 2.0, List.of(1, 2, 3))));
        ScenarioResult b = new ScenarioResult("B", 64, 3, List.of(run(0, 2.0, 2.0, List.of(1, 2, 3))));
        List<Warning> w = Validity.check(List.of(b, a), 10);
        assertThat(w).extracting(Warning::code).containsExactly("ttft_not_growing");
        assertThat(w.getFirst().scenario()).isEqualTo("B");
        assertThat(w.getFirst().message()).contains("64 tokens took 2.000 ms, 16 tokens (A) took 2.000 ms");
    }

    @Test
    void flatTtftOverAFourfoldPromptIsFlaggedOnce() {
        List<Validity.PromptTtft> flat = List.of(new Validity.PromptTtft("S1", 16, 10.0),
                new Validity.PromptTtft("S2", 64, 10.5), new Validity.PromptTtft("S3", 256, 11.0));
        Warning w = Validity.ttftGrowth(flat).orElseThrow();
        assertThat(w.code()).isEqualTo("ttft_not_growing");
        assertThat(w.scenario()).isNull();
        assertThat(w.message()).contains("between 10.0 and 11.0 ms", "from 16 to 256 tokens");
        List<Validity.PromptTtft> growing = List.of(new Validity.PromptTtft("S1", 16, 10.0),
                new Validity.PromptTtft("S3", 256, 40.0));
        assertThat(Validity.ttftGrowth(growing)).isEmpty();
    }

    @Test
    void aReaderDecidesTheRulesAgainAndKeepsRuntimeWarnings() {
        ScenarioResult noisy = new ScenarioResult("A", 16, 3, List.of(run(0, 1.0, 2.0, List.of(1, 2, 3)),
                run(1, 2.0, 2.0, List.of(1, 2, 3))));
        List<Warning> recorded = List.of(Validity.nonFiniteLogits("A"),
                new Warning("high_cv", "an older runner's wording", "A"),
                new Warning("token_count_mismatch", "no longer true", "A"),
                new Warning("invalid_token_id", "decided with the vocabulary", "A"));
        BenchmarkResults base = ResultsFixtures.cpuComplete();
        BenchmarkResults file = new BenchmarkResults(base.schemaVersion(), base.run(), base.environment(), base.engine(),
                base.model(), base.protocol(), base.load(), List.of(noisy), recorded);
        List<Warning> shown = Validity.recheck(file);
        assertThat(shown).extracting(Warning::code).containsExactly("nan_logits", "invalid_token_id", "high_cv");
        assertThat(shown.get(2).message()).contains("TTFT 47.1%");
    }
}
