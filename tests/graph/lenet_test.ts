import assert from "node:assert/strict";
import { inferShapes } from "../../src/graph/graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { lenet5 } from "../../src/graph/lenet.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { Network } from "../../src/train/network.ts";
import { referenceLossAndGrads } from "../../src/reference/network.ts";
import { fuseGraph } from "../../src/quant/fuse.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, randomArray } from "../_tester.ts";

Deno.test("LeNet-5: valid 5x5 convs and 2x2 pools bring 32x32x3 down to 5x5x16, then 120-84-10", () => {
  const graph = lenet5();
  const shapes = inferShapes(graph);
  const of = (op: string) =>
    graph.nodes.filter((n) => n.op === op).map((n) => {
      const s = shapes.get(n.id)!;
      return `${s.h}x${s.w}x${s.c}`;
    });
  assert.deepEqual(of("conv"), ["28x28x6", "10x10x16"]);
  assert.deepEqual(of("maxpool"), ["14x14x6", "5x5x16"]);
  assert.deepEqual(of("dense"), ["1x1x120", "1x1x84", "1x1x10"]);
  assert.equal(graph.nodes.filter((n) => n.op === "batchnorm").length, 4);
  assert.equal(graph.nodes.filter((n) => n.op === "relu").length, 4);
  assert.deepEqual(shapes.get(graph.output), { h: 1, w: 1, c: 10 });
  assert.equal(lenet5(7).classes, 7);
});

Deno.test("LeNet-5 parameters and multiplications are the sum of its layers", () => {
  const conv = (k: number, c: number, f: number) => k * k * c * f; // no bias: batch norm follows
  const dense = (inF: number, units: number) => inF * units + units;
  const bn = (c: number) => 2 * c;
  const cost = graphCost(lenet5());
  assert.equal(
    cost.params,
    conv(5, 3, 6) + bn(6) + conv(5, 6, 16) + bn(16) + dense(5 * 5 * 16, 120) + bn(120) +
      dense(120, 84) + bn(84) + dense(84, 10),
  );
  assert.equal(
    cost.mults,
    28 * 28 * conv(5, 3, 6) + 10 * 10 * conv(5, 6, 16) + 400 * 120 + 120 * 84 + 84 * 10,
  );
  assert.equal(cost.multsByNode.size, 5);
});

Deno.test("LeNet-5 runs on the engine as the reference executor computes it: logits, loss, gradients", async () => {
  const graph = lenet5();
  const n = 2;
  const rng = new Rng(3);
  const engine = await loadEngine();
  const net = new Network(engine, graph, n);
  net.initialize(rng);
  const params = net.getParams();
  const x = Float32Array.from(randomArray(rng, n * 32 * 32 * 3));
  const labels = [3, 8];
  const ref = referenceLossAndGrads(graph, params, x, labels, n);
  engine.arena.f32(net.input, x.length).set(x);
  engine.arena.i32(net.labels, n).set(labels);
  net.forward(n, true);
  assertClose(net.logits(n), ref.logits, "lenet5 n=2 logits", { rtol: 1e-3, atol: 1e-4 });
  const loss = net.backward(n);
  assertClose([loss], [ref.loss], "lenet5 n=2 loss", { rtol: 1e-4, atol: 1e-5 });
  const scale = Math.max(...ref.grads.map(Math.abs));
  assertClose(engine.arena.f32(net.grads, net.layout.paramCount), ref.grads, "lenet5 n=2 grads", {
    rtol: 2e-3,
    atol: 2e-4 * scale,
  });
});

Deno.test("LeNet-5 quantises without table steps: every batch norm folds into its conv or dense", () => {
  const groups = fuseGraph(lenet5());
  assert.deepEqual(
    groups.map((g) => `${g.head.op}${g.batchnorm ? "+bn" : ""}${g.relu ? "+relu" : ""}`),
    [
      "conv+bn+relu",
      "maxpool",
      "conv+bn+relu",
      "maxpool",
      "dense+bn+relu",
      "dense+bn+relu",
      "dense",
    ],
  );
});
