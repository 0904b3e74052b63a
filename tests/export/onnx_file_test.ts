/**
 * What the ONNX files say of themselves (versions, names, normalisation, multipliers), that
 * ONNX Runtime runs the QDQ file on its integer kernels, the arithmetic the QDQ graph keeps
 * (bias without its folded zero-point terms, requantisation factors), and the errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { planFromSpec } from "../../src/embed/spec.ts";
import {
  floatOnnx,
  INPUT_NAME,
  IR_VERSION,
  OPSET,
  OUTPUT_NAME,
  qdqOnnx,
  summarizeOnnx,
} from "../../src/export/onnx/mod.ts";
import { matchingWeightScale, quantizedBias } from "../../src/export/onnx/qdq_graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { GraphBuilder } from "../../src/graph/builder.ts";
import type { Graph } from "../../src/graph/graph.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { uniformAssignment } from "../../src/quant/assignment.ts";
import { QuantizedNetwork } from "../../src/quant/qnetwork.ts";
import { requantize } from "../../src/quant/affine.ts";
import { exactTable } from "../../src/model/product_table.ts";
import { channelsPerOutput, convSteps } from "../../src/quant/plan.ts";
import { referenceConv } from "../../src/quant/reference.ts";
import { readModelFile } from "../../src/model/model_file.ts";
import { Rng } from "../../src/util/rng.ts";
import { agreement, nhwcToNchw, ortLogits, ortTensors } from "../../scripts/onnx_runtime.ts";
import { everyOpGraph, randomImages, randomModel } from "../quant/_models.ts";
import { EXAMPLE, selfContained } from "./_networks.ts";

const example = await readModelFile(EXAMPLE);

Deno.test("both files: IR 8, opset 17, input 'input' with its normalisation, output 'logits'", () => {
  for (const bytes of [floatOnnx(example), qdqOnnx(example, "example")]) {
    const s = summarizeOnnx(bytes);
    assert.equal(s.irVersion, IR_VERSION);
    assert.equal(s.opset, OPSET);
    assert.deepEqual([s.inputs, s.outputs], [[INPUT_NAME], [OUTPUT_NAME]]);
    assert.match(s.metadata["approxnas.input"], /\(p \/ 255 - mean\[c\]\) \/ std\[c\]/);
    assert.deepEqual(JSON.parse(s.metadata["approxnas.input_mean"]), [0.4914, 0.4822, 0.4465]);
    assert.equal(s.metadata["approxnas.mults"], String(graphCost(example.graph).mults));
  }
});

Deno.test("float file: batch norm folded by default, kept as BatchNormalization on request", () => {
  const bns = example.graph.nodes.filter((n) => n.op === "batchnorm").length;
  const count = (ops: string[], op: string) => ops.filter((o) => o === op).length;
  const folded = summarizeOnnx(floatOnnx(example)).ops;
  const kept = summarizeOnnx(floatOnnx(example, { foldBatchNorm: false })).ops;
  assert.equal(count(folded, "BatchNormalization"), 0);
  assert.equal(count(kept, "BatchNormalization"), bns);
  assert.equal(count(folded, "Conv"), count(kept, "Conv"));
});

Deno.test("kept and folded batch norms give the same logits in ONNX Runtime", async () => {
  const model = randomModel(everyOpGraph(), 6);
  const images = randomImages(40, 2);
  const a = await ortLogits(floatOnnx(model), images, 40);
  const b = await ortLogits(floatOnnx(model, { foldBatchNorm: false }), images, 40);
  const d = agreement(a, b, 10);
  assert.ok(d.maxRel < 1e-5, `folded and kept differ by ${d.maxRel} of the largest logit`);
});

Deno.test("QDQ file: each layer's multiplier in the metadata and in its node's doc string", () => {
  const s = summarizeOnnx(qdqOnnx(example, "example"));
  const layers = [...graphCost(example.graph).multsByNode.keys()];
  const chosen = JSON.parse(s.metadata["approxnas.multipliers"]);
  assert.deepEqual(Object.keys(chosen), layers);
  for (const layer of layers) {
    assert.equal(chosen[layer], "mul8u_bam_h1v4");
    assert.match(s.nodeDocs[layer], /approxnas multiplier: mul8u_bam_h1v4/);
  }
  assert.equal(s.metadata["approxnas.compensate"], "true");
  assert.equal(JSON.parse(s.metadata["approxnas.calibration"]).images, 1000);
  assert.ok(s.ops.includes("QuantizeLinear") && s.ops.includes("DequantizeLinear"));
});

Deno.test("ONNX Runtime runs the QDQ file on its integer kernels (QLinearConv, QLinearAdd)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const optimized = join(dir, "optimized.onnx");
    const session = await ort.InferenceSession.create(qdqOnnx(example, "example"), {
      optimizedModelFilePath: optimized,
      logSeverityLevel: 3,
    });
    await session.release();
    const ops = summarizeOnnx(await Deno.readFile(optimized)).ops;
    assert.ok(ops.includes("QLinearConv") && ops.includes("QLinearAdd"), ops.join(" "));
    assert.ok(!ops.includes("Conv"), `a float Conv is left: ${ops.join(" ")}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("QDQ bias b_q: with the exact product, sum (a - z_a)(w - z_w) + b_q is the plan's layer", async () => {
  const model = await selfContained(randomModel(everyOpGraph(), 6));
  const plan = planFromSpec(model, model.inference!);
  const rng = new Rng(3);
  for (const s of convSteps(plan)) {
    const zIn = plan.tensors[s.input].q.zero;
    const x = Uint8Array.from({ length: 2 * s.h * s.w * s.c }, () => rng.int(256));
    const want = referenceConv(s, x, 2, zIn, exactTable());
    const bq = quantizedBias(s, zIn);
    const [pt, pl] = s.pad;
    let at = 0;
    for (let b = 0; b < 2; b++) {
      for (let oy = 0; oy < s.oh; oy++) {
        for (let ox = 0; ox < s.ow; ox++) {
          for (let co = 0; co < s.k; co++, at++) {
            let acc = bq[co];
            for (let ky = 0; ky < s.kh; ky++) {
              for (let kx = 0; kx < s.kw; kx++) {
                const iy = oy * s.sh - pt + ky, ix = ox * s.sw - pl + kx;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                for (let j = 0; j < channelsPerOutput(s); j++) {
                  const ci = s.depthwise ? co : j, tap = ky * s.kw + kx;
                  const a = x[((b * s.h + iy) * s.w + ix) * s.c + ci];
                  const w = s.weights[s.depthwise ? tap * s.c + co : (tap * s.c + ci) * s.k + co];
                  acc += (a - zIn) * (w - s.weightZero[co]);
                }
              }
            }
            const got = s.floatOutput
              ? Math.fround(Math.fround(acc) * s.scale[co])
              : requantize(acc, s.scale[co], s.zOut, s.lo, 255);
            assert.equal(got, want[at], `layer ${s.node}, output ${at}`);
          }
        }
      }
    }
  }
});

Deno.test("weight scales make ONNX Runtime's float32 factors approxnas's (else 1 ulp off)", () => {
  const plan = planFromSpec(example, example.inference!);
  let matched = 0, total = 0;
  for (const s of convSteps(plan)) {
    const sx = Math.fround(plan.tensors[s.input].q.scale);
    const sy = s.floatOutput ? 1 : Math.fround(plan.tensors[s.output].q.scale);
    s.weightScale.forEach((ws, co) => {
      const w = matchingWeightScale(ws, sx, sy, s.scale[co], s.floatOutput);
      const factor = s.floatOutput ? Math.fround(sx * w) : Math.fround(Math.fround(sx * w) / sy);
      const ulp = s.scale[co] * 2 ** -23;
      total++;
      if (factor === s.scale[co]) matched++;
      assert.ok(Math.abs(factor - s.scale[co]) <= ulp, `layer ${s.node} channel ${co}`);
      assert.ok(Math.abs(w - ws) <= ws * 64 * 2 ** -23, `layer ${s.node} ch ${co}: ${w} vs ${ws}`);
    });
  }
  // Without the choice (the float32 nearest each scale) about half the factors differ.
  assert.ok(matched >= 0.75 * total, `${matched} of ${total} factors equal`);
});

Deno.test("an op ONNX cannot express is refused, naming the node and the op", () => {
  const graph: Graph = structuredClone(example.graph);
  const at = graph.nodes.findIndex((n) => n.op === "relu");
  const relu = graph.nodes[at];
  graph.nodes[at] = { ...relu, op: "gelu" } as unknown as Graph["nodes"][number];
  assert.throws(
    () => floatOnnx({ ...example, graph }),
    new RegExp(`node '${relu.id}' has op 'gelu', which the ONNX writer cannot express`),
  );
});

Deno.test("a model file without its calibration cannot give the QDQ file: the error names 'inference'", () => {
  const bare = { ...example, inference: undefined };
  assert.throws(() => qdqOnnx(bare, "bare.apxnet"), /'bare.apxnet'.*'inference' field is missing/);
});

Deno.test("the QDQ file's input bytes and average-pooled bytes are approxnas's, ties included", async () => {
  const g = new GraphBuilder("pool-ties", { h: 32, w: 32, c: 3 }, 10);
  const pooled = g.pool("avgpool", g.pool("avgpool", "input", 2, 2), 3, 2); // 2x2; 3x3 padded
  const model = await selfContained(randomModel(g.build(g.dense(g.gap(pooled), 10)), 8));
  const plan = planFromSpec(model, model.inference!);
  const n = 20, images = randomImages(n, 12);
  const net = new QuantizedNetwork(await loadEngine(), plan, uniformAssignment("e", exactTable()), {
    batch: n,
  });
  net.loadImages(images, 0, n);
  net.forward(n);
  const ids = ["input", ...plan.steps.filter((s) => s.op === "avgpool").map((s) => s.output)];
  const got = await ortTensors(qdqOnnx(model, "pool-ties"), images, n, ids);
  for (const id of ids) {
    const { h, w, c } = plan.tensors[id].shape;
    assert.deepEqual(got[id], nhwcToNchw(net.tensor(id, n), n, h, w, c), `tensor ${id}`);
  }
  // The ties are there: 2x2 windows of input bytes whose mean ends in .5.
  const x = net.tensor("input", n);
  let ties = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < 32; y += 2) {
      for (let xx = 0; xx < 32; xx += 2) {
        for (let ch = 0; ch < 3; ch++) {
          const at = (dy: number, dx: number) => x[((b * 32 + y + dy) * 32 + xx + dx) * 3 + ch];
          ties += (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) % 4 === 2 ? 1 : 0;
        }
      }
    }
  }
  assert.ok(ties > 0);
});
