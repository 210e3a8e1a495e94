"""Writes Demos/Data/digits.u8 from scikit-learn's digits.csv.gz (see README.md).

Usage: python Demos/Data/make_digits.py [path/to/digits.csv.gz]
Without an argument it reads the file from an installed scikit-learn. To get one without
installing it: `pip download --no-deps -d /tmp/skl scikit-learn`, unzip the wheel, and pass
sklearn/datasets/data/digits.csv.gz.
"""
import gzip
import hashlib
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) > 1:
    source = sys.argv[1]
else:
    import sklearn.datasets
    source = os.path.join(os.path.dirname(sklearn.datasets.__file__), "data", "digits.csv.gz")

with gzip.open(source, "rt") as f:
    rows = [[int(float(v)) for v in line.split(",")] for line in f.read().strip().split("\n")]
assert len(rows) == 1797 and all(len(r) == 65 for r in rows), "expected 1797 rows of 64 pixels and a label"
assert all(0 <= v <= 16 for r in rows for v in r[:64]) and all(0 <= r[64] <= 9 for r in rows)

data = bytes(v for r in rows for v in r)
with open(os.path.join(here, "digits.u8"), "wb") as f:
    f.write(data)
print("source sha256", hashlib.sha256(open(source, "rb").read()).hexdigest())
print("digits.u8", len(data), "bytes, sha256", hashlib.sha256(data).hexdigest())
