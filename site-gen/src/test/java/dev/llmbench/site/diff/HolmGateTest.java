package dev.llmbench.site.diff;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pull-request gate's decision: worse cells whose p-value holds after the Holm correction. */
class HolmGateTest {
    private static CellDiff cell(String scenario, double p, Verdict verdict) {
        return new CellDiff(scenario, Metric.DECODE_TPS, 100, verdict == Verdict.WORSE ? 90 : 110, verdict == Verdict.WORSE ? -0.1 : 0.1,
                p, 10, 10, verdict);
    }

    private static ReleaseDiff diff(List<CellDiff> cells) {
        return new ReleaseDiff("base", "head", 0.05, 0.05, List.of(new EngineDiff("java", "m", cells, List.of(), List.of())),
                List.of());
    }

    @Test
    void oneWorseCellAtTheEdgeOfAlphaDoesNotHoldAmongNine() {
        List<CellDiff> cells = new ArrayList<>();
        cells.add(cell("S1", 0.03, Verdict.WORSE));
        for (int i = 2; i <= 9; i++) {
            cells.add(cell("S" + i, 0.5, Verdict.UNCHANGED));
        }
        ReleaseDiff d = diff(cells);

        assertThat(d.hasRegression()).isTrue();             // the per-cell verdict stays
        assertThat(d.regressionsAfterHolm()).isEmpty();     // 0.03 > 0.05 / 9: the gate does not fail
    }

    @Test
    void aClearRegressionHoldsAndTheStepDownStopsAtTheFirstThatDoesNot() {
        List<CellDiff> cells = List.of(
                cell("S1", 0.001, Verdict.WORSE),       // 0.001 <= 0.05 / 4
                cell("S2", 0.002, Verdict.BETTER),      // 0.002 <= 0.05 / 3
                cell("S3", 0.02, Verdict.WORSE),        // 0.02 <= 0.05 / 2
                cell("S4", 0.06, Verdict.WORSE));       // 0.06 > 0.05 / 1: not held
        List<CellDiff> held = diff(cells).regressionsAfterHolm();

        assertThat(held).extracting(CellDiff::scenario).containsExactly("S1", "S3");
    }

    @Test
    void theStepDownStopsAtTheFirstFailureEvenIfALaterPValueWouldPassItsOwnBound() {
        List<CellDiff> cells = List.of(
                cell("S1", 0.02, Verdict.WORSE),        // 0.02 > 0.05 / 3: stops here
                cell("S2", 0.024, Verdict.WORSE),       // would pass 0.05 / 2, but the step-down has stopped
                cell("S3", 0.03, Verdict.WORSE));
        assertThat(diff(cells).regressionsAfterHolm()).isEmpty();
    }
}
