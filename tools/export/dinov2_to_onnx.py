#!/usr/bin/env python3
"""Export a Hugging Face DINOv2 backbone to ONNX for RestoreBench's `align_dinov2` metric (paper Eq. 13-15).

RestoreBench cannot ship or download DINOv2 weights; users who have them (e.g. a local copy of
`facebook/dinov2-small`, Apache-2.0) run this script once and pass the file to
`restorebench eval --metrics align_dinov2 --encoder dinov2-small.onnx`.

The exported graph follows RestoreBench's encoder contract (docs/metrics.md, "Alignment"):

    input   pixel_values       float32 [batch, 3, 224, 224]   (already resized, cropped, normalised)
    output  last_hidden_state  float32 [batch, 1 + 256, D]    (token 0 = CLS, after the final layer norm)
    output  pooler_output      float32 [batch, D]             (= last_hidden_state[:, 0] for DINOv2)

D = 384 (small), 768 (base), 1024 (large), 1536 (giant). Only the batch dimension is dynamic: the
position embeddings are interpolated to the 16x16 patch grid at export time, so the graph is valid for
224x224 inputs only, which is what RestoreBench feeds it. Preprocessing stays in RestoreBench (shortest
edge -> 256 with Pillow bicubic, centre crop 224, ImageNet mean/std); the script prints the model's
`preprocessor_config.json` next to RestoreBench's defaults so that a mismatch is seen.

Requirements: torch (>= 1.13), transformers (>= 4.31, which added Dinov2Model); optional onnx and
onnxruntime for --check.

    python3 tools/export/dinov2_to_onnx.py --model facebook/dinov2-small --output dinov2-small.onnx
    python3 tools/export/dinov2_to_onnx.py --model /path/to/dinov2-small --local-files-only --output dinov2-small.onnx --check

--random-init builds the architecture from its config with random weights (seeded); it exists only to
test the export path and RestoreBench's contract without the real weights, and its embeddings mean nothing.
"""
import argparse
import json
import os
import sys

RESTOREBENCH_PREPROCESSING = {
    "resize_shortest_edge": 256,
    "crop_size": 224,
    "image_mean": [0.485, 0.456, 0.406],
    "image_std": [0.229, 0.224, 0.225],
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="facebook/dinov2-small", help="Hugging Face model id or local folder")
    p.add_argument("--output", required=True, help="ONNX file to write")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--local-files-only", action="store_true", help="never contact the Hugging Face Hub")
    p.add_argument("--random-init", action="store_true", help="random weights from the config (testing only)")
    p.add_argument("--seed", type=int, default=0, help="seed for --random-init and the --check input")
    p.add_argument("--check", action="store_true", help="compare ONNX Runtime with PyTorch on a random input")
    return p.parse_args()


def load(args):
    import torch
    from transformers import AutoConfig, Dinov2Model

    if args.random_init:
        torch.manual_seed(args.seed)
        try:
            config = AutoConfig.from_pretrained(args.model, local_files_only=args.local_files_only)
        except OSError:
            from transformers import Dinov2Config
            # The facebook/dinov2-small architecture (ViT-S/14, 518x518 position grid).
            config = Dinov2Config(hidden_size=384, num_hidden_layers=12, num_attention_heads=6,
                                  intermediate_size=1536, image_size=518, patch_size=14)
        return Dinov2Model(config).eval()
    return Dinov2Model.from_pretrained(args.model, local_files_only=args.local_files_only).eval()


def report_preprocessing(args):
    try:
        from transformers import AutoImageProcessor
        proc = AutoImageProcessor.from_pretrained(args.model, local_files_only=args.local_files_only)
    except Exception as e:  # noqa: BLE001 - informational only
        print(f"note: no image processor config found ({e.__class__.__name__}); RestoreBench uses {RESTOREBENCH_PREPROCESSING}")
        return
    found = {
        "resize_shortest_edge": (getattr(proc, "size", None) or {}).get("shortest_edge"),
        "crop_size": (getattr(proc, "crop_size", None) or {}).get("height"),
        "image_mean": [round(float(v), 6) for v in getattr(proc, "image_mean", [])],
        "image_std": [round(float(v), 6) for v in getattr(proc, "image_std", [])],
        "resample": str(getattr(proc, "resample", None)),
    }
    print("model preprocessing:      ", json.dumps(found))
    print("RestoreBench preprocessing:", json.dumps(RESTOREBENCH_PREPROCESSING), "(Pillow bicubic)")
    for key, value in RESTOREBENCH_PREPROCESSING.items():
        if found.get(key) != value:
            print(f"warning: {key} differs; RestoreBench's EncoderManifest must be set to {found.get(key)!r}", file=sys.stderr)


class Wrapper:
    """Returns the two outputs as a tuple with fixed order (ONNX export cannot name dict outputs)."""

    def __new__(cls, model):
        import torch

        class _W(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, pixel_values):
                out = self.m(pixel_values=pixel_values)
                return out.last_hidden_state, out.pooler_output

        return _W(model).eval()


def main():
    args = parse_args()
    import torch

    model = load(args)
    report_preprocessing(args)
    wrapped = Wrapper(model)
    torch.manual_seed(args.seed)
    dummy = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        torch.onnx.export(
            wrapped, (dummy,), args.output,
            input_names=["pixel_values"],
            output_names=["last_hidden_state", "pooler_output"],
            dynamic_axes={"pixel_values": {0: "batch"}, "last_hidden_state": {0: "batch"}, "pooler_output": {0: "batch"}},
            opset_version=args.opset,
            do_constant_folding=True,
        )
    n_params = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.output}: {n_params:,} parameters, hidden size {model.config.hidden_size}")

    if args.check:
        import numpy as np
        import onnxruntime as ort

        x = torch.randn(2, 3, 224, 224)
        with torch.no_grad():
            ref_tokens, ref_pooled = wrapped(x)
        sess = ort.InferenceSession(args.output, providers=["CPUExecutionProvider"])
        tokens, pooled = sess.run(["last_hidden_state", "pooler_output"], {"pixel_values": x.numpy()})
        err = max(float(np.abs(tokens - ref_tokens.numpy()).max()), float(np.abs(pooled - ref_pooled.numpy()).max()))
        print(f"check: max |onnxruntime - torch| = {err:.3e} on a batch of 2")
        if err > 1e-3:
            sys.exit(f"error: the ONNX export differs from PyTorch by {err:.3e}")


if __name__ == "__main__":
    main()
