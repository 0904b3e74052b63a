"""A reader of .apxnet model files written from docs/model-format.md alone, outside TypeScript.

Runs the float network of a model file on CIFAR-10 images and prints the logits as JSON.

    python3 apxnet_float.py MODEL.apxnet IMAGES.bin COUNT

IMAGES.bin holds COUNT images of 3,072 bytes each (1,024 red, 1,024 green, then 1,024 blue
bytes, rows top to bottom). Needs Python 3 and numpy.
"""
import json
import struct
import sys
import zlib

import numpy as np

MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float64)
STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float64)
BN_EPS = 1e-5


def read_model(path):
    data = open(path, "rb").read()
    if data[:8] != b"APXNET01":
        raise ValueError(f"{path}: expected the magic APXNET01, found {data[:8]!r}")
    (header_len,) = struct.unpack_from("<I", data, 8)
    header = json.loads(data[12 : 12 + header_len].decode("utf-8"))
    start = (12 + header_len + 3) // 4 * 4
    if "dataCrc32" in header and zlib.crc32(data[start:]) != header["dataCrc32"]:
        raise ValueError(f"{path}: the data's CRC-32 does not match the header")
    p, s = header["paramCount"], header["stateCount"]
    params = np.frombuffer(data, dtype="<f4", count=p, offset=start)
    state = np.frombuffer(data, dtype="<f4", count=s, offset=start + 4 * p)
    return header["graph"], params, state


def preprocess(raw, count):
    """CHW bytes -> NHWC float32, (v / 255 - mean) / std per channel."""
    x = np.frombuffer(raw, dtype=np.uint8, count=count * 3072).reshape(count, 3, 32, 32)
    x = (x.astype(np.float64) / 255 - MEAN[None, :, None, None]) / STD[None, :, None, None]
    return x.astype(np.float32).transpose(0, 2, 3, 1)


def windows(x, kernel, stride, pad, fill):
    """Every window of x (NHWC) after padding [top, left, bottom, right] with `fill`:
    shape (n, oh, ow, kh, kw, c)."""
    t, l, b, r = pad
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    kh, kw = kernel
    sh, sw = stride
    oh = (xp.shape[1] - kh) // sh + 1
    ow = (xp.shape[2] - kw) // sw + 1
    out = np.empty((x.shape[0], oh, ow, kh, kw, x.shape[3]), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, :, i, j, :] = xp[:, i : i + sh * oh : sh, j : j + sw * ow : sw, :]
    return out


def run(graph, params, state, x):
    values = {}
    pi = si = 0

    def take(source, offset, n):
        return source[offset : offset + n].astype(np.float64), offset + n

    for node in graph["nodes"]:
        op = node["op"]
        ins = [values[i] for i in node["inputs"]]
        if op == "input":
            y = x.astype(np.float64)
        elif op == "conv":
            kh, kw = node["kernel"]
            c = ins[0].shape[3]
            w, pi = take(params, pi, kh * kw * c * node["filters"])
            w = w.reshape(kh, kw, c, node["filters"])
            win = windows(ins[0], node["kernel"], node["stride"], node["pad"], 0.0)
            y = np.tensordot(win, w, axes=([3, 4, 5], [0, 1, 2]))
            if node["bias"]:
                b, pi = take(params, pi, node["filters"])
                y = y + b
        elif op == "dwconv":
            kh, kw = node["kernel"]
            c = ins[0].shape[3]
            w, pi = take(params, pi, kh * kw * c)
            win = windows(ins[0], node["kernel"], node["stride"], node["pad"], 0.0)
            y = (win * w.reshape(kh, kw, c)).sum(axis=(3, 4))
            if node["bias"]:
                b, pi = take(params, pi, c)
                y = y + b
        elif op == "batchnorm":
            c = ins[0].shape[3]
            gamma, pi = take(params, pi, c)
            beta, pi = take(params, pi, c)
            mean, si = take(state, si, c)
            var, si = take(state, si, c)
            y = (ins[0] - mean) / np.sqrt(var + BN_EPS) * gamma + beta
        elif op == "relu":
            y = np.maximum(ins[0], 0)
        elif op in ("maxpool", "avgpool"):
            # Padded taps take no part: -inf for max, and the mean is over in-image taps.
            if op == "maxpool":
                y = windows(ins[0], node["kernel"], node["stride"], node["pad"], -np.inf)
                y = y.max(axis=(3, 4))
            else:
                sums = windows(ins[0], node["kernel"], node["stride"], node["pad"], 0.0)
                ones = np.ones(ins[0].shape[:3] + (1,))
                taps = windows(ones, node["kernel"], node["stride"], node["pad"], 0.0)
                y = sums.sum(axis=(3, 4)) / taps.sum(axis=(3, 4))
        elif op == "gap":
            y = ins[0].mean(axis=(1, 2), keepdims=True)
        elif op == "dense":
            flat = ins[0].reshape(ins[0].shape[0], -1)  # NHWC order
            w, pi = take(params, pi, flat.shape[1] * node["units"])
            b, pi = take(params, pi, node["units"])
            y = (flat @ w.reshape(flat.shape[1], node["units"]) + b).reshape(-1, 1, 1, node["units"])
        elif op == "add":
            y = ins[0] + ins[1]
        elif op == "concat":
            y = np.concatenate(ins, axis=3)
        else:
            raise ValueError(f"node {node['id']}: unknown op {op}")
        values[node["id"]] = y
    if pi != len(params) or si != len(state):
        raise ValueError(f"layout: used {pi}/{len(params)} parameters, {si}/{len(state)} statistics")
    return values[graph["output"]].reshape(x.shape[0], -1)


def main():
    model, images, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    graph, params, state = read_model(model)
    logits = run(graph, params, state, preprocess(open(images, "rb").read(), count))
    json.dump(logits.tolist(), sys.stdout)


if __name__ == "__main__":
    main()
