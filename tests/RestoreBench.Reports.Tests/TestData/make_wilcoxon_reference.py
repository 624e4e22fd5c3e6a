#!/usr/bin/python3
"""Reference p-values for WilcoxonSignedRank from scipy.stats.wilcoxon (Debian python3-scipy 1.10.1).

Run: /usr/bin/python3 make_wilcoxon_reference.py > wilcoxon_reference.json
Each case gives the differences, the method scipy was told to use (the one RestoreBench picks: 'exact'
for n <= 50 without zeros or ties, else 'approx'), zero_method='wilcox', correction=False, two-sided.
"""
import json
import numpy as np
import scipy
from scipy.stats import wilcoxon

rng = np.random.RandomState(20261123)
cases = []


def add(name, d):
    d = [float(x) for x in d]
    arr = np.asarray(d)
    nz = arr[arr != 0]
    ties = len(np.unique(np.abs(nz))) != len(nz)
    method = "exact" if len(nz) <= 50 and len(nz) == len(arr) and not ties else "approx"
    res = wilcoxon(arr, zero_method="wilcox", correction=False, alternative="two-sided", method=method)
    cases.append({"name": name, "differences": d, "method": method,
                  "statistic": float(res.statistic), "pvalue": float(res.pvalue)})


for n in (1, 2, 5, 8, 12, 20, 30, 50):
    add(f"exact n={n}", rng.normal(0.3, 1.0, n))
add("exact all positive n=10", np.abs(rng.normal(0, 1, 10)) + 0.01)
add("exact centre n=4", [1.0, -2.0, -3.0, 4.0])
for n in (51, 80, 200):
    add(f"approx n={n}", rng.normal(0.1, 1.0, n))
add("ties n=20", np.round(rng.normal(0.2, 1.0, 20), 1))
add("ties n=40", np.round(rng.normal(-0.2, 1.0, 40)))
add("zeros n=30", np.where(rng.rand(30) < 0.2, 0.0, rng.normal(0.5, 1.0, 30)))
add("psnr-like n=100", rng.normal(0.05, 0.4, 100))

print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}, indent=1))
