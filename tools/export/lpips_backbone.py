#!/usr/bin/env python3
"""Export the LPIPS feature backbone (AlexNet or VGG16 from torchvision) to ONNX for RestoreBench.

The exported graph is the contract of RestoreBench's `lpips` metric:

* one input `input`, float32 [1, 3, H, W] (H and W dynamic), holding the image AFTER the LPIPS
  scaling layer: x in [-1, 1], then (x - shift) / scale per channel with
  shift = (-0.030, -0.088, -0.188) and scale = (0.458, 0.448, 0.450).
  RestoreBench applies that scaling in C# before running the graph; the graph does not.
* five outputs `feat1` .. `feat5`, float32 [1, C_k, H_k, W_k], the activations LPIPS compares:
  AlexNet relu1..relu5 (C = 64, 192, 384, 256, 256) or
  VGG16 relu1_2, relu2_2, relu3_3, relu4_3, relu5_3 (C = 64, 128, 256, 512, 512).
  RestoreBench picks the linear calibration layers (alex or vgg) from these channel counts.

Weights
-------
* `--random-init --seed N`: torchvision's default initialisation with a fixed seed. For tests only:
  the distances are not perceptual.
* pretrained (default): torchvision's ImageNet weights (AlexNet_Weights.IMAGENET1K_V1 or
  VGG16_Weights.IMAGENET1K_V1), the ones the official LPIPS v0.1 numbers were calibrated with.
  torchvision downloads them into $TORCH_HOME (default ~/.cache/torch/hub/checkpoints) the first time;
  run this script on a machine with internet access, or copy the .pth file there yourself.
* `--weights FILE.pth`: a torchvision state_dict of the full classifier (alexnet-owt-7be5be79.pth,
  vgg16-397923af.pth) or of its `features` part; no download.

Examples
--------
    python3 tools/export/lpips_backbone.py --net alex --output lpips-alex.onnx
    python3 tools/export/lpips_backbone.py --net vgg --weights vgg16-397923af.pth --output lpips-vgg.onnx
    restorebench models import-onnx lpips-alex.onnx --kind lpips-backbone --name lpips-alex
    restorebench eval --restored out --gt gt --metrics lpips --lpips lpips-alex

Needs torch, torchvision and onnx (Debian: python3-torch python3-torchvision python3-onnx).
"""

import argparse
import sys

import torch
import torchvision

# Cut points in torchvision's `features` Sequential after each ReLU that LPIPS reads.
SLICES = {
    "alex": [(0, 2), (2, 5), (5, 8), (8, 10), (10, 12)],
    "vgg": [(0, 4), (4, 9), (9, 16), (16, 23), (23, 30)],
}
CHANNELS = {
    "alex": [64, 192, 384, 256, 256],
    "vgg": [64, 128, 256, 512, 512],
}
OUTPUT_NAMES = ["feat1", "feat2", "feat3", "feat4", "feat5"]


class Backbone(torch.nn.Module):
    """Runs `features` and returns the five activations LPIPS compares."""

    def __init__(self, features, cuts):
        super().__init__()
        self.stages = torch.nn.ModuleList(
            torch.nn.Sequential(*[features[i] for i in range(a, b)]) for a, b in cuts)

    def forward(self, x):
        outputs = []
        for stage in self.stages:
            x = stage(x)
            outputs.append(x)
        return tuple(outputs)


def make_features(net, pretrained, weights_path):
    """torchvision `features` of AlexNet or VGG16, with the requested weights."""
    if net == "alex":
        ctor, tag = torchvision.models.alexnet, "AlexNet_Weights.IMAGENET1K_V1"
    else:
        ctor, tag = torchvision.models.vgg16, "VGG16_Weights.IMAGENET1K_V1"
    if pretrained and weights_path is None:
        try:
            model = ctor(weights=tag)  # downloads into $TORCH_HOME on first use
        except OSError as e:  # urllib.error.URLError is an OSError
            raise SystemExit(f"error: cannot obtain torchvision's {tag} weights ({e}); run this script on a machine "
                             "with internet access, or download the checkpoint elsewhere and pass --weights FILE.pth")
        return model.features
    model = ctor(weights=None)
    if weights_path is not None:
        state = torch.load(weights_path, map_location="cpu")
        if any(k.startswith("features.") for k in state):
            model.load_state_dict(state)
        else:
            model.features.load_state_dict(state)
    return model.features


def build(net, random_init=False, seed=0, weights_path=None):
    """The five-output backbone module in eval mode."""
    if random_init:
        torch.manual_seed(seed)
    features = make_features(net, pretrained=not random_init, weights_path=weights_path)
    for i, layer in enumerate(features):
        if isinstance(layer, torch.nn.ReLU):
            features[i] = torch.nn.ReLU(inplace=False)  # in-place ReLUs would overwrite the returned activations
    module = Backbone(features, SLICES[net]).eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


def export(module, path, net, description, opset=13):
    """Writes `module` as ONNX with the RestoreBench LPIPS backbone contract and metadata."""
    import onnx

    dummy = torch.zeros(1, 3, 64, 64)
    dynamic = {"input": {2: "height", 3: "width"}}
    for name in OUTPUT_NAMES:
        dynamic[name] = {2: name + "_height", 3: name + "_width"}
    torch.onnx.export(module, dummy, path, input_names=["input"], output_names=OUTPUT_NAMES,
                      dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True)
    model = onnx.load(path)
    for key, value in (("restorebench.kind", "lpips-backbone"), ("lpips.net", net),
                       ("lpips.scaling", "applied by the caller, not in this graph"),
                       ("lpips.weights", description)):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--net", choices=["alex", "vgg"], required=True)
    parser.add_argument("--output", required=True, help="ONNX file to write")
    parser.add_argument("--random-init", action="store_true", help="random weights (tests only)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random-init")
    parser.add_argument("--weights", help="torchvision state_dict (.pth) to load instead of downloading")
    parser.add_argument("--opset", type=int, default=13)
    args = parser.parse_args(argv)
    if args.random_init and args.weights:
        parser.error("--random-init and --weights exclude each other")
    module = build(args.net, args.random_init, args.seed, args.weights)
    if args.random_init:
        description = f"random init, torch.manual_seed({args.seed}), torch {torch.__version__}"
    elif args.weights:
        description = f"state_dict {args.weights}"
    else:
        description = "torchvision ImageNet IMAGENET1K_V1"
    export(module, args.output, args.net, description, args.opset)
    params = sum(p.numel() for p in module.parameters())
    print(f"{args.output}: {args.net}, {params:,} parameters, outputs {', '.join(OUTPUT_NAMES)} "
          f"with {CHANNELS[args.net]} channels ({description})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
