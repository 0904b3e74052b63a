import assert from "node:assert/strict";
import { graphCost } from "../../src/graph/count.ts";
import { type ConvNode, type Graph, inferShapes, type PoolNode } from "../../src/graph/graph.ts";
import { type CgpConfig, cgpConfig } from "../../src/search/cgp/config.ts";
import { functionSet } from "../../src/search/cgp/functions.ts";
import { genomeLayout } from "../../src/search/cgp/genome.ts";
import { decodeGenome } from "../../src/search/cgp/decode.ts";
import { genomeCost } from "../../src/search/cgp/cost.ts";
import { phenotypeKey } from "../../src/search/cgp/phenotype.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { halvingsBetween } from "../../src/search/cgp/merge_rules.ts";
import { mutateGene } from "../../src/search/cgp/mutate.ts";
import { Rng } from "../../src/util/rng.ts";
import { fn, genomeWith } from "./_genomes.ts";

const small = (options: Partial<CgpConfig> = {}) =>
  cgpConfig({
    rows: 2,
    cols: 6,
    levelsBack: 6,
    functions: functionSet({ filters: [4, 8], kernels: [3, 5] }),
    multiplierGenes: "per-layer",
    librarySize: 6,
    input: { h: 8, w: 8, c: 3 },
    classes: 3,
    ...options,
  });

const ops = (g: Graph) => g.nodes.map((n) => n.op);
const node = (g: Graph, id: string) => g.nodes.find((n) => n.id === id)!;
const convs = (g: Graph) => g.nodes.filter((n): n is ConvNode => n.op === "conv");
const pools = (g: Graph) => g.nodes.filter((n): n is PoolNode => n.op === "maxpool");

Deno.test("conv block then a residual block that changes channels (1x1 projection shortcut)", () => {
  const config = small();
  const genome = genomeWith(
    config,
    {
      0: { fn: fn(config, "conv4k3"), inputs: [0, 0], multiplier: 1 },
      2: { fn: fn(config, "res8k5"), inputs: [1, 0], multiplier: 2 },
    },
    3,
    5,
  );
  const { graph, multipliers, summary, origin } = decodeGenome(config, genome);
  assert.deepEqual(ops(graph), [
    "input",
    ...["conv", "batchnorm", "relu"],
    ...["conv", "batchnorm", "relu", "conv", "batchnorm", "conv", "batchnorm", "add", "relu"],
    "gap",
    "dense",
  ]);
  const [c1, c2, c3, shortcut] = convs(graph);
  assert.deepEqual([c1.filters, c1.kernel[0], c2.filters, c2.kernel[0], c3.kernel[0]], [
    4,
    3,
    8,
    5,
    5,
  ]);
  assert.deepEqual([shortcut.filters, shortcut.kernel, shortcut.inputs], [8, [1, 1], c2.inputs]);
  // Multipliers: the block's own gene for all its convolutions, the tail gene for the dense.
  const dense = graph.output;
  assert.deepEqual(multipliers, {
    [c1.id]: 1,
    [c2.id]: 2,
    [c3.id]: 2,
    [shortcut.id]: 2,
    [dense]: 5,
  });
  assert.equal(origin[c1.id], 0);
  assert.equal(origin[shortcut.id], 2);
  assert.equal(origin[dense], -1);
  assert.equal(summary, "n0=conv4k3(in)@m1:8x8x4 n2=res8k5(n0)@m2:8x8x8 -> gap,dense3 | head@m5");
  // Parameters and multiplications as counted by hand for an 8x8 image.
  const conv = (k: number, c: number, f: number) => k * k * c * f;
  const weights = [conv(3, 3, 4), conv(5, 4, 8), conv(5, 8, 8), conv(1, 4, 8)];
  const bn = 2 * (4 + 8 + 8 + 8);
  const cost = genomeCost(decodeGenome(config, genome));
  assert.equal(cost.params, weights.reduce((a, b) => a + b) + bn + 8 * 3 + 3);
  assert.equal(cost.mults, 64 * weights.reduce((a, b) => a + b) + 8 * 3);
  assert.deepEqual([...cost.multsByMultiplier].sort(), [
    [1, 64 * weights[0]],
    [2, 64 * (weights[1] + weights[2] + weights[3])],
    [5, 24],
  ]);
  assert.equal(cost.exactMults, 0);
});

Deno.test("sum: the larger resolution is max-pooled down, the narrower input projected", () => {
  const config = small();
  for (const swap of [false, true]) {
    // node 0: 8x8x4 conv; node 1: 4x4x3 pooled input; node 2 sums them.
    const inputs: [number, number] = swap ? [2, 1] : [1, 2];
    const genome = genomeWith(config, {
      0: { fn: fn(config, "conv4k3"), inputs: [0, 0], multiplier: 1 },
      1: { fn: fn(config, "maxpool"), inputs: [0, 0], multiplier: 4 },
      2: { fn: fn(config, "sum"), inputs, multiplier: 3 },
    }, 3);
    const d = decodeGenome(config, genome);
    const shapes = inferShapes(d.graph);
    const add = d.graph.nodes.find((n) => n.op === "add")!;
    assert.deepEqual(shapes.get(add.id), { h: 4, w: 4, c: 4 }, `swap ${swap}`);
    const [pool, downsample] = pools(d.graph);
    assert.deepEqual([pool.kernel, pool.stride, pool.inputs], [[2, 2], [2, 2], ["input"]]);
    const block = d.graph.nodes.filter((n) => d.origin[n.id] === 0).at(-1)!; // node 0's ReLU
    assert.deepEqual([block.op, downsample.kernel, downsample.inputs], ["relu", [2, 2], [
      block.id,
    ]]);
    const projection = convs(d.graph)[1];
    assert.deepEqual([projection.kernel, projection.filters, projection.inputs], [[1, 1], 4, [
      pool.id,
    ]]);
    assert.equal(d.multipliers[projection.id], 3, "the sum node's gene drives its projection");
    // The pooling node's multiplier gene is read by nothing; the sum's is.
    const l = genomeLayout(config);
    assert.equal(d.activeGenes[1 * l.nodeGenes + 3], 0);
    assert.equal(d.activeGenes[2 * l.nodeGenes + 3], 1);
    assert.match(d.summary, swap ? /sum\(n1,n0\)@m3:4x4x4/ : /sum\(n0,n1\)@m3:4x4x4/);
  }
});

Deno.test("pooling a 1x1 map is the identity; merges pool by 2^k in one step, odd sizes too", () => {
  for (const input of [{ h: 8, w: 8, c: 3 }, { h: 7, w: 5, c: 3 }]) {
    const config = small({ rows: 1, cols: 6, input });
    const maxpool = fn(config, "maxpool"), avgpool = fn(config, "avgpool");
    const genome = genomeWith(config, {
      0: { fn: maxpool, inputs: [0, 0] }, // 4x4 (7x5: 4x3)
      1: { fn: avgpool, inputs: [1, 0] }, // 2x2
      2: { fn: maxpool, inputs: [2, 0] }, // 1x1
      3: { fn: avgpool, inputs: [3, 0] }, // 1x1: identity
      4: { fn: fn(config, "concat"), inputs: [0, 4] }, // the input pooled 8x8 -> 1x1
    }, 5);
    const d = decodeGenome(config, genome);
    const shapes = inferShapes(d.graph);
    const poolsInGraph = d.graph.nodes.filter((n) => n.op === "maxpool" || n.op === "avgpool");
    assert.equal(poolsInGraph.length, 4, `${input.h}x${input.w}: three in the chain, one merge`);
    const merge = poolsInGraph[3] as PoolNode;
    assert.deepEqual([merge.kernel, merge.stride, merge.inputs], [[8, 8], [8, 8], ["input"]]);
    const concat = d.graph.nodes.find((n) => n.op === "concat")!;
    assert.deepEqual(shapes.get(concat.id), { h: 1, w: 1, c: 6 });
    assert.match(d.summary, /n3=avgpool=id\(n2\):1x1x3/);
    assert.deepEqual(d.multipliers, { [d.graph.output]: 0 }, "no conv: only the head's gene");
  }
  assert.equal(halvingsBetween({ h: 7, w: 5, c: 1 }, { h: 2, w: 2, c: 1 }), 2);
  assert.equal(halvingsBetween({ h: 7, w: 5, c: 1 }, { h: 3, w: 2, c: 1 }), -1);
  assert.equal(halvingsBetween({ h: 1, w: 1, c: 1 }, { h: 1, w: 1, c: 1 }), 0);
});

Deno.test("concat within the channel cap concatenates; beyond it becomes a sum", () => {
  const config = small(); // cap = 2 x 8 = 16
  assert.equal(config.maxChannels, 16);
  const genome = genomeWith(config, {
    0: { fn: fn(config, "conv8k3"), inputs: [0, 0] },
    1: { fn: fn(config, "conv8k5"), inputs: [0, 0] },
    2: { fn: fn(config, "concat"), inputs: [1, 2] }, // 16 channels
    4: { fn: fn(config, "concat"), inputs: [3, 1] }, // 16 + 8 > 16: a sum, node 0 projected
  }, 5);
  const d = decodeGenome(config, genome);
  const shapes = inferShapes(d.graph);
  const concat = d.graph.nodes.find((n) => n.op === "concat")!;
  const add = d.graph.nodes.find((n) => n.op === "add")!;
  assert.deepEqual(shapes.get(concat.id), { h: 8, w: 8, c: 16 });
  assert.deepEqual(shapes.get(add.id), { h: 8, w: 8, c: 16 });
  const projection = node(d.graph, node(d.graph, add.inputs[1]).inputs[0]) as ConvNode;
  assert.deepEqual([projection.op, projection.kernel, projection.filters], ["conv", [1, 1], 16]);
  assert.match(d.summary, /n4=concat=sum\(n2,n0\)@m0:8x8x16/);
});

Deno.test("multiplier genes: one for the network, per layer, or none", () => {
  const build = (mode: "none" | "network" | "per-layer") => {
    const config = small({ multiplierGenes: mode });
    return {
      config,
      genome: genomeWith(
        config,
        {
          0: { fn: fn(config, "conv4k3"), inputs: [0, 0], multiplier: 1 },
          2: { fn: fn(config, "res4k3"), inputs: [1, 0], multiplier: 2 },
        },
        3,
        4,
      ),
    };
  };
  const network = build("network");
  const d = decodeGenome(network.config, network.genome);
  const ids = d.graph.nodes.filter((n) => n.op === "conv" || n.op === "dense").map((n) => n.id);
  assert.deepEqual(Object.keys(d.multipliers), ids);
  assert.ok(Object.values(d.multipliers).every((m) => m === 4));
  assert.match(d.summary, /\| multiplier m4$/);
  assert.equal(d.activeGenes[genomeLayout(network.config).tailGene], 1);

  const none = build("none");
  const e = decodeGenome(none.config, none.genome);
  assert.deepEqual(e.multipliers, {});
  const cost = genomeCost(e);
  assert.equal(cost.exactMults, graphCost(e.graph).mults);
  assert.equal(cost.multsByMultiplier.size, 0);

  const perLayer = build("per-layer");
  const f = decodeGenome(perLayer.config, perLayer.genome);
  assert.deepEqual(new Set(Object.values(f.multipliers)), new Set([1, 2, 4]));
  assert.equal(phenotypeKey(d) === phenotypeKey(e), false, "multipliers are part of the phenotype");
});

Deno.test("genes decoding did not read never change the network", () => {
  const rng = new Rng(17);
  for (const mode of ["none", "network", "per-layer"] as const) {
    const config = small({ rows: 3, cols: 10, levelsBack: 3, multiplierGenes: mode });
    const l = genomeLayout(config);
    for (let i = 0; i < 40; i++) {
      const genome = randomGenome(config, rng);
      const d = decodeGenome(config, genome);
      const key = phenotypeKey(d);
      const drifted = genome.slice();
      for (let g = 0; g < l.length; g++) if (!d.activeGenes[g]) mutateGene(l, drifted, g, rng);
      assert.equal(phenotypeKey(decodeGenome(config, drifted)), key, `${mode} genome ${i}`);
      // Active genes: the output gene, and every read node's function gene.
      assert.equal(d.activeGenes[l.outputGene], 1);
      for (const k of d.activeNodes) assert.equal(d.activeGenes[k * l.nodeGenes], 1);
    }
  }
});

Deno.test("decoding refuses an invalid genome and is a pure function of it", () => {
  const config = small();
  const genome = randomGenome(config, new Rng(3));
  const a = decodeGenome(config, genome, { name: "x" });
  const b = decodeGenome(config, genome.slice(), { name: "x" });
  assert.deepEqual(a.graph, b.graph);
  assert.equal(a.graph.name, "x");
  const bad = genome.slice();
  bad[genomeLayout(config).outputGene] = 99;
  assert.throws(() => decodeGenome(config, bad), /Invalid CGP genome: gene \d+ \(output\) is 99/);
});
