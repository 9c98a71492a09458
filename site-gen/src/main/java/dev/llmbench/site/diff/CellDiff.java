package dev.llmbench.site.diff;

/**
 * One metric of one scenario, old release against new.
 *
 * @param scenario  scenario id
 * @param metric    what was compared
 * @param oldMedian median of the old release's runs
 * @param newMedian median of the new release's runs
 * @param change    relative change of the median, (new - old) / old (0.05 = +5 %)
 * @param pValue    two-sided p-value of the exact Mann-Whitney U test on the raw samples, or null without samples
 * @param oldRuns   measured runs behind the old median (0 for imported summaries)
 * @param newRuns   measured runs behind the new median
 * @param verdict   better, worse, unchanged or inconclusive
 */
public record CellDiff(String scenario, Metric metric, double oldMedian, double newMedian, double change, Double pValue,
                       int oldRuns, int newRuns, Verdict verdict) {
}
