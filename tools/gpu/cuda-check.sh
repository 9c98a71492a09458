#!/usr/bin/env bash
# Builds the CUDA engine and checks it on a GPU machine that has CUDA, CMake and ninja but no JDK or Maven: a Java
# runtime made with jlink (tools/gpu/make-runtime.sh, run where a JDK 25 is) and the built jars travel with the
# checkout. See tools/gpu/README.md.
#
# Usage: tools/gpu/cuda-check.sh OUTDIR [tests] [bench RELEASE [RUNNER OPTIONS...]]
#   tests          the GPU correctness tests (dev.llmbench.engine.gpu.CudaEngineTest) against the fixtures
#   bench RELEASE  ./bench run --engine cuda --model synthetic:qwen2.5-1.5b into OUTDIR/RELEASE/
# Logs and results go to OUTDIR; the exit status is non-zero when the build or a step failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUTDIR=${1:?usage: tools/gpu/cuda-check.sh OUTDIR [tests] [bench RELEASE [options]]}
shift
mkdir -p "$OUTDIR"
RUNTIME=${LLMBENCH_RUNTIME:-.devrun/jre}
status=0

echo "== build native/cuda"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv | tee "$OUTDIR/gpu.txt"
if ! { cmake -S native/cuda -B native/cuda/build -G Ninja -DCMAKE_BUILD_TYPE=Release \
        && cmake --build native/cuda/build; } >"$OUTDIR/build.log" 2>&1; then
  tail -n 60 "$OUTDIR/build.log"
  echo "error: the CUDA build failed; see $OUTDIR/build.log"
  exit 1
fi
grep -E "cuBLAS|error|warning" "$OUTDIR/build.log" | grep -v "^ptxas info" | head -n 20
grep -E "spill" "$OUTDIR/build.log" | grep -v " 0 bytes spill stores, 0 bytes spill loads" | head -n 10

java_opts="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dllmbench.home=$PWD"
while [ $# -gt 0 ]; do
  case "$1" in
    tests)
      shift
      echo "== GPU correctness tests"
      # the runner's classes from its jar when the classes folder did not travel (the carry limit is tight)
      main=runner/target/classes
      [ -d "$main" ] || main=runner/target/llmbench-runner.jar
      cp="runner/target/test-classes:runner/src/test/resources:$main"
      for j in runner/target/lib/*.jar .devrun/assertj-core-*.jar; do cp="$cp:$j"; done
      # shellcheck disable=SC2086
      "$RUNTIME/bin/java" $java_opts -jar .devrun/junit-platform-console-standalone-*.jar execute \
          -cp "$cp" --select-class dev.llmbench.engine.gpu.CudaEngineTest --details=tree --disable-banner \
          2>&1 | tee "$OUTDIR/tests.log"
      [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
      ;;
    bench)
      release=${2:?bench needs a release tag}
      shift 2
      extra=()
      while [ $# -gt 0 ] && [ "$1" != tests ] && [ "$1" != bench ]; do extra+=("$1"); shift; done
      echo "== ./bench run --engine cuda (release $release)"
      mkdir -p "$OUTDIR/$release"
      JAVA_HOME=$RUNTIME LLMBENCH_NO_BUILD=1 ./bench run --engine cuda --model synthetic:qwen2.5-1.5b \
          --release "$release" --json "$OUTDIR/$release/cuda-qwen2.5-1.5b.json" "${extra[@]}" 2>&1 | tee -a "$OUTDIR/bench.log"
      [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
      ;;
    *) echo "unknown step: $1"; exit 2 ;;
  esac
done
exit $status
