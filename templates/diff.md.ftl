<#-- The release comparison page, one template for every language; its words come from the page language's message
     bundle through text("key", args...) (see benchmarks.md.ftl). Every value is a string the generator formatted
     and escaped. -->
# ${text("diffPage.title", oldRelease, newRelease)}

<#if regression>
!!! warning "${text("diffPage.regression")}"
    ${text("diffPage.regression.text", worse)}

</#if>
${text("diffPage.intro", threshold, alpha)}
<#if hasContext>
${text("diffPage.context")}
</#if>

**${text("diffPage.summary")}**: ${text("diff.text.tally", better, worse, unchanged, inconclusive)}
<#list engines as e>

## ${e.label} — ${e.model}

<#if e.conditions?has_content>
!!! warning "${text("diffPage.conditions")}"
    ${text("diffPage.conditions.text")}

<#list e.conditions as c>
    - `${c.field}`: ${c.old} → ${c.new}
</#list>

</#if>
<#if e.warnings?has_content>
!!! warning "${text("diffPage.warnings")}"
    ${text("diffPage.warnings.text")}

<#list e.warnings as w>
    - `${w.release}`: `${w.code}`<#if w.scenarios?has_content> (${w.scenarios})</#if>
</#list>

</#if>
| ${text("diff.col.scenario")} | ${text("diff.col.metric")} | ${oldRelease} | ${newRelease} | ${text("diff.col.change")} | p | ${text("diff.col.verdict")} |
${text("diffPage.table.rule")}
<#list e.rows as r>
| ${r.scenario} | ${r.metric} | ${r.old} | ${r.new} | ${r.change} | ${r.p} | ${r.verdict} |
</#list>
<#if e.onlyOld?has_content>

${text("diffPage.scenariosOnlyIn", oldRelease, e.onlyOld)}
</#if>
<#if e.onlyNew?has_content>

${text("diffPage.scenariosOnlyIn", newRelease, e.onlyNew)}
</#if>
<#if e.onlyOldPositions?has_content>

${text("diffPage.positionsOnlyIn", oldRelease, e.onlyOldPositions)}
</#if>
<#if e.onlyNewPositions?has_content>

${text("diffPage.positionsOnlyIn", newRelease, e.onlyNewPositions)}
</#if>
</#list>
<#if unmatched?has_content>

## ${text("diffPage.unmatched")}

<#list unmatched as u>
- ${u}
</#list>
</#if>
