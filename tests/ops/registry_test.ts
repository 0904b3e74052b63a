/**
 * The op registry: it covers every op of the graph format, and every executor dispatches
 * through it. The second is shown with an op registered here, in the test, that no source
 * file knows: shape inference, counts, layout, the float engine, the float64 reference and
 * the quantiser all run it.
 */
import assert from "node:assert/strict";
import { GraphBuilder } from "../../src/graph/builder.ts";
import { type Graph, type GraphNode, inferShapes, type NodeBase } from "../../src/graph/graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { builtinOps } from "../../src/ops/specs.ts";
import { isRegistered, type OpDef, opDef, registerOp } from "../../src/ops/registry.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { Network } from "../../src/train/network.ts";
import { paramLayout } from "../../src/model/layout.ts";
import { referenceLossAndGrads } from "../../src/reference/network.ts";
import { calibrateRanges } from "../../src/quant/calibrate.ts";
import { quantizeModel, rangesNeeded } from "../../src/quant/quantize.ts";
import { channelTable } from "../../src/quant/table_step.ts";
import { dequantize } from "../../src/quant/affine.ts";
import { encodeImages, inputTable } from "../../src/quant/input.ts";
import { runReference } from "../../src/quant/reference.ts";
import { prepareEvalBatch } from "../../src/train/augment.ts";
import { Rng } from "../../src/util/rng.ts";
import { assertClose, numericGradient, randomArray } from "../_tester.ts";
import { everyOpGraph, randomImages } from "../quant/_models.ts";

Deno.test("the registry holds every op of the graph format, each with all its parts", () => {
  const format = [
    "input",
    "conv",
    "dwconv",
    "batchnorm",
    "relu",
    "maxpool",
    "avgpool",
    "gap",
    "dense",
    "add",
    "concat",
  ];
  assert.deepEqual(builtinOps(), format);
  for (const op of format) {
    const def = opDef(op);
    assert.equal(def.spec.op, op, `${op}: its spec names it`);
    assert.equal(typeof def.spec.shape, "function", `${op}: shape rule`);
    assert.equal(typeof def.engine.bind, "function", `${op}: engine binding`);
    assert.equal(typeof def.reference.forward, "function", `${op}: reference forward`);
    assert.equal(typeof def.reference.backward, "function", `${op}: reference backward`);
    assert.equal(typeof def.lower.lower, "function", `${op}: 8-bit lowering`);
  }
  // The executors' and quantiser's test graph uses every op, so their tests cover them all.
  assert.deepEqual(new Set(everyOpGraph().nodes.map((n) => n.op)), new Set(format));
  assert.throws(() => opDef("nope"), /Op 'nope' is not registered \(src\/ops\/registry\.ts\)/);
});

/** y[p, ch] = x[p, ch] * weight[ch]: a per-channel scale, known only to this test. */
interface ScaleNode extends NodeBase {
  op: "test_scale";
}

const f32 = (memory: WebAssembly.Memory, ptr: number, len: number) =>
  new Float32Array(memory.buffer, ptr, len);

const scaleOp: OpDef<ScaleNode> = {
  spec: {
    op: "test_scale",
    arity: 1,
    shape: (_node, [x]) => ({ ...x }),
    params: (_node, [x]) => [{ name: "weight", shape: [x.c], fanIn: 1, init: 1 }],
    mults: (_node, [x]) => x.h * x.w * x.c,
  },
  engine: {
    // Plain loops over engine memory: this test has no kernel of its own.
    bind({ self, kernels: k, param }) {
      const x = self.ins[0], weight = param("weight")!, c = self.shape.c;
      return {
        forward(n) {
          const xs = f32(k.memory, x.out, n * x.size), ys = f32(k.memory, self.out, n * self.size);
          const s = f32(k.memory, weight.value, c);
          for (let i = 0; i < ys.length; i++) ys[i] = xs[i] * s[i % c];
        },
        backward(n, [dx]) {
          const len = n * self.size;
          const xs = f32(k.memory, x.out, len), dy = f32(k.memory, self.grad, len);
          const s = f32(k.memory, weight.value, c), ds = f32(k.memory, weight.grad, c);
          ds.fill(0);
          for (let i = 0; i < len; i++) ds[i % c] += dy[i] * xs[i];
          if (dx) {
            const dxs = f32(k.memory, dx, len);
            for (let i = 0; i < len; i++) dxs[i] = dy[i] * s[i % c];
          }
        },
      };
    },
  },
  reference: {
    forward: ({ xs: [x], shape, param }) => {
      const s = param("weight")!;
      return { y: x.map((v, i) => v * s[i % shape.c]) };
    },
    backward: ({ xs: [x], shape, param, dy, addGrad }) => {
      const s = param("weight")!, ds = new Float64Array(shape.c);
      for (let i = 0; i < dy.length; i++) ds[i % shape.c] += dy[i] * x[i];
      addGrad("weight", ds);
      return [dy.map((v, i) => v * s[i % shape.c])];
    },
  },
  lower: {
    absorbs: { relu: true },
    lower(g, ctx) {
      ctx.encode(g.output, ctx.calibrated(g.output));
      const input = g.head.inputs[0], x = ctx.tensors[input];
      const mul = Array.from(ctx.param(g.head.id, "weight")!);
      const affine = { mul, add: mul.map(() => 0) };
      const lut = channelTable(x.q, x.shape.c, ctx.tensors[g.output].q, affine, g.relu);
      return [{ op: "lut", fused: g.nodes.map((n) => n.id), input, output: g.output, lut }];
    },
  },
};

/** conv -> test_scale -> relu, summed with the conv's output (a fan-out), on CIFAR images. */
function scaleGraph(): { graph: Graph; conv: string; scale: string; relu: string } {
  const g = new GraphBuilder("scaled", { h: 32, w: 32, c: 3 }, 10);
  const conv = g.conv("input", 4, 3, 4); // 8x8x4
  const scale = "scale1";
  g.nodes.push({ id: scale, op: "test_scale", inputs: [conv] } as unknown as GraphNode);
  const relu = "relu1";
  g.nodes.push({ id: relu, op: "relu", inputs: [scale] });
  g.nodes.push({ id: "sum", op: "add", inputs: [relu, conv] });
  g.nodes.push({ id: "gap", op: "gap", inputs: ["sum"] });
  g.nodes.push({ id: "dense", op: "dense", inputs: ["gap"], units: 10 });
  return { graph: g.build("dense"), conv, scale, relu };
}

/** Parameters in layout order: N(0, 0.5), the test op's scales around 1. */
function randomParams(graph: Graph, scale: string, rng: Rng): Float64Array {
  const { params, paramCount } = paramLayout(graph);
  const p = new Float64Array(paramCount);
  for (const s of params) {
    for (let i = 0; i < s.length; i++) {
      p[s.offset + i] = s.node === scale ? rng.uniform(0.5, 1.5) : 0.5 * rng.normal();
    }
  }
  return p;
}

Deno.test("an op registered in a test runs through every executor", async () => {
  const unregister = registerOp(scaleOp);
  try {
    const { graph, conv, scale, relu } = scaleGraph();

    // Shape inference and validation.
    const shapes = inferShapes(graph);
    assert.deepEqual(shapes.get(scale), { h: 8, w: 8, c: 4 });
    const twoInputs = structuredClone(graph);
    twoInputs.nodes[2].inputs = [conv, conv];
    assert.throws(() => inferShapes(twoInputs), /node 'scale1' \(test_scale\): takes 1 inputs/);

    // Counts and layout.
    const cost = graphCost(graph);
    const convParams = 3 * 3 * 3 * 4, denseParams = 4 * 10 + 10;
    assert.equal(cost.params, convParams + 4 + denseParams);
    assert.equal(cost.multsByNode.get(scale), 8 * 8 * 4);
    assert.equal(cost.mults, 8 * 8 * 3 * 3 * 3 * 4 + 8 * 8 * 4 + 4 * 10);
    const slot = paramLayout(graph).params.find((s) => s.node === scale)!;
    assert.deepEqual([slot.name, slot.offset, slot.length], ["weight", convParams, 4]);

    // The reference executor, against finite differences.
    const n = 2, rng = new Rng(4);
    const x = Float64Array.from(Float32Array.from(randomArray(rng, n * 32 * 32 * 3)));
    const labels = [3, 7];
    const params = Float64Array.from(Float32Array.from(randomParams(graph, scale, rng)));
    const ref = referenceLossAndGrads(graph, params, x, labels, n);
    const numeric = numericGradient(
      (p) => referenceLossAndGrads(graph, p, x, labels, n).loss,
      params,
      1e-6,
    );
    assertClose(ref.grads, numeric, "scaled graph, d loss / d params", {
      rtol: 1e-4,
      atol: 1e-7,
    });
    const scaleGrads = ref.grads.subarray(convParams, convParams + 4);
    assert.ok(scaleGrads.some((g) => g !== 0), "the test op's parameters get a gradient");

    // The float engine, against the reference.
    const engine = await loadEngine();
    const net = new Network(engine, graph, 4);
    net.initialize(new Rng(1));
    assert.deepEqual(Array.from(net.getParams().subarray(convParams, convParams + 4)), [
      1,
      1,
      1,
      1,
    ]);
    net.setParams(Float32Array.from(params));
    engine.arena.f32(net.input, x.length).set(x);
    engine.arena.i32(net.labels, n).set(labels);
    net.forward(n, true);
    assertClose(net.logits(n), ref.logits, "engine logits", { rtol: 1e-4, atol: 1e-5 });
    const loss = net.backward(n);
    assertClose([loss], [ref.loss], "engine loss", { rtol: 1e-5, atol: 1e-6 });
    const grads = engine.arena.f32(net.grads, net.layout.paramCount);
    assertClose(grads, ref.grads, "engine grads", { rtol: 1e-3, atol: 1e-5 });

    // The quantiser: the op and the ReLU it absorbs become one table step, tracking float.
    const model = { graph, params: Float32Array.from(params), state: new Float32Array(), meta: {} };
    assert.ok(rangesNeeded(graph).includes(relu));
    const calib = randomImages(20, 8);
    const ranges = await calibrateRanges(model, calib, 20, rangesNeeded(graph), {
      method: "minmax",
    }, engine);
    const plan = quantizeModel(model, ranges);
    const step = plan.steps.find((s) => s.output === relu)!;
    assert.deepEqual([step.op, step.fused], ["lut", [scale, relu]]);
    const images = randomImages(n, 9), bytes = new Uint8Array(n * 3072);
    encodeImages(images, 0, n, inputTable(plan.tensors.input.q), bytes);
    const exact = new Uint16Array(65536).map((_, i) => (i >> 8) * (i & 255));
    const values = runReference(plan, bytes, n, () => exact);
    prepareEvalBatch(
      { images, labels: new Uint8Array(n) },
      [0, 1],
      { images: engine.arena.f32(net.input, n * 3072), labels: engine.arena.i32(net.labels, n) },
    );
    net.forward(n, false);
    const float = engine.arena.f32(net.plans.find((p) => p.node.id === relu)!.out, n * 8 * 8 * 4);
    const q = plan.tensors[relu].q, got = values.get(relu) as Uint8Array;
    let worst = 0;
    for (let i = 0; i < float.length; i++) {
      worst = Math.max(worst, Math.abs(dequantize(got[i], q) - float[i]));
    }
    // Within a few steps, as the other ops (tests/quant/quantize_test.ts); dropping the scale
    // (0.5 to 1.5) would be off by tens of steps.
    assert.ok(worst <= 4 * q.scale, `test op in 8 bits: worst error ${worst / q.scale} steps`);
  } finally {
    unregister();
  }
  assert.ok(!isRegistered("test_scale"));
  assert.throws(() => inferShapes(scaleGraph().graph), /node 'scale1' \(test_scale\): unknown op/);
});
