package dev.llmbench.site.diff;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;

import java.util.function.Function;

/** A compared metric and the direction in which it gets better. */
public enum Metric {
    TTFT("ttft_ms", "ms", false, ScenarioSummary::ttftMs),
    DECODE_TPS("decode_tps", "tok/s", true, ScenarioSummary::decodeTps),
    PREFILL_TPS("prefill_tps", "tok/s", true, ScenarioSummary::prefillTps),
    /** The context suite's step time at one KV cache position; a cell's scenario is the position. */
    CONTEXT_STEP_MS("context_step_ms", "ms", false, s -> null);

    private final String key;
    private final String unit;
    private final boolean higherIsBetter;
    private final Function<ScenarioSummary, Summary> value;

    Metric(String key, String unit, boolean higherIsBetter, Function<ScenarioSummary, Summary> value) {
        this.key = key;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
    }

    /** JSON key, e.g. {@code ttft_ms}. */
    @JsonValue
    public String key() {
        return key;
    }

    public String unit() {
        return unit;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    Summary of(ScenarioSummary s) {
        return value.apply(s);
    }
}
