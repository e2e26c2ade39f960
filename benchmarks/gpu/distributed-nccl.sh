#!/usr/bin/env bash
# GPU check of --distributed nccl (for the GPU validation run, when a machine with GPUs is lent): one rank per
# GPU under mpirun against one process on cuda:0 with --grad-slices N, 20 steps of EDSR-baseline; the final
# weights must be the same bytes. With one GPU it checks that NCCL starts and trains (a single rank: NCCL
# cannot put two ranks on one GPU). Needs libnccl.so.2 and libcuda.so.1. Prints PASS or FAIL per check.
# Usage: benchmarks/gpu/distributed-nccl.sh [superres command, default: dotnet <built superres.dll>]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

superres=${1:-"dotnet src/SuperRes.Cli/bin/Release/net10.0/superres.dll"}
gpus=$(nvidia-smi -L 2>/dev/null | wc -l)
if ((gpus == 0)); then
    echo "SKIP: no GPU (nvidia-smi -L lists none)"
    exit 0
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ranks=$((gpus >= 2 ? 2 : 1))
common=(--model edsr-baseline --scale 2 --options blocks=4,features=32 --data ../shared/data/T91 --batch 16 --patch 24
        --iters 20 --save-every 10 --lr 1e-3 --schedule constant --workers 1)

# shellcheck disable=SC2086
if mpirun -n "$ranks" $superres train "${common[@]}" --out "$work/nccl" --distributed nccl >"$work/nccl.log" 2>&1; then
    echo "PASS: mpirun -n $ranks --distributed nccl trained 20 steps ($(grep -o 'nccl [0-9]* rank 0[^;]*' "$work/nccl.log"))"
else
    echo "FAIL: mpirun -n $ranks --distributed nccl"; tail -20 "$work/nccl.log"; exit 1
fi
# shellcheck disable=SC2086
if ! $superres train "${common[@]}" --out "$work/one" --device cuda:0 --grad-slices "$ranks" >"$work/one.log" 2>&1; then
    echo "FAIL: one process on cuda:0"; tail -20 "$work/one.log"; exit 1
fi
if cmp -s "$work/nccl/final.safetensors" "$work/one/final.safetensors"; then
    echo "PASS: $ranks NCCL rank(s) and one process with --grad-slices $ranks wrote the same final weights"
else
    echo "FAIL: the final weights of $ranks NCCL rank(s) and of one process with --grad-slices $ranks differ"
    # Tell a non-deterministic kernel apart from an exchange bug: does one process agree with itself?
    # shellcheck disable=SC2086
    $superres train "${common[@]}" --out "$work/again" --device cuda:0 --grad-slices "$ranks" >/dev/null 2>&1
    cmp -s "$work/one/final.safetensors" "$work/again/final.safetensors" \
        && echo "  one process on cuda:0 repeats itself exactly: the difference is in the exchange" \
        || echo "  one process on cuda:0 does not repeat itself either: a GPU kernel is not deterministic"
    exit 1
fi
