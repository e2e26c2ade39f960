#!/usr/bin/env python3
"""Writes a deterministic photo-like RGB PNG (default 1800x1000) for the end-to-end benchmarks.

Set14's img_002 (720x576, a real photograph) enlarged by bicubic interpolation to the requested size, with a fine
sensor-like noise (sigma 3 levels) and a faint high-frequency texture added, so that the image compresses like a
camera photo rather than like a smooth enlargement. Needs numpy and torch (the reference interpreter has both);
PNG reading and writing is done here with zlib, so no imaging package is needed.

usage: make_photo.py OUT.png [--width 1800] [--height 1000] [--source PATH]
"""
import argparse
import struct
import zlib

import numpy as np
import torch


def read_png_rgb8(path):
    """Decodes an 8-bit RGB or gray, non-interlaced PNG (what the shared benchmark sets hold)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, idat, width, height, color = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (0, 2) and interlace == 0, f"{path}: needs 8-bit gray/RGB, not interlaced"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 3 if color == 2 else 1
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        f, row = raw[y, 0], raw[y, 1:].astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for i in range(stride):
            a = cur[i - channels] if i >= channels else 0
            b, c = prev[i], (prev[i - channels] if i >= channels else 0)
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) >> 1
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[i] = (row[i] + p) & 0xFF
        out[y], prev = cur, cur
    image = out.reshape(height, width, channels)
    return np.repeat(image, 3, axis=2) if channels == 1 else image


def write_png_rgb8(path, image):
    height, width, _ = image.shape
    rows = b"".join(b"\x00" + image[y].astype(np.uint8).tobytes() for y in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 6)))
        f.write(chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1800)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--source", default="/work/shared/data/benchmark/Set14/x2/HR/img_002.png")
    args = parser.parse_args()
    torch.manual_seed(13)
    source = torch.from_numpy(read_png_rgb8(args.source)).permute(2, 0, 1)[None].double()
    big = torch.nn.functional.interpolate(source, size=(args.height, args.width), mode="bicubic", align_corners=False)
    noise = torch.randn(big.shape, dtype=torch.float64) * 3.0
    y = torch.arange(args.height, dtype=torch.float64)[:, None]
    x = torch.arange(args.width, dtype=torch.float64)[None, :]
    texture = 2.0 * torch.sin(x * 1.7 + y * 0.9) * torch.sin(y * 2.3 - x * 0.4)
    photo = (big + noise + texture).round().clamp(0, 255)[0].permute(1, 2, 0).numpy().astype(np.uint8)
    write_png_rgb8(args.out, photo)


if __name__ == "__main__":
    main()
