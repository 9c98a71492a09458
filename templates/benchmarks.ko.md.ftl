<#-- 한국어 릴리스 페이지 (mkdocs-material Markdown). 값은 모두 생성기가 형식화하고 이스케이프한 문자열입니다. -->
# 벤치마크

릴리스 `${releaseCode}`에서 ${engineLabels} 엔진으로 측정한 ${modelNames} 성능 벤치마크입니다.
<#if allLegacy>
이 페이지는 이전 Python 도구가 남긴 `benchmark_results.json`을 가져와 만들었습니다. 아래 경고를 함께 읽어 주세요.
</#if>
<#if warnings?has_content>

!!! warning "유효성 경고"
<#list warnings as w>
    - ${w.text}
</#list>
</#if>

## 측정 방법

- **모델**: ${models}
<#if settings?has_content>
- **엔진 설정**: ${settings}
</#if>
<#if allLegacy>
- **측정**: ${warmupRuns}회 워밍업 후 ${measuredRuns}회 실행, 중앙값 및 표준편차 기록 (이전 도구: 모집단 표준편차)
<#else>
- **측정**: ${warmupRuns}회 워밍업 후 ${measuredRuns}회 실행, 중앙값 ± 표본 표준편차(n − 1) 기록, 원시 샘플 보존
</#if>
<#if hasScenarios>
- **지표**: TTFT (첫 토큰까지 시간), TPS (초당 토큰 수), Prefill 처리량
    - TTFT: 프롬프트를 엔진에 넘긴 순간부터 첫 생성 토큰이 호스트에 도착할 때까지의 실제 경과 시간
    - Decode TPS: (생성 토큰 수 − 1) / 디코드 스텝 시간의 합
    - Prefill TPS: 프롬프트 토큰 수 / TTFT
<#if ignoreEos>
- **EOS**: 무시 (모든 실행이 요청한 수만큼 생성)
<#else>
- **EOS**: 무시하지 않았습니다. EOS에서 일찍 멈춘 실행은 토큰 수가 다를 수 있습니다.
</#if>
</#if>
<#if hasScenarios>

### 시나리오

| ID | 프롬프트 | 디코드 | 설명 |
|----|---------|--------|------|
<#list scenarios as s>
| ${s.id} | ${s.prompt} | ${s.decode} | ${s.description} |
</#list>
</#if>

## 결과

!!! note "실행 환경"
<#list environments as e>
    ${e}

</#list>
    결과는 하드웨어에 따라 달라질 수 있습니다.
<#list engines as e>

### ${e.label}
<#if e.rows?has_content>

| ID | 프롬프트 | 디코드 | TTFT (ms) | Decode TPS | Prefill TPS |
|----|---------|--------|-----------|------------|-------------|
<#list e.rows as r>
| ${r.id} | ${r.prompt} | ${r.decode} | ${r.ttft} | ${r.decodeTps} | ${r.prefillTps} |
</#list>
</#if>

| 지표 | 값 |
|------|-----|
<#list e.metrics as m>
| ${m.name} | ${m.value} |
</#list>
<#if e.concurrency?has_content>

동시 스트림 수별 결과입니다. 출력 처리량은 한 라운드에 모든 스트림이 생성한 토큰 수를 라운드 시간(첫 요청부터 마지막 토큰까지)으로 나눈 값의 중앙값이고, TTFT와 토큰 간 지연은 스트림마다 잰 값의 p50 / p90 / p99입니다.

| ID | 스트림 | 출력 처리량 (토큰/초) | TTFT p50 / p90 / p99 (ms) | 토큰 간 지연 p50 / p90 / p99 (ms) |
|----|--------|----------------------|---------------------------|-----------------------------------|
<#list e.concurrency as c>
| ${c.id} | ${c.streams} | ${c.output} | ${c.ttft} | ${c.itl} |
</#list>
</#if>
</#list>
<#if baseline?? && speedups?has_content>

### 속도 향상

**${baseline}** 엔진을 기준선으로 삼았습니다. 값은 기준선에 대한 배율이며 1보다 크면 기준선보다 빠릅니다
(TTFT는 기준선 TTFT / 엔진 TTFT, TPS는 엔진 TPS / 기준선 TPS, 모두 중앙값 기준).
Prefill TPS는 프롬프트 토큰 수 / TTFT라서 배율이 TTFT와 같으므로 한 열에 함께 적었습니다.

| ID | 엔진 | TTFT · Prefill TPS | Decode TPS |
|----|------|--------------------|------------|
<#list speedups as s>
| ${s.id} | ${s.engine} | ${s.ttft} | ${s.decode} |
</#list>
</#if>
<#if hasScenarios>

### 차트

<#if charts.benchmark_chart??>
![벤치마크 차트](${charts.benchmark_chart})

</#if>
**차트 1 — 프롬프트 길이별 TTFT**: 프롬프트 길이에 따른 prefill 지연 시간 (중앙값, 오차 막대는 표준편차).
선형 스케일링은 효율적인 chunked prefill을 나타냅니다.

**차트 2 — 스텝별 Decode TPS**: 가장 긴 디코드 시나리오(${longestDecode.id})에서 각 스텝의 디코드 처리량과 그 중앙값 선.
평평한 선은 성능 저하 없이 일관된 디코드 성능을 나타냅니다.

**차트 3 — 시나리오별 처리량**: 모든 시나리오의 Prefill 처리량과 Decode TPS를 비교합니다.
<#if charts.ttft_vs_prompt?? || charts.step_tps?? || charts.throughput??>

개별 차트:<#if charts.ttft_vs_prompt??> [프롬프트 길이별 TTFT](${charts.ttft_vs_prompt})</#if><#if charts.step_tps??> · [스텝별 Decode TPS](${charts.step_tps})</#if><#if charts.throughput??> · [시나리오별 처리량](${charts.throughput})</#if>
</#if>
<#if charts.concurrency??>

![동시 스트림별 처리량과 토큰 간 지연](${charts.concurrency})

**차트 4 — 동시 스트림별 처리량과 토큰 간 지연**: 동시 스트림 수(점마다 표시)를 늘릴 때 전체 출력 처리량과 토큰 간 지연 중앙값이 함께 어떻게 달라지는지 보여 줍니다.
</#if>

### 분석 지표

| 지표 | 설명 | 이상적 |
|------|------|--------|
| Prefill 스케일링 | 프롬프트 토큰당 TTFT 증가 (ms/token): 서로 다른 프롬프트 길이별 TTFT 중앙값의 최소제곱 기울기, R²는 적합도 | 선형 (R² ≈ 1) |
| Decode TPS CV | 시나리오 간 Decode TPS 중앙값의 변동 계수 (모집단 표준편차 / 평균) | ~0% |
| GPU 활용률 | 디코드 스텝에서 장치 커널 시간 / 스텝 실제 경과 시간 (엔진 측정값) | >95% |
| 커널 오버헤드 | 커널당 실행 오버헤드: (스텝 시간 − 커널 시간) / 커널 수 | <10 us |

엔진이 재지 않은 지표는 "—"로 표시하고 추정값으로 채우지 않습니다. "(추정)"은 가져온 파일에 들어 있던 추정값에만 붙습니다.
</#if>
<#if context??>

## 컨텍스트 스케일링

KV 캐시가 찰수록 디코드 스텝이 얼마나 느려지는지 측정합니다. 위치마다 KV 캐시를 그 위치까지 채운 뒤 디코드 스텝을 연달아 잽니다.
스텝 시간은 측정 실행의 모든 스텝(워밍업 제외)의 중앙값 ± 표본 표준편차(n − 1)이고, TPS는 1000 / 스텝 시간 중앙값입니다.

<#if context.direct>
- **직접 (랜덤 값)**: 엔진이 랜덤 값(우리 엔진은 `--seed`에서 만든 값)을 KV 캐시에 바로 씁니다. 어텐션이 읽는 바이트는 실제 캐시와 같지만 실제 프롬프트는 아닙니다.
</#if>
<#if context.prefill>
- **prefill**: 그 위치만큼의 프롬프트 토큰을 `prefill_seq_len` 단위로 실제로 prefill해 캐시를 채웁니다.
</#if>
<#if context.legacy>
- **이전 도구의 파일**: 고정 prefill 창 뒤에서 잰 값이며, 위치는 그 창 다음의 디코드 스텝 번호입니다. 이전 도구의 TTFT는 이 고정 창의 prefill 시간이므로 설계상 위치와 상관없이 같습니다.
</#if>
<#list context.engines as e>

### ${e.label}

| 위치 | Decode TPS | 스텝 시간 (ms) | 캐시 채우기 |
|------|------------|----------------|-------------|
<#list e.rows as r>
| ${r.position} | ${r.tps} | ${r.step} | ${r.fill} |
</#list>

- **최고 TPS**: ${e.peakTps} (위치 ${e.peakPosition})
<#if e.ttft??>
- **TTFT (이전 도구)**: ${e.ttft} ms. 고정 prefill 창을 잰 값이라 모든 위치에서 같습니다.
</#if>
</#list>
<#if charts.context_scaling??>

![컨텍스트 스케일링 차트](${charts.context_scaling})

**패널 1 — 캐시 위치별 Decode TPS**: KV 캐시 위치에 따른 디코드 처리량 (log2 x축).

**패널 2 — 캐시 위치별 스텝 시간**: 디코드 스텝 시간의 중앙값과 표본 표준편차 오차 막대 (log2 x축).
</#if>
<#if context.comparison??>

### 엔진 비교

**${context.comparison.reference}** 엔진을 기준으로 삼았습니다. 비율은 위치별 엔진 TPS / 기준 엔진 TPS이며 1보다 크면 기준보다 빠릅니다.

| 위치 |<#list context.comparison.header as h> ${h} |</#list>
|------|<#list context.comparison.header as h>------|</#list>
<#list context.comparison.rows as r>
|<#list r as c> ${c} |</#list>
</#list>
<#if charts.context_comparison??>

![엔진 비교 차트](${charts.context_comparison})

패널 1과 2는 위 차트와 같습니다. **패널 3 — 캐시 위치별 TPS 비율**: 위치마다 각 엔진의 TPS를 기준 엔진의 TPS로 나눈 값이며, 1에 가까울수록 두 엔진의 속도가 같습니다.
</#if>
</#if>
</#if>

## 재현 방법

```bash
# 1. 벤치마크 실행 (엔진별 1회 실행. 시나리오마다 저장되므로 중단해도 결과가 남습니다)
<#if reproduce?has_content>
<#list reproduce as r>
${r}
</#list>
<#else>
./bench run --engine metal --model DIR --suite ${fallbackSuite} --release ${releaseCode} \
    --json benchmarks/results/${releaseCode}/metal-MODEL.json

# CPU 기준선 포함 (java 엔진, 더 느림)
./bench run --engine java --model DIR --suite ${fallbackSuite} --release ${releaseCode} \
    --json benchmarks/results/${releaseCode}/java-MODEL.json
</#if>

# 2. 페이지, 차트, HTML 사이트 생성
./bench site benchmarks/results --out site/ --docs docs/
```

## JSON 결과

<#if allLegacy>
이 페이지는 이전 도구의 결과 파일에서 만들었습니다: <#list files as f>`${f}`<#sep>, </#list>. 그 파일에는 원시 샘플이 없어 중앙값과 표준편차만 남아 있습니다.
<#else>
전체 결과는 <#list files as f>`${f}`<#sep>, </#list>에 저장되며, 실행마다 원시 샘플(`ttft_ms`, `step_ms`)을 모두 담고 있어
자동화된 분석 및 CI 통합에 활용할 수 있습니다.
</#if>
