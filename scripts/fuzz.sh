#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time (default 60 s) on a
# corpus seeded from the repository's small generated models and, when present, ../shared's
# models. A crash fails the script and leaves the input as fuzz/crash-* to turn into a test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DQUANTLENS_FUZZ=ON -DQUANTLENS_BUILD_GUI=OFF -DQUANTLENS_BUILD_TESTS=OFF -DQUANTLENS_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --parallel "$(nproc)" --target model_fuzzer nodelist_fuzzer
corpus=build-fuzz/corpus
mkdir -p "$corpus/model" "$corpus/nodelist"
cp fuzz/corpus/model/* "$corpus/model/"
cp fuzz/crashes/* "$corpus/model/"  # past crashes stay in the corpus so a regression is found at once
cp fuzz/corpus/nodelist/* "$corpus/nodelist/"
shared="${QUANTLENS_TESTDATA:-../shared}"
[ -d "$shared/models" ] && cp "$shared"/models/*.onnx "$corpus/model/" || true
export ASAN_OPTIONS=detect_leaks=0
for target in model nodelist; do
    echo "fuzzing ${target} for ${seconds} s"
    build-fuzz/fuzz/${target}_fuzzer -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=4194304 \
        -artifact_prefix=fuzz/crash-${target}- "$corpus/$target" 2>&1 | tail -n 3
done
