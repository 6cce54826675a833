#!/usr/bin/python3
"""Figure 1, PyTorch side: the same sub-network evaluations as EvalThroughput, as a plain PyTorch
loop (Debian's python3-torch). Reads what `EvalThroughput --export DIR` wrote: the supernet weights,
the geometry, the architectures, the recalibration indices and Atlas's own top-1 per architecture.

For each architecture: slice the weights (kernel centre crop, first channels, first blocks),
reset BN statistics and accumulate them as a cumulative average over the recalibration images
(train mode, no gradients), then score the held-out images. Prints evaluations per second and the
largest top-1 difference from Atlas (the two must compute the same numbers).

Usage: pytorch_eval.py EXPORT_DIR DATA_DIR [THREADS]
"""
import gzip
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MEAN, STD, EPS = 0.2860, 0.3530, 1e-5


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def make_divisible(v, divisor):
    nv = max(divisor, int(v + divisor / 2.0) // divisor * divisor)
    return nv + divisor if nv < 0.9 * v else nv


def hsigmoid(x):
    return F.relu6(x + 3.0) / 6.0


def hswish(x):
    return x * hsigmoid(x)


class Evaluator:
    def __init__(self, export, data_dir):
        meta = json.load(open(f"{export}/meta.json"))
        flat = np.fromfile(f"{export}/weights.bin", dtype="<f4")
        self.w = {}
        for e in meta["weights"]:
            size = int(np.prod(e["shape"]))
            self.w[e["name"]] = torch.from_numpy(flat[e["offset"]:e["offset"] + size].copy()).reshape(e["shape"])
        self.m = meta
        self.blocks = meta["blocks"]
        train = read_idx(f"{data_dir}/train-images-idx3-ubyte.gz")
        valid = read_idx(f"{data_dir}/valid-images-idx3-ubyte.gz")
        self.labels = torch.from_numpy(read_idx(f"{data_dir}/valid-labels-idx1-ubyte.gz").astype(np.int64))
        recal = np.array(meta["recalibration_indices"], dtype=np.int64)
        n_eval = min(meta["eval_images"], valid.shape[0])
        self.labels = self.labels[:n_eval]
        self.recal_src = torch.from_numpy(train[recal].astype(np.float32) / 255.0).unsqueeze(1)
        self.eval_src = torch.from_numpy(valid[:n_eval].astype(np.float32) / 255.0).unsqueeze(1)
        self.cache = {}

    def inputs(self, r):
        """Normalised inputs at resolution r, resized once per process (as Atlas does)."""
        if r not in self.cache:
            def prep(x):
                if x.shape[-1] != r:
                    x = F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False)
                return (x - MEAN) / STD
            self.cache[r] = (prep(self.recal_src), prep(self.eval_src))
        return self.cache[r]

    def bn(self, x, layer, c, stats, training, momentum):
        if layer not in stats:
            stats[layer] = (torch.zeros(c), torch.ones(c))
        mean, var = stats[layer]
        return F.batch_norm(x, mean, var, self.w[layer + ".gamma"][:c], self.w[layer + ".beta"][:c],
                            training=training, momentum=momentum, eps=EPS)

    def forward(self, arch, x, stats, training, momentum):
        m, w = self.m, self.w
        bn = lambda h, layer, c: self.bn(h, layer, c, stats, training, momentum)
        h = hswish(bn(F.conv2d(x, w["stem.conv"], stride=2, padding=1), "stem.bn", m["stem_width"]))
        y = F.relu(bn(F.conv2d(h, w["first.dw"], padding=1, groups=m["stem_width"]), "first.dw.bn", m["stem_width"]))
        y = bn(F.conv2d(y, w["first.pw"]), "first.pw.bn", m["first_width"])
        h = y + h if m["stem_width"] == m["first_width"] else y
        depth, kmax = m["max_depth"], m["max_kernel"]
        for b in self.blocks:
            if b["index"] >= arch["d"][b["stage"]]:
                continue
            slot = b["stage"] * depth + b["index"]
            k, e = arch["ks"][slot], arch["e"][slot]
            act = F.relu if b["activation"] == "RELU" else hswish
            name, mid = b["name"], make_divisible(b["in"] * e, m["channel_divisor"])
            t = act(bn(F.conv2d(h, w[name + ".expand"][:mid]), name + ".expand.bn", mid))
            a = (kmax - k) // 2
            dw = w[name + ".dw"][:mid, :, a:a + k, a:a + k]
            t = act(bn(F.conv2d(t, dw, stride=b["stride"], padding=k // 2, groups=mid), name + ".dw.bn", mid))
            if b["se"]:
                se = make_divisible(mid // m["se_reduction"], m["channel_divisor"])
                s = t.mean((2, 3), keepdim=True)
                s = F.relu(F.conv2d(s, w[name + ".se.reduce"][:se, :mid], w[name + ".se.reduce.bias"][:se]))
                s = F.conv2d(s, w[name + ".se.expand"][:mid, :se], w[name + ".se.expand.bias"][:mid])
                t = t * hsigmoid(s)
            t = bn(F.conv2d(t, w[name + ".project"][:, :mid]), name + ".project.bn", b["out"])
            h = t + h if b["stride"] == 1 and b["in"] == b["out"] else t
        h = hswish(bn(F.conv2d(h, w["final.expand"]), "final.expand.bn", m["final_expand_width"]))
        h = hswish(F.conv2d(h.mean((2, 3), keepdim=True), w["feature.mix"]))
        return F.linear(h.flatten(1), w["classifier.weight"], w["classifier.bias"])

    def evaluate(self, arch):
        recal, ev = self.inputs(arch["r"])
        batch = self.m["batch"]
        stats = {}
        with torch.no_grad():
            for i, start in enumerate(range(0, recal.shape[0], batch)):
                self.forward(arch, recal[start:start + batch], stats, True, 1.0 / (i + 1))
            correct = 0
            for start in range(0, ev.shape[0], batch):
                logits = self.forward(arch, ev[start:start + batch], stats, False, 0.0)
                correct += (logits.argmax(1) == self.labels[start:start + batch]).sum().item()
        return correct / ev.shape[0]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    export, data_dir = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    torch.set_num_threads(threads)
    ev = Evaluator(export, data_dir)
    archs = [json.loads(l) for l in open(f"{export}/archs.jsonl")]
    atlas = [float(l) for l in open(f"{export}/atlas-top1.txt")]
    warmup = ev.m["warmup"]
    for r in sorted({a["r"] for a in archs}):
        ev.inputs(r)
    top1 = [ev.evaluate(a) for a in archs[:warmup]]
    cpu_start, start = time.process_time(), time.perf_counter()
    top1 += [ev.evaluate(a) for a in archs[warmup:]]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    n = len(archs) - warmup
    diff = max(abs(x - y) for x, y in zip(top1, atlas))
    print(f"pytorch-{torch.__version__}: {n} evaluations ({ev.m['recalibration_images']} recalibration + "
          f"{ev.eval_src.shape[0]} held-out images, batch {ev.m['batch']}), 1 process x {threads} "
          f"intra-op thread(s): wall {seconds:.2f} s ({n / seconds:.3f} evaluations/s), CPU {cpu:.2f} s, "
          f"{n / cpu:.3f} per core-second")
    print(f"agreement: largest |top-1 difference| vs Atlas over {len(archs)} architectures: {diff:.4f}")


if __name__ == "__main__":
    main()
