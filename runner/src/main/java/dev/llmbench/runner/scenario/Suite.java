package dev.llmbench.runner.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ordered list of scenarios with the number of warm-up and measured runs each gets.
 *
 * @param name       {@code default}, {@code quick}, or the name given in a suite file
 * @param warmupRuns warm-up runs per scenario ({@code >= 0}); recorded, marked, excluded from statistics
 * @param runs       measured runs per scenario ({@code >= 1})
 * @param scenarios  scenarios in the order they run; ids unique
 */
public record Suite(String name, int warmupRuns, int runs, List<Scenario> scenarios) {
    /** Upper bound on runs per scenario: enough for any statistic, low enough that a typo is caught. */
    public static final int MAX_RUNS = 1000;

    public Suite {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("suite name must be a non-empty string");
        }
        if (warmupRuns < 0 || warmupRuns > MAX_RUNS) {
            throw new IllegalArgumentException("warmup must be in [0, " + MAX_RUNS + "], got " + warmupRuns);
        }
        if (runs < 1 || runs > MAX_RUNS) {
            throw new IllegalArgumentException("runs must be in [1, " + MAX_RUNS + "], got " + runs);
        }
        scenarios = List.copyOf(scenarios);
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("a suite needs at least one scenario");
        }
        Set<String> seen = new HashSet<>();
        for (Scenario s : scenarios) {
            if (!seen.add(s.id())) {
                throw new IllegalArgumentException("scenario id " + s.id() + " appears twice");
            }
        }
    }

    public Suite withRuns(Integer newWarmup, Integer newRuns) {
        return new Suite(name, newWarmup == null ? warmupRuns : newWarmup, newRuns == null ? runs : newRuns, scenarios);
    }

    /**
     * The scenarios named in {@code ids}, in suite order.
     *
     * @throws IllegalArgumentException naming the unknown ids and the known ones
     */
    public Suite select(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return this;
        }
        Map<String, Scenario> byId = new LinkedHashMap<>();
        scenarios.forEach(s -> byId.put(s.id(), s));
        List<String> unknown = new ArrayList<>();
        for (String id : ids) {
            if (!byId.containsKey(id)) {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown scenario " + String.join(", ", unknown) + " in suite " + name
                    + "; it has " + String.join(", ", byId.keySet()));
        }
        Set<String> wanted = Set.copyOf(ids);
        return new Suite(name, warmupRuns, runs, scenarios.stream().filter(s -> wanted.contains(s.id())).toList());
    }

    public int maxCacheTokens() {
        return scenarios.stream().mapToInt(Scenario::cacheTokens).max().orElse(0);
    }
}
