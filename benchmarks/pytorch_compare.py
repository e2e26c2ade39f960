#!/usr/bin/env python3
"""Side-by-side timings of SuperRes.Native and PyTorch on the model-level workloads.

The workloads are the performance anchors of shared/notes/reference-facts.md and of
benchmarks/SuperRes.Benchmarks/ModelBenchmarks.cs:

  edsr-x2-forward   EDSR-baseline x2 inference on 1x3x128x128 (about 45 GFLOP)
  edsr-x2-train     EDSR-baseline x2 training step, batch 16 of 48x48 patches
  fsrcnn-x3-train   FSRCNN x3 training step, batch 16 of 32x32 Y patches

A training step is forward, L1 loss against a random target, backward and an Adam update (lr 1e-4) of
every parameter. Random weights and data on both sides. PyTorch runs on the CPU here, and on CUDA too when
torch sees a GPU; ours runs through `superres profile --no-profile --json` (end-to-end times, measured the
same way: mean over --iters after --warmup, the device synchronized after each phase) on each of our devices
that exists (--ours, default cpu, opencl and cuda). Ratios compare our time with PyTorch's on the same device
family: CPU devices (our cpu backend and OpenCL on a CPU such as PoCL) with PyTorch CPU, GPU devices with
PyTorch CUDA.

    python3 benchmarks/pytorch_compare.py                       # everything
    python3 benchmarks/pytorch_compare.py --workloads edsr-x2-forward --ours opencl --iters 3
    python3 benchmarks/pytorch_compare.py --json /tmp/compare.json

Needs PyTorch (python3-torch) and the .NET SDK; builds src/SuperRes.Cli in Release first (--no-build to skip).
With --superres PATH (a single-file publish of the CLI) it needs no .NET at all.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.exit(f"{sys.executable} has no PyTorch: run this with a Python that has it (here: /usr/bin/python3, python3-torch)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI_DLL = os.path.join(ROOT, "src", "SuperRes.Cli", "bin", "Release", "net10.0", "superres.dll")


# ---- PyTorch networks, equivalent to the zoo's (same layers, shapes and parameter counts) ----

class MeanShift(nn.Conv2d):
    """EDSR-PyTorch's frozen 1x1 conv that subtracts (sign -1) or adds (+1) the DIV2K mean, RGB in [0, 255]."""

    def __init__(self, rgb_range=255, sign=-1, mean=(0.4488, 0.4371, 0.4040)):
        super().__init__(3, 3, kernel_size=1)
        self.weight.data = torch.eye(3).view(3, 3, 1, 1)
        self.bias.data = sign * rgb_range * torch.tensor(mean)
        for p in self.parameters():
            p.requires_grad = False


class ResBlock(nn.Module):
    def __init__(self, f, res_scale=1.0):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(f, f, 3, padding=1), nn.ReLU(True), nn.Conv2d(f, f, 3, padding=1))
        self.res_scale = res_scale

    def forward(self, x):
        return self.body(x).mul(self.res_scale) + x


class EdsrBaseline(nn.Module):
    """EDSR baseline (B 16, F 64, res_scale 1) as EDSR-PyTorch builds it; x2: 1,369,859 trainable parameters."""

    def __init__(self, scale=2, blocks=16, f=64):
        super().__init__()
        self.sub_mean = MeanShift(sign=-1)
        self.add_mean = MeanShift(sign=+1)
        self.head = nn.Sequential(nn.Conv2d(3, f, 3, padding=1))
        self.body = nn.Sequential(*[ResBlock(f) for _ in range(blocks)], nn.Conv2d(f, f, 3, padding=1))
        up = []
        if scale in (2, 4):
            for _ in range({2: 1, 4: 2}[scale]):
                up += [nn.Conv2d(f, 4 * f, 3, padding=1), nn.PixelShuffle(2)]
        else:
            up += [nn.Conv2d(f, 9 * f, 3, padding=1), nn.PixelShuffle(3)]
        self.tail = nn.Sequential(nn.Sequential(*up), nn.Conv2d(f, 3, 3, padding=1))

    def forward(self, x):
        x = self.head(self.sub_mean(x))
        res = self.body(x) + x
        return self.add_mean(self.tail(res))


class Fsrcnn(nn.Module):
    """FSRCNN(d 56, s 12, m 4) as FSRCNN-pytorch (yjn870) builds it: PReLU per channel, 9x9 deconvolution."""

    def __init__(self, scale=3, d=56, s=12, m=4, c=1):
        super().__init__()
        self.first_part = nn.Sequential(nn.Conv2d(c, d, 5, padding=2), nn.PReLU(d))
        mid = [nn.Conv2d(d, s, 1), nn.PReLU(s)]
        for _ in range(m):
            mid += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
        mid += [nn.Conv2d(s, d, 1), nn.PReLU(d)]
        self.mid_part = nn.Sequential(*mid)
        self.last_part = nn.ConvTranspose2d(d, c, 9, stride=scale, padding=4, output_padding=scale - 1)

    def forward(self, x):
        return self.last_part(self.mid_part(self.first_part(x)))


# Name -> (zoo model, scale, input NxCxHxW, training, value range, PyTorch constructor)
WORKLOADS = {
    "edsr-x2-forward": ("edsr-baseline", 2, (1, 3, 128, 128), False, 255.0, lambda: EdsrBaseline(2)),
    "edsr-x2-train": ("edsr-baseline", 2, (16, 3, 48, 48), True, 255.0, lambda: EdsrBaseline(2)),
    "fsrcnn-x3-train": ("fsrcnn", 3, (16, 1, 32, 32), True, 1.0, lambda: Fsrcnn(3)),
}

# The anchors measured on this machine kind (2 cores, AVX-512) with PyTorch 1.13 CPU, in ms.
ANCHORS = {"edsr-x2-forward": 247.0, "edsr-x2-train": 1710.0, "fsrcnn-x3-train": 36.0}


def measure_pytorch(name, device, warmup, iters):
    model_name, scale, shape, training, value_range, build = WORKLOADS[name]
    torch.manual_seed(1)
    net = build().to(device)
    x = torch.rand(*shape, device=device) * value_range
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    if not training:
        net.eval()
        times = []
        with torch.no_grad():
            for i in range(warmup + iters):
                sync()
                t0 = time.perf_counter()
                net(x)
                sync()
                if i >= warmup:
                    times.append(time.perf_counter() - t0)
        return {"total_ms": 1000 * sum(times) / len(times), "parameters": params}
    net.train()
    target = torch.rand(shape[0], shape[1], shape[2] * scale, shape[3] * scale, device=device) * value_range
    optimizer = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-4)
    fwd, bwd, opt = [], [], []
    cpu_start = None
    for i in range(warmup + iters):
        if i == warmup:
            cpu_start = time.process_time()
        sync()
        t0 = time.perf_counter()
        y = net(x)
        sync()
        t1 = time.perf_counter()
        loss = F.l1_loss(y, target)
        loss.backward()
        sync()
        t2 = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        sync()
        t3 = time.perf_counter()
        if i >= warmup:
            fwd.append(t1 - t0)
            bwd.append(t2 - t1)
            opt.append(t3 - t2)
    mean = lambda v: 1000 * sum(v) / len(v)
    return {"forward_ms": mean(fwd), "backward_ms": mean(bwd), "optimizer_ms": mean(opt),
            "total_ms": mean(fwd) + mean(bwd) + mean(opt), "parameters": params,
            "cpu_ms": 1000 * (time.process_time() - cpu_start) / iters}


def measure_ours(name, device, warmup, iters, cli):
    model_name, scale, shape, training, _, _ = WORKLOADS[name]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "profile.json")
        args = cli + ["profile", "--model", model_name, "--scale", str(scale), "--input", "x".join(map(str, shape)),
                      "--device", device, "--warmup", str(warmup), "--iters", str(iters), "--no-profile", "--json", out]
        if training:
            args += ["--backward", "--adam"]
        run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            return {"error": (run.stderr.strip() or run.stdout.strip()).splitlines()[-1] if (run.stderr or run.stdout) else f"exit {run.returncode}"}
        with open(out, encoding="utf-8") as f:
            result = json.load(f)
    total = result["forward_ms"] + (result.get("backward_ms") or 0) + (result.get("optimizer_ms") or 0)
    return {"forward_ms": result["forward_ms"], "backward_ms": result.get("backward_ms"),
            "optimizer_ms": result.get("optimizer_ms"), "total_ms": total, "cpu_ms": result.get("cpu_ms"),
            "device_name": result["device_name"],
            "peak_memory_bytes": result["peak_memory_bytes"]}


def is_gpu_device(device_name):
    return any(k in device_name.lower() for k in ("nvidia", "geforce", "tesla", "radeon", "gpu", "intel(r) graphics", "apple m"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated: " + ", ".join(WORKLOADS))
    parser.add_argument("--ours", default="cpu,opencl,cuda", help="our devices to try (missing ones are skipped)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--iters", type=int, default=5)
    parser.add_argument("--ours-warmup", type=int, default=None, help="warm-up iterations for ours [default: --warmup]")
    parser.add_argument("--ours-iters", type=int, default=None, help="timed iterations for ours [default: --iters]; our Cpu backend is slow")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="PyTorch CPU threads [default: every core; this machine's torch build otherwise starts with 1]")
    parser.add_argument("--no-build", action="store_true", help="use the existing Release build of src/SuperRes.Cli")
    parser.add_argument("--json", help="write every measurement to this file")
    parser.add_argument("--superres", help="our CLI as an executable, e.g. a single-file publish (no build, no .NET SDK needed) "
                                           "[default: dotnet <the Release build of src/SuperRes.Cli>]")
    args = parser.parse_args()

    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    for n in names:
        if n not in WORKLOADS:
            sys.exit(f"unknown workload {n}; known: {', '.join(WORKLOADS)}")
    if args.superres and not os.access(args.superres, os.X_OK):
        sys.exit(f"--superres {args.superres}: not an executable file")
    if not args.no_build and not args.superres:
        subprocess.run(["dotnet", "build", "-c", "Release", "src/SuperRes.Cli", "-v", "q", "-nologo"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    cli = [os.path.abspath(args.superres)] if args.superres else ["dotnet", CLI_DLL]
    ours_warmup = args.warmup if args.ours_warmup is None else args.ours_warmup
    ours_iters = args.iters if args.ours_iters is None else args.ours_iters

    torch.set_num_threads(args.threads)
    torch_devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} CPU threads"
          + (f", CUDA {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "")
          + f"; load average {load:.2f} at start; warm-up {args.warmup}, iterations {args.iters}"
          + (f" (ours {ours_warmup}/{ours_iters})" if (ours_warmup, ours_iters) != (args.warmup, args.iters) else ""))

    results = {"pytorch_version": torch.__version__, "threads": torch.get_num_threads(), "load_start": load,
               "workloads": {}}
    rows = []
    for name in names:
        entry = {"pytorch": {}, "ours": {}}
        for dev in torch_devices:
            r = measure_pytorch(name, dev, args.warmup, args.iters)
            entry["pytorch"][dev.type] = r
            print(f"  pytorch {dev.type:5} {name}: {r['total_ms']:.1f} ms", flush=True)
        for dev in [d.strip() for d in args.ours.split(",") if d.strip()]:
            r = measure_ours(name, dev, ours_warmup, ours_iters, cli)
            entry["ours"][dev] = r
            if "error" in r:
                print(f"  ours    {dev:5} {name}: skipped ({r['error']})", flush=True)
                continue
            print(f"  ours    {dev:5} {name}: {r['total_ms']:.1f} ms ({r['device_name']})", flush=True)
            family = "cuda" if is_gpu_device(r["device_name"]) else "cpu"
            if family in entry["pytorch"]:
                ref = entry["pytorch"][family]["total_ms"]
                rows.append((name, f"{dev} ({r['device_name'][:40]})", r["total_ms"], family, ref, r["total_ms"] / ref,
                             r.get("cpu_ms"), entry["pytorch"][family].get("cpu_ms")))
        results["workloads"][name] = entry
    results["load_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    print()
    header = f"{'workload':17} {'ours':48} {'ours ms':>10} {'PyTorch':>8} {'PyT ms':>9} {'ours/PyTorch':>13} {'anchor ms':>10}"
    print(header)
    print("-" * len(header))
    for name, dev, ours_ms, family, ref, ratio, _, _ in rows:
        anchor = f"{ANCHORS[name]:.0f}" if family == "cpu" else "-"
        print(f"{name:17} {dev:48} {ours_ms:10.1f} {family:>8} {ref:9.1f} {ratio:12.2f}x {anchor:>10}")
    # Process CPU time (every thread) per timed step: what a loaded machine changes least. PyTorch's includes its
    # OpenMP threads' spin-waits, ours the .NET pool's; on a quiet machine wall time is the figure to quote.
    print(f"\n{'workload':17} {'ours':48} {'ours CPU ms':>12} {'PyT CPU ms':>11} {'ours/PyTorch':>13}")
    for name, dev, _, family, _, _, ours_cpu, torch_cpu in rows:
        if ours_cpu and torch_cpu:
            print(f"{name:17} {dev:48} {ours_cpu:12.1f} {torch_cpu:11.1f} {ours_cpu / torch_cpu:12.2f}x")
    print(f"\nload average: {load:.2f} at start, {results['load_end']:.2f} at the end (2 cores: above ~1 the figures are noisy)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
        print(f"json: {args.json}")


if __name__ == "__main__":
    main()
