/**
 * Energy per inference (multiplications x energy per multiplication, per layer) and the
 * per-layer multiplier syntax.
 */
import assert from "node:assert/strict";
import { graphCost } from "../../src/graph/count.ts";
import { resnet } from "../../src/graph/resnet.ts";
import {
  checkAssignment,
  multiplierOf,
  parseAssignment,
  uniformAssignment,
} from "../../src/quant/assignment.ts";
import { inferenceEnergy } from "../../src/quant/energy.ts";
import { exactTable } from "./_tables.ts";

const PJ: Record<string, number> = { exact: 0.5, half: 0.25, cheap: 0.01 };

Deno.test("one multiplier everywhere: energy = all multiplications x its energy", () => {
  const g = resnet(8);
  const e = inferenceEnergy(g, () => "half", (m) => PJ[m]);
  assert.equal(e.mults, graphCost(g).mults);
  assert.equal(e.pj, graphCost(g).mults * 0.25);
  assert.equal(e.layers.length, 10);
});

Deno.test("per-layer multipliers: each layer's multiplications at its own energy", () => {
  const g = resnet(8);
  const spec = parseAssignment("half,conv1=exact,dense30=cheap", "exact");
  const a = { ...spec, tables: {}, decompositions: {} };
  const e = inferenceEnergy(g, (n) => multiplierOf(a, n), (m) => PJ[m]);
  const by = graphCost(g).multsByNode;
  let expected = 0;
  for (const [node, m] of by) {
    expected += m * (node === "conv1" ? 0.5 : node === "dense30" ? 0.01 : 0.25);
  }
  assert.ok(Math.abs(e.pj - expected) < 1e-6 * expected, `${e.pj} vs ${expected}`);
  assert.deepEqual(
    e.layers.filter((l) => l.node === "conv1" || l.node === "dense30").map((l) => [l.node, l.pj]),
    [["conv1", by.get("conv1")! * 0.5], ["dense30", 640 * 0.01]],
  );
  assert.throws(
    () => inferenceEnergy(g, () => "nope", (m) => PJ[m]),
    /Multiplier 'nope' has no valid energy/,
  );
});

Deno.test("multiplier lists: a default, per-node items, and errors that say what is wrong", () => {
  assert.deepEqual(parseAssignment("m1", "exact"), { defaultName: "m1", byNode: {} });
  assert.deepEqual(parseAssignment("conv4=m2, dense30=m3", "exact"), {
    defaultName: "exact",
    byNode: { conv4: "m2", dense30: "m3" },
  });
  assert.throws(() => parseAssignment("a,b", "x"), /names two defaults/);
  assert.throws(() => parseAssignment("conv4=", "x"), /must be node=NAME/);
  assert.throws(() => parseAssignment("conv4=a,conv4=b", "x"), /names node 'conv4' twice/);
  assert.throws(() => parseAssignment("a,,b", "x"), /empty item/);
  const a = uniformAssignment("exact", exactTable());
  assert.throws(
    () => checkAssignment({ ...a, byNode: { conv99: "exact" } }, ["conv1"]),
    /'conv99', which is not a conv or dense layer/,
  );
  assert.throws(() => checkAssignment({ ...a, defaultName: "other" }, ["conv1"]), /'other'/);
});
