/**
 * Signed and 8xN multipliers in the 8-bit executor: weight codes, the lifted tables, and whole
 * networks whose layers are coded for them, against the reference and plain integer
 * arithmetic.
 */
import assert from "node:assert/strict";
import { compileEngine, loadEngine } from "../../src/engine/wasm.ts";
import { resolveLibrary } from "../../src/quant/library_tables.ts";
import { quantizedAccuracyHere, QuantizedModel } from "../../src/quant/quantized_model.ts";
import { DEFAULT_CALIBRATION } from "../../src/quant/calibrate.ts";
import { activationStats, compensatePlan } from "../../src/quant/compensate.ts";
import { graphCost } from "../../src/graph/count.ts";
import { exactArray, truncated } from "../../src/multipliers/generators/families.ts";
import { operandValue, productValues } from "../../src/multipliers/products.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import type { MultiplierAssignment } from "../../src/quant/assignment.ts";
import { bindPlan, weightCodes } from "../../src/quant/bound_plan.ts";
import { calibrateRanges } from "../../src/quant/calibrate.ts";
import { executorTable } from "../../src/quant/multiplier_table.ts";
import type { Multiplier } from "../../src/quant/multipliers.ts";
import { convSteps } from "../../src/quant/plan.ts";
import { type PathChoice, QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { quantizeModel, rangesNeeded } from "../../src/quant/quantize.ts";
import { logitsOf, referenceConv, runReference } from "../../src/quant/reference.ts";
import { encodeImages, inputTable } from "../../src/quant/input.ts";
import { codeWeights, isCodeByte, SIGNED_OFFSET } from "../../src/quant/weight_code.ts";
import { everyOpGraph, randomImages, randomModel } from "./_models.ts";
import { assertSame } from "./_steps.ts";

/** A resolved multiplier of a generated circuit, as library_tables.ts resolves one. */
function circuit(name: string, netlist: ReturnType<typeof exactArray>): Multiplier {
  const operands = { weightBits: netlist.weightBits ?? 8, signed: netlist.signed === true };
  const { table, offsets } = executorTable(simulateTable(netlist), operands, name);
  return {
    name,
    energyPj: 1,
    table,
    weights: { bits: operands.weightBits, signed: operands.signed },
    ...(offsets ? { offsets } : {}),
  };
}

const s8 = { weightBits: 8, signed: true }, u4 = { weightBits: 4, signed: false };
const s4 = { weightBits: 4, signed: true };

Deno.test("weight codes: symmetric signed with zero-point 0, N-bit unsigned affine", () => {
  const w = Float64Array.from([0.5, -1, 0.25, -0.125, 1, 0.0625, -0.5, 0.75]);
  const signed = codeWeights(w, 2, { bits: 8, signed: true }, false);
  assert.deepEqual([...signed.zero], [SIGNED_OFFSET, SIGNED_OFFSET]);
  // Channel 0 holds 0.5, 0.25, 1, -0.5: its scale is 1 / 127, and 1 is the byte 128 + 127.
  assert.equal(signed.scale[0], 1 / 127);
  assert.equal(signed.bytes[4], 255);
  assert.equal(signed.bytes[6], 128 - 64);
  for (let i = 0; i < w.length; i++) {
    const back = signed.scale[i % 2] * (signed.bytes[i] - SIGNED_OFFSET);
    assert.ok(Math.abs(back - w[i]) <= signed.scale[i % 2] / 2 + 1e-12, `weight ${i}`);
  }
  const four = codeWeights(w, 2, { bits: 4, signed: false }, false);
  assert.ok(four.bytes.every((b) => b <= 15) && four.zero.every((z) => z <= 15));
  const perTensor = codeWeights(w, 2, { bits: 4, signed: true }, true);
  assert.equal(perTensor.scale[0], perTensor.scale[1]);
  assert.ok(perTensor.bytes.every((b) => isCodeByte({ bits: 4, signed: true }, b)));
  assert.ok(!isCodeByte({ bits: 4, signed: true }, 128 + 8));
  assert.ok(isCodeByte({ bits: 4, signed: true }, 128 - 7));
});

Deno.test("executor tables: exact circuits are a * w; approximate ones carry their error", () => {
  for (const ops of [s8, u4, s4, { weightBits: 2, signed: true }]) {
    const { table, offsets } = executorTable(simulateTable(exactArray(ops)), ops, "exact");
    assert.equal(offsets, undefined);
    for (let a = 0; a < 256; a += 5) {
      for (let w = 0; w < 256; w++) assert.equal(table[a * 256 + w], a * w, `(${a}, ${w})`);
    }
  }
  // A signed truncated circuit errs below the product near x = -128: its columns are shifted.
  const approx = simulateTable(truncated(8, false, s8));
  const { table, offsets } = executorTable(approx, s8, "t8");
  assert.ok(offsets && offsets.some((o) => o > 0));
  const p = productValues(approx, s8);
  for (let a = 0; a < 256; a += 3) {
    for (let w = 1; w < 256; w += 7) {
      const x = a - 128, y = w - 128;
      const error = p[(operandValue(a ^ 128, 8, false) << 8) | (y & 255)] - x * y;
      assert.equal(table[a * 256 + w] - offsets![w], a * w + error, `(a=${a}, w=${w})`);
    }
  }
});

const graph = everyOpGraph();
const model = randomModel(graph, 31);
const calibration = randomImages(30, 32);
const images = randomImages(6, 33);
const layers = [...graphCost(graph).multsByNode.keys()];
const ranges = await calibrateRanges(model, calibration, 30, rangesNeeded(graph), {
  method: "minmax",
});

/** Layer i takes multiplier i mod the list's length. */
function mixedAssignment(library: Multiplier[]): MultiplierAssignment {
  const byNode = Object.fromEntries(layers.map((id, i) => [id, library[i % library.length].name]));
  return { defaultName: library[0].name, byNode, library };
}

for (const path of ["auto", "rows", "table"] as PathChoice[]) {
  Deno.test(`signed and 8x4 layers, ${path} path: engine equals the reference`, async () => {
    const library = [
      circuit("s8", exactArray(s8)),
      circuit("s8t", truncated(8, false, s8)),
      circuit("u4t", truncated(3, false, u4)),
      circuit("s4", exactArray(s4)),
    ];
    const assignment = mixedAssignment(library);
    const plan = quantizeModel(model, ranges, { codes: weightCodes(assignment, layers) });
    for (const s of convSteps(plan)) {
      const code = library.find((m) => m.name === assignment.byNode[s.node])!.weights!;
      assert.deepEqual(s.weightCode, code, s.node);
      assert.ok(s.weights.every((b) => isCodeByte(code, b)), `${s.node}: weights in its code`);
    }
    const engine = await loadEngine();
    const net = new QuantizedNetwork(engine, plan, assignment, { batch: 3, path });
    const bound = bindPlan(plan, assignment);
    const tableOf = (node: string) =>
      library.find((m) => m.name === assignment.byNode[node])!.table;
    net.loadImages(images, 0, 3);
    net.forward(3);
    const input = new Uint8Array(3 * 3072);
    encodeImages(images, 0, 3, inputTable(plan.tensors.input.q), input);
    const reference = runReference(bound, input, 3, tableOf);
    for (const t of Object.keys(plan.tensors)) {
      if (t === plan.output && plan.floatOutput) continue;
      assertSame(net.tensor(t, 3), reference.get(t)!, `${path}: tensor ${t}`);
    }
    assertSame(net.logits(3), logitsOf(bound, reference), `${path}: logits`);
  });
}

Deno.test("signed inference through the exact signed circuit is int8 integer arithmetic", () => {
  const exact = circuit("s8", exactArray(s8));
  const assignment: MultiplierAssignment = { defaultName: "s8", byNode: {}, library: [exact] };
  const plan = quantizeModel(model, ranges, { codes: weightCodes(assignment, layers) });
  const step = convSteps(plan)[0];
  const zIn = plan.tensors[step.input].q.zero;
  const x = randomImages(1, 34).subarray(0, step.h * step.w * step.c);
  const viaTable = referenceConv(step, x, 1, zIn, exact.table) as Uint8Array;
  // Directly: int8 activations x - 128 (zero-point zIn - 128), int8 weights w - 128.
  const bq = Array.from(step.bias, (b, co) => {
    let colSum = 0;
    for (let i = co; i < step.weights.length; i += step.k) colSum += step.weights[i];
    const taps = step.kh * step.kw * step.c;
    return b + zIn * colSum - taps * zIn * 128; // the float bias, in accumulator units
  });
  const direct = new Uint8Array(viaTable.length);
  let i = 0;
  for (let oy = 0; oy < step.oh; oy++) {
    for (let ox = 0; ox < step.ow; ox++) {
      for (let co = 0; co < step.k; co++) {
        let acc = bq[co];
        for (let ky = 0; ky < step.kh; ky++) {
          for (let kx = 0; kx < step.kw; kx++) {
            const iy = oy * step.sh + ky - step.pad[0], ix = ox * step.sw + kx - step.pad[1];
            for (let ci = 0; ci < step.c; ci++) {
              const inside = iy >= 0 && iy < step.h && ix >= 0 && ix < step.w;
              const a = inside ? x[(iy * step.w + ix) * step.c + ci] : zIn;
              const w = step.weights[((ky * step.kw + kx) * step.c + ci) * step.k + co];
              acc += ((a - 128) - (zIn - 128)) * (w - 128);
            }
          }
        }
        const v = Math.fround(Math.fround(acc) * step.scale[co]) + step.zOut;
        direct[i++] = Math.min(Math.max(roundHalfEven(Math.fround(v)), step.lo), 255);
      }
    }
  }
  assertSame(viaTable, direct, "signed int8 arithmetic");
});

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

Deno.test("a layer coded for one multiplier refuses another's weights", async () => {
  const plan = quantizeModel(model, ranges, {});
  const assignment = mixedAssignment([circuit("u4", exactArray(u4))]);
  await assert.rejects(
    async () => new QuantizedNetwork(await loadEngine(), plan, assignment, { batch: 1 }),
    /its weights are coded 8-bit unsigned, but multiplier 'u4' takes 4-bit unsigned weights/,
  );
});

Deno.test("a search's measurement codes each layer for the circuit its gene names", async () => {
  const module = await compileEngine();
  const library = await resolveLibrary(["mul8u_exact", "mul8s_trunc6", "mul8x4u_trunc4"]);
  const data = {
    images: randomImages(20, 35),
    labels: Uint8Array.from({ length: 20 }, (_, i) => i % 10),
  };
  const setup = { images: calibration, count: 30, compensate: true, tuneWeights: true };
  const q = await QuantizedModel.calibrate(module, model, setup, library);
  const genes = { [layers[0]]: "mul8s_trunc6", [layers[1]]: "mul8x4u_trunc4" };
  const measured = await q.accuracy(genes, data);
  // The same by hand: weights coded per layer, biases corrected with the 8-bit plan's statistics.
  const assignment: MultiplierAssignment = { defaultName: "mul8u_exact", byNode: genes, library };
  const calibrated = await calibrateRanges(
    model,
    calibration,
    30,
    rangesNeeded(graph),
    DEFAULT_CALIBRATION,
  );
  const bytePlan = quantizeModel(model, calibrated, {});
  const coded = quantizeModel(model, calibrated, { codes: weightCodes(assignment, layers) });
  assert.deepEqual(convSteps(coded)[1].weightCode, { bits: 4, signed: false });
  const stats = await activationStats(bytePlan, calibration, 30);
  const plan = compensatePlan(coded, assignment, stats, { tuneWeights: true });
  for (const s of convSteps(plan).slice(0, 2)) {
    assert.ok(
      s.weights.every((b) => isCodeByte(s.weightCode!, b)),
      `${s.node}: tuned within its code`,
    );
  }
  assert.equal(measured, await quantizedAccuracyHere(module, plan, assignment, data, 20));
});
