#!/usr/bin/python3
"""Writes strided_slice_cases.json: expected results of TensorFlow StridedSlice specs, computed with
NumPy basic indexing (the semantics tf.strided_slice reproduces: Python slices with clamping, negative
indices and steps, Ellipsis, np.newaxis, integer indices that drop a dimension).

Input: x = arange(60).reshape(1, 4, 5, 3) as float32. Each case gives the TF sparse spec (begin, end,
strides and the five bit masks) and the NumPy expression it corresponds to.
Run: /usr/bin/python3 make_strided_slice_cases.py  (NumPy only; output committed beside this script).
"""
import json
import numpy as np

x = np.arange(60, dtype=np.float32).reshape(1, 4, 5, 3)
N = np.newaxis
E = Ellipsis

# (numpy index, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
cases = [
    ("x[:, 1:3, ::2, :]", (slice(None), slice(1, 3), slice(None, None, 2), slice(None)),
     [0, 1, 0, 0], [0, 3, 0, 0], [1, 1, 2, 1], 0b1101, 0b1101, 0, 0, 0),
    ("x[0, -3:, ::-2, 1]", (0, slice(-3, None), slice(None, None, -2), 1),
     [0, -3, 0, 1], [1, 0, 0, 2], [1, 1, -2, 1], 0b0100, 0b0110, 0, 0, 0b1001),
    ("x[..., 1]", (E, 1),
     [0, 1], [0, 2], [1, 1], 0, 0, 0b01, 0, 0b10),
    ("x[:, np.newaxis, 2, ...]", (slice(None), N, 2, E),
     [0, 0, 2, 0], [0, 0, 3, 0], [1, 1, 1, 1], 0b0001, 0b0001, 0b1000, 0b0010, 0b0100),
    ("x[:, 5:-10:-1]", (slice(None), slice(5, -10, -1)),
     [0, 5], [0, -10], [1, -1], 0b01, 0b01, 0, 0, 0),
    ("x[:, :, 1:100:3]", (slice(None), slice(None), slice(1, 100, 3)),
     [0, 0, 1], [0, 0, 100], [1, 1, 3], 0b011, 0b011, 0, 0, 0),
    ("x[:, -1, -2:-5:-1, ::-1]", (slice(None), -1, slice(-2, -5, -1), slice(None, None, -1)),
     [0, -1, -2, 0], [0, 0, -5, 0], [1, 1, -1, -1], 0b1001, 0b1001, 0, 0, 0b0010),
    ("x[:, 2:2]", (slice(None), slice(2, 2)),
     [0, 2], [0, 2], [1, 1], 0b01, 0b01, 0, 0, 0),
]

out = []
for expr, index, b, e, s, bm, em, elm, nm, sm in cases:
    y = x[index]
    assert np.array_equal(y, eval(expr)), expr
    out.append({
        "numpy": expr, "begin": b, "end": e, "strides": s,
        "begin_mask": bm, "end_mask": em, "ellipsis_mask": elm, "new_axis_mask": nm, "shrink_axis_mask": sm,
        "shape": list(y.shape), "values": [float(v) for v in y.reshape(-1)],
    })

with open("strided_slice_cases.json", "w") as f:
    json.dump({"input_shape": [1, 4, 5, 3], "input": "arange(60) float32", "cases": out}, f, indent=1)
    f.write("\n")
