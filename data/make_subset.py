#!/usr/bin/env python3
"""Cut the bundled Fashion-MNIST subset out of the full IDX files.

Usage: python3 data/make_subset.py [SOURCE_DIR] [OUT_DIR]
SOURCE_DIR defaults to Debian's dataset-fashion-mnist install (/usr/share/datasets/fashion-mnist).

Splits (the same rule the loader applies to the full files, so results stay comparable):
  train: the first 12,000 images of the training file
  valid: 5,000 images from the last 10,000 of the training file (never used for training)
  test:  the first 2,000 images of the t10k file
"""
import gzip
import os
import struct
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion-mnist")
SPLITS = {"train": ("train", 0, 12000), "valid": ("train", 50000, 5000), "test": ("t10k", 0, 2000)}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return data[:4], dims, data[4 + 4 * ndim:]


def write_idx(path, magic, dims, payload):
    # mtime=0 keeps the gzip bytes identical from run to run
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(magic + struct.pack(">" + "I" * len(dims), *dims) + payload)


os.makedirs(OUT, exist_ok=True)
for split, (source, start, count) in SPLITS.items():
    for kind, idx in (("images", "idx3"), ("labels", "idx1")):
        magic, dims, payload = read_idx(os.path.join(SRC, f"{source}-{kind}-{idx}-ubyte.gz"))
        item = 1
        for d in dims[1:]:
            item *= d
        chunk = payload[start * item:(start + count) * item]
        write_idx(os.path.join(OUT, f"{split}-{kind}-{idx}-ubyte.gz"), magic, (count,) + tuple(dims[1:]), chunk)
        print(f"{split}-{kind}: {count} items from {source}[{start}:{start + count}]")
