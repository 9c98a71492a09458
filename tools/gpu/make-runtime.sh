#!/usr/bin/env bash
# Prepares what tools/gpu/cuda-check.sh needs on a machine without a JDK, from a machine with JDK 25 and Maven
# Central: the jars (./mvnw package, test classes included) and, in .devrun/ (git-ignored), a jlink runtime of about
# 45 MB plus the JUnit console launcher and AssertJ. Carry runner/target and .devrun to the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
./mvnw -B -q -ntp -DskipTests package
./mvnw -B -q -ntp -pl runner test-compile
rm -rf .devrun/jre
mkdir -p .devrun
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector \
    --strip-java-debug-attributes --strip-native-debug-symbols=objcopy="$(command -v objcopy)" \
    --no-header-files --no-man-pages --compress=zip-9 --output .devrun/jre
junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)
assertj=$(sed -n 's:.*<assertj.version>\(.*\)</assertj.version>.*:\1:p' pom.xml)
platform=$(echo "$junit" | awk -F. '{ print ($1 >= 6) ? $0 : "1." $2 "." $3 }')
./mvnw -B -q -ntp dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" -DoutputDirectory=.devrun
./mvnw -B -q -ntp dependency:copy -Dartifact="org.assertj:assertj-core:$assertj" -DoutputDirectory=.devrun
du -sh .devrun runner/target
