#!/usr/bin/env bash
# The OpenCL figures of docs/performance.md ("OpenCL on a CPU"): on one OpenCL device, with a fresh kernel cache
# (so "before" is the device class's shipped parameters):
#   1. superres profile of EDSR-baseline x2 forward on 1x3x128x128 with a fresh calibration: conv2d 3x3 64→64
#      GFLOP/s and its % of the calibrated SGEMM;
#   2. the same forward end to end (wall and process CPU time) on the OpenCL device and on the C# cpu backend,
#      alternately, twice;
#   3. superres tune (default budget), timed;
#   4. steps 2 and 1 again, with the tuning database.
# Each step prints the 1-minute load average: the figures are only comparable at similar loads.
#
#   benchmarks/opencl_tune.sh [superres-executable] [opencl-device]    (defaults: the Release build, opencl:0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
superres=${1:-src/SuperRes.Cli/bin/Release/net10.0/superres}
device=${2:-opencl:0}
[[ -x $superres ]] || { echo "opencl_tune.sh: no superres executable at $superres (dotnet build -c Release first)" >&2; exit 2; }
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export SUPERRES_KERNEL_CACHE=$cache
edsr=(profile --model edsr-baseline --scale 2 --input 1x3x128x128)
load() { echo "== $1 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"; }
side_by_side() {
    for round in 1 2; do
        for d in "$device" cpu; do
            load "EDSR-baseline x2 forward on $d, $1, round $round"
            "$superres" "${edsr[@]}" --device "$d" --no-profile --warmup 1 --iters 3 | grep -E 'end-to-end|process CPU time'
        done
    done
}
load "profile on $device, shipped defaults"
"$superres" "${edsr[@]}" --device "$device" --warmup 1 --iters 2 --recalibrate --top 6
side_by_side "before tuning"
load "superres tune --device $device"
start=$SECONDS
"$superres" tune --device "$device" --json "$cache/tune.json"
echo "tune took $((SECONDS - start)) s"
side_by_side "after tuning"
load "profile on $device, tuned"
"$superres" "${edsr[@]}" --device "$device" --warmup 1 --iters 2 --top 6
