package dev.llmbench.runner.measure;

import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Warning;
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
}
