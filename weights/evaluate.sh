#!/usr/bin/env bash
# Measures every shipped network (weights/*_xS.safetensors) on Set5 and Set14 with `superres eval` (Y channel,
# shave = scale) and writes one JSON per network and set into weights/eval/, the figures weights/README.md quotes.
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
