/**
 * Whole quantised networks in the engine against the TypeScript reference, bit for bit, with
 * a different multiplier per layer (so every kernel path runs in one network), batch 1 and
 * 3; and the worker pool against a single network.
 */
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/wasm.ts";
import { graphCost } from "../../src/graph/count.ts";
import {
  layerMultiplier,
  type MultiplierAssignment,
  tableAssignment,
} from "../../src/quant/assignment.ts";
import { encodeImages, inputTable } from "../../src/quant/input.ts";
import { argmaxRows, type PathChoice, QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { QuantizedPool } from "../../src/quant/qpool.ts";
import { quantizeWithCalibration } from "../../src/quant/quantize.ts";
import { logitsOf, runReference } from "../../src/quant/reference.ts";
import { assertSame } from "./_steps.ts";
import { everyOpGraph, randomImages, randomModel } from "./_models.ts";
import { exactTable, operandTruncationTable, randomErrorTable, truncatedTable } from "./_tables.ts";

const graph = everyOpGraph();
const model = randomModel(graph, 11);
const images = randomImages(8, 12);
const plan = await quantizeWithCalibration(model, randomImages(30, 13), 30, { method: "minmax" });
// Full convolutions and dense layers first, as they were before the depthwise ones joined
// the graph, so each path keeps its table; the depthwise layers come after.
const depthwise = new Set(graph.nodes.filter((n) => n.op === "dwconv").map((n) => n.id));
const layers = [...graphCost(graph).multsByNode.keys()].sort((a, b) =>
  Number(depthwise.has(a)) - Number(depthwise.has(b))
);

/** Layer i gets multiplier i mod 5: dot (1 stream), dot + window sums, dot (3 streams), rows. */
function mixed(): MultiplierAssignment {
  const tables: Record<string, Uint16Array> = {
    exact: exactTable(),
    ot: operandTruncationTable(2, 1),
    trunc: truncatedTable(2, 5),
    random: randomErrorTable(21, 30),
    randomZero: (() => {
      const t = randomErrorTable(22, 30);
      t.fill(0, 0, 256);
      return t;
    })(),
  };
  const names = Object.keys(tables);
  const byNode = Object.fromEntries(layers.map((id, i) => [id, names[i % names.length]]));
  return tableAssignment({ defaultName: "exact", byNode }, tables);
}

for (const path of ["auto", "table", "rows"] as PathChoice[]) {
  Deno.test(`whole network, per-layer multipliers, ${path} path: engine equals reference`, async () => {
    const engine = await loadEngine();
    const assignment = mixed();
    const net = new QuantizedNetwork(engine, plan, assignment, { batch: 3, path, maxStreams: 3 });
    if (path === "auto") {
      assert.deepEqual(
        [...new Set(net.layers.map((l) => (l.path === "dot" ? `dot${l.streams}` : l.path)))].sort(),
        // The depthwise layers take the table kernel, the only one they have.
        ["dot1", "dot3", "rows", "table"],
        "every path runs",
      );
    }
    const tableOf = (node: string) => layerMultiplier(assignment, node).table;
    for (const n of [3, 1]) {
      net.loadImages(images, 2, n);
      net.forward(n);
      const input = new Uint8Array(n * 3072);
      encodeImages(images, 2, n, inputTable(plan.tensors.input.q), input);
      const ref = runReference(plan, input, n, tableOf);
      for (const t of Object.keys(plan.tensors)) {
        if (t === plan.output && plan.floatOutput) continue;
        assertSame(net.tensor(t, n), ref.get(t)!, `${path} path, batch ${n}, tensor ${t}`);
      }
      assertSame(net.logits(n), logitsOf(plan, ref), `${path} path, batch ${n}, logits`);
    }
  });
}

Deno.test("a layer's multiplier changes that layer's output and nothing before it", async () => {
  const engine = await loadEngine();
  const all = tableAssignment({ defaultName: "exact", byNode: {} }, { exact: exactTable() });
  const target = layers[2];
  const one = tableAssignment(
    { defaultName: "exact", byNode: { [target]: "t6" } },
    { exact: exactTable(), t6: truncatedTable(9) },
  );
  const a = new QuantizedNetwork(engine, plan, all, { batch: 4 });
  const b = new QuantizedNetwork(engine, plan, one, { batch: 4 });
  for (const net of [a, b]) {
    net.loadImages(images, 0, 4);
    net.forward(4);
  }
  const step = plan.steps.find((s) => s.op === "conv" && s.node === target)!;
  const before = plan.steps.slice(0, plan.steps.indexOf(step)).map((s) => s.output);
  for (const id of before) assertSame(b.tensor(id, 4), a.tensor(id, 4), `tensor ${id}`);
  assert.notDeepEqual(b.tensor(step.output, 4), a.tensor(step.output, 4));
  assert.equal(b.layers.find((l) => l.node === target)!.multiplier, "t6");
});

Deno.test("two workers predict what one network predicts", async () => {
  const assignment = mixed();
  const pool = await QuantizedPool.create({
    plan,
    assignment,
    images,
    workers: 2,
    options: { batch: 2 },
  });
  try {
    const predicted = await pool.predict(7, 1);
    const net = new QuantizedNetwork(await loadEngine(), plan, assignment, { batch: 7 });
    net.loadImages(images, 1, 7);
    net.forward(7);
    assert.deepEqual(predicted, argmaxRows(net.logits(7), 7, 10));
  } finally {
    pool.close();
  }
});
