<#-- English release comparison page. Every value is a string the generator formatted and escaped. -->
# Release comparison: `${oldRelease}` → `${newRelease}`

<#if regression>
!!! warning "Regression"
    ${worse} cell(s) got significantly worse.

</#if>
The raw samples of both releases are compared per scenario and metric. A cell is **better** or **worse** only
when its median moved by at least ${threshold} and the exact Mann-Whitney U test gives p below ${alpha}. A median
that moved without the test confirming it is **inconclusive**; a move smaller than ${threshold} is **unchanged**.
Lower TTFT is better; higher TPS is better.
<#if hasContext>
Context scaling is compared by KV cache position; a lower step time is better.
</#if>

**Summary**: better ${better}, worse ${worse}, unchanged ${unchanged}, inconclusive ${inconclusive}
<#list engines as e>

## ${e.label} — ${e.model}

<#if e.conditions?has_content>
!!! warning "Measured under different conditions"
    The two releases differ in hardware, model or settings, so a change may not come from the code alone.

<#list e.conditions as c>
    - `${c.field}`: ${c.old} → ${c.new}
</#list>

</#if>
<#if e.warnings?has_content>
!!! warning "Runs with validity warnings"
    A compared run carries validity warnings; read its verdicts with care.

<#list e.warnings as w>
    - `${w.release}`: `${w.code}`<#if w.scenarios?has_content> (${w.scenarios})</#if>
</#list>

</#if>
| Scenario | Metric | ${oldRelease} | ${newRelease} | Change | p | Verdict |
|----------|--------|------|------|--------|---|---------|
<#list e.rows as r>
| ${r.scenario} | ${r.metric} | ${r.old} | ${r.new} | ${r.change} | ${r.p} | ${r.verdict} |
</#list>
<#if e.onlyOld?has_content>

Scenarios only in `${oldRelease}`: ${e.onlyOld}
</#if>
<#if e.onlyNew?has_content>

Scenarios only in `${newRelease}`: ${e.onlyNew}
</#if>
<#if e.onlyOldPositions?has_content>

Context positions only in `${oldRelease}`: ${e.onlyOldPositions}
</#if>
<#if e.onlyNewPositions?has_content>

Context positions only in `${newRelease}`: ${e.onlyNewPositions}
</#if>
</#list>
<#if unmatched?has_content>

## Runs not compared

<#list unmatched as u>
- ${u}
</#list>
</#if>
