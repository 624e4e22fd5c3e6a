#!/usr/bin/python3
"""Expected values for the Wiener and Richardson-Lucy restorers (RestoreBench.Restorers).

Runs Debian's scikit-image (python3-skimage 0.19.x) on the shared reference blur images
(../shared/reference/vectors/images/<name>_blur_s{1,3}.png) and writes classical_expected.json:
for every case and channel the mean, standard deviation, minimum and maximum of the restored
plane, and the restored values at fixed sample positions (two 10x10 corners, a 10x10 centre
block and 100 seeded random positions).

Conventions (the ones the C# code must reproduce):
  * input: 8-bit PNG / 255 as float64, each channel restored independently;
  * PSF: separable Gaussian, size 2*ceil(3*sigma)+1, outer product of the normalised 1-D kernel;
  * wiener: skimage.restoration.wiener(image, psf, balance, clip=...), default Laplacian
    regulariser, circular (FFT) boundary;
  * richardson_lucy: skimage.restoration.richardson_lucy(image, psf, num_iter, clip=...,
    filter_epsilon=...), scipy.signal.convolve(mode='same') with zero boundary, start value 0.5.

Usage: /usr/bin/python3 make_classical_expected.py [SHARED_DIR]   (default: ../shared beside the repo)
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.signal
import skimage
from skimage import io, restoration

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared")
IMAGES = os.path.join(SHARED, "reference", "vectors", "images")
NAMES = ["astronaut", "coffee", "chelsea", "camera"]


def gaussian_psf(sigma):
    size = 2 * math.ceil(3 * sigma) + 1
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(x * x) / (2 * sigma * sigma))
    g /= g.sum()
    return np.outer(g, g)


def sample_positions(h, w):
    pos = []
    for y0, x0 in ((0, 0), (h - 10, w - 10), (h // 2 - 5, w // 2 - 5)):
        for y in range(y0, y0 + 10):
            for x in range(x0, x0 + 10):
                pos.append((y, x))
    rng = np.random.default_rng(20240604)
    for _ in range(100):
        pos.append((int(rng.integers(0, h)), int(rng.integers(0, w))))
    return pos


def planes(image):
    return [image] if image.ndim == 2 else [image[..., c] for c in range(image.shape[2])]


def direct_richardson_lucy(image, psf, num_iter, clip, filter_epsilon):
    """Same iteration as skimage 0.19 with direct (not FFT) convolution, to bound the method gap."""
    im = np.full(image.shape, 0.5)
    mirror = np.flip(psf)
    for _ in range(num_iter):
        conv = scipy.signal.convolve(im, psf, mode="same", method="direct") + 1e-12
        rel = np.where(conv < filter_epsilon, 0, image / conv) if filter_epsilon else image / conv
        im *= scipy.signal.convolve(rel, mirror, mode="same", method="direct")
    if clip:
        im[im > 1] = 1
        im[im < -1] = -1
    return im


def main():
    cases = []
    for name in NAMES:
        for sigma in (1, 3):
            cases.append(dict(method="wiener", image=name, sigma=sigma, balance=0.05, clip=True))
            cases.append(dict(method="richardson_lucy", image=name, sigma=sigma, iterations=30, clip=True, filter_epsilon=None))
    cases.append(dict(method="wiener", image="astronaut", sigma=1, balance=0.01, clip=False))
    cases.append(dict(method="richardson_lucy", image="camera", sigma=3, iterations=10, clip=False, filter_epsilon=0.01))

    out_cases = []
    method_gap = 0.0
    for case in cases:
        path = os.path.join(IMAGES, f"{case['image']}_blur_s{case['sigma']}.png")
        image = io.imread(path).astype(np.float64) / 255.0
        psf = gaussian_psf(case["sigma"])
        restored = []
        for plane in planes(image):
            if case["method"] == "wiener":
                r = restoration.wiener(plane, psf, case["balance"], clip=case["clip"])
            else:
                r = restoration.richardson_lucy(plane, psf, num_iter=case["iterations"], clip=case["clip"],
                                                filter_epsilon=case["filter_epsilon"])
                d = direct_richardson_lucy(plane, psf, case["iterations"], case["clip"], case["filter_epsilon"])
                method_gap = max(method_gap, float(np.max(np.abs(r - d))))
            restored.append(r)
        h, w = restored[0].shape
        pos = sample_positions(h, w)
        entry = dict(case)
        entry["input"] = os.path.basename(path)
        entry["psf_size"] = psf.shape[0]
        entry["shape"] = [len(restored), h, w]
        entry["positions"] = [[y, x] for y, x in pos]
        entry["channels"] = [
            dict(mean=float(p.mean()), std=float(p.std()), min=float(p.min()), max=float(p.max()),
                 values=[float(p[y, x]) for y, x in pos])
            for p in restored
        ]
        out_cases.append(entry)
        print(f"{case['method']:16s} {case['image']:10s} sigma={case['sigma']} mean={restored[0].mean():.6f}", file=sys.stderr)

    psf_probe = np.zeros((288, 288))
    result = dict(
        generator="tests/RestoreBench.Restorers.Tests/Data/make_classical_expected.py",
        skimage=skimage.__version__,
        scipy=scipy.__version__,
        numpy=np.__version__,
        convolve_method={str(s): scipy.signal.choose_conv_method(psf_probe, gaussian_psf(s), mode="same") for s in (1, 3)},
        richardson_lucy_fft_vs_direct_max_abs=method_gap,
        cases=out_cases,
    )
    with open(os.path.join(HERE, "classical_expected.json"), "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"RL fft vs direct max |diff| = {method_gap:.3e}", file=sys.stderr)


if __name__ == "__main__":
    main()
