import assert from "node:assert/strict";
import { type Graph, inferShapes } from "../../src/graph/graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { resnet } from "../../src/graph/resnet.ts";
import { GraphBuilder } from "../../src/graph/builder.ts";

Deno.test("ResNet-8/14/20 have the parameter counts of the PyTorch models", () => {
  // 78,042 and 272,474 are PyTorch's counts for the same networks (1x1 projections, BN).
  assert.equal(graphCost(resnet(8)).params, 78042);
  assert.equal(graphCost(resnet(20)).params, 272474);
  // ResNet-14 adds one 16, one 32 and one 64 block: 2 * (9*c*c + 2c) each.
  const block = (c: number) => 2 * (9 * c * c + 2 * c);
  assert.equal(graphCost(resnet(14)).params, 78042 + block(16) + block(32) + block(64));
});

Deno.test("ResNet-8 multiplications are the sum of its conv and dense layers", () => {
  const conv = (hw: number, k: number, c: number, f: number) => hw * hw * k * k * c * f;
  const expected = conv(32, 3, 3, 16) + 2 * conv(32, 3, 16, 16) + conv(16, 3, 16, 32) +
    conv(16, 3, 32, 32) +
    conv(16, 1, 16, 32) + conv(8, 3, 32, 64) + conv(8, 3, 64, 64) + conv(8, 1, 32, 64) + 64 * 10;
  assert.equal(graphCost(resnet(8)).mults, expected);
});

Deno.test("shape inference follows strides, pooling, concatenation", () => {
  const g = new GraphBuilder("t", { h: 7, w: 5, c: 3 }, 4);
  const a = g.convBnRelu("input", 6, 3, 2); // 4x3x6
  const b = g.pool("maxpool", "input", 2, 2); // 4x3x3
  const c = g.concat(a, b); // 4x3x9
  const graph = g.build(g.dense(g.gap(c), 4));
  const shapes = inferShapes(graph);
  assert.deepEqual(shapes.get(a), { h: 4, w: 3, c: 6 });
  assert.deepEqual(shapes.get(b), { h: 4, w: 3, c: 3 });
  assert.deepEqual(shapes.get(c), { h: 4, w: 3, c: 9 });
});

Deno.test("bad graphs are refused with the node named", () => {
  const g = new GraphBuilder("bad", { h: 8, w: 8, c: 3 }, 10);
  const a = g.conv("input", 4, 3);
  const b = g.conv("input", 5, 3);
  const graph: Graph = g.build(g.dense(g.gap(a), 10));
  graph.nodes.push({ id: "sum", op: "add", inputs: [a, b] });
  assert.throws(
    () => inferShapes(graph),
    /node 'sum' \(add\): inputs must have equal shapes, found 8x8x4 and 8x8x5/,
  );
  const g2 = g.build(a);
  assert.throws(() => inferShapes(g2), /output must be 1x1x10, found 8x8x4/);
  const g3 = g.build(g.dense(g.gap(a), 10));
  g3.nodes[1] = { ...g3.nodes[1], inputs: ["nope"] };
  assert.throws(() => inferShapes(g3), /input 'nope' is not an earlier node/);
  assert.throws(() => resnet(9), /6n\+2/);
});
