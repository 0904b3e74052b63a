/**
 * Small float models for quantisation tests: a graph using every op the quantiser handles
 * (folded and standalone batch norm, fused and standalone ReLU, add, concat, both poolings,
 * depthwise convolutions, a dense layer after a flattened tensor), with seeded weights and non-trivial batch-norm
 * statistics, and seeded CIFAR-shaped images.
 */
import { GraphBuilder } from "../../src/graph/builder.ts";
import type { Graph } from "../../src/graph/graph.ts";
import { paramLayout } from "../../src/model/layout.ts";
import type { SavedModel } from "../../src/model/model_file.ts";
import { Rng } from "../../src/util/rng.ts";

/** Every quantised op kind on a 32x32x3 input; its output is an add, so it ends in bytes. */
export function everyOpGraph(): Graph {
  const g = new GraphBuilder("every-op", { h: 32, w: 32, c: 3 }, 10);
  const a = g.convBnRelu("input", 6, 3, 2); // conv, folded bn, fused relu: 16x16x6
  const b = g.conv(a, 6, 1, 1, true); // conv with bias, nothing fused
  const sum = g.relu(g.add(g.batchnorm(g.conv(a, 6, 3)), b)); // add with a fused relu
  const bnAfterAdd = g.batchnorm(g.add(sum, a)); // batch norm that cannot fold: a table step
  const cat = g.concat(bnAfterAdd, sum); // 16x16x12
  const pooled = g.pool("maxpool", cat, 2, 2); // 8x8x12
  const avg = g.pool("avgpool", g.relu(pooled), 3, 2); // standalone relu; 4x4x12, padded windows
  // Depthwise: 3x3 with folded bn and fused relu, then 5x5 stride 2 with bias: 4x4x12.
  const dw = g.dwconv(g.relu(g.batchnorm(g.dwconv(pooled, 3))), 5, 2, true);
  const side = g.dense(g.gap(dw), 10);
  const flat = g.dense(avg, 10); // over the 192 flattened features
  return g.build(g.add(side, flat));
}

/** Seeded parameters with batch-norm statistics far from the identity. */
export function randomModel(graph: Graph, seed: number): SavedModel {
  const layout = paramLayout(graph);
  const rng = new Rng(seed);
  const params = new Float32Array(layout.paramCount);
  for (const s of layout.params) {
    for (let i = 0; i < s.length; i++) {
      const bound = 1.5 / Math.sqrt(s.fanIn);
      params[s.offset + i] = s.name === "gamma"
        ? rng.uniform(0.5, 1.5)
        : s.name === "beta"
        ? rng.uniform(-0.3, 0.3)
        : rng.uniform(-bound, bound);
    }
  }
  const state = new Float32Array(layout.stateCount);
  for (const s of layout.state) {
    for (let i = 0; i < s.length; i++) {
      state[s.offset + i] = s.name === "running_mean"
        ? rng.uniform(-0.2, 0.2)
        : rng.uniform(0.3, 2);
    }
  }
  return { graph, params, state, meta: {} };
}

/** n images in CIFAR-10 layout with smooth random content (so convolutions see structure). */
export function randomImages(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const out = new Uint8Array(n * 3072);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const fx = rng.uniform(0.05, 0.4), fy = rng.uniform(0.05, 0.4), ph = rng.uniform(0, 6);
      for (let p = 0; p < 1024; p++) {
        const v = 128 + 90 * Math.sin(fx * (p & 31) + fy * (p >> 5) + ph) + rng.int(30) - 15;
        out[i * 3072 + c * 1024 + p] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}
