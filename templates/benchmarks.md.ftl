<#-- The release page (mkdocs-material Markdown), one template for every language. Its words come from the page
     language's message bundle through text("key", args...): site-gen's Messages.properties (English) and
     Messages_ko.properties (Korean), where {0}, {1}... are the arguments. Every value is a string the generator
     formatted and escaped. -->
# ${text("page.title")}

${text("page.intro", releaseCode, engineLabels, modelNames)}
<#if allLegacy>
${text("page.legacyIntro")}
</#if>
<#if warnings?has_content>

!!! warning "${text("warning.title")}"
<#list warnings as w>
    - ${w.text}
</#list>
</#if>

## ${text("page.method")}

- **${text("page.model")}**: ${models}
<#if allLegacy>
- **${text("page.measurement")}**: ${text("page.measurement.legacy", warmupRuns, measuredRuns)}
<#else>
- **${text("page.measurement")}**: ${text("page.measurement.runs", warmupRuns, measuredRuns)}
</#if>
<#if hasScenarios>
- **${text("page.metrics")}**: ${text("page.metrics.list")}
    - TTFT: ${text("page.metrics.ttft")}
    - Decode TPS: ${text("page.metrics.decodeTps")}
    - Prefill TPS: ${text("page.metrics.prefillTps")}
<#if ignoreEos>
- **EOS**: ${text("page.eos.ignored")}
<#else>
- **EOS**: ${text("page.eos.kept")}
</#if>
</#if>
<#if hasScenarios>

### ${text("page.scenarios")}

${text("page.scenarios.head")}
<#list scenarios as s>
| ${s.id} | ${s.prompt} | ${s.decode} | ${s.description} |
</#list>
</#if>
<#if settingsTable??>

### ${text("page.settings")}

${text("page.settings.intro")}<#if settingsTable.perSuite> ${text("page.settings.introSuites")}</#if>

| ${text("page.settings.key")} |<#list settingsTable.engines as e> ${e} |</#list>
|---|<#list settingsTable.engines as e>---|</#list>
<#list settingsTable.rows as r>
| ${r.key} |<#list r.values as v> ${v} |</#list>
</#list>
</#if>

## ${text("page.results")}

!!! note "${text("page.environment")}"
<#list environments as e>
    ${e}

</#list>
    ${text("page.environment.note")}
<#list engines as e>

### ${e.label}
<#if e.rows?has_content>

${text("page.results.head")}
<#list e.rows as r>
| ${r.id} | ${r.prompt} | ${r.decode} | ${r.ttft} | ${r.decodeTps} | ${r.prefillTps} |
</#list>
</#if>

${text("page.metricTable.head")}
<#list e.metrics as m>
| ${m.name} | ${m.value} |
</#list>
<#list e.suiteMetrics as t>

${t.head}
<#list t.metrics as m>
| ${m.name} | ${m.value} |
</#list>
</#list>
<#if e.concurrency?has_content>

${text("page.concurrency.intro")}

${text("page.concurrency.head")}
<#list e.concurrency as c>
| ${c.id} | ${c.streams} | ${c.output} | ${c.ttft} | ${c.itl} |
</#list>
</#if>
</#list>
<#if baseline?? && speedups?has_content>

### ${text("page.speedup")}

${text("page.speedup.intro", baseline)}

${text("page.speedup.head")}
<#list speedups as s>
| ${s.id} | ${s.engine} | ${s.ttft} | ${s.decode} |
</#list>
</#if>
<#if hasScenarios>

### ${text("page.charts")}

<#if charts.benchmark_chart??>
![${text("page.chart.combined")}](${charts.benchmark_chart})

</#if>
**${text("page.chart.n", 1)} — ${text("page.chart.ttft")}**: ${text("page.chart.ttft.caption")}

**${text("page.chart.n", 2)} — ${text("page.chart.stepTps")}**: ${text("page.chart.stepTps.caption", longestDecode.id)}

**${text("page.chart.n", 3)} — ${text("page.chart.throughput")}**: ${text("page.chart.throughput.caption")}
<#if charts.ttft_vs_prompt?? || charts.step_tps?? || charts.throughput??>

${text("page.chart.single")}:<#if charts.ttft_vs_prompt??> [${text("page.chart.ttft")}](${charts.ttft_vs_prompt})</#if><#if charts.step_tps??> · [${text("page.chart.stepTps")}](${charts.step_tps})</#if><#if charts.throughput??> · [${text("page.chart.throughput")}](${charts.throughput})</#if>
</#if>
<#if charts.concurrency??>

![${text("page.chart.concurrency")}](${charts.concurrency})

**${text("page.chart.n", 4)} — ${text("page.chart.concurrency")}**: ${text("page.chart.concurrency.caption")}
</#if>

### ${text("page.analysis")}

${text("page.analysis.head")}
| ${text("metric.prefillScaling")} | ${text("page.analysis.prefillScaling")} | ${text("page.analysis.prefillScaling.ideal")} |
| ${text("metric.decodeCv")} | ${text("page.analysis.decodeCv")} | ~0% |
| ${text("metric.gpuUtil")} | ${text("page.analysis.gpuUtil")} | >95% |
| ${text("metric.kernelOverhead")} | ${text("page.analysis.kernelOverhead")} | <10 us |

${text("page.analysis.note")}
</#if>
<#if context??>

## ${text("page.context")}

${text("page.context.intro")}

<#if context.runs??>
- **${text("page.measurement")}**: ${context.runs}
</#if>
<#if context.direct>
- **${text("context.fill.direct")}**: ${text("page.context.direct")}
</#if>
<#if context.prefill>
- **${text("context.fill.prefill")}**: ${text("page.context.prefill")}
</#if>
<#if context.legacy>
- **${text("page.context.legacy")}**: ${text("page.context.legacy.text")}
</#if>
<#list context.engines as e>

### ${e.label}

${text("page.context.head")}
<#list e.rows as r>
| ${r.position} | ${r.tps} | ${r.step} | ${r.fill} |
</#list>

- **${text("page.context.peak")}**: ${text("page.context.peak.value", e.peakTps, e.peakPosition)}
<#if e.ttft??>
- **${text("page.context.ttft")}**: ${text("page.context.ttft.value", e.ttft)}
</#if>
</#list>
<#if charts.context_scaling??>

![${text("page.context.chart")}](${charts.context_scaling})

**${text("page.context.panel", 1)} — ${text("page.context.panel1")}**: ${text("page.context.panel1.caption")}

**${text("page.context.panel", 2)} — ${text("page.context.panel2")}**: ${text("page.context.panel2.caption")}
</#if>
<#if context.comparison??>

### ${text("page.context.comparison")}

${text("page.context.comparison.intro", context.comparison.reference)}

| ${text("page.context.position")} |<#list context.comparison.header as h> ${h} |</#list>
|${text("page.context.position.rule")}|<#list context.comparison.header as h>------|</#list>
<#list context.comparison.rows as r>
|<#list r as c> ${c} |</#list>
</#list>

${context.comparison.metricsIntro}

| ${text("page.context.metric")} |<#list context.comparison.metricsHeader as h> ${h} |</#list><#list context.comparison.ratioHeader as h> ${h} |</#list>
|------|<#list context.comparison.metricsHeader as h>------|</#list><#list context.comparison.ratioHeader as h>------|</#list>
<#list context.comparison.metrics as r>
|<#list r as c> ${c} |</#list>
</#list>
<#if charts.context_comparison??>

![${text("page.context.comparison.chart")}](${charts.context_comparison})

${text("page.context.comparison.caption")}
</#if>
</#if>
</#if>

## ${text("page.reproduce")}

```bash
# 1. ${text("page.reproduce.run")}
<#if reproduce?has_content>
<#list reproduce as r>
${r}
</#list>
<#else>
./bench run --engine metal --model DIR --suite ${fallbackSuite} --release ${releaseCode} \
    --json benchmarks/results/${releaseCode}/metal-MODEL.json

# ${text("page.reproduce.baseline")}
./bench run --engine java --model DIR --suite ${fallbackSuite} --release ${releaseCode} \
    --json benchmarks/results/${releaseCode}/java-MODEL.json
</#if>

# 2. ${text("page.reproduce.site")}
./bench site benchmarks/results --out site/ --docs docs/
```

## ${text("page.json")}

<#assign fileList = files?map(f -> "`" + f + "`")?join(", ")>
<#if allLegacy>
${text("page.json.legacy", fileList)}
<#else>
${text("page.json.full", fileList)}
</#if>
