import assert from "node:assert/strict";
import { GraphBuilder } from "../../src/graph/builder.ts";
import type { Graph } from "../../src/graph/graph.ts";
import { resnet } from "../../src/graph/resnet.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { Network } from "../../src/train/network.ts";
import { referenceLossAndGrads } from "../../src/reference/network.ts";
import { Rng } from "../../src/util/rng.ts";
import { paramLayout as layoutOf } from "../../src/model/layout.ts";
import { assertClose, numericGradient, randomArray } from "../_tester.ts";

/** A small graph that uses every op, fan-out and both merge kinds, on a 7x6x3 input. */
function everyOpGraph(): Graph {
  const g = new GraphBuilder("every-op", { h: 7, w: 6, c: 3 }, 5);
  const a = g.convBnRelu("input", 4, 3); // 7x6x4
  const b = g.conv(a, 4, 1); // fan-out of a
  const sum = g.add(a, b);
  const pooled = g.pool("maxpool", sum, 2, 2); // 4x3x4
  const avg = g.pool("avgpool", a, 3, 2); // 4x3x4, padded windows
  const cat = g.concat(pooled, avg); // 4x3x8
  const dw = g.dwconv(cat, 3, 1, true); // depthwise with bias
  const c = g.relu(g.batchnorm(g.conv(dw, 5, 3, 2, true))); // 2x2x5, conv with bias
  const twice = g.concat(c, c); // the same input twice
  const top = g.dense(g.gap(twice), 6);
  const flat = g.dense(g.relu(top), 5); // dense after dense
  return g.build(flat);
}

function setup(graph: Graph, n: number, seed: number) {
  const rng = new Rng(seed);
  const s = graph.input;
  const x = randomArray(rng, n * s.h * s.w * s.c);
  const labels = Array.from({ length: n }, () => rng.int(graph.classes));
  return { x, labels, rng };
}

Deno.test("the reference network's gradient matches finite differences", () => {
  const graph = everyOpGraph();
  const n = 3;
  const { x, labels, rng } = setup(graph, n, 11);
  // Random parameters (gamma around 1 so batch norm stays well-conditioned).
  const layoutParams = referenceParams(graph, rng);
  const analytic = referenceLossAndGrads(graph, layoutParams, x, labels, n).grads;
  const numeric = numericGradient(
    (p) => referenceLossAndGrads(graph, p, x, labels, n).loss,
    layoutParams,
    1e-6,
  );
  assertClose(analytic, numeric, "every-op graph, d loss / d params", { rtol: 1e-4, atol: 1e-7 });
});

Deno.test("wasm network matches the reference: logits, loss and every parameter gradient", async () => {
  for (const [graph, n] of [[everyOpGraph(), 3], [everyOpGraph(), 1], [resnet(8), 2]] as const) {
    const { x: x64, labels, rng } = setup(graph, n, 5);
    // Both executors see the same float32-representable numbers.
    const x = Float64Array.from(Float32Array.from(x64));
    const params = Float64Array.from(Float32Array.from(referenceParams(graph, rng)));
    const ref = referenceLossAndGrads(graph, params, x, labels, n);
    const engine = await loadEngine();
    const net = new Network(engine, graph, 4);
    net.setParams(Float32Array.from(params));
    engine.arena.f32(net.input, x.length).set(x);
    engine.arena.i32(net.labels, n).set(labels);
    engine.arena.f32(net.grads, net.layout.paramCount).fill(123); // must be overwritten
    net.forward(n, true);
    assertClose(net.logits(n), ref.logits, `${graph.name} n=${n} logits`, {
      rtol: 1e-3,
      atol: 1e-4,
    });
    const loss = net.backward(n);
    assertClose([loss], [ref.loss], `${graph.name} n=${n} loss`, { rtol: 1e-4, atol: 1e-5 });
    const grads = engine.arena.f32(net.grads, net.layout.paramCount);
    const scale = Math.max(...ref.grads.map(Math.abs));
    assertClose(grads, ref.grads, `${graph.name} n=${n} grads`, { rtol: 2e-3, atol: 2e-4 * scale });
  }
});

Deno.test("inference uses running statistics: after training steps they differ from init", async () => {
  const graph = everyOpGraph();
  const { x, labels, rng } = setup(graph, 3, 9);
  const engine = await loadEngine();
  const net = new Network(engine, graph, 3);
  net.initialize(rng);
  const before = net.getState();
  engine.arena.f32(net.input, x.length).set(x);
  engine.arena.i32(net.labels, 3).set(labels);
  net.forward(3, true);
  const after = net.getState();
  assert.notDeepEqual(after, before);
  net.forward(3, false);
  const inferLogits = net.logits(3).slice();
  net.forward(3, true);
  assert.notDeepEqual(net.logits(3).slice(), inferLogits);
});

/** Parameters in layout order: weights N(0, 0.5), gamma 1 + N(0, 0.1). */
function referenceParams(graph: Graph, rng: Rng): Float64Array {
  // Built through the engine-free layout so the two executors read the same numbers.
  const { params, paramCount } = layoutOf(graph);
  const p = new Float64Array(paramCount);
  for (const s of params) {
    for (let i = 0; i < s.length; i++) {
      p[s.offset + i] = s.name === "gamma" ? 1 + 0.1 * rng.normal() : 0.5 * rng.normal();
    }
  }
  return p;
}
