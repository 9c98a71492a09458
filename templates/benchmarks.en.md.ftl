<#-- English release page (mkdocs-material Markdown). Every value is a string the generator formatted and escaped. -->
# Benchmarks

Performance of ${modelNames} on ${engineLabels}, release `${releaseCode}`.
<#if allLegacy>
This page was made from a `benchmark_results.json` of the old Python tool; read the warnings below with it.
</#if>
<#if warnings?has_content>

!!! warning "Validity warnings"
<#list warnings as w>
    - ${w.text}
</#list>
</#if>

## Method

- **Model**: ${models}
<#if settings?has_content>
- **Engine settings**: ${settings}
</#if>
<#if allLegacy>
- **Measurement**: ${warmupRuns} warm-up runs, then ${measuredRuns} measured runs; median and standard deviation (the old tool: population standard deviation)
<#else>
- **Measurement**: ${warmupRuns} warm-up runs, then ${measuredRuns} measured runs; median ± sample standard deviation (n − 1); raw samples kept
</#if>
<#if hasScenarios>
- **Metrics**: TTFT (time to first token), TPS (tokens per second), prefill throughput
    - TTFT: wall clock from handing the prompt to the engine until the first generated token is on the host
    - Decode TPS: (generated tokens − 1) / sum of the decode step times
    - Prefill TPS: prompt tokens / TTFT
<#if ignoreEos>
- **EOS**: ignored; every run generates exactly the requested number of tokens.
<#else>
- **EOS**: not ignored; runs that stopped early at EOS may differ in token count.
</#if>
</#if>
<#if hasScenarios>

### Scenarios

| ID | Prompt | Decode | Description |
|----|--------|--------|-------------|
<#list scenarios as s>
| ${s.id} | ${s.prompt} | ${s.decode} | ${s.description} |
</#list>
</#if>

## Results

!!! note "Environment"
<#list environments as e>
    ${e}

</#list>
    Results depend on the hardware.
<#list engines as e>

### ${e.label}
<#if e.rows?has_content>

| ID | Prompt | Decode | TTFT (ms) | Decode TPS | Prefill TPS |
|----|--------|--------|-----------|------------|-------------|
<#list e.rows as r>
| ${r.id} | ${r.prompt} | ${r.decode} | ${r.ttft} | ${r.decodeTps} | ${r.prefillTps} |
</#list>
</#if>

| Metric | Value |
|--------|-------|
<#list e.metrics as m>
| ${m.name} | ${m.value} |
</#list>
<#if e.concurrency?has_content>

By number of simultaneous streams. Output throughput is the median over rounds of every stream's tokens divided by the round's time (first request to last token); TTFT and inter-token latency are p50 / p90 / p99 over the streams.

| ID | Streams | Output (tokens/s) | TTFT p50 / p90 / p99 (ms) | Inter-token p50 / p90 / p99 (ms) |
|----|---------|-------------------|---------------------------|----------------------------------|
<#list e.concurrency as c>
| ${c.id} | ${c.streams} | ${c.output} | ${c.ttft} | ${c.itl} |
</#list>
</#if>
</#list>
<#if baseline?? && speedups?has_content>

### Speed-up

The baseline is **${baseline}**. Each value is a multiple of the baseline; above 1 is faster than the baseline
(TTFT: baseline TTFT / engine TTFT; TPS: engine TPS / baseline TPS; medians). Prefill TPS is prompt tokens / TTFT,
so its ratio is the TTFT ratio: one column shows both.

| ID | Engine | TTFT · Prefill TPS | Decode TPS |
|----|--------|--------------------|------------|
<#list speedups as s>
| ${s.id} | ${s.engine} | ${s.ttft} | ${s.decode} |
</#list>
</#if>
<#if hasScenarios>

### Charts

<#if charts.benchmark_chart??>
![Benchmark charts](${charts.benchmark_chart})

</#if>
**Chart 1 — TTFT vs prompt length**: prefill latency by prompt length (median, error bars one standard deviation).
Linear scaling indicates an efficient chunked prefill.

**Chart 2 — per-step TPS**: decode throughput of each step in the longest decode scenario (${longestDecode.id}), with its median line.
A flat line means steady decode performance without degradation.

**Chart 3 — throughput by scenario**: prefill throughput and decode TPS side by side for every scenario.
<#if charts.ttft_vs_prompt?? || charts.step_tps?? || charts.throughput??>

Single panels:<#if charts.ttft_vs_prompt??> [TTFT vs prompt length](${charts.ttft_vs_prompt})</#if><#if charts.step_tps??> · [per-step TPS](${charts.step_tps})</#if><#if charts.throughput??> · [throughput by scenario](${charts.throughput})</#if>
</#if>
<#if charts.concurrency??>

![Throughput vs latency by concurrency](${charts.concurrency})

**Chart 4 — Throughput vs latency by concurrency**: how the total output throughput and the median inter-token latency change together as the number of simultaneous streams (marked at each point) grows.
</#if>

### Analysis metrics

| Metric | Meaning | Ideal |
|--------|---------|-------|
| Prefill scaling | TTFT growth per prompt token (ms/token): least-squares slope of median TTFT over the distinct prompt lengths; R² tells how well a line fits | linear (R² ≈ 1) |
| Decode TPS CV | coefficient of variation of the scenarios' median decode TPS (population stddev / mean) | ~0% |
| GPU utilisation | device kernel time / step wall time during decode, as measured by the engine | >95% |
| Kernel overhead | launch overhead per kernel: (step time − kernel time) / kernel count | <10 us |

A metric the engine did not measure shows "—"; no number is made up. "(estimated)" marks only estimates carried by an imported file.
</#if>
<#if context??>

## Context scaling

How much a decode step slows down as the KV cache fills. At each position the KV cache is filled up to that position, then decode steps are timed one after another.
The step time is the median ± sample standard deviation (n − 1) of every step of the measured runs (warm-ups left out); TPS is 1000 / the median step time.

<#if context.direct>
- **direct (random values)**: the engine writes random values (ours: from `--seed`) straight into its KV cache. Attention reads the same bytes as from a real cache, but it is not a real prompt.
</#if>
<#if context.prefill>
- **prefill**: the cache is filled by a real prefill of that many prompt tokens, in chunks of `prefill_seq_len`.
</#if>
<#if context.legacy>
- **Old tool's file**: measured after a fixed prefill window; a position is the decode step number after that window. The old tool's TTFT is the prefill of that fixed window, so it is the same at every position by design.
</#if>
<#list context.engines as e>

### ${e.label}

| Position | Decode TPS | Step time (ms) | Cache fill |
|----------|------------|----------------|------------|
<#list e.rows as r>
| ${r.position} | ${r.tps} | ${r.step} | ${r.fill} |
</#list>

- **Peak TPS**: ${e.peakTps} (position ${e.peakPosition})
<#if e.ttft??>
- **TTFT (old tool)**: ${e.ttft} ms. It times the fixed prefill window, so it is the same at every position.
</#if>
</#list>
<#if charts.context_scaling??>

![Context scaling chart](${charts.context_scaling})

**Panel 1 — Decode TPS by cache position**: decode throughput over the KV cache position (log2 x axis).

**Panel 2 — Step time by cache position**: median decode step time with sample standard deviation error bars (log2 x axis).
</#if>
<#if context.comparison??>

### Engine comparison

Ratios are taken against **${context.comparison.reference}**: engine TPS / reference TPS at each position; above 1 is faster than the reference.

| Position |<#list context.comparison.header as h> ${h} |</#list>
|----------|<#list context.comparison.header as h>------|</#list>
<#list context.comparison.rows as r>
|<#list r as c> ${c} |</#list>
</#list>
<#if charts.context_comparison??>

![Engine comparison chart](${charts.context_comparison})

Panels 1 and 2 are those of the chart above. **Panel 3 — TPS ratio by cache position**: each engine's TPS over the reference engine's at every position; 1 means the same speed.
</#if>
</#if>
</#if>

## How to reproduce

```bash
# 1. Run the benchmark (once per engine; the results file is updated after every scenario, so an interrupted run keeps what it measured)
<#if reproduce?has_content>
<#list reproduce as r>
${r}
</#list>
<#else>
./bench run --engine metal --model DIR --suite ${fallbackSuite} --release ${releaseCode} \
    --json benchmarks/results/${releaseCode}/metal-MODEL.json

# With the CPU baseline (the java engine; slower)
./bench run --engine java --model DIR --suite ${fallbackSuite} --release ${releaseCode} \
    --json benchmarks/results/${releaseCode}/java-MODEL.json
</#if>

# 2. Build the pages, charts and HTML site
./bench site benchmarks/results --out site/ --docs docs/
```

## JSON results

<#if allLegacy>
This page was made from the old tool's results file: <#list files as f>`${f}`<#sep>, </#list>. That file keeps no raw samples, only medians and spreads.
<#else>
The full results are stored in <#list files as f>`${f}`<#sep>, </#list>, with every raw sample of every run (`ttft_ms`, `step_ms`),
ready for automated analysis and CI.
</#if>
