#!/usr/bin/env python3
"""NIQE and BRISQUE in numpy/scipy, as a Python user would run them: a timing reference for
RestoreBench's C# implementation (src/RestoreBench.Metrics/NoReference).

The algorithms follow the same conventions as RestoreBench (see docs/metrics-nr.md):

* NIQE: BasicSR/MATLAB convention in float64. Y = (65.481 R + 128.553 G + 24.966 B) / 255 + 16
  from 8-bit code values, rounded half to even; crop to multiples of 96; MSCN with the 7x7
  Gaussian window (scipy.ndimage.convolve, mode 'nearest') and sigma + 1; 18 AGGD/GGD features
  per 96x96 block (48x48 at the second scale) in column-major block order; second scale by MATLAB
  imresize(0.5) (bicubic, antialiased, float64, no rounding); NaN-ignoring mean, covariance with
  N - 1 and pinv of the averaged covariances.
* BRISQUE: OpenCV 4.x quality::QualityBRISQUE in float32: 8-bit gray (cvtColor fixed point),
  INTER_CUBIC half-size second scale, GaussianBlur 7x7 sigma 7/6 with replicate borders and fused
  multiply-add emulated in float64, sigma + 1/255, OpenCV's AGGD search, RBF epsilon-SVR with the
  LIVE model of brisque_model_live.yml / brisque_range_live.yml, clamped to [0, 100].
  With --opencv, OpenCV's own cv2.quality.QualityBRISQUE is timed as well (Debian python3-opencv).

Runs single-threaded (BLAS/OpenMP threads are set to 1 before numpy is imported).

Usage:
  python3 niqe_brisque_numpy.py IMAGE [--metric niqe|brisque|both] [--repeat N]
                                      [--tile 2040x1356] [--opencv]

Requirements: Debian python3-numpy, python3-scipy, and python3-pil (or python3-opencv) to read
the image.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.ndimage import convolve  # noqa: E402
from scipy.special import gamma  # noqa: E402

MODELS = Path(__file__).resolve().parents[2] / "src" / "RestoreBench.Metrics" / "NoReference" / "Models"

# --------------------------------------------------------------------------------------------
# Image input
# --------------------------------------------------------------------------------------------


def read_rgb8(path):
    """8-bit RGB (H, W, 3) or gray (H, W) array."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            if im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            return np.asarray(im, dtype=np.uint8)
    except ImportError:
        import cv2

        im = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if im is None:
            raise SystemExit(f"cannot read {path}")
        if im.ndim == 3:
            im = im[..., 2::-1]
        return np.ascontiguousarray(im)


def tile_to(img, width, height):
    """Mirror-tiles (or crops) an image to exactly width x height, for timing at a given size."""
    reps_y = -(-height // img.shape[0])
    reps_x = -(-width // img.shape[1])
    rows = [img if i % 2 == 0 else img[::-1] for i in range(reps_y)]
    tall = np.concatenate(rows, axis=0)
    cols = [tall if j % 2 == 0 else tall[:, ::-1] for j in range(reps_x)]
    return np.ascontiguousarray(np.concatenate(cols, axis=1)[:height, :width])


# --------------------------------------------------------------------------------------------
# NIQE (BasicSR/MATLAB convention, float64)
# --------------------------------------------------------------------------------------------


def load_niqe_model():
    with open(MODELS / "niqe_pris_params.json", encoding="utf-8") as f:
        p = json.load(f)
    return np.array(p["mu_pris_param"]), np.array(p["cov_pris_param"]), np.array(p["gaussian_window"])


NIQE_SHAPES = np.arange(0.2, 10.001, 0.001)
_rec = np.reciprocal(NIQE_SHAPES)
NIQE_RATIO = np.square(gamma(_rec * 2)) / (gamma(_rec) * gamma(_rec * 3))


def niqe_y(img8):
    """Rounded 0-255 luma plane of NIQE (Y as BasicSR, from code values; gray used as is)."""
    if img8.ndim == 2:
        return img8.astype(np.float64)
    v = img8.astype(np.float64)
    return np.round((65.481 * v[..., 0] + 128.553 * v[..., 1] + 24.966 * v[..., 2]) / 255.0 + 16.0)


def _cubic(x):
    ax = np.abs(x)
    ax2 = ax * ax
    ax3 = ax2 * ax
    return (1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1) + (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2))


def _matlab_weights(n_in, n_out, scale):
    width = 4.0 / scale  # antialiasing: kernel widened by 1/scale
    u = np.arange(1, n_out + 1) / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = int(math.ceil(width)) + 2
    idx = left[:, None] + np.arange(taps)[None, :]
    w = scale * _cubic(scale * (u[:, None] - idx))
    w = w / w.sum(axis=1, keepdims=True)
    idx = idx - 1
    period = 2 * n_in
    m = np.mod(idx, period)
    idx = np.where(m < n_in, m, period - 1 - m).astype(np.intp)  # symmetric borders
    keep = np.any(w != 0, axis=0)
    return w[:, keep], idx[:, keep]


def matlab_imresize_half(a):
    """MATLAB imresize(a, 0.5): bicubic with antialiasing, rows then columns, float64."""
    h, w = a.shape
    wr, ir = _matlab_weights(h, math.ceil(h * 0.5), 0.5)
    t = np.einsum("ok,okw->ow", wr, a[ir])
    wc, ic = _matlab_weights(w, math.ceil(w * 0.5), 0.5)
    return np.einsum("ok,hok->ho", wc, t[:, ic])


def _niqe_aggd(block):
    block = block.ravel()
    left = np.sqrt(np.mean(block[block < 0] ** 2))
    right = np.sqrt(np.mean(block[block > 0] ** 2))
    gh = left / right
    rhat = np.mean(np.abs(block)) ** 2 / np.mean(block ** 2)
    rn = rhat * (gh ** 3 + 1) * (gh + 1) / (gh ** 2 + 1) ** 2
    alpha = NIQE_SHAPES[np.argmin((NIQE_RATIO - rn) ** 2)]
    c = np.sqrt(gamma(1 / alpha) / gamma(3 / alpha))
    return alpha, left * c, right * c


def _niqe_block_features(block):
    alpha, bl, br = _niqe_aggd(block)
    feats = [alpha, (bl + br) / 2]
    for shift in ((0, 1), (1, 0), (1, 1), (1, -1)):
        alpha, bl, br = _niqe_aggd(block * np.roll(block, shift, axis=(0, 1)))
        feats += [alpha, (br - bl) * (gamma(2 / alpha) / gamma(1 / alpha)), bl, br]
    return feats


def niqe(img8, model, block=96):
    mu_p, cov_p, window = model
    y = niqe_y(img8)
    nh, nw = y.shape[0] // block, y.shape[1] // block
    if nh * nw < 2:
        raise ValueError("image too small for NIQE")
    y = y[: nh * block, : nw * block]
    per_scale = []
    for scale in (1, 2):
        mu = convolve(y, window, mode="nearest")
        sigma = np.sqrt(np.abs(convolve(np.square(y), window, mode="nearest") - np.square(mu)))
        mscn = (y - mu) / (sigma + 1)
        b = block // scale
        per_scale.append(np.array([
            _niqe_block_features(mscn[i * b:(i + 1) * b, j * b:(j + 1) * b])
            for j in range(nw) for i in range(nh)
        ]))
        if scale == 1:
            y = matlab_imresize_half(y)
    feats = np.concatenate(per_scale, axis=1)
    mu_d = np.nanmean(feats, axis=0)
    cov_d = np.cov(feats[~np.isnan(feats).any(axis=1)], rowvar=False)
    d = mu_p - mu_d
    return float(np.sqrt(d @ np.linalg.pinv((cov_p + cov_d) / 2) @ d))


# --------------------------------------------------------------------------------------------
# BRISQUE (OpenCV quality::QualityBRISQUE, float32)
# --------------------------------------------------------------------------------------------


def _yaml_list(text, start):
    open_at = text.index("[", start)
    close_at = text.index("]", open_at)
    return [float(v) for v in text[open_at + 1:close_at].split(",") if v.strip()], close_at


def load_brisque_model():
    """Reads the OpenCV SVM (EPS_SVR, RBF) and the feature ranges from the two YAML files."""
    text = (MODELS / "brisque_model_live.yml").read_text(encoding="utf-8")
    if not re.search(r"svmType:\s*EPS_SVR", text) or not re.search(r"type:\s*RBF", text):
        raise SystemExit("brisque_model_live.yml: expected an EPS_SVR with an RBF kernel")
    svm_gamma = float(re.search(r"gamma:\s*(\S+)", text).group(1))
    sv_total = int(re.search(r"sv_total:\s*(\d+)", text).group(1))
    pos = text.index("support_vectors:")
    svs = []
    for _ in range(sv_total):
        row, pos = _yaml_list(text, pos)
        svs.append(row)
    rho = float(re.search(r"rho:\s*(\S+)", text[pos:]).group(1))
    alpha, _ = _yaml_list(text, text.index("alpha:", pos))
    ranges = (MODELS / "brisque_range_live.yml").read_text(encoding="utf-8")
    data, _ = _yaml_list(ranges, ranges.index("data:"))
    rng = np.array(data, dtype=np.float32).reshape(2, -1)
    return np.array(svs, dtype=np.float32), np.array(alpha), rho, svm_gamma, rng


def _fma32(a, b, c):
    return (a.astype(np.float64) * np.float64(b) + c.astype(np.float64)).astype(np.float32)


_t = [math.exp(-0.5 / (7 / 6) ** 2 * (i - 3) ** 2) for i in range(7)]
BRISQUE_KERNEL = np.array([v * (1.0 / sum(_t)) for v in _t], dtype=np.float32)


def gaussian_blur7(a):
    """cv2.GaussianBlur(a, (7, 7), 7/6, borderType=BORDER_REPLICATE) on float32 (FMA order)."""
    h, w = a.shape
    p = np.pad(a, 3, mode="edge")
    rows = np.zeros((h + 6, w), np.float32)
    for i in range(7):
        rows = _fma32(p[:, i:i + w], BRISQUE_KERNEL[i], rows)
    out = rows[3:3 + h] * BRISQUE_KERNEL[3]
    for j in (1, 2, 3):
        out = _fma32(rows[3 - j:3 - j + h] + rows[3 + j:3 + j + h], BRISQUE_KERNEL[3 - j], out)
    return out


def _cv_cubic_table(n_in, n_out):
    f32 = np.float32
    x = ((np.arange(n_out) + 0.5) * (1.0 / (n_out / n_in)) - 0.5).astype(f32)
    s = np.floor(x).astype(np.intp)
    x = (x - s.astype(f32)).astype(f32)
    a = f32(-0.75)
    one = f32(1)
    x1 = x + one
    c0 = ((a * x1 - f32(5) * a) * x1 + f32(8) * a) * x1 - f32(4) * a
    c1 = ((a + f32(2)) * x - (a + f32(3))) * x * x + one
    y = one - x
    c2 = ((a + f32(2)) * y - (a + f32(3))) * y * y + one
    c3 = one - c0 - c1 - c2
    idx = np.clip(s[:, None] - 1 + np.arange(4)[None, :], 0, n_in - 1)
    return idx, np.stack([c0, c1, c2, c3], axis=1).astype(f32)


def cv_resize_half(a):
    """cv2.resize(a, (w // 2, h // 2), interpolation=INTER_CUBIC) on float32."""
    h, w = a.shape
    oh, ow = h // 2, w // 2
    xi, xc = _cv_cubic_table(w, ow)
    yi, yc = _cv_cubic_table(h, oh)
    t = a[:, xi[:, 0]] * xc[:, 0]
    for k in (1, 2, 3):
        t = t + a[:, xi[:, k]] * xc[:, k]
    vec = ow - ow % 4
    rtl = t[yi[:, 3]] * yc[:, 3, None]
    for k in (2, 1, 0):
        rtl = rtl + t[yi[:, k]] * yc[:, k, None]
    ltr = t[yi[:, 0]] * yc[:, 0, None]
    for k in (1, 2, 3):
        ltr = ltr + t[yi[:, k]] * yc[:, k, None]
    return np.concatenate([rtl[:, :vec], ltr[:, vec:]], axis=1)


_cv_shapes = []
_g = 0.2
while _g < 10:
    _cv_shapes.append(_g)
    _g += 0.001
CV_SHAPES = np.array(_cv_shapes)
CV_RATIO = gamma(2 / CV_SHAPES) * gamma(2 / CV_SHAPES) / (gamma(1 / CV_SHAPES) * gamma(3 / CV_SHAPES))


def _cv_aggd(x):
    x = np.nan_to_num(x, nan=0.0)
    sq = (x * x).astype(np.float64)
    neg = x < 0
    pos = x > 0
    negsq = sq[neg].sum()
    possq = sq[pos].sum()
    left = math.sqrt(negsq / neg.sum())
    right = math.sqrt(possq / pos.sum())
    gh = left / right
    n = x.size
    rhat = (np.abs(x).astype(np.float64).sum() / n) ** 2 / ((negsq + possq) / n)
    rn = rhat * (gh ** 3 + 1) * (gh + 1) / (gh ** 2 + 1) ** 2
    diff = np.abs(CV_RATIO - rn)
    rising = np.nonzero(diff[1:] > diff[:-1])[0]
    alpha = CV_SHAPES[rising[0] if len(rising) else len(CV_SHAPES) - 1]
    return alpha, left, right


def brisque_features(img8):
    if img8.ndim == 3:
        r, g, b = (img8[..., i].astype(np.int32) for i in range(3))
        gray = ((r * 9798 + g * 19235 + b * 3735 + (1 << 14)) >> 15).astype(np.float32)
    else:
        gray = img8.astype(np.float32)
    image = gray * np.float32(1.0 / 255.0)
    feats = []
    for scale in (1, 2):
        if scale == 2:
            image = cv_resize_half(image)
        mu = gaussian_blur7(image)
        with np.errstate(invalid="ignore"):
            sigma = np.sqrt(gaussian_blur7(image * image) - mu * mu) + np.float32(1.0 / 255.0)
        mscn = (image - mu) / sigma
        alpha, left, right = _cv_aggd(mscn)
        feats += [alpha, (left * left + right * right) / 2]
        for dy, dx in ((0, 1), (1, 0), (1, 1), (-1, 1)):
            shifted = np.zeros_like(mscn)
            h, w = mscn.shape
            shifted[max(0, -dy):h - max(0, dy), :w - dx] = mscn[max(0, dy):h - max(0, -dy), dx:]
            alpha, left, right = _cv_aggd(mscn * shifted)
            const = math.sqrt(gamma(1 / alpha)) / math.sqrt(gamma(3 / alpha))
            mean = (right - left) * (gamma(2 / alpha) / gamma(1 / alpha)) * const
            feats += [alpha, mean, left * left, right * right]
    return np.array(feats, dtype=np.float32)


def brisque(img8, model):
    svs, alpha, rho, svm_gamma, rng = model
    f = brisque_features(img8)
    x = np.float32(-1) + np.float32(2) * (f - rng[0]) / (rng[1] - rng[0])
    dist = np.square((svs - x[None, :]).astype(np.float64)).sum(axis=1)
    kernel = np.exp((dist * -svm_gamma).astype(np.float32).astype(np.float64)).astype(np.float32)
    score = np.float32(-rho + np.dot(alpha, kernel.astype(np.float64)))
    return float(min(max(score, np.float32(0)), np.float32(100)))


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def timed(label, fn, repeat):
    value = fn()  # warm-up (and the value)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:28s} value {value:.6f}   median {statistics.median(times):8.1f} ms   "
          f"min {min(times):8.1f} ms   ({repeat} runs)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("image")
    parser.add_argument("--metric", choices=("niqe", "brisque", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tile", help="mirror-tile the image to WxH first, e.g. 2040x1356")
    parser.add_argument("--opencv", action="store_true", help="also time cv2.quality.QualityBRISQUE")
    args = parser.parse_args()

    img = read_rgb8(args.image)
    if args.tile:
        w, h = (int(v) for v in args.tile.lower().split("x"))
        img = tile_to(img, w, h)
    print(f"image {args.image}: {img.shape[1]}x{img.shape[0]}, {'RGB' if img.ndim == 3 else 'gray'}; "
          f"numpy {np.__version__}, single thread")

    if args.metric in ("niqe", "both"):
        model = load_niqe_model()
        timed("niqe (numpy/scipy)", lambda: niqe(img, model), args.repeat)
    if args.metric in ("brisque", "both"):
        model = load_brisque_model()
        timed("brisque (numpy/scipy)", lambda: brisque(img, model), args.repeat)
        if args.opencv:
            import cv2

            cv2.setNumThreads(1)
            bgr = img[..., ::-1].copy() if img.ndim == 3 else img
            q = cv2.quality.QualityBRISQUE_create(str(MODELS / "brisque_model_live.yml"),
                                                  str(MODELS / "brisque_range_live.yml"))
            timed(f"brisque (OpenCV {cv2.__version__})", lambda: q.compute(bgr)[0], args.repeat)


if __name__ == "__main__":
    main()
