#!/usr/bin/python3
"""Times the scikit-image / SciPy counterparts of RestoreBench's benchmarked operations.

Usage (same machine, same sitting as the BenchmarkDotNet run):

    dotnet run -c Release --project benchmarks/RestoreBench.Benchmarks -- --write-images /tmp/rb-bench-images
    /usr/bin/python3 benchmarks/reference/skimage_bench.py /tmp/rb-bench-images [--repeat 15]

The images are the ones the C# benchmarks build (RestoreBench.Benchmarks.BenchmarkImages):
reference.png (samples/coffee.png mirror-tiled to 2040x1356) and restored.png (its MATLAB-bicubic
x1/4 -> x4 round trip, 8-bit). Both sides therefore time the same pixels and sizes. Images are
held as float64 planar CHW arrays in [0, 1], like RestoreBench's ImageTensor.

Every operation runs single-threaded (the thread-count variables below are set before numpy is
imported; scipy.ndimage and the skimage functions used here do not start threads of their own).
Each timing is the median (and minimum) of --repeat single calls after one warm-up call, using
timeit with the default perf_counter clock.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

# pylint: disable=wrong-import-position
import argparse
import platform
import statistics
import sys
import timeit


import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
from skimage import filters, io, metrics, transform

HEIGHT, WIDTH = 1356, 2040


def load_chw(path):
    """An 8-bit RGB PNG as a C-contiguous float64 array [3, H, W] in [0, 1]."""
    pixels = io.imread(path)
    if pixels.shape != (HEIGHT, WIDTH, 3) or pixels.dtype != np.uint8:
        sys.exit(f"{path}: expected {WIDTH}x{HEIGHT} 8-bit RGB, got shape {pixels.shape} {pixels.dtype}")
    return np.ascontiguousarray(pixels.transpose(2, 0, 1), dtype=np.float64) / 255.0


def luma_y255(chw):
    """MATLAB rgb2ycbcr luma on 0..255, unrounded (BasicSR to_y_channel, same operation order as C#)."""
    return 65.481 * chw[0] + 128.553 * chw[1] + 24.966 * chw[2] + 16.0


def ssim_y(restored, reference):
    """BasicSR-like SSIM-Y: 11x11 Gaussian sigma 1.5 (truncate 3.5 -> radius 5), population
    covariance, data range 255; skimage averages the map without the 5-pixel border = 'valid'."""
    return metrics.structural_similarity(
        luma_y255(restored), luma_y255(reference),
        gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)


def ssim_rgb(restored, reference):
    """Same settings per channel (channel_axis=0), mean of the three values."""
    return metrics.structural_similarity(
        restored * 255.0, reference * 255.0, channel_axis=0,
        gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)


def psnr_y(restored, reference):
    return metrics.peak_signal_noise_ratio(luma_y255(reference), luma_y255(restored), data_range=255)


def scipy_blur(chw, sigma):
    """Separable Gaussian, radius int(3 sigma + 0.5) = 2 ceil(3 sigma) + 1 taps for integer sigma;
    ndimage 'reflect' (d c b a | a b c d) is MATLAB's 'symmetric' border. The same operation as
    RestoreBench's Convolution.Separable with GaussianKernel.OneDimensional(sigma, 2 ceil(3 sigma) + 1)."""
    return ndi.gaussian_filter(chw, sigma=(0, sigma, sigma), mode="reflect", truncate=3.0)


def skimage_blur(chw, sigma):
    """skimage.filters.gaussian (a wrapper around ndimage.gaussian_filter) with the same settings."""
    return filters.gaussian(chw, sigma=sigma, mode="reflect", truncate=3.0, channel_axis=0, preserve_range=True)


def skimage_down4(chw):
    """skimage resize to 510x339 with anti_aliasing: Gaussian prefilter sigma (s-1)/2 then cubic
    *spline* interpolation (order=3). NOT MATLAB imresize (Keys cubic, kernel widened by 4):
    different values, similar amount of work."""
    return transform.resize(chw, (3, (HEIGHT + 3) // 4, (WIDTH + 3) // 4), order=3, mode="symmetric",
                            anti_aliasing=True)


def skimage_up4(chw_low):
    """skimage resize x4 (cubic spline, order=3) back to 2040x1356; not MATLAB-exact either."""
    return transform.resize(chw_low, (3, HEIGHT, WIDTH), order=3, mode="symmetric", anti_aliasing=False)


def median_ms(function, repeat):
    function()  # warm-up (first-call imports and caches)
    times = timeit.Timer(function).repeat(repeat=repeat, number=1)
    return statistics.median(times) * 1e3, min(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", help="folder with reference.png and restored.png written by --write-images")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per operation (default 15)")
    args = parser.parse_args()

    reference = load_chw(os.path.join(args.images, "reference.png"))
    restored = load_chw(os.path.join(args.images, "restored.png"))
    low = skimage_down4(reference)

    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"scikit-image {skimage.__version__}; OMP/OPENBLAS/MKL_NUM_THREADS=1")
    print(f"images {WIDTH}x{HEIGHT} RGB float64 CHW; median (min) of {args.repeat} calls after 1 warm-up")
    print(f"values: ssim_y {ssim_y(restored, reference):.12f}  psnr_y {psnr_y(restored, reference):.10f}  "
          f"ssim_rgb {ssim_rgb(restored, reference):.12f}")
    print()

    cases = [
        ("SsimY", "skimage structural_similarity on Y (incl. Y conversion)", lambda: ssim_y(restored, reference)),
        ("PsnrY", "skimage peak_signal_noise_ratio on Y (incl. Y conversion)", lambda: psnr_y(restored, reference)),
        ("SsimRgb", "skimage structural_similarity, channel_axis=0", lambda: ssim_rgb(restored, reference)),
        ("BicubicDown4", "skimage transform.resize x1/4, order=3, anti_aliasing (not MATLAB)", lambda: skimage_down4(reference)),
        ("BicubicUp4", "skimage transform.resize x4, order=3 (not MATLAB)", lambda: skimage_up4(low)),
        ("GaussianBlurSigma1", "scipy ndimage.gaussian_filter sigma 1", lambda: scipy_blur(reference, 1)),
        ("GaussianBlurSigma3", "scipy ndimage.gaussian_filter sigma 3", lambda: scipy_blur(reference, 3)),
        ("GaussianBlurSigma3", "skimage filters.gaussian sigma 3", lambda: skimage_blur(reference, 3)),
    ]
    print("| C# benchmark | Python operation | median ms | min ms |")
    print("|---|---|---:|---:|")
    for name, label, function in cases:
        median, minimum = median_ms(function, args.repeat)
        print(f"| {name} | {label} | {median:.1f} | {minimum:.1f} |")


if __name__ == "__main__":
    main()
