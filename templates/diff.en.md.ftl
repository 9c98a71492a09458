<#-- English release comparison page. Every value is a string the generator formatted and escaped. -->
# Release comparison: ${old} → ${new}

The change of each metric's median, with a verdict. Lower TTFT is better; higher TPS is better.
A cell is better or worse only when the median moves by at least ${threshold} and a two-sided Mann-Whitney U test of
the raw samples agrees (p < ${alpha}). A smaller move is "unchanged"; a larger one the test cannot confirm (or one
without samples) is "inconclusive".
<#if regression>

!!! warning "Regression"
    At least one metric got significantly worse.
</#if>

| Engine | ID | Metric | Old | New | Change | p | Verdict |
|--------|----|--------|-----|-----|--------|---|---------|
<#list rows as r>
| ${r.engine} | ${r.scenario} | ${r.metric} | ${r.old} | ${r.new} | ${r.change} | ${r.p} | ${r.verdict} |
</#list>
<#if unmatched?has_content>

Not compared:

<#list unmatched as u>
- ${u}
</#list>
</#if>
