/**
 * Every genome decodes to a network the engine runs: thousands of random and mutated genomes
 * over grids, levels-back, multiplier modes and odd input sizes pass shape inference, and a
 * few hundred of them run forward (training mode) and backward on the wasm engine.
 */
import assert from "node:assert/strict";
import { inferShapes } from "../../src/graph/graph.ts";
import { graphCost } from "../../src/graph/count.ts";
import { loadEngine } from "../../src/engine/wasm.ts";
import { Network } from "../../src/train/network.ts";
import { type CgpConfig, cgpConfig } from "../../src/search/cgp/config.ts";
import { functionSet } from "../../src/search/cgp/functions.ts";
import { decodeGenome } from "../../src/search/cgp/decode.ts";
import { genomeCost } from "../../src/search/cgp/cost.ts";
import type { Genome } from "../../src/search/cgp/genome.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { mutate } from "../../src/search/cgp/mutate.ts";
import { Rng } from "../../src/util/rng.ts";

const tiny = functionSet({ filters: [2, 3], kernels: [1, 3, 5] });

const spaces: [string, CgpConfig][] = [
  ["5x30 L10 network 8x8", {
    rows: 5,
    cols: 30,
    levelsBack: 10,
    multiplierGenes: "network",
    input: { h: 8, w: 8, c: 3 },
  }],
  ["2x12 L3 per-layer 7x5", {
    rows: 2,
    cols: 12,
    levelsBack: 3,
    multiplierGenes: "per-layer",
    input: { h: 7, w: 5, c: 3 },
  }],
  ["1x20 L20 none 9x9x1", {
    rows: 1,
    cols: 20,
    levelsBack: 20,
    multiplierGenes: "none",
    input: { h: 9, w: 9, c: 1 },
  }],
  ["3x10 L1 per-layer 6x6, cap 4", {
    rows: 3,
    cols: 10,
    levelsBack: 1,
    multiplierGenes: "per-layer",
    input: { h: 6, w: 6, c: 3 },
    maxChannels: 4,
  }],
].map(([name, options]) => [
  name as string,
  cgpConfig({ functions: tiny, librarySize: 4, classes: 3, ...(options as Partial<CgpConfig>) }),
]);

/** Random genomes, each followed by a chain of mutants. */
function* genomes(config: CgpConfig, rng: Rng, count: number): Generator<Genome> {
  let g = randomGenome(config, rng);
  for (let i = 0; i < count; i++) {
    g = i % 5 === 0 ? randomGenome(config, rng) : mutate(config, g, rng).genome;
    yield g;
  }
}

Deno.test("thousands of random and mutated genomes decode to valid graphs", () => {
  const rng = new Rng(2024);
  const t0 = performance.now();
  let total = 0, maxActive = 0;
  const seen = new Set<string>();
  for (const [name, config] of spaces) {
    for (const genome of genomes(config, rng, 1000)) {
      const d = decodeGenome(config, genome);
      const where = `${name}: ${d.summary}`;
      const shapes = inferShapes(d.graph); // throws naming the node on any mismatch
      assert.deepEqual(shapes.get(d.graph.output), { h: 1, w: 1, c: 3 }, where);
      for (const [, s] of shapes) assert.ok(s.c <= Math.max(config.maxChannels, 3), where);
      // Multipliers cover exactly the conv and dense layers (none without multiplier genes).
      const layers = d.graph.nodes.filter((n) => n.op === "conv" || n.op === "dense");
      const expected = config.multiplierGenes === "none" ? [] : layers.map((n) => n.id);
      assert.deepEqual(Object.keys(d.multipliers), expected, where);
      const cost = genomeCost(d);
      assert.equal(cost.mults, graphCost(d.graph).mults, where);
      const assigned = [...cost.multsByMultiplier.values()].reduce((a, b) => a + b, 0);
      assert.equal(assigned + cost.exactMults, cost.mults, where);
      for (const op of new Set(d.graph.nodes.map((n) => n.op))) seen.add(op);
      maxActive = Math.max(maxActive, d.activeNodes.length);
      total++;
    }
  }
  const ms = performance.now() - t0;
  console.log(`decoded ${total} genomes in ${ms.toFixed(0)} ms; up to ${maxActive} active nodes`);
  // Every op of the graph format showed up somewhere.
  for (const op of ["conv", "batchnorm", "relu", "maxpool", "avgpool", "add", "concat"]) {
    assert.ok(seen.has(op), op);
  }
});

Deno.test("hundreds of decoded genomes run forward and backward on the wasm engine", async () => {
  const engine = await loadEngine();
  const rng = new Rng(7);
  const t0 = performance.now();
  let runs = 0;
  for (const [name, config] of spaces) {
    for (const genome of genomes(config, rng, 125)) {
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
        net.forward(2, false);
        const logits = net.logits(2);
        assert.ok(logits.every(Number.isFinite), `${name}: ${d.summary} logits ${logits}`);
        assert.ok(Number.isFinite(loss), `${name}: ${d.summary} loss ${loss}`);
      } finally {
        engine.arena.release(mark);
      }
      runs++;
    }
  }
  const ms = performance.now() - t0;
  console.log(`ran ${runs} networks (batch 2, forward + backward) in ${ms.toFixed(0)} ms`);
});
