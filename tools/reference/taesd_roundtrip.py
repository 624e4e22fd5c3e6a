#!/usr/bin/env python3
"""Independent TAESD-family round trip in PyTorch (Debian's python3-torch), used to make the
reference PSNR of the TaesdImporter test. Reads the .safetensors weights directly (no safetensors
package needed), builds the encoder/decoder functionally and prints PSNR of D(E(x)) for several
256x256 crops of the astronaut image (or of the whole image when it is 256x256, e.g. the
astronaut downscaled by the C# test and written to PNG).

usage: /usr/bin/python3 tools/reference/taesd_roundtrip.py ENCODER.safetensors DECODER.safetensors IMAGE.png
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


def load(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = {"F16": np.float16, "F32": np.float32}[info["dtype"]]
        out[key] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=dtype).astype(np.float32).reshape(info["shape"]))
    return out


def conv(w, i, x, stride=1):
    return F.conv2d(x, w[f"{i}.weight"], w.get(f"{i}.bias"), stride=stride, padding=w[f"{i}.weight"].shape[-1] // 2)


def block(w, i, x):
    if f"{i}.pool.0.weight" in w:
        p = F.conv2d(x, w[f"{i}.pool.0.weight"])
        p = F.group_norm(p, 4, w[f"{i}.pool.1.weight"], w[f"{i}.pool.1.bias"], eps=1e-5)
        p = F.conv2d(F.relu(p), w[f"{i}.pool.3.weight"])
        x = x + p
    h = F.relu(conv(w, f"{i}.conv.0", x))
    h = F.relu(conv(w, f"{i}.conv.2", h))
    h = conv(w, f"{i}.conv.4", h)
    skip = F.conv2d(x, w[f"{i}.skip.weight"]) if f"{i}.skip.weight" in w else x
    return F.relu(h + skip)


def encode(w, x):
    x = conv(w, 0, x)
    x = block(w, 1, x)
    for down in (2, 6, 10):
        x = conv(w, down, x, stride=2)
        for i in range(down + 1, down + 4):
            x = block(w, i, x)
    return conv(w, 14, x)


def decode(w, z):
    x = torch.tanh(z / 3) * 3
    x = F.relu(conv(w, 1, x))
    for i in (3, 4, 5):
        x = block(w, i, x)
    for up in (7, 12, 17):
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = conv(w, up, x)
        for i in range(up + 1, up + (4 if up < 17 else 2)):
            x = block(w, i, x)
    return conv(w, 19, x).clamp(0, 1)


def psnr(a, b):
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(1.0 / mse)


def main():
    enc, dec = load(sys.argv[1]), load(sys.argv[2])
    image = np.asarray(Image.open(sys.argv[3]).convert("RGB"))
    h, w = image.shape[:2]
    crops = {"top-left": (0, 0), "centre": ((h - 256) // 2, (w - 256) // 2)} if (h, w) != (256, 256) else {"whole": (0, 0)}
    torch.set_grad_enabled(False)
    for name, (y, x) in crops.items():
        crop = image[y:y + 256, x:x + 256].astype(np.float32) / 255.0
        t = torch.from_numpy(crop.transpose(2, 0, 1).copy())[None]
        z = encode(enc, t)
        out = decode(dec, z)[0].numpy().transpose(1, 2, 0)
        q = np.round(out * 255.0) / 255.0
        print(f"{name} ({y},{x}): latent {tuple(z.shape)} mean {float(z.mean()):.6f} std {float(z.std()):.6f}; "
              f"PSNR float {psnr(out, crop):.4f} dB, 8-bit {psnr(q, crop):.4f} dB")


if __name__ == "__main__":
    main()
