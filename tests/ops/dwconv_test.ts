/**
 * The depthwise convolution op at graph level: its shape rule, parameters (kh*kw*c, + c
 * bias), multiplications (one per kernel tap per output element) and the energy that
 * follows them (engine and reference: tests/kernels/dwconv2d_test.ts, tests/train).
 */
import assert from "node:assert/strict";
import { GraphBuilder } from "../../src/graph/builder.ts";
import { inferShapes } from "../../src/graph/graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { inferenceEnergy } from "../../src/quant/energy.ts";

function dwGraph() {
  const g = new GraphBuilder("dw", { h: 9, w: 9, c: 5 }, 10);
  const a = g.dwconv("input", 3); // 9x9x5, no bias
  const b = g.dwconv(a, 5, 2, true); // 5x5x5, bias
  return { graph: g.build(g.dense(g.gap(b), 10)), a, b };
}

Deno.test("dwconv keeps its input's channels and counts kh*kw*c parameters (+ bias)", () => {
  const { graph, a, b } = dwGraph();
  const shapes = inferShapes(graph);
  assert.deepEqual(shapes.get(a), { h: 9, w: 9, c: 5 });
  assert.deepEqual(shapes.get(b), { h: 5, w: 5, c: 5 });
  const cost = graphCost(graph);
  assert.equal(cost.params, 3 * 3 * 5 + (5 * 5 * 5 + 5) + (5 * 10 + 10));
  assert.equal(cost.multsByNode.get(a), 9 * 9 * 5 * 9);
  assert.equal(cost.multsByNode.get(b), 5 * 5 * 5 * 25);
  const pj = inferenceEnergy(
    graph,
    (n) => (n === b ? "cheap" : "exact"),
    (m) => m === "cheap" ? 0.1 : 1,
  );
  assert.equal(pj.pj, 9 * 9 * 5 * 9 + 0.1 * 5 * 5 * 5 * 25 + 50);
  const bad = structuredClone(graph);
  (bad.nodes[1] as { stride: number[] }).stride = [0, 1];
  assert.throws(() => inferShapes(bad), /kernel and stride must be positive integers/);
});
