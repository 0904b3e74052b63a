import assert from "node:assert/strict";
import { evolve } from "../../src/search/loop/evolve.ts";
import { describeGenome, searchSpace } from "../../src/search/loop/space.ts";
import { REPAIR_TRIES, repairSeed } from "../../src/search/loop/first_generation.ts";
import type { CandidateTask } from "../../src/search/evaluate/task.ts";
import type { LibraryEntry } from "../../src/search/run/library.ts";
import { mutate } from "../../src/search/cgp/mutate.ts";
import { type EvolveConfig, presetConfig } from "../../src/search/run/config.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { readInitialPopulation, searchSpaceConflict } from "../../src/search/run/warm_start.ts";
import { graphCost } from "../../src/graph/count.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { decodeGenome } from "../../src/search/cgp/decode.ts";
import { genomeCost } from "../../src/search/cgp/cost.ts";
import { shrinkToFit, singleShrinks } from "../../src/search/loop/shrink.ts";
import { activeNodes } from "../../src/search/cgp/active.ts";
import type { Genome } from "../../src/search/cgp/genome.ts";
import { Rng } from "../../src/util/rng.ts";

const library: LibraryEntry[] = [
  { name: "exact", energyPj: 0.56 },
  { name: "mild", energyPj: 0.35 },
];
const base: EvolveConfig = {
  ...presetConfig("smoke"),
  multipliers: library.map((m) => m.name),
  generations: 1,
};

/** Accuracy that grows with size: a pure function of the network. */
const evaluator = {
  evaluate(task: CandidateTask) {
    const approx8 = Math.min(0.9, 0.1 + graphCost(task.graph).params / 30000);
    return Promise.resolve({
      validation: { float: approx8, exact8: approx8, approx8, images: 64 },
      seconds: { train: 0, evaluate: 0 },
      worker: 0,
    });
  },
};

async function run(config: EvolveConfig): Promise<RunDir> {
  const dir = new RunDir(await Deno.makeTempDir({ prefix: "evolve_seed_test_" }));
  await dir.create(config);
  await evolve(dir, config, library, evaluator);
  return dir;
}

const paramsOf = (config: EvolveConfig, genome: ArrayLike<number>) =>
  genomeCost(decodeGenome(searchSpace(config), Int32Array.from(genome))).params;

Deno.test("a warm start reads another run's parents, and starts from them", async () => {
  const first = await run(base);
  const initial = await readInitialPopulation(first.path, base);
  const parents = (await first.readCheckpoint())!.population;
  assert.deepEqual(initial.ids, parents);
  const log = new Map((await first.readEvaluations()).map((r) => [r.id, r.genome]));
  assert.deepEqual(initial.genomes, parents.map((id) => log.get(id)));

  const second = await run({ ...base, seed: 9, initial });
  const gen0 = (await second.readEvaluations()).filter((r) => r.generation === 0)
    .sort((a, b) => a.index - b.index);
  assert.deepEqual(gen0.map((r) => r.genome), initial.genomes);
  for (const d of [first, second]) await Deno.remove(d.path, { recursive: true });
});

Deno.test("a warm-start parent over the new budget is shrunk to fit, else replaced by a mutant; missing places are random", async () => {
  const rng = new Rng(5);
  const space = searchSpace(base);
  // The largest of a few random genomes, and a budget just under it.
  const genomes = Array.from({ length: 40 }, () => Array.from(randomGenome(space, rng)));
  const big = genomes.reduce((a, b) => paramsOf(base, a) >= paramsOf(base, b) ? a : b);
  const budget = paramsOf(base, big) - 1;
  const config: EvolveConfig = {
    ...base,
    constraints: { maxParams: budget },
    initial: { from: "elsewhere", ids: ["g1-c0"], genomes: [big] },
  };
  const dir = await run(config);
  const gen0 = (await dir.readEvaluations()).filter((r) => r.generation === 0)
    .sort((a, b) => a.index - b.index);
  assert.equal(gen0.length, config.population);
  assert.notDeepEqual(gen0[0].genome, big);
  assert.equal(gen0[0].violation, 0);
  assert.ok(gen0[0].params <= budget);
  // Shrunk: the same graph, one block made smaller, the largest such network that fits.
  const lib = library;
  const measure = (g: Int32Array) => describeGenome(space, config, lib, g);
  const shrunk = shrinkToFit(space, measure, Int32Array.from(big));
  assert.ok(shrunk, "a block of the largest genome can shrink");
  assert.deepEqual(gen0[0].genome, [...shrunk]);
  assert.deepEqual(activeNodes(space, shrunk), activeNodes(space, Int32Array.from(big)));
  const changed = gen0[0].genome.filter((g, i) => g !== big[i]).length;
  assert.equal(changed, 1, "one function gene changed");

  // Under a budget no shrinking can meet, the largest feasible mutant among those tried.
  let smallest: Genome = Int32Array.from(big);
  for (let s = singleShrinks(space, smallest); s.length; s = singleShrinks(space, smallest)) {
    smallest = s[0];
  }
  const tight: EvolveConfig = {
    ...config,
    constraints: { maxParams: paramsOf(base, [...smallest]) - 1 },
  };
  const repaired = repairSeed(space, tight, lib, Int32Array.from(big), new Rng(11));
  const replay = new Rng(11);
  let largest = -1;
  for (let t = 0; t < REPAIR_TRIES; t++) {
    const child = mutate(space, Int32Array.from(big), replay, { rate: tight.mutationRate }).genome;
    const d = describeGenome(space, tight, lib, child);
    if (d.violation === 0) largest = Math.max(largest, d.params);
  }
  assert.ok(largest > 0, "some mutant fits");
  assert.equal(describeGenome(space, tight, lib, repaired).params, largest);
  await Deno.remove(dir.path, { recursive: true });
});

Deno.test("a warm start refuses another search space, a non-run and a run with no generation", async () => {
  assert.equal(searchSpaceConflict(base, structuredClone(base)), null);
  const wider = { ...base, cgp: { ...base.cgp, cols: base.cgp.cols + 1 } };
  assert.match(searchSpaceConflict(wider, base)!, /^cgp\.cols: 5 vs 4$/);
  assert.match(
    searchSpaceConflict({ ...base, multipliers: ["exact"] }, base)!,
    /^multipliers: /,
  );

  const first = await run(base);
  await assert.rejects(
    readInitialPopulation(first.path, wider),
    /searched another space \(cgp\.cols/,
  );
  const empty = await Deno.makeTempDir({ prefix: "evolve_seed_test_" });
  await assert.rejects(readInitialPopulation(empty, base), /is not a search run directory/);
  const fresh = new RunDir(`${empty}/run`);
  await fresh.create(base);
  await assert.rejects(readInitialPopulation(fresh.path, base), /has no finished generation/);
  // A stored genome that does not fit the grid is named when the run starts.
  const bad = new RunDir(`${empty}/bad`);
  const config = { ...base, initial: { from: "x", ids: ["g0-c0"], genomes: [[1, 2, 3]] } };
  await bad.create(config);
  await assert.rejects(
    evolve(bad, config, library, evaluator),
    /initial\.genomes\[0\] \(g0-c0 of x\) does not fit this search space/,
  );
  for (const d of [first.path, empty]) await Deno.remove(d, { recursive: true });
});
