#!/usr/bin/env bash
# The main job end to end: `superres upscale photo.png -o out.png` timed from process start to file written, with
# its peak resident memory (/usr/bin/time -v), for FSRCNN x2, FSRCNN x4 and EDSR-baseline x2 (the shipped weights)
# on a deterministic 1800x1000 photo-like image (benchmarks/make_photo.py), beside the network's own forward time
# (`superres profile --no-profile`, same input size, mean of PROFILE_ITERS (1) after one warm-up) and the PNG decode + encode times
# (`SuperRes.Benchmarks codec`). Every figure is printed with the load average read just before it: on a shared
# machine the load says how far a figure can be trusted.
#
# Each case's output is also compared byte for byte (cmp) with an untiled run of the same case (--max-memory 64G:
# the whole image in one pass), the "same" column: the default tiling must not change a pixel.
# With --edsr-x4 it adds EDSR-baseline x4 of a 1920x1080 photo (7680x4320 out) under --max-memory 1G, compared with
# a run under --max-memory 8G (other, larger tiles; an untiled pass needs about 20 GB). That case takes minutes.
#
# usage: benchmarks/upscale_e2e.sh [--device cpu|auto|...] [--runs N] [--work DIR] [--edsr-x4]
#   Uses the published build (dotnet publish -c Release: a native NativeAOT build for this machine's CPU, about 25 MB,
#   under a minute to publish; composite ReadyToRun where no clang or gcc is installed) in WORK/superres: the process
#   a user starts.
#   Set SUPERRES_BIN to an existing superres executable to skip publishing, PHOTO to use another input image.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
device=cpu
runs=3
work=""
edsr_x4=false
while [ $# -gt 0 ]; do
    case "$1" in
        --device) device=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --edsr-x4) edsr_x4=true; shift ;;
        *) echo "usage: $0 [--device ID] [--runs N] [--work DIR] [--edsr-x4]" >&2; exit 2 ;;
    esac
done
work=${work:-$(mktemp -d -t superres-e2e-XXXXXX)}
mkdir -p "$work"
load() { cut -d' ' -f1-3 /proc/loadavg; }

bin=${SUPERRES_BIN:-}
if [ -z "$bin" ]; then
    echo "publishing superres (dotnet publish -c Release: NativeAOT, or composite ReadyToRun without a C toolchain; 1-2 minutes) into $work/superres ..." >&2
    dotnet publish "$root/src/SuperRes.Cli" -c Release -o "$work/superres" --nologo -v quiet >&2
    bin=$work/superres/superres
fi
bench_dll=$root/benchmarks/SuperRes.Benchmarks/bin/Release/net10.0/SuperRes.Benchmarks.dll
[ -f "$bench_dll" ] || dotnet build "$root/benchmarks/SuperRes.Benchmarks" -c Release --nologo -v quiet >&2

photo=${PHOTO:-$work/photo_1800x1000.png}
if [ ! -f "$photo" ]; then
    python=/usr/bin/python3
    "$python" -c "import numpy, torch" 2>/dev/null || python=python3
    "$python" "$root/benchmarks/make_photo.py" "$photo"
fi

echo "superres upscale end to end on $device: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "binary: $bin (published Release build, $(du -sh "$(dirname "$bin")" | cut -f1)); input: $photo; best of $runs runs"
printf '%-16s %9s %9s %11s %9s %9s %5s  %s\n' case wall_s peak_MB forward_s decode_s encode_s same "load (1/5/15 min) before the figure"

# upscale OUT [ARGS...]: runs the CLI on the photo under /usr/bin/time; sets wall (s) and rss (MB).
upscale() {
    local out=$1; shift
    rm -f "$out"
    /usr/bin/time -v -o "$work/time.txt" "$bin" upscale "$photo" -o "$out" --device "$device" "$@" >/dev/null 2>"$work/err.txt" \
        || { cat "$work/err.txt" >&2; exit 1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.txt")
}

# case: model scale weights
for spec in "fsrcnn 2 fsrcnn_x2" "fsrcnn 4 fsrcnn_x4" "edsr-baseline 2 edsr_baseline_x2"; do
    set -- $spec
    model=$1 scale=$2 weights=$root/weights/$3.safetensors
    channels=$([ "$model" = fsrcnn ] && echo 1 || echo 3)   # FSRCNN runs on Y, EDSR on RGB
    best_wall="" best_rss=""
    for _ in $(seq "$runs"); do
        out=$work/out_${model}_x$scale.png
        before=$(load)
        upscale "$out" --weights "$weights"
        if [ -z "$best_wall" ] || awk "BEGIN { exit !($wall < $best_wall) }"; then best_wall=$wall best_load=$before; fi
        if [ -z "$best_rss" ] || [ "$rss" -lt "$best_rss" ]; then best_rss=$rss; fi
    done
    upscale "$work/untiled_${model}_x$scale.png" --weights "$weights" --max-memory 64G
    same=$(cmp -s "$out" "$work/untiled_${model}_x$scale.png" && echo yes || echo NO)
    before_profile=$(load)
    forward=$("$bin" profile --model "$model" --scale "$scale" --input "1x${channels}x1000x1800" --device "$device" --no-profile \
        --warmup 1 --iters "${PROFILE_ITERS:-1}" 2>/dev/null \
        | awk '/end-to-end/ { for (i = 1; i <= NF; i++) if ($i == "forward") { printf "%.2f", $(i + 1) / 1000; exit } }')
    codec=$(dotnet "$bench_dll" codec "$photo" "$scale" "$runs")
    decode=$(awk '{ printf "%.2f", $2 / 1000 }' <<<"$codec")
    encode=$(awk '{ printf "%.2f", $4 / 1000 }' <<<"$codec")
    printf '%-16s %9s %9s %11s %9s %9s %5s  run: %s, profile: %s\n' "$model x$scale" "$best_wall" "$best_rss" "$forward" "$decode" "$encode" "$same" "$best_load" "$before_profile"
done

if $edsr_x4; then
    photo=$work/photo_1920x1080.png
    [ -f "$photo" ] || /usr/bin/python3 "$root/benchmarks/make_photo.py" "$photo" --width 1920 --height 1080
    weights=$root/weights/edsr_baseline_x4.safetensors
    before=$(load)
    upscale "$work/edsr_x4_1G.png" --weights "$weights" --max-memory 1G
    wall_1g=$wall rss_1g=$rss
    upscale "$work/edsr_x4_8G.png" --weights "$weights" --max-memory 8G
    same=$(cmp -s "$work/edsr_x4_1G.png" "$work/edsr_x4_8G.png" && echo yes || echo NO)
    printf '%-16s %9s %9s %11s %9s %9s %5s  run: %s; the 8G run: %s s, %s MB\n' "edsr x4 1G" "$wall_1g" "$rss_1g" "" "" "" "$same" "$before" "$wall" "$rss"
fi
