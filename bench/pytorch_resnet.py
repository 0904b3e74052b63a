"""PyTorch (CPU) reference for approxnas benchmarks: CIFAR-10 ResNet-(6n+2) of He et al. 2016.

Two modes, each printing JSON lines on stdout (anything else goes to stderr):

  python pytorch_resnet.py bench --depth 8 --threads 2 --batch 128 --iters 20
      one line: parameter count, training and inference throughput on synthetic batches
  python pytorch_resnet.py train --data DIR --epochs 10 --threads 2 --seed 0 [--limit N]
      one line per epoch: training loss and accuracy, test accuracy, seconds

DIR holds the official CIFAR-10 binary version (data_batch_1..5 and test_batch, .bin or
.bin.gz). The training recipe and the learning-rate schedule mirror approxnas's own trainer
(src/train/augment.ts, src/train/schedule.ts), so the two can be compared like for like.
Needs torch and numpy (bench/pytorch.ts installs them into .cache/venv).
"""

import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Training-set statistics of CIFAR-10 on [0, 1], as in src/train/augment.ts.
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
RECORD_BYTES = 1 + 3 * 32 * 32
PAD = 4


# ---------------------------------------------------------------------------------------------
# The network


def conv_bn(cin, cout, kernel, stride):
    """A bias-free convolution followed by batch norm (the norm's shift replaces the bias)."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(cout),
    )


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN layers with a skip; a 1x1 conv-BN projection where the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.first = conv_bn(cin, cout, 3, stride)
        self.second = conv_bn(cout, cout, 3, 1)
        self.shortcut = (
            conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()
        )

    def forward(self, x):
        y = self.second(F.relu(self.first(x)))
        return F.relu(y + self.shortcut(x))


class CifarResNet(nn.Module):
    """ResNet-(6n+2): stem conv, three stages of n blocks (16/32/64 filters), pool, linear."""

    def __init__(self, depth, classes=10):
        super().__init__()
        blocks_per_stage = blocks_for_depth(depth)
        self.stem = conv_bn(3, 16, 3, 1)
        stages, cin = [], 16
        for stage, width in enumerate((16, 32, 64)):
            for i in range(blocks_per_stage):
                # Stages 2 and 3 halve the resolution in their first block.
                stride = 2 if stage > 0 and i == 0 else 1
                stages.append(BasicBlock(cin, width, stride))
                cin = width
        self.stages = nn.Sequential(*stages)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        x = self.stages(F.relu(self.stem(x)))
        return self.head(x.mean(dim=(2, 3)))


def blocks_for_depth(depth):
    if depth < 8 or (depth - 2) % 6 != 0:
        raise SystemExit(f"--depth must be 6n+2 with n >= 1 (8, 14, 20, ...): found {depth}")
    return (depth - 2) // 6


def expected_param_count(depth, classes=10):
    """Parameters counted by hand from the architecture, to check the module against."""
    n = blocks_for_depth(depth)

    def conv_bn_params(cin, cout, kernel):
        return cin * cout * kernel * kernel + 2 * cout  # weights, BN scale and shift

    total = conv_bn_params(3, 16, 3)
    cin = 16
    for stage, width in enumerate((16, 32, 64)):
        for i in range(n):
            total += conv_bn_params(cin, width, 3) + conv_bn_params(width, width, 3)
            if (stage > 0 and i == 0) or cin != width:
                total += conv_bn_params(cin, width, 1)
            cin = width
    return total + 64 * classes + classes


def build_model(depth):
    model = CifarResNet(depth)
    params = sum(p.numel() for p in model.parameters())
    assert params == expected_param_count(depth), (
        f"ResNet-{depth} has {params} parameters, expected {expected_param_count(depth)}")
    if depth == 8:
        # The published figure for ResNet-8 with projection shortcuts.
        assert params == 78042, f"ResNet-8 has {params} parameters, expected 78042"
    return model, params


# ---------------------------------------------------------------------------------------------
# bench


def bench(args):
    torch.manual_seed(args.seed)
    model, params = build_model(args.depth)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    x = torch.randn(args.batch, 3, 32, 32)
    y = torch.randint(0, 10, (args.batch,))

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    model.train()
    for _ in range(args.warmup):  # first calls pick kernels and allocate buffers
        train_step()
    start = time.perf_counter()
    for _ in range(args.iters):
        train_step()
    train_seconds = time.perf_counter() - start

    model.eval()
    with torch.inference_mode():
        for _ in range(args.warmup):
            model(x)
        start = time.perf_counter()
        for _ in range(args.iters):
            model(x)
        infer_seconds = time.perf_counter() - start

    images = args.batch * args.iters
    emit({
        "mode": "bench",
        "model": f"resnet{args.depth}",
        "depth": args.depth,
        "params": params,
        "threads": torch.get_num_threads(),
        "batch": args.batch,
        "iters": args.iters,
        "train_img_per_s": round(images / train_seconds, 1),
        "infer_img_per_s": round(images / infer_seconds, 1),
        "torch": torch.__version__,
    })


# ---------------------------------------------------------------------------------------------
# train


def read_cifar_file(directory, name):
    """Images (N, 3, 32, 32) uint8 and labels (N,) int64 from one official .bin(.gz) file."""
    path = os.path.join(directory, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            raw = f.read()
    elif os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            raw = f.read()
    else:
        raise SystemExit(f"Cannot find CIFAR-10 file '{name}' or '{name}.gz' in {directory}")
    if len(raw) % RECORD_BYTES != 0:
        raise SystemExit(f"Cannot read CIFAR-10 file '{name}' as its size must be a multiple "
                         f"of {RECORD_BYTES} bytes: found {len(raw)}")
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    return records[:, 1:].reshape(-1, 3, 32, 32), records[:, 0].astype(np.int64)


def load_cifar(directory, limit):
    parts = [read_cifar_file(directory, f"data_batch_{i}.bin") for i in range(1, 6)]
    train_x = np.concatenate([p[0] for p in parts])
    train_y = np.concatenate([p[1] for p in parts])
    test_x, test_y = read_cifar_file(directory, "test_batch.bin")
    if limit:
        train_x, train_y = train_x[:limit], train_y[:limit]
        test_x, test_y = test_x[:limit], test_y[:limit]
    return train_x, train_y, test_x, test_y


def normalise(images_uint8):
    """uint8 (N, 3, H, W) to float32 tensors, per channel (v/255 - mean) / std."""
    mean = np.array(CIFAR10_MEAN, dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array(CIFAR10_STD, dtype=np.float32).reshape(1, 3, 1, 1)
    return torch.from_numpy((images_uint8.astype(np.float32) / 255.0 - mean) / std)


def augmented_batch(padded, indices, rng):
    """A random 32x32 crop of each reflect-padded image and a horizontal flip with p = 1/2.

    Each image draws its own offsets (0..8 on each axis) and its own flip.
    """
    count = len(indices)
    offset_y = rng.integers(0, 2 * PAD + 1, count)
    offset_x = rng.integers(0, 2 * PAD + 1, count)
    flip = rng.random(count) < 0.5
    span = np.arange(32)
    rows = offset_y[:, None] + span  # (count, 32)
    cols = offset_x[:, None] + np.where(flip[:, None], span[::-1], span)  # (count, 32)
    return padded[indices[:, None, None, None], np.arange(3)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]


def one_cycle_lr(step, total_steps, max_lr, pct_start=0.3, div=25.0, final_div=1e4):
    """The rate of src/train/schedule.ts's oneCycleLr with its defaults.

    Linear warm-up from max_lr/div to max_lr over round(pct_start * total) steps, then cosine
    annealing to max_lr/(div * final_div) at the last step.
    """
    start_lr, end_lr = max_lr / div, max_lr / (div * final_div)
    warm = min(round(pct_start * total_steps), total_steps - 1)
    if step < warm:
        return start_lr + (max_lr - start_lr) * step / warm
    span = total_steps - 1 - warm
    t = (step - warm) / span if span > 0 else 0.0
    return end_lr + (max_lr - end_lr) * 0.5 * (1 + math.cos(math.pi * t))


def evaluate(model, images, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            logits = model(images[i:i + batch])
            correct += (logits.argmax(1) == labels[i:i + batch]).sum().item()
    return correct / len(images)


def train(args):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_x, train_y, test_x, test_y = load_cifar(args.data, args.limit)
    # Pad once: reflect padding of the whole set costs less than padding every batch.
    padded = np.pad(train_x, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)), mode="reflect")
    test_images, test_labels = normalise(test_x), torch.from_numpy(test_y)
    train_labels = torch.from_numpy(train_y)

    model, _ = build_model(args.depth)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    count = len(train_x)
    steps_per_epoch = math.ceil(count / args.batch)
    total_steps = args.epochs * steps_per_epoch
    step = 0
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        model.train()
        order = rng.permutation(count)
        loss_sum, correct = 0.0, 0
        for first in range(0, count, args.batch):
            indices = order[first:first + args.batch]
            x = normalise(augmented_batch(padded, indices, rng))
            y = train_labels[indices]
            for group in optimizer.param_groups:
                group["lr"] = one_cycle_lr(step, total_steps, args.lr)
            optimizer.zero_grad(set_to_none=True)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(indices)
            correct += (logits.argmax(1) == y).sum().item()
        test_acc = evaluate(model, test_images, test_labels)
        emit({
            "mode": "train",
            "epoch": epoch,
            "train_loss": round(loss_sum / count, 5),
            "train_acc": round(correct / count, 5),
            "test_acc": round(test_acc, 5),
            "seconds": round(time.perf_counter() - started, 2),
            "threads": torch.get_num_threads(),
            "train_images": count,
            "test_images": len(test_x),
        })


# ---------------------------------------------------------------------------------------------


def emit(record):
    print(json.dumps(record), flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)

    def common(p):
        p.add_argument("--depth", type=int, default=8, help="6n+2: 8, 14, 20, ... (default 8)")
        p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
        p.add_argument("--batch", type=int, default=128)
        p.add_argument("--seed", type=int, default=0)

    b = modes.add_parser("bench", help="throughput on synthetic batches")
    common(b)
    b.add_argument("--iters", type=int, default=20, help="timed iterations per measurement")
    b.add_argument("--warmup", type=int, default=3, help="untimed iterations first")

    t = modes.add_parser("train", help="standard CIFAR-10 recipe, one JSON line per epoch")
    common(t)
    t.add_argument("--data", required=True, help="directory of the official .bin(.gz) files")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--lr", type=float, default=0.2, help="peak of the one-cycle schedule")
    t.add_argument("--limit", type=int, default=0,
                   help="use only the first N training and test images (0: all)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if args.threads < 1:
        raise SystemExit(f"--threads must be at least 1: found {args.threads}")
    torch.set_num_threads(args.threads)
    bench(args) if args.mode == "bench" else train(args)


if __name__ == "__main__":
    main(sys.argv[1:])
