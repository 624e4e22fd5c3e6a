#!/usr/bin/env python3
"""Writes the LPIPS parity data of RestoreBench.Metrics.Tests (LpipsParityTests).

* alex_random_seed1234.onnx: torchvision AlexNet `features`, randomly initialised with
  torch.manual_seed(1234), exported by tools/export/lpips_backbone.py (the real AlexNet layer
  structure; only the weights are random).
* vgg_standin_seed99.onnx: a small stand-in with VGG16's output channel counts (64, 128, 256, 512,
  512): one 1x1 convolution + ReLU per stage, 2x2 max pooling between stages. The full VGG16
  features (14.7 M parameters, 59 MB) are too big for the repository; this graph exercises the
  vgg variant detection and the vgg linear layers.
* expected.json: LPIPS of image pairs from ../shared/reference/vectors/images computed here in
  PyTorch/numpy with the formula
      LPIPS = sum_k mean_{h,w} sum_c w_{k,c} (f1_hat - f2_hat)^2,  f_hat = f / (||f||_2 over c + 1e-10)
  on the features the same ONNX files give in PyTorch; official v0.1 linear weights from
  ../shared/models/lpips/lpips_{alex,vgg}_v0.1.safetensors.

Scaling: sample s in [0,1] (8-bit value / 255), x = 2s - 1, input = (x - shift) / scale, computed
in float64 and rounded to float32 (RestoreBench does the same in C#). Gray images are repeated to
three channels. Features are float32 (torch); normalisation and sums are in float64.

Run from the repository root: /usr/bin/python3 tests/RestoreBench.Metrics.Tests/Data/lpips/make_lpips_parity.py
"""

import json
import os
import struct
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
SHARED = os.environ.get("RESTOREBENCH_SHARED", os.path.join(ROOT, "..", "shared"))
IMAGES = os.path.join(SHARED, "reference", "vectors", "images")
sys.path.insert(0, os.path.join(ROOT, "tools", "export"))
import lpips_backbone  # noqa: E402

SHIFT = np.array([-0.030, -0.088, -0.188]).reshape(3, 1, 1)
SCALE = np.array([0.458, 0.448, 0.450]).reshape(3, 1, 1)

ALEX_PAIRS = [
    ("astronaut_bicubic_x2", "astronaut_gt"),
    ("astronaut_blur_s3", "astronaut_gt"),
    ("astronaut_jpeg_q30", "astronaut_gt"),
    ("astronaut_noise_s10", "astronaut_gt"),
    ("chelsea_jpeg_q30", "chelsea_gt"),
    ("coffee_blur_s1", "coffee_gt"),
    ("camera_bicubic_x4", "camera_gt"),
    ("astronaut_gt", "astronaut_gt"),
]
VGG_PAIRS = [
    ("astronaut_bicubic_x2", "astronaut_gt"),
    ("chelsea_noise_s10", "chelsea_gt"),
    ("camera_jpeg_q30", "camera_gt"),
]


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dtype = {"F32": "<f4", "F16": "<f2"}[info["dtype"]]
        out[key] = np.frombuffer(data[8 + n + a:8 + n + b], dtype=dtype).astype(np.float64).reshape(info["shape"])
    return out


def linear_weights(net):
    w = read_safetensors(os.path.join(SHARED, "models", "lpips", f"lpips_{net}_v0.1.safetensors"))
    return [w[f"lin{k}.model.1.weight"].reshape(-1) for k in range(5)]


def load(name):
    img = Image.open(os.path.join(IMAGES, name + ".png")).convert("RGB")
    s = np.asarray(img, dtype=np.float64).transpose(2, 0, 1) / 255.0
    x = ((2.0 * s - 1.0) - SHIFT) / SCALE
    return torch.from_numpy(x.astype(np.float32)[None])


def features(module, name):
    with torch.no_grad():
        return [f[0].numpy().astype(np.float64) for f in module(load(name))]


def lpips(module, weights, a, b):
    total = 0.0
    for f1, f2, w in zip(features(module, a), features(module, b), weights):
        n1 = f1 / (np.sqrt((f1 * f1).sum(axis=0)) + 1e-10)
        n2 = f2 / (np.sqrt((f2 * f2).sum(axis=0)) + 1e-10)
        d = ((n1 - n2) ** 2 * w.reshape(-1, 1, 1)).sum(axis=0)
        total += d.mean()
    return total


class VggStandIn(torch.nn.Module):
    """VGG16's five output channel counts with 1x1 convolutions (small enough for the repository)."""

    def __init__(self):
        super().__init__()
        chans = [3, 64, 128, 256, 512, 512]
        stages = []
        for k in range(5):
            layers = [] if k == 0 else [torch.nn.MaxPool2d(2, 2)]
            layers += [torch.nn.Conv2d(chans[k], chans[k + 1], 1), torch.nn.ReLU()]
            stages.append(torch.nn.Sequential(*layers))
        self.stages = torch.nn.ModuleList(stages)

    def forward(self, x):
        out = []
        for s in self.stages:
            x = s(x)
            out.append(x)
        return tuple(out)


def main():
    torch.set_num_threads(1)
    result = {"formula": "sum_k mean_hw sum_c w_kc (f1/(|f1|+1e-10) - f2/(|f2|+1e-10))^2", "torch": torch.__version__}

    alex = lpips_backbone.build("alex", random_init=True, seed=1234)
    alex_path = os.path.join(HERE, "alex_random_seed1234.onnx")
    lpips_backbone.export(alex, alex_path, "alex", "random init, torch.manual_seed(1234)")

    torch.manual_seed(99)
    vgg = VggStandIn().eval()
    vgg_path = os.path.join(HERE, "vgg_standin_seed99.onnx")
    lpips_backbone.export(vgg, vgg_path, "vgg", "1x1-conv stand-in with VGG16 channel counts, torch.manual_seed(99)")

    for key, module, net, pairs, path in (("alex", alex, "alex", ALEX_PAIRS, alex_path),
                                          ("vgg_standin", vgg, "vgg", VGG_PAIRS, vgg_path)):
        w = linear_weights(net)
        rows = []
        for a, b in pairs:
            v = lpips(module, w, a, b)
            rows.append({"restored": a, "reference": b, "lpips": v})
            print(f"{key:12s} {a:22s} {b:14s} {v:.10f}")
        result[key] = {"model": os.path.basename(path), "net": net, "pairs": rows}

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
