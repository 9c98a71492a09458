package dev.llmbench.results;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {
    @Test
    void sampleStatisticsOfKnownValues() {
        // reference: R> x <- c(2,4,4,4,5,5,7,9); median(x) = 4.5; sd(x) = 2.138090
        Statistics s = Statistics.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertThat(s.median()).isEqualTo(4.5);
        assertThat(s.stddev()).isCloseTo(2.1380899352993950, within(1e-12));
        assertThat(s.min()).isEqualTo(2);
        assertThat(s.max()).isEqualTo(9);
        assertThat(s.mean()).isEqualTo(5);
    }
}
