/**
 * The mobile function set: separable and inverted-residual blocks with kernel sizes and
 * expansion ratios as what the function gene picks. The classic set is unchanged; hand-made
 * genomes decode to the blocks as MobileNetV2 defines them, with the skip only where shapes
 * allow; random and mutated genomes over the mobile and combined sets decode to valid graphs
 * whose depthwise layers take multipliers, and run forward and backward on the engine; shrinks
 * keep an inverted residual's expansion.
 */
import assert from "node:assert/strict";
import { inferShapes } from "../../src/graph/graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { Network } from "../../src/train/network.ts";
import { type CgpConfig, cgpConfig } from "../../src/search/cgp/config.ts";
import { CGP_CNN_FUNCTIONS, functionName, functionSet } from "../../src/search/cgp/functions.ts";
import { decodeGenome } from "../../src/search/cgp/decode.ts";
import { genomeCost } from "../../src/search/cgp/cost.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { mutate } from "../../src/search/cgp/mutate.ts";
import { singleShrinks } from "../../src/search/loop/shrink.ts";
import { Rng } from "../../src/util/rng.ts";
import { fn, genomeWith } from "./_genomes.ts";

Deno.test("the classic set is CGP-CNN's as before; mobile and both add the new blocks", () => {
  const names = (set?: "classic" | "mobile" | "both") =>
    functionSet({ filters: [8, 16], kernels: [3, 5], expansions: [1, 6], set }).map(functionName);
  const tail = ["maxpool", "avgpool", "sum", "concat"];
  const classic = [
    ...["conv8k3", "conv8k5", "conv16k3", "conv16k5"],
    ...["res8k3", "res8k5", "res16k3", "res16k5"],
  ];
  assert.deepEqual(names(), [...classic, ...tail]);
  assert.deepEqual(names("classic"), names());
  const sep = ["sep8k3", "sep8k5", "sep16k3", "sep16k5"];
  const mb = [
    ...["mb1x8k3", "mb6x8k3", "mb1x8k5", "mb6x8k5"],
    ...["mb1x16k3", "mb6x16k3", "mb1x16k5", "mb6x16k5"],
  ];
  assert.deepEqual(names("mobile"), [...sep, ...mb, ...tail]);
  assert.deepEqual(names("both"), [...classic, ...sep, ...mb, ...tail]);
  assert.equal(CGP_CNN_FUNCTIONS.length, 16);
  assert.throws(() => functionSet({ expansions: [0] }), /expansions must be positive integers/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => functionSet({ set: "tiny" as any }),
    /set must be one of classic, mobile, both, found 'tiny'/,
  );
});

const mobile = (options: Partial<CgpConfig> = {}) =>
  cgpConfig({
    rows: 2,
    cols: 6,
    levelsBack: 6,
    functions: functionSet({ filters: [4, 8], kernels: [3, 5], expansions: [1, 3], set: "both" }),
    multiplierGenes: "per-layer",
    librarySize: 6,
    input: { h: 8, w: 8, c: 3 },
    classes: 3,
    ...options,
  });

Deno.test("separable and inverted-residual blocks decode as MobileNetV2 defines them", () => {
  const config = mobile();
  const genome = genomeWith(
    config,
    {
      0: { fn: fn(config, "sep4k3"), inputs: [0, 0], multiplier: 1 },
      2: { fn: fn(config, "mb3x4k5"), inputs: [1, 0], multiplier: 2 }, // 4 -> 4: skip
      4: { fn: fn(config, "mb1x8k3"), inputs: [3, 0], multiplier: 3 }, // 4 -> 8: none
    },
    5,
    5,
  );
  const d = decodeGenome(config, genome);
  assert.deepEqual(d.graph.nodes.map((n) => n.op), [
    "input",
    ...["dwconv", "batchnorm", "relu", "conv", "batchnorm", "relu"],
    ...["conv", "batchnorm", "relu", "dwconv", "batchnorm", "relu", "conv", "batchnorm", "add"],
    ...["dwconv", "batchnorm", "relu", "conv", "batchnorm"],
    "gap",
    "dense",
  ]);
  assert.equal(
    d.summary,
    "n0=sep4k3(in)@m1:8x8x4 n2=mb3x4k5(n0)@m2:8x8x4 n4=mb1x8k3(n2)@m3:8x8x8 -> gap,dense3 | " +
      "head@m5",
  );
  // Every conv and depthwise conv takes its block's multiplier gene.
  const layers = d.graph.nodes.filter((n) => ["conv", "dwconv", "dense"].includes(n.op));
  assert.deepEqual(Object.keys(d.multipliers), layers.map((n) => n.id));
  assert.deepEqual(Object.values(d.multipliers), [1, 1, 2, 2, 2, 3, 3, 5]);
  // Parameters and multiplications by hand (8x8 image; batch norms 2 per channel).
  const weights = [3 * 3 * 3, 3 * 4, 4 * 12, 5 * 5 * 12, 12 * 4, 3 * 3 * 4, 4 * 8];
  const bn = 2 * (3 + 4 + 12 + 12 + 4 + 4 + 8);
  const cost = genomeCost(d);
  assert.equal(cost.params, weights.reduce((a, b) => a + b) + bn + 8 * 3 + 3);
  assert.equal(cost.mults, 64 * weights.reduce((a, b) => a + b) + 8 * 3);
  assert.equal(cost.exactMults, 0);
});

/** Random genomes, each followed by a chain of mutants. */
function* genomes(config: CgpConfig, rng: Rng, count: number) {
  let g = randomGenome(config, rng);
  for (let i = 0; i < count; i++) {
    g = i % 5 === 0 ? randomGenome(config, rng) : mutate(config, g, rng).genome;
    yield g;
  }
}

/** A small search space over the mobile set or both sets. */
function space(
  set: "mobile" | "both",
  options: Partial<CgpConfig>,
): CgpConfig {
  const functions = functionSet({ filters: [2, 3], kernels: [3, 5], expansions: [1, 2], set });
  return cgpConfig({ functions, librarySize: 4, classes: 3, ...options });
}

const spaces: [string, CgpConfig][] = [
  [
    "mobile 5x30 L10 network 8x8",
    space("mobile", {
      rows: 5,
      cols: 30,
      levelsBack: 10,
      multiplierGenes: "network",
      input: { h: 8, w: 8, c: 3 },
    }),
  ],
  [
    "both 2x12 L3 per-layer 7x5",
    space("both", {
      rows: 2,
      cols: 12,
      levelsBack: 3,
      multiplierGenes: "per-layer",
      input: { h: 7, w: 5, c: 3 },
    }),
  ],
];

Deno.test("random and mutated genomes over the mobile sets decode to valid graphs", () => {
  const rng = new Rng(15);
  const seen = new Set<string>();
  for (const [name, config] of spaces) {
    for (const genome of genomes(config, rng, 800)) {
      const d = decodeGenome(config, genome);
      const where = `${name}: ${d.summary}`;
      const shapes = inferShapes(d.graph);
      assert.deepEqual(shapes.get(d.graph.output), { h: 1, w: 1, c: 3 }, where);
      const layers = d.graph.nodes.filter((n) => ["conv", "dwconv", "dense"].includes(n.op));
      assert.deepEqual(Object.keys(d.multipliers), layers.map((n) => n.id), where);
      const cost = genomeCost(d);
      assert.equal(cost.mults, graphCost(d.graph).mults, where);
      for (const n of d.graph.nodes) seen.add(n.op);
    }
  }
  for (const op of ["dwconv", "conv", "add", "maxpool", "concat"]) assert.ok(seen.has(op), op);
});

Deno.test("decoded mobile genomes run forward and backward on the wasm engine", async () => {
  const engine = await loadEngine();
  const rng = new Rng(16);
  for (const [name, config] of spaces) {
    for (const genome of genomes(config, rng, 40)) {
      const d = decodeGenome(config, genome);
      const mark = engine.arena.mark();
      try {
        const net = new Network(engine, d.graph, 2);
        net.initialize(rng);
        const s = config.input;
        const x = engine.arena.f32(net.input, 2 * s.h * s.w * s.c);
        for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
        engine.arena.i32(net.labels, 2).set([0, 2]);
        net.forward(2, true);
        const loss = net.backward(2);
        assert.ok(Number.isFinite(loss), `${name}: ${d.summary} loss ${loss}`);
      } finally {
        engine.arena.release(mark);
      }
    }
  }
});

Deno.test("a shrink of an inverted residual keeps its expansion ratio", () => {
  const config = mobile();
  const genome = genomeWith(config, { 0: { fn: fn(config, "mb3x8k5"), inputs: [0, 0] } }, 1);
  const shrunk = singleShrinks(config, genome).map((g) => functionName(config.functions[g[0]]));
  assert.deepEqual(shrunk.sort(), ["mb3x4k3", "mb3x4k5", "mb3x8k3"]);
});
