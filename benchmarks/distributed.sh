#!/usr/bin/env bash
# Data-parallel overhead on one host: `superres train` throughput of 2 MPI ranks with 1 core each against one
# process with 2 cores, on the same global batch. Prints iterations/s (training time only, the summary line)
# and the 1-minute load average before and after each run: on a shared machine a figure is only as good as
# the load beside it. Usage: benchmarks/distributed.sh [--loaded] [iterations-fsrcnn] [iterations-edsr]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fsrcnn_iters=${1:-600}
edsr_iters=${2:-40}
cli=src/SuperRes.Cli/bin/Release/net10.0/superres.dll
[[ -f $cli ]] || dotnet build src/SuperRes.Cli -c Release >/dev/null
data=../shared/data/T91
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# On a quiet machine each rank is bound to its own core and spins while it waits (Open MPI's defaults: measured
# 2026-11-29 at load < 4, EDSR-baseline 1.47 it/s bound and spinning against 1.25 unbound and yielding). On a shared,
# oversubscribed machine pass --loaded: ranks are not bound and yield their core while waiting, so a spinning rank
# does not take time from the rank it waits for (measured under load ~100: FSRCNN 3.9 → 6.2 it/s).
bind=core yield=0
if [[ ${1:-} == --loaded ]]; then
    bind=none yield=1
    shift
fi
export OMPI_MCA_mpi_yield_when_idle=$yield

runs=0
load() { cut -d' ' -f1 /proc/loadavg; }

# $1 label, $2 ranks (0: no mpirun), $3 cores per process, rest: train arguments
measure() {
    local label=$1 ranks=$2 cores=$3; shift 3
    local out="$work/run$((++runs))" before after rate
    before=$(load)
    if ((ranks > 0)); then
        DOTNET_PROCESSOR_COUNT=$cores mpirun -n "$ranks" --bind-to "$bind" -x DOTNET_PROCESSOR_COUNT -x OMPI_MCA_mpi_yield_when_idle \
            dotnet "$cli" train "$@" --out "$out" --distributed mpi >"$out.log" 2>&1
    else
        DOTNET_PROCESSOR_COUNT=$cores dotnet "$cli" train "$@" --out "$out" >"$out.log" 2>&1
    fi
    after=$(load)
    rate=$(grep -o '[0-9.]* iterations/s' "$out.log" | head -1)
    printf '%-44s %-22s load %s → %s\n' "$label" "$rate" "$before" "$after"
}

# The ceiling without any communication: two independent single-core processes, each on half the batch and pinned
# to its own core, started together (what the two ranks compute, minus the exchange). Prints the slower one.
pair() {
    local label=$1; shift
    local before after rate a="$work/run$((++runs))" b="$work/run$((++runs))"
    before=$(load)
    DOTNET_PROCESSOR_COUNT=1 taskset -c 0 dotnet "$cli" train "$@" --out "$a" >"$a.log" 2>&1 &
    DOTNET_PROCESSOR_COUNT=1 taskset -c 1 dotnet "$cli" train "$@" --out "$b" >"$b.log" 2>&1
    wait
    after=$(load)
    rate=$(grep -ho '[0-9.]* iterations/s' "$a.log" "$b.log" | sort -n | head -1)
    printf '%-44s %-22s load %s → %s\n' "$label" "$rate" "$before" "$after"
}

common=(--scale 2 --data "$data" --batch 16 --patch 24 --save-every 0 --log-every 1000000 --device cpu --workers 1 --schedule constant)
for model in fsrcnn edsr-baseline; do
    iters=$fsrcnn_iters
    [[ $model == edsr-baseline ]] && iters=$edsr_iters
    args=(--model "$model" --iters "$iters" "${common[@]}")
    measure "$model: 1 process × 2 cores, whole batch" 0 2 "${args[@]}"
    measure "$model: 1 process × 2 cores, 2 slices" 0 2 "${args[@]}" --grad-slices 2
    measure "$model: 2 ranks × 1 core (mpi)" 2 1 "${args[@]}"
    pair "$model: 2 lone processes × 1 core, half batch" --model "$model" --iters "$iters" "${common[@]/#16/8}"
done
