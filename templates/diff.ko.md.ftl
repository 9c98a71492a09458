<#-- 한국어 릴리스 비교 페이지. 값은 모두 생성기가 형식화하고 이스케이프한 문자열입니다. -->
# 릴리스 비교: `${oldRelease}` → `${newRelease}`

<#if regression>
!!! warning "성능 저하"
    유의미하게 나빠진 항목이 ${worse}개 있습니다.

</#if>
두 릴리스의 원시 샘플을 시나리오와 지표별로 비교했습니다. 중앙값 변화가 ${threshold} 이상이고 Mann-Whitney U 정확 검정의
p 값이 ${alpha}보다 작을 때만 **개선** 또는 **저하**로 판정합니다. 중앙값은 변했지만 유의한 차이가 없으면
**판단 보류**, 변화가 ${threshold}보다 작으면 **변화 없음**입니다. TTFT는 낮을수록, TPS는 높을수록 좋습니다.
<#if hasContext>
컨텍스트 스케일링은 KV 캐시 위치별로 비교하며, 스텝 시간은 낮을수록 좋습니다.
</#if>

**요약**: 개선 ${better}, 저하 ${worse}, 변화 없음 ${unchanged}, 판단 보류 ${inconclusive}
<#list engines as e>

## ${e.label} — ${e.model}

<#if e.conditions?has_content>
!!! warning "측정 조건이 다름"
    두 릴리스의 하드웨어, 모델 또는 설정이 달라 차이가 코드 변화만의 결과가 아닐 수 있습니다.

<#list e.conditions as c>
    - `${c.field}`: ${c.old} → ${c.new}
</#list>

</#if>
<#if e.warnings?has_content>
!!! warning "유효성 경고가 있는 실행"
    비교한 실행에 유효성 경고가 있습니다. 판정 해석에 주의하세요.

<#list e.warnings as w>
    - `${w.release}`: `${w.code}`<#if w.scenarios?has_content> (${w.scenarios})</#if>
</#list>

</#if>
| 시나리오 | 지표 | ${oldRelease} | ${newRelease} | 변화 | p | 판정 |
|---------|------|------|------|------|---|------|
<#list e.rows as r>
| ${r.scenario} | ${r.metric} | ${r.old} | ${r.new} | ${r.change} | ${r.p} | ${r.verdict} |
</#list>
<#if e.onlyOld?has_content>

`${oldRelease}`에만 있는 시나리오: ${e.onlyOld}
</#if>
<#if e.onlyNew?has_content>

`${newRelease}`에만 있는 시나리오: ${e.onlyNew}
</#if>
<#if e.onlyOldPositions?has_content>

`${oldRelease}`에만 있는 컨텍스트 위치: ${e.onlyOldPositions}
</#if>
<#if e.onlyNewPositions?has_content>

`${newRelease}`에만 있는 컨텍스트 위치: ${e.onlyNewPositions}
</#if>
</#list>
<#if unmatched?has_content>

## 비교하지 않은 실행

<#list unmatched as u>
- ${u}
</#list>
</#if>
