#!/usr/bin/env python3
"""Reference values for RestoreBench's encoder preprocessing (align_dinov2, docs/metrics.md "Alignment").

Independent of RestoreBench's C# code: uses Pillow's own bicubic resize (Image.resize with
Image.BICUBIC on mode "F", i.e. float32 samples on [0, 1]) for the shortest-edge resize, the size rule
and centre crop of Hugging Face transformers (get_resize_output_image_size with default_to_square=False:
long = int(edge * long / short); center_crop: top = (H - crop) // 2), and ImageNet normalisation.

Run with Debian's python3-pil and python3-numpy:
    /usr/bin/python3 preprocess_reference.py ../Data/alignment/preprocess_expected.json
"""
import json
import sys

import numpy as np
from PIL import Image

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def pattern(height, width):
    """The deterministic test image; the C# test builds the same integers."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    planes = [((x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 11) % 256) for c in range(3)]
    return np.stack(planes).astype(np.float64) / 255.0


def resize_size(height, width, edge):
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = edge, int(edge * long / short)
    return (new_long, new_short) if width <= height else (new_short, new_long)  # (height, width)


def preprocess(image, edge, crop):
    _, h, w = image.shape
    nh, nw = resize_size(h, w, edge)
    planes = []
    for c in range(3):
        plane = Image.fromarray(image[c].astype(np.float32), mode="F")
        if (nh, nw) != (h, w):
            plane = plane.resize((nw, nh), resample=Image.BICUBIC)
        planes.append(np.asarray(plane, dtype=np.float64))
    resized = np.stack(planes)
    top, left = (nh - crop) // 2, (nw - crop) // 2
    cropped = resized[:, top:top + crop, left:left + crop]
    mean = np.array(MEAN).reshape(3, 1, 1)
    std = np.array(STD).reshape(3, 1, 1)
    return ((cropped - mean) / std).astype(np.float32)


def main(out_path):
    cases = [
        # name, height, width, resize edge, crop, stride of the stored values
        ("mild_down", 37, 53, 32, 28, 1),
        ("antialias_down", 90, 70, 32, 28, 1),
        ("upsample", 20, 25, 32, 28, 1),
        ("dinov2_default", 300, 200, 256, 224, 37),
    ]
    out = {"generator": "preprocess_reference.py (Pillow %s, numpy %s)" % (Image.__version__, np.__version__),
           "mean": MEAN, "std": STD, "cases": []}
    for name, h, w, edge, crop, stride in cases:
        values = preprocess(pattern(h, w), edge, crop).reshape(-1)
        out["cases"].append({
            "name": name, "height": h, "width": w, "resize": edge, "crop": crop, "stride": stride,
            "values": [float("%.9g" % v) for v in values[::stride]],
        })
    with open(out_path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
