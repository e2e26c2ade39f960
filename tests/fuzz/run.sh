#!/usr/bin/env bash
# Fuzzes one harness with AFL++ (Debian package afl++) through SharpFuzz.
#
#   tests/fuzz/run.sh TARGET... [EXECUTIONS]  # TARGET: png jpeg bmp pickle zip legacy safetensors, or all
#   tests/fuzz/run.sh all                     # the long run: every target in turn, 1,000,000 executions each
#   tests/fuzz/run.sh replay                  # every seed and regression input once per target, no AFL
#
# Builds tests/fuzz/SuperRes.Fuzz into tests/fuzz/.build/bin, instruments a copy of the engine assemblies with
# the sharpfuzz tool (dotnet tool SharpFuzz.CommandLine, installed on first use), runs afl-fuzz until it
# has made EXECUTIONS executions (default 1,000,000) starting from tests/fuzz/seeds/TARGET plus the
# regression corpus, and then copies every crash or hang into tests/fuzz/regression/TARGET, where the
# Models and Imaging test suites replay it on every CI run. Exit status 1 when anything was found.
# Set FUZZ_NICE (default 10) to change the priority; findings stay in tests/fuzz/.build/findings.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/.build"
targets=(png jpeg bmp pickle zip legacy safetensors)

usage() { echo "usage: $0 <${targets[*]// /|}|all|replay> [EXECUTIONS]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage

# bin/ stays uninstrumented for --replay; afl-bin/ is a copy the sharpfuzz tool rewrites.
publish() {
    rm -rf "$build/bin"
    mkdir -p "$build"
    dotnet publish "$here/SuperRes.Fuzz" -c Release -o "$build/bin" --nologo -v quiet >"$build/publish.log" 2>&1 \
        || { echo "error: building the harness failed; see $build/publish.log" >&2; tail -20 "$build/publish.log" >&2; exit 1; }
}

instrument() {
    export PATH="$PATH:$HOME/.dotnet/tools"
    command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
    # sharpfuzz rewrites an assembly in place; a fresh publish brings uninstrumented copies back.
    rm -rf "$build/afl-bin"
    cp -r "$build/bin" "$build/afl-bin"
    local dll
    for dll in SuperRes.Errors SuperRes.Imaging SuperRes.Models; do
        sharpfuzz "$build/afl-bin/$dll.dll" >/dev/null
    done
}

replay() {
    local status=0
    for t in "${targets[@]}"; do
        local dirs=("$here/seeds/$t")
        [[ -d "$here/regression/$t" ]] && dirs+=("$here/regression/$t")
        echo -n "$t: "
        dotnet "$build/bin/SuperRes.Fuzz.dll" "$t" --replay "${dirs[@]}" || status=1
    done
    return $status
}

fuzz() {
    local target="$1" execs="$2" seeds="$build/seeds/$1" findings="$build/findings/$1"
    command -v afl-fuzz >/dev/null || { echo "error: afl-fuzz not found: apt-get install afl++" >&2; exit 1; }
    rm -rf "$seeds" "$findings"
    mkdir -p "$seeds" "$build/findings"
    cp "$here/seeds/$target"/* "$seeds/"
    [[ -d "$here/regression/$target" ]] && cp "$here/regression/$target"/* "$seeds/" 2>/dev/null || true
    # The .NET runtime itself is not instrumented (AFL_SKIP_BIN_CHECK); the machine is shared (no CPU binding).
    AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_FAST_CAL=1 \
        nice -n "${FUZZ_NICE:-10}" afl-fuzz -i "$seeds" -o "$findings" -t 10000 -m none -E "$execs" \
        -- dotnet "$build/afl-bin/SuperRes.Fuzz.dll" "$target" >"$build/$target.log" 2>&1 || true
    local stats="$findings/default/fuzzer_stats"
    [[ -f "$stats" ]] || { echo "error: afl-fuzz did not start; see $build/$target.log" >&2; tail -20 "$build/$target.log" >&2; exit 1; }
    local done crashes hangs
    done=$(awk -F': *' '/^execs_done/ {print $2}' "$stats")
    crashes=$(awk -F': *' '/^saved_crashes/ {print $2}' "$stats")
    hangs=$(awk -F': *' '/^saved_hangs/ {print $2}' "$stats")
    echo "$target: $done executions, $crashes crashes, $hangs hangs ($(awk -F': *' '/^execs_per_sec/ {print $2}' "$stats") exec/s)"
    if ((crashes + hangs > 0)); then
        mkdir -p "$here/regression/$target"
        for f in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
            [[ -f "$f" ]] && cp "$f" "$here/regression/$target/$(basename "$(dirname "$f")")-$(sha1sum "$f" | cut -c1-12)"
        done
        echo "  copied into $here/regression/$target: replay with '$0 replay', fix, and commit them" >&2
        return 1
    fi
}

publish
case "$1" in
    replay) replay ;;
    *)
        # TARGET... [EXECUTIONS]: the targets in turn, each for EXECUTIONS executions.
        chosen=() execs=1000000
        for arg in "$@"; do
            if [[ $arg == all ]]; then chosen+=("${targets[@]}")
            elif [[ " ${targets[*]} " == *" $arg "* ]]; then chosen+=("$arg")
            elif [[ $arg =~ ^[0-9]+$ ]]; then execs=$arg
            else usage; fi
        done
        ((${#chosen[@]} > 0)) || usage
        instrument
        status=0
        for t in "${chosen[@]}"; do fuzz "$t" "$execs" || status=1; done
        exit $status ;;
esac
