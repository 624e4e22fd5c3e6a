#!/usr/bin/python3
"""Independent float64 numpy reference for RestoreBench's MS-SSIM (and crop_border=4 Y metrics).

Writes tests/RestoreBench.Metrics.Tests/Data/ms_ssim_expected.json. Run from the repository root:

    /usr/bin/python3 tools/reference/ms_ssim_reference.py [--shared ../shared]

Convention (pytorch_msssim ``ms_ssim`` v1.0, evaluated in float64):
  * planes on the 0..255 scale; Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 (MATLAB rgb2ycbcr,
    not rounded); a gray image is used as is;
  * per scale: 11x11 Gaussian window (sigma 1.5, normalised to sum 1), 'valid' correlation only,
    population statistics, C1 = (0.01*255)^2, C2 = (0.03*255)^2; cs = mean of the contrast-structure
    map, ssim = mean of the SSIM map;
  * between scales: 2x2 average pooling, stride 2; a side of odd length n gets one zero sample in
    front (torch avg_pool2d padding = n % 2, count_include_pad=True), output length n // 2 + 1, the
    divisor is always 4;
  * result = prod_{i<4} relu(cs_i)^w_i * relu(ssim_4)^w_4, weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333);
  * "rgb" variant: the value per channel, then the mean over channels.

Unlike the C# code (separable row/column filtering, streamed), this script correlates with the full
2-D window directly (sliding windows and a tensor contraction), so the two are independent.
"""

import argparse
import json
import os
import sys

import numpy as np
from PIL import Image

WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333], dtype=np.float64)
C1 = (0.01 * 255.0) ** 2
C2 = (0.03 * 255.0) ** 2


def window_2d(size=11, sigma=1.5):
    offsets = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    grid = offsets[:, None] ** 2 + offsets[None, :] ** 2
    w = np.exp(-grid / (2.0 * sigma * sigma))
    return w / w.sum()


WINDOW = window_2d()


def load_255(path):
    """H x W x C float64 array on 0..255 (C = 1 for gray files)."""
    with Image.open(path) as im:
        a = np.asarray(im)
    if a.dtype != np.uint8:
        raise ValueError(f"{path}: expected 8-bit samples, got {a.dtype}")
    a = a.astype(np.float64)
    if a.ndim == 2:
        a = a[:, :, None]
    return a


def luma_y(img):
    if img.shape[2] == 1:
        return img[:, :, 0]
    r, g, b = img[:, :, 0], img[:, :, 1], img[:, :, 2]
    return 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0


def correlate_valid(plane):
    """Direct 2-D 'valid' correlation with the 11x11 window."""
    views = np.lib.stride_tricks.sliding_window_view(plane, WINDOW.shape)
    return np.tensordot(views, WINDOW, axes=([2, 3], [0, 1]))


def ssim_and_cs(x, y):
    mu_x = correlate_valid(x)
    mu_y = correlate_valid(y)
    var_x = correlate_valid(x * x) - mu_x * mu_x
    var_y = correlate_valid(y * y) - mu_y * mu_y
    cov = correlate_valid(x * y) - mu_x * mu_y
    cs_map = (2.0 * cov + C2) / (var_x + var_y + C2)
    lum_map = (2.0 * mu_x * mu_y + C1) / (mu_x * mu_x + mu_y * mu_y + C1)
    return float(np.mean(lum_map * cs_map)), float(np.mean(cs_map))


def pool2(plane):
    h, w = plane.shape
    padded = np.pad(plane, ((h % 2, 0), (w % 2, 0)), mode="constant", constant_values=0.0)
    ph, pw = padded.shape
    blocks = padded.reshape(ph // 2, 2, pw // 2, 2)
    return (blocks[:, 0, :, 0] + blocks[:, 0, :, 1] + blocks[:, 1, :, 0] + blocks[:, 1, :, 1]) / 4.0


def ms_ssim_plane(x, y):
    if min(x.shape) < 161:
        raise ValueError(f"MS-SSIM needs >= 161 px per side, got {x.shape}")
    value = 1.0
    for scale in range(5):
        s, cs = ssim_and_cs(x, y)
        if scale < 4:
            value *= max(cs, 0.0) ** WEIGHTS[scale]
            x, y = pool2(x), pool2(y)
        else:
            value *= max(s, 0.0) ** WEIGHTS[scale]
    return value


def ms_ssim_rgb(a, b):
    return float(np.mean([ms_ssim_plane(a[:, :, c], b[:, :, c]) for c in range(a.shape[2])]))


def psnr(x, y):
    mse = np.mean((x - y) ** 2)
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0 ** 2 / mse))


def crop(img, box):
    if box is None:
        return img
    top, left, height, width = box
    return img[top:top + height, left:left + width]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default=os.path.join("..", "shared"), help="the shared folder (holds reference/vectors)")
    parser.add_argument("--out", default=os.path.join("tests", "RestoreBench.Metrics.Tests", "Data", "ms_ssim_expected.json"))
    args = parser.parse_args()

    vectors = os.path.join(args.shared, "reference", "vectors")
    with open(os.path.join(vectors, "expected_values.json")) as f:
        expected = json.load(f)

    # Odd sizes exercise the zero-padded pooling; 161x161 is the smallest accepted size.
    odd_crops = {
        "images/astronaut_bicubic_x4.png": [(3, 1, 283, 271), (50, 60, 161, 161)],
        "images/chelsea_noise_s10.png": [(0, 0, 287, 285)],
        "images/camera_jpeg_q30.png": [(5, 2, 201, 233)],
    }

    results = []
    worst_self_check = 0.0
    for pair in expected["pairs"]:
        gt = load_255(os.path.join(vectors, pair["gt"]))
        dist = load_255(os.path.join(vectors, pair["dist"]))

        # Self-check against the shared float64 values (same SSIM/PSNR definitions).
        y_gt, y_dist = luma_y(gt), luma_y(dist)
        checks = [
            abs(ssim_and_cs(y_dist, y_gt)[0] - pair["ssim_y_f64_direct"]),
            abs(np.mean([ssim_and_cs(dist[:, :, c], gt[:, :, c])[0] for c in range(gt.shape[2])]) - pair["ssim_rgb"]),
            abs(psnr(y_dist, y_gt) - pair["psnr_y_f64"]),  # dB
        ]
        worst_self_check = max(worst_self_check, max(checks))

        for box in [None] + odd_crops.get(pair["dist"], []):
            g, d = crop(gt, box), crop(dist, box)
            yg, yd = luma_y(g), luma_y(d)
            entry = {
                "gt": pair["gt"],
                "dist": pair["dist"],
                "crop": None if box is None else list(box),
                "ms_ssim_y": ms_ssim_plane(yd, yg),
                "ms_ssim_rgb": ms_ssim_rgb(d, g),
            }
            if box is None:
                # BasicSR crop_border=4 on Y, in float64 (the shared psnr_y_crop4 / ssim_y_crop4 went through float32 Y).
                yg4, yd4 = yg[4:-4, 4:-4], yd[4:-4, 4:-4]
                entry["psnr_y_crop4_f64"] = psnr(yd4, yg4)
                entry["ssim_y_crop4_f64"] = ssim_and_cs(yd4, yg4)[0]
            results.append(entry)

    if worst_self_check > 1e-10:
        sys.exit(f"self-check against expected_values.json failed: worst difference {worst_self_check:g}")

    document = {
        "generator": {
            "script": "tools/reference/ms_ssim_reference.py",
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "self_check_worst_abs_diff": worst_self_check,
        },
        "convention": (
            "pytorch_msssim ms_ssim (v1.0) in float64: 0..255 planes, Y = MATLAB rgb2ycbcr luma (unrounded); "
            "11x11 Gaussian sigma 1.5 normalised, valid correlation, population statistics, C1=(0.01*255)^2, "
            "C2=(0.03*255)^2; 2x2 average pooling stride 2 with one leading zero row/column for odd sides "
            "(divisor 4); relu(cs_0..3), relu(ssim_4); weights 0.0448 0.2856 0.3001 0.2363 0.1333; "
            "ms_ssim_rgb = mean over channels. crop = [top, left, height, width] applied to both images first. "
            "psnr_y_crop4_f64 / ssim_y_crop4_f64: BasicSR crop_border=4 on float64 Y."
        ),
        "pairs": results,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
    print(f"wrote {len(results)} entries to {args.out}; self-check worst |diff| = {worst_self_check:.3g}")


if __name__ == "__main__":
    main()
