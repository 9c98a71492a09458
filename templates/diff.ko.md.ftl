<#-- 한국어 릴리스 비교 페이지. 값은 모두 생성기가 형식화하고 이스케이프한 문자열입니다. -->
# 릴리스 비교: ${old} → ${new}

지표마다 중앙값의 변화와 판정을 보여 줍니다. TTFT는 낮을수록, TPS는 높을수록 좋습니다.
중앙값이 ${threshold} 이상 달라지고 원시 샘플의 Mann-Whitney U 검정(양측, p < ${alpha})도 차이를 보일 때만
개선 또는 저하로 판정합니다. 변화가 ${threshold}보다 작으면 "변화 없음", 크지만 검정이 차이를 보이지 못하면
(또는 샘플이 없으면) "판단 보류"입니다.
<#if regression>

!!! warning "성능 저하"
    유의한 성능 저하가 있습니다.
</#if>

| 엔진 | ID | 지표 | 이전 | 이후 | 변화 | p | 판정 |
|------|----|------|------|------|------|---|------|
<#list rows as r>
| ${r.engine} | ${r.scenario} | ${r.metric} | ${r.old} | ${r.new} | ${r.change} | ${r.p} | ${r.verdict} |
</#list>
<#if unmatched?has_content>

비교하지 못한 항목:

<#list unmatched as u>
- ${u}
</#list>
</#if>
