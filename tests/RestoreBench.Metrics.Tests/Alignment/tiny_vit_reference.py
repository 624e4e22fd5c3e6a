#!/usr/bin/env python3
"""End-to-end reference for align_dinov2 with a random-weight ViT exported like tools/export/dinov2_to_onnx.py.

A tiny ViT/14 (D = 32, one pre-norm attention block, final LayerNorm; seed 0) stands in for DINOv2: same
patch size, token layout [CLS; 16x16 patches], input/output names and dynamic batch. The script
preprocesses two images with Pillow (bicubic, mode F) and the Hugging Face size/crop rules, runs the
PyTorch model, and stores the distances align_dinov2 must reproduce from the exported ONNX file.

    /usr/bin/python3 tiny_vit_reference.py ../Data/alignment
"""
import json
import os
import sys

import numpy as np
import torch

from preprocess_reference import pattern, preprocess

D = 32


class TinyVit(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = torch.nn.Conv2d(3, D, 14, 14)
        self.cls = torch.nn.Parameter(torch.randn(1, 1, D) * 0.5)
        self.pos = torch.nn.Parameter(torch.randn(1, 257, D) * 0.1)
        self.ln1 = torch.nn.LayerNorm(D)
        self.qkv = torch.nn.Linear(D, 3 * D)
        self.proj = torch.nn.Linear(D, D)
        self.ln2 = torch.nn.LayerNorm(D)
        self.fc1 = torch.nn.Linear(D, 2 * D)
        self.fc2 = torch.nn.Linear(2 * D, D)
        self.norm = torch.nn.LayerNorm(D)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        attention = torch.softmax(q @ k.transpose(1, 2) / (D ** 0.5), dim=-1)
        x = x + self.proj(attention @ v)
        x = x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))
        x = self.norm(x)
        return x, x[:, 0]


def distances(u, v):
    u = u / np.linalg.norm(u)
    v = v / np.linalg.norm(v)
    return 1.0 - float(u @ v), float(np.linalg.norm(u - v))


def main(out_dir):
    torch.manual_seed(0)
    model = TinyVit().eval()
    torch.onnx.export(model, (torch.randn(1, 3, 224, 224),), os.path.join(out_dir, "tiny_vit.onnx"),
                      input_names=["pixel_values"], output_names=["last_hidden_state", "pooler_output"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "last_hidden_state": {0: "batch"}, "pooler_output": {0: "batch"}},
                      opset_version=17, do_constant_folding=True)
    a = pattern(300, 200)
    b = a * 0.5 + 0.25
    batch = torch.from_numpy(np.stack([preprocess(a, 256, 224), preprocess(b, 256, 224)]))
    with torch.no_grad():
        tokens, _ = model(batch)
    tokens = tokens.numpy().astype(np.float64)
    cls_cos, cls_l2 = distances(tokens[0, 0], tokens[1, 0])
    mean_cos, mean_l2 = distances(tokens[0, 1:].mean(axis=0), tokens[1, 1:].mean(axis=0))
    out = {"generator": "tiny_vit_reference.py (torch %s)" % torch.__version__,
           "images": "a = pattern(300, 200); b = 0.5 * a + 0.25",
           "cls_cosine": cls_cos, "cls_l2": cls_l2, "patch_mean_cosine": mean_cos, "patch_mean_l2": mean_l2}
    with open(os.path.join(out_dir, "tiny_vit_expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(out)


if __name__ == "__main__":
    main(sys.argv[1])
