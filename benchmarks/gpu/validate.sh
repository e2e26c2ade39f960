#!/usr/bin/env bash
# The GPU check of docs/gpu-validation.md: everything that a lent CUDA machine should run, within 8 minutes,
# without the .NET SDK (it runs a self-contained single-file publish of the CLI), writing a Markdown report.
#
#   dotnet publish src/SuperRes.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#       -p:EnableCompressionInSingleFile=true -p:DebugType=none -o publish
#   benchmarks/gpu/validate.sh [--dry-run] [--report FILE] publish
#
# Steps (each under its own time limit, all of them under 8 minutes together): superres devices, superres doctor
# --device cuda, a short superres tune --device cuda (its tuning database then serves the profiles), superres
# profile of EDSR-baseline x2 forward on 1x3x512x512 and of its training step, the CUDA
# tests (only where a .NET SDK happens to be present: xunit's runner needs one), benchmarks/gpu/distributed-nccl.sh
# when libnccl and mpirun are present, benchmarks/pytorch_compare.py when a Python with PyTorch is present
# ($PYTHON, python3 or /usr/bin/python3).
# --dry-run runs the same steps on the C# cpu backend with small inputs (CUDA tests: the NVRTC ones still
# compile; the tune, which the cpu backend has nothing for, on an OpenCL device when there is one), so the whole
# script is exercised on a machine without a GPU. Exit status: 1 if any step failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

dry=0 report=gpu-validation-report.md publish=""
while (($#)); do
    case $1 in
        --dry-run) dry=1 ;;
        --report) report=${2:?--report needs a file}; shift ;;
        -h|--help) sed -n 2,15p "$0" | cut -c3-; exit 0 ;;
        -*) echo "validate.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) publish=$1 ;;
    esac
    shift
done
superres=${publish:+$(cd "$publish" 2>/dev/null && pwd)/superres}
if [[ -z $publish || ! -x $superres ]]; then
    echo "validate.sh: give the folder of a single-file publish holding the superres executable (see --help); got '${publish}'" >&2
    exit 2
fi

readonly budget=480 # seconds for the whole run
started=$SECONDS failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ((dry)); then
    device=cpu forward=1x3x64x64 train=1x3x32x32 iters=(--warmup 0 --iters 1) compare_iters=(--warmup 0 --iters 1)
else
    device=cuda forward=1x3x512x512 train=1x3x512x512 iters=(--warmup 2 --iters 5) compare_iters=(--warmup 2 --iters 5)
fi

rows=() details=()
# step NAME LIMIT COMMAND...: runs COMMAND under min(LIMIT, what is left of the budget) and records the outcome;
# with fail_on=TEXT set, an output that contains TEXT fails the step even when COMMAND exits 0.
step() {
    local name=$1 limit=$2; shift 2
    local left=$((budget - (SECONDS - started)))
    ((limit > left)) && limit=$left
    if ((limit < 5)); then
        record "$name" "not run: the 8-minute budget is spent" "$*" ""
        ((failures++)); return
    fi
    local t0=$SECONDS rc
    timeout --kill-after=5 "$limit" "$@" >"$work/out" 2>&1
    rc=$?
    local took=$((SECONDS - t0)) outcome
    case $rc in
        0) if [[ -n ${fail_on:-} ]] && grep -qF -- "$fail_on" "$work/out"; then
               outcome="FAILED: the output says '$fail_on' (${took} s)"; ((failures++))
           else
               outcome="ok (${took} s)"
           fi ;;
        124|137) outcome="TIMEOUT after ${limit} s"; ((failures++)) ;;
        *) outcome="FAILED, exit $rc (${took} s)"; ((failures++)) ;;
    esac
    record "$name" "$outcome" "$*" "$(tail -c 6000 "$work/out")"
}
skip() { record "$1" "skipped: $2" "$3" ""; }
record() {
    rows+=("| $1 | $2 |")
    details+=("### $1"$'\n\n'"\`$3\`"$'\n\n'"$2"$'\n'"${4:+$'\n'\`\`\`$'\n'$4$'\n'\`\`\`$'\n'}")
}

step "superres devices" 30 "$superres" devices
step "superres doctor --device $device" 100 "$superres" doctor --device "$device" --cases 2 --seed 1
tune_device=$device
((dry)) && tune_device=$("$superres" devices 2>/dev/null | grep -o 'opencl:[0-9]*' | head -n 1)
# The kernels the profiles below run (EDSR's convolutions, their gradients, the L1 loss): all of them would not fit the step.
tune=("$superres" tune --device "${tune_device:-opencl}" --ops conv2d_winograd,conv2d_forward,conv2d_backward,reduce --budget-seconds 30 --json "$work/tune.json")
if [[ -n $tune_device ]]; then
    step "superres tune --device $tune_device" 50 "${tune[@]}"
else
    skip "superres tune" "dry run without an OpenCL device (the cpu backend has no kernel parameters)" "${tune[*]}"
fi
step "profile EDSR-baseline x2 forward $forward" 60 \
    "$superres" profile --model edsr-baseline --scale 2 --input "$forward" --device "$device" "${iters[@]}" --top 15
step "profile EDSR-baseline x2 training step $train" 80 \
    "$superres" profile --model edsr-baseline --scale 2 --input "$train" --device "$device" --backward --adam "${iters[@]}" --top 15

tests=(dotnet test tests/SuperRes.Runtime.Tests -c Release --filter "FullyQualifiedName~Cuda|FullyQualifiedName~Nvrtc")
if [[ -n $(dotnet --list-sdks 2>/dev/null) ]]; then
    step "CUDA and NVRTC tests" 120 "${tests[@]}"
else
    skip "CUDA and NVRTC tests" "no .NET SDK here (xunit's test runner needs one); doctor covers kernel builds and every op against the Cpu reference" "${tests[*]}"
fi

nccl=(benchmarks/gpu/distributed-nccl.sh "$superres")
if ! ldconfig -p 2>/dev/null | grep -q 'libnccl\.so\.2'; then
    skip "distributed NCCL" "no libnccl.so.2" "${nccl[*]}"
elif ! command -v mpirun >/dev/null; then
    skip "distributed NCCL" "no mpirun" "${nccl[*]}"
elif ((dry)); then
    skip "distributed NCCL" "dry run (NCCL needs GPUs); libnccl.so.2 and mpirun are present" "${nccl[*]}"
else
    step "distributed NCCL" 70 "${nccl[@]}"
fi

python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
    if "$candidate" -c 'import torch' 2>/dev/null; then python=$candidate; break; fi
done
compare=("${python:-python3}" benchmarks/pytorch_compare.py --superres "$superres" --ours "$device" "${compare_iters[@]}")
((dry)) && compare+=(--workloads edsr-x2-forward)
if [[ -n $python ]]; then
    # pytorch_compare.py exits 0 when one of our devices fails, printing "skipped (why)": here that is a failure.
    fail_on=": skipped (" step "PyTorch comparison" 80 "${compare[@]}"
else
    skip "PyTorch comparison" "no Python with PyTorch (tried \$PYTHON, python3, /usr/bin/python3)" "${compare[*]}"
fi

{
    echo "# GPU validation report$( ((dry)) && echo " (dry run: cpu backend, small inputs)")"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(uname -srm); commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    gpus=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | paste -sd';')
    echo "- GPU (name, driver, memory): ${gpus:-none (nvidia-smi lists none)}"
    echo "- superres: $superres; total $((SECONDS - started)) s of the ${budget} s budget; $failures step(s) failed"
    echo
    echo "| step | result |"
    echo "|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    printf '%s\n' "${details[@]}"
} >"$report"
echo "validate.sh: $failures step(s) failed; report in $report"
((failures == 0))
