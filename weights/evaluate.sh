#!/usr/bin/env bash
# Measures every shipped network (weights/*_xS.safetensors) on Set5 and Set14 with `superres eval` (Y channel,
# shave = scale) and writes one JSON per network and set into weights/eval/, the figures weights/README.md quotes,
# and redraws the comparison pictures (one per scale, and SRGAN's).
# Usage: bash weights/evaluate.sh [DATA_DIR]   (default: ../shared/data beside the repository)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data="${1:-../shared/data}"
mkdir -p weights/eval
dotnet build -c Release src/SuperRes.Cli >/dev/null
for path in weights/*_x[234].safetensors; do
    file="$(basename "$path")"
    scale="${file%.safetensors}"
    scale="${scale##*_x}"
    for set in Set5 Set14; do
        dotnet run -c Release --no-build --project src/SuperRes.Cli -- eval --scale "$scale" --weights "weights/$file" \
            --hr "$data/benchmark/$set/x$scale/HR" --lr "$data/benchmark/$set/x$scale/LR" --device cpu \
            --json "weights/eval/${file%.safetensors}_$set.json"
    done
done
# The SRGAN comparison picture (bicubic | SRResNet | SRGAN | HR), a region of Set14's baboon.
dotnet run -c Release --no-build --project src/SuperRes.Cli -- compare --scale 4 \
    --hr "$data/benchmark/Set14/x4/HR/img_001.png" --lr "$data/benchmark/Set14/x4/LR/img_001.png" \
    --weights weights/srresnet_x4.safetensors weights/srgan_x4.safetensors --crop 280,20,128,128 --zoom 2 \
    -o weights/srgan_x4_comparison.png --device cpu
# One picture per scale (bicubic | FSRCNN | EDSR-baseline | HR), a region of Set5's butterfly.
for scale in 2 3 4; do
    dotnet run -c Release --no-build --project src/SuperRes.Cli -- compare --scale "$scale" \
        --hr "$data/benchmark/Set5/x$scale/HR/img_003.png" --lr "$data/benchmark/Set5/x$scale/LR/img_003.png" \
        --weights "weights/fsrcnn_x$scale.safetensors" "weights/edsr_baseline_x$scale.safetensors" --crop 64,64,120,120 --zoom 2 \
        -o "weights/comparison_x$scale.png" --device cpu
done
