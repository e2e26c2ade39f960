#!/usr/bin/env python3
"""Writes T91 with downscaled copies (the scale augmentation of the SRCNN/VDSR "291" recipes) for training.

Each image is copied as it is and at 0.9, 0.8, 0.7 and 0.6 of its size (bicubic with antialiasing, torch 1.13,
rounded to 8 bits): 91 images become 455. The trainer then makes each copy's LR by MATLAB bicubic as usual.

usage: make_scaled_t91.py T91_DIR OUT_DIR [--factors 0.9,0.8,0.7,0.6]
"""
import argparse
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks"))
from make_photo import read_png_rgb8, write_png_rgb8  # noqa: E402


def scaled(image, factor):
    height, width, _ = image.shape
    size = (max(1, round(height * factor)), max(1, round(width * factor)))
    t = torch.from_numpy(image.astype(np.float64)).permute(2, 0, 1)[None]
    out = torch.nn.functional.interpolate(t, size=size, mode="bicubic", align_corners=False, antialias=True)
    return out[0].permute(1, 2, 0).round().clamp(0, 255).numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--factors", default="0.9,0.8,0.7,0.6")
    args = parser.parse_args()
    factors = [float(f) for f in args.factors.split(",")]
    os.makedirs(args.out, exist_ok=True)
    for name in sorted(os.listdir(args.source)):
        if not name.lower().endswith(".png"):
            continue
        path = os.path.join(args.source, name)
        shutil.copyfile(path, os.path.join(args.out, name))
        image = read_png_rgb8(path)
        stem = name[:-4]
        for f in factors:
            write_png_rgb8(os.path.join(args.out, f"{stem}_s{round(f * 100)}.png"), scaled(image, f))
    print(f"{args.out}: {len(os.listdir(args.out))} images")


if __name__ == "__main__":
    main()
