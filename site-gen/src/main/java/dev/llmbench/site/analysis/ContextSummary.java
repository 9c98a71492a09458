package dev.llmbench.site.analysis;

import dev.llmbench.results.CacheFill;

/**
 * One KV cache position of the context suite, summarised over every measured decode step of every measured run.
 *
 * @param position KV cache entries already there when the first timed step ran
 * @param fill     how the cache was filled to the position
 * @param steps    decode steps timed per run
 * @param stepMs   step time, ms: median, sample stddev (imported files: the old tool's population stddev, flagged)
 * @param tps      decode tokens per second at the position: 1000 / median step ms
 * @param ttftMs   imported files only: the old tool's TTFT, a prefill of its fixed window that is the same at every
 *                 position by design; null for our files
 */
public record ContextSummary(int position, CacheFill fill, int steps, Summary stepMs, double tps, Double ttftMs) {
    public ContextSummary {
        if (position < 1) {
            throw new IllegalArgumentException("position must be >= 1, got " + position);
        }
        if (fill == null || stepMs == null) {
            throw new IllegalArgumentException("fill and stepMs are required");
        }
    }
}
