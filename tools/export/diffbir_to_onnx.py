#!/usr/bin/env python3
"""Export DiffBIR (SD 2.1 VAE + IRControlNet fused with the UNet + precomputed OpenCLIP context) to the
ONNX component layout of RestoreBench's CLDM pipeline (docs/cldm.md), and write a manifest.

NOT RUN IN THIS REPOSITORY: it needs the user's DiffBIR checkout and weights (Stable Diffusion 2.1
base and the DiffBIR IRControlNet checkpoint), which are not available where RestoreBench is built.
The pipeline it feeds is tested with graphs the tests build. Check the points listed in docs/cldm.md
against your DiffBIR version.

Outputs in --out:
  vae_encoder.onnx   image [1,3,H,W] in [-1,1] -> moments [1,8,H/8,W/8] (encoder + quant_conv)
  vae_decoder.onnx   latent [1,4,h,w] (unscaled) -> image [1,3,8h,8w] in [-1,1] (post_quant_conv + decoder)
  denoiser.onnx      x_noisy [1,4,h,w], t [1] int64, c_img [1,4,h,w], c_txt [1,77,1024], control_scale [1]
                     -> eps [1,4,h,w]
  prompt.npy, negative.npy   OpenCLIP ViT-H/14 context for the prompts, float32 [1,77,1024]
  diffbir.yaml       the manifest

Usage:
  python3 tools/export/diffbir_to_onnx.py --diffbir /path/to/DiffBIR --sd v2-1_512-ema-pruned.ckpt \
      --controlnet v2.pth --out exports/diffbir [--prompt ""] [--negative "..."] [--stage1 NAME] [--scale 4]
"""
import argparse
import os
import sys

import numpy as np
import torch


def load_control_ldm(diffbir, sd_path, controlnet_path):
    """Builds DiffBIR's ControlLDM from its inference config and loads the weights (DiffBIR v2 layout)."""
    sys.path.insert(0, diffbir)
    from omegaconf import OmegaConf  # DiffBIR's own dependency
    from diffbir.utils.common import instantiate_from_config

    config = OmegaConf.load(os.path.join(diffbir, "configs", "inference", "cldm.yaml"))
    model = instantiate_from_config(config)
    sd = torch.load(sd_path, map_location="cpu")
    sd = sd.get("state_dict", sd)
    unused = model.load_pretrained_sd(sd)
    print(f"SD weights loaded; unused keys: {len(unused)}")
    model.load_controlnet_from_ckpt(torch.load(controlnet_path, map_location="cpu"))
    return model.eval()


class VaeEncoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, image):
        return self.vae.quant_conv(self.vae.encoder(image))


class VaeDecoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.vae.decoder(self.vae.post_quant_conv(latent))


class FusedDenoiser(torch.nn.Module):
    """ControlLDM.forward with the control scale as an input: control residuals x scale, then the UNet."""

    def __init__(self, model):
        super().__init__()
        self.controlnet = model.controlnet
        self.unet = model.unet

    def forward(self, x_noisy, t, c_img, c_txt, control_scale):
        control = self.controlnet(x=x_noisy, hint=c_img, timesteps=t, context=c_txt)
        control = [c * control_scale for c in control]
        return self.unet(x=x_noisy, timesteps=t, context=c_txt, control=control, only_mid_control=False)


def export(module, args, path, inputs, outputs, dynamic):
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, opset_version=17, do_constant_folding=True)
    print(f"wrote {path}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--diffbir", required=True, help="DiffBIR repository checkout")
    p.add_argument("--sd", required=True, help="Stable Diffusion 2.1 base checkpoint (v2-1_512-ema-pruned.ckpt)")
    p.add_argument("--controlnet", required=True, help="DiffBIR IRControlNet checkpoint")
    p.add_argument("--out", required=True)
    p.add_argument("--prompt", default="")
    p.add_argument("--negative", default="low quality, blurry, low-resolution, noisy, unsharp, weird textures")
    p.add_argument("--stage1", default="none", help="stage-1 restorer name for the manifest (restorebench restorer names)")
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--size", type=int, default=512, help="image side used for tracing (any multiple of 64)")
    a = p.parse_args()

    os.makedirs(a.out, exist_ok=True)
    model = load_control_ldm(a.diffbir, a.sd, a.controlnet)
    h = a.size // 8
    with torch.no_grad():
        image = torch.zeros(1, 3, a.size, a.size)
        export(VaeEncoder(model.vae), (image,), os.path.join(a.out, "vae_encoder.onnx"), ["image"], ["moments"],
               {"image": {2: "height", 3: "width"}, "moments": {2: "latent_height", 3: "latent_width"}})
        latent = torch.zeros(1, 4, h, h)
        export(VaeDecoder(model.vae), (latent,), os.path.join(a.out, "vae_decoder.onnx"), ["latent"], ["image"],
               {"latent": {2: "latent_height", 3: "latent_width"}, "image": {2: "height", 3: "width"}})

        for name, text in (("prompt", a.prompt), ("negative", a.negative)):
            context = model.clip.encode([text]).float().cpu().numpy()
            np.save(os.path.join(a.out, f"{name}.npy"), np.ascontiguousarray(context, dtype=np.float32))
            print(f"wrote {name}.npy {context.shape}")

        context = torch.from_numpy(np.load(os.path.join(a.out, "prompt.npy")))
        args = (latent, torch.tensor([500], dtype=torch.int64), latent, context, torch.tensor([1.0]))
        dyn = {n: {2: "latent_height", 3: "latent_width"} for n in ("x_noisy", "c_img", "eps")}
        export(FusedDenoiser(model), args, os.path.join(a.out, "denoiser.onnx"),
               ["x_noisy", "t", "c_img", "c_txt", "control_scale"], ["eps"], dyn)

    manifest = f"""name: diffbir
stage1: "{a.stage1}"
scale: {a.scale}
vae:
  encoder: vae_encoder.onnx
  decoder: vae_decoder.onnx
  range: -1-1
  output_kind: moments
  latent_channels: 4
  downscale: 8
  scaling_factor: {float(model.scale_factor)}
  decode_tile: {{size: 64, overlap: 8}}
denoiser:
  model: denoiser.onnx
  prediction: epsilon
  inputs:
    latent: x_noisy
    timestep: t
    condition: c_img
    context: c_txt
    control_scale: control_scale
  output: eps
  context: prompt.npy
  null_context: negative.npy
  control_scale: 1.0
  latent_multiple: 8
  tile: {{size: 64, overlap: 32}}
schedule:
  kind: scaled-linear
  train_steps: 1000
  beta_start: 0.00085
  beta_end: 0.012
sampler:
  kind: ddpm
  steps: 50
  spacing: linspace
  variance: fixed-small
  cfg: 4.0
color_fix: wavelet
"""
    with open(os.path.join(a.out, "diffbir.yaml"), "w", encoding="utf-8") as f:
        f.write(manifest)
    print(f"wrote {os.path.join(a.out, 'diffbir.yaml')}")


if __name__ == "__main__":
    main()
