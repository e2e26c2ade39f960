#!/usr/bin/env bash
# Our cpu backend against ONNX Runtime (2 intra-op threads) on the same forward passes, in one run:
# exports the engine's random weights, rebuilds the networks in PyTorch and exports ONNX (export_onnx.py),
# builds the benchmarks and runs PeerBenchmarks. The Ratio column is our time / ONNX Runtime's.
#   benchmarks/peers.sh                  # short job (3 warm-ups, 3 iterations)
#   benchmarks/peers.sh --job default    # any further arguments go to BenchmarkDotNet
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SUPERRES_PEERS="${SUPERRES_PEERS:-${TMPDIR:-/tmp}/superres-peers}"
python="${PYTHON:-/usr/bin/python3}"
project="$root/benchmarks/SuperRes.Benchmarks"
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--job short)

dotnet build -c Release "$project" -v quiet -nologo
dotnet run -c Release --no-build --project "$project" -- peers-export
"$python" "$root/benchmarks/export_onnx.py" "$SUPERRES_PEERS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log="$SUPERRES_PEERS/peers.log"
if ! dotnet run -c Release --no-build --project "$project" -- --filter '*PeerBenchmarks*' "${args[@]}" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "benchmark run failed; full log: $log" >&2
    exit 1
fi
grep -E '^// .*: max \|ours' "$log" | sort -u
sed -n '/\/\/ \* Summary \*/,/\/\/ \* Warnings \*\|\/\/ \* Legends \*/p' "$log" | grep -Ev '^// \* (Warnings|Legends)'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "full log: $SUPERRES_PEERS/peers.log"
