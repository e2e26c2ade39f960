#!/usr/bin/env python3
"""Exports the peer workloads of benchmarks/SuperRes.Benchmarks/PeerBenchmarks.cs as ONNX files.

For each NAME.pt that `dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- peers-export` wrote
(the engine's own random weights, saved by NetworkWeights.SavePyTorch), rebuilds the same architecture in
PyTorch (the networks of pytorch_compare.py), loads the weights strictly and writes NAME.onnx beside it
(opset 17, fixed input shape). The folder is $SUPERRES_PEERS, or superres-peers in the temporary folder.

    /usr/bin/python3 benchmarks/export_onnx.py [FOLDER]

Needs PyTorch (python3-torch) and onnx (python3-onnx). benchmarks/peers.sh runs it.
"""

import os
import sys
import tempfile

try:
    import onnx
    import torch
except ImportError as missing:
    sys.exit(f"{sys.executable}: {missing}; run this with a Python that has torch and onnx (here: /usr/bin/python3)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_compare import EdsrBaseline, Fsrcnn  # noqa: E402  (same networks as the training comparison)

# Name -> (PyTorch constructor, input NxCxHxW); the same list as PeerModel.All in PeerModels.cs.
WORKLOADS = {
    "edsr-baseline-x2": (lambda: EdsrBaseline(2), (1, 3, 128, 128)),
    "fsrcnn-x2": (lambda: Fsrcnn(2), (1, 1, 256, 256)),
    "fsrcnn-x3": (lambda: Fsrcnn(3), (1, 1, 256, 256)),
}


def export(folder, name, build, shape):
    weights = os.path.join(folder, name + ".pt")
    if not os.path.exists(weights):
        sys.exit(f"{weights} is missing: run `dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- peers-export` first")
    net = build().eval()
    net.load_state_dict(torch.load(weights, map_location="cpu"), strict=True)
    target = os.path.join(folder, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(net, torch.zeros(shape), target, opset_version=17,
                          input_names=["input"], output_names=["output"], do_constant_folding=True)
    onnx.checker.check_model(onnx.load(target))
    print(f"{target}: {name} {'x'.join(map(str, shape))}")


def main():
    default = os.environ.get("SUPERRES_PEERS") or os.path.join(tempfile.gettempdir(), "superres-peers")
    folder = sys.argv[1] if len(sys.argv) > 1 else default
    torch.manual_seed(0)
    for name, (build, shape) in WORKLOADS.items():
        export(folder, name, build, shape)


if __name__ == "__main__":
    main()
