/**
 * Quantising a float model: which nodes fuse, batch-norm folding (weights and bias round-trip
 * to the folded float values within half a step), activation encodings, and how close the
 * exact 8-bit network stays to the float one.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { inferShapes } from "../../src/graph/graph.ts";
import { affineFromRange, dequantize, quantize, roundHalfEven } from "../../src/quant/affine.ts";
import { calibrateRanges, inputRange } from "../../src/quant/calibrate.ts";
import { exactTable } from "../../src/model/product_table.ts";
import { fuseGraph } from "../../src/quant/fuse.ts";
import { encodeImages, inputTable } from "../../src/quant/input.ts";
import { convSteps } from "../../src/quant/plan.ts";
import { quantizeModel, quantizeWithCalibration, rangesNeeded } from "../../src/quant/quantize.ts";
import { logitsOf, runReference } from "../../src/quant/reference.ts";
import { prepareEvalBatch } from "../../src/train/augment.ts";
import { findSlot, paramLayout } from "../../src/model/layout.ts";
import { BN_EPS, Network } from "../../src/train/network.ts";
import { everyOpGraph, randomImages, randomModel } from "./_models.ts";

Deno.test("affine encodings hold real 0 exactly and round-trip within half a step", () => {
  for (const [lo, hi] of [[-1.3, 2.2], [0, 5], [0.4, 3], [-7, -2], [0, 0]]) {
    const q = affineFromRange(lo, hi);
    assert.equal(dequantize(q.zero, q), 0, `[${lo}, ${hi}]: zero`);
    for (let x = Math.min(lo, 0); x <= Math.max(hi, 0); x += (hi - lo) / 37 || 1) {
      const err = Math.abs(dequantize(quantize(x, q), q) - x);
      assert.ok(err <= q.scale / 2 + 1e-12, `[${lo}, ${hi}]: ${x} comes back off by ${err}`);
    }
  }
  assert.deepEqual([2.5, 3.5, -2.5, -3.5, 2.4].map(roundHalfEven), [2, 4, -2, -4, 2]);
  assert.throws(() => affineFromRange(1, 0), /expected finite lo <= hi/);
});

Deno.test("input bytes: NHWC, each the encoding of the normalised pixel", () => {
  const q = affineFromRange(inputRange().lo, inputRange().hi);
  const images = randomImages(2, 1);
  const out = new Uint8Array(2 * 3072);
  encodeImages(images, 0, 2, inputTable(q), out);
  const mean = [0.4914, 0.4822, 0.4465], std = [0.2470, 0.2435, 0.2616];
  for (const [i, p, c] of [[0, 0, 0], [1, 517, 2], [1, 1023, 1]]) {
    const x = (images[i * 3072 + c * 1024 + p] / 255 - mean[c]) / std[c];
    assert.equal(out[i * 3072 + p * 3 + c], quantize(Math.fround(x), q), `image ${i} pixel ${p}`);
  }
});

Deno.test("fusion: conv+bn+relu and add+relu fuse; bn after add and a shared relu stand alone", () => {
  const graph = everyOpGraph();
  const groups = fuseGraph(graph).map((g) => g.nodes.map((n) => n.op).join("+"));
  assert.deepEqual(groups, [
    "conv+batchnorm+relu",
    "conv",
    "conv+batchnorm",
    "add+relu",
    "add",
    "batchnorm",
    "concat",
    "maxpool",
    "relu",
    "avgpool",
    "dwconv+batchnorm+relu",
    "dwconv",
    "gap",
    "dense",
    "dense",
    "add",
  ]);
});

Deno.test("folded weights and biases round-trip to the float values within half a step", async () => {
  const graph = everyOpGraph();
  const model = randomModel(graph, 3);
  for (const weights of ["channel", "tensor"] as const) {
    const plan = await quantizeWithCalibration(model, randomImages(20, 2), 20, {
      method: "minmax",
    }, { weights });
    const layout = paramLayout(graph);
    const get = (node: string, name: Parameters<typeof findSlot>[2], state = false) => {
      const s = findSlot(state ? layout.state : layout.params, node, name)!;
      return (state ? model.state : model.params).subarray(s.offset, s.offset + s.length);
    };
    for (const step of convSteps(plan)) {
      const k = step.k;
      const bn = step.fused.find((id) => graph.nodes.find((n) => n.id === id)?.op === "batchnorm");
      const mul = new Float64Array(k).fill(1), add = new Float64Array(k);
      if (bn) {
        const [g, b] = [get(bn, "gamma"), get(bn, "beta")];
        const [m, v] = [get(bn, "running_mean", true), get(bn, "running_var", true)];
        for (let c = 0; c < k; c++) {
          mul[c] = g[c] / Math.sqrt(v[c] + BN_EPS);
          add[c] = b[c] - mul[c] * m[c];
        }
      }
      const w = get(step.node, "weight");
      for (let i = 0; i < w.length; i++) {
        const co = i % k, s = step.weightScale[co];
        const back = s * (step.weights[i] - step.weightZero[co]);
        assert.ok(
          Math.abs(back - w[i] * mul[co]) <= s / 2 + 1e-9,
          `${weights}: ${step.node} weight ${i}: ${back} vs ${w[i] * mul[co]}`,
        );
      }
      if (weights === "tensor") {
        assert.ok(step.weightZero.every((z) => z === step.weightZero[0]), `${step.node}: one zero`);
      }
      // bias in accumulator units: undo the folded zero-point terms, compare with b'.
      const x = plan.tensors[step.input].q;
      const taps = step.kh * step.kw * step.c;
      const b = findSlot(layout.params, step.node, "bias") ? get(step.node, "bias") : undefined;
      for (let co = 0; co < k; co++) {
        let colSum = 0;
        for (let i = co; i < step.weights.length; i += k) colSum += step.weights[i];
        const bq = step.bias[co] + x.zero * colSum - taps * x.zero * step.weightZero[co];
        const expected = mul[co] * (b ? b[co] : 0) + add[co];
        const unit = x.scale * step.weightScale[co];
        assert.ok(Math.abs(bq * unit - expected) <= unit / 2 + 1e-9, `${step.node} bias ${co}`);
      }
    }
  }
});

Deno.test("exact 8-bit outputs track the float network layer by layer", async () => {
  const graph = everyOpGraph();
  const model = randomModel(graph, 5);
  const calib = randomImages(40, 6);
  const engine = await loadEngine();
  const ranges = await calibrateRanges(
    model,
    calib,
    40,
    rangesNeeded(graph),
    { method: "minmax" },
    engine,
  );
  const plan = quantizeModel(model, ranges);
  const n = 6, images = randomImages(n, 7);
  const input = new Uint8Array(n * 3072);
  encodeImages(images, 0, n, inputTable(plan.tensors.input.q), input);
  const values = runReference(plan, input, n, () => exactTable());
  const net = new Network(engine, graph, n);
  net.setParams(model.params);
  net.setState(model.state);
  prepareEvalBatch(
    { images, labels: new Uint8Array(n) },
    Array.from({ length: n }, (_, i) => i),
    { images: engine.arena.f32(net.input, n * 3072), labels: engine.arena.i32(net.labels, n) },
  );
  net.forward(n, false);
  const shapes = inferShapes(graph);
  for (const [id, t] of Object.entries(plan.tensors)) {
    if (id === "input") continue;
    const plan_ = net.plans.find((p) => p.node.id === id)!;
    const s = shapes.get(id)!;
    const float = engine.arena.f32(plan_.out, n * s.h * s.w * s.c);
    const bytes = values.get(id) as Uint8Array;
    let worst = 0;
    for (let i = 0; i < float.length; i++) {
      worst = Math.max(worst, Math.abs(dequantize(bytes[i], t.q) - float[i]));
    }
    // Errors grow along the network (up to ~3 steps here); every tensor stays within 4.
    assert.ok(worst <= 4 * t.q.scale, `${id}: worst error ${worst}, ${worst / t.q.scale} steps`);
  }
  const logits = logitsOf(plan, values);
  assert.equal(logits.length, n * 10);
});
