import assert from "node:assert/strict";
import { type CgpConfig, cgpConfig } from "../../src/search/cgp/config.ts";
import { functionSet } from "../../src/search/cgp/functions.ts";
import { genomeError, genomeLayout } from "../../src/search/cgp/genome.ts";
import { decodeGenome } from "../../src/search/cgp/decode.ts";
import { phenotypeKey } from "../../src/search/cgp/phenotype.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { mutate } from "../../src/search/cgp/mutate.ts";
import { mutateNeutral } from "../../src/search/cgp/mutate_neutral.ts";
import { Rng } from "../../src/util/rng.ts";

const configs = (): [string, CgpConfig][] =>
  (["none", "network", "per-layer"] as const).flatMap((mode) => [
    [`${mode} 5x30 L10`, cgpConfig({ multiplierGenes: mode, librarySize: 5 })],
    [
      `${mode} 2x6 L2`,
      cgpConfig({
        rows: 2,
        cols: 6,
        levelsBack: 2,
        multiplierGenes: mode,
        librarySize: 3,
        functions: functionSet({ filters: [4], kernels: [3] }),
        input: { h: 4, w: 4, c: 3 },
      }),
    ],
  ]);

Deno.test("mutation always changes the network, through at least one active gene", () => {
  const rng = new Rng(21);
  for (const [name, config] of configs()) {
    let parent = randomGenome(config, rng);
    let rounds = 0;
    for (let i = 0; i < 150; i++) {
      const before = parent.slice();
      const m = mutate(config, parent, rng);
      assert.deepEqual(parent, before, `${name}: the parent is left alone`);
      assert.equal(genomeError(config, m.genome), null, name);
      assert.ok(m.phenotypeChanged && !m.neutral, name);
      assert.ok(m.activeChanged.length > 0, name);
      const { activeGenes } = decodeGenome(config, parent);
      assert.deepEqual(m.activeChanged, m.changed.filter((g) => activeGenes[g]), name);
      assert.deepEqual(m.changed, [...m.genome.keys()].filter((g) => m.genome[g] !== parent[g]));
      assert.notEqual(
        phenotypeKey(decodeGenome(config, m.genome)),
        phenotypeKey(decodeGenome(config, parent)),
        `${name} mutation ${i}`,
      );
      rounds += m.rounds;
      parent = m.genome;
    }
    assert.ok(rounds >= 150, name);
  }
});

Deno.test("mutation changes each gene with about the given rate and is seed-determined", () => {
  const config = cgpConfig({ multiplierGenes: "per-layer", librarySize: 8 });
  const parent = randomGenome(config, new Rng(1));
  const a = mutate(config, parent, new Rng(2), { rate: 0.1 });
  const b = mutate(config, parent, new Rng(2), { rate: 0.1 });
  assert.deepEqual(a, b);
  // Single rounds only: the number of changed genes is Binomial(length, rate) per round.
  const rng = new Rng(3);
  let changed = 0, rounds = 0;
  for (let i = 0; i < 200; i++) {
    const m = mutate(config, parent, rng, { rate: 0.05 });
    changed += m.changed.length;
    rounds += m.rounds;
  }
  const length = genomeLayout(config).length;
  // Column-0 input genes have a single allowed value and never change.
  const perRound = changed / rounds, expected = 0.05 * (length - 2 * config.rows);
  assert.ok(Math.abs(perRound - expected) < 0.1 * expected, `${perRound} vs ${expected}`);
  assert.throws(() => mutate(config, parent, rng, { rate: 0 }), /rate must be in \(0, 1\]/);
});

Deno.test("a search space with a single network: mutation gives up and says so", () => {
  const config = cgpConfig({
    rows: 1,
    cols: 1,
    levelsBack: 1,
    multiplierGenes: "none",
    functions: [{ kind: "conv", filters: 4, kernel: 3 }],
  });
  const parent = randomGenome(config, new Rng(1));
  const m = mutate(config, parent, new Rng(1), { maxRounds: 50 });
  assert.deepEqual(
    [m.phenotypeChanged, m.neutral, m.rounds, m.changed],
    [false, true, 50, []],
  );
});

Deno.test("neutral mutation changes only inactive genes and keeps the network", () => {
  const rng = new Rng(8);
  for (const [name, config] of configs()) {
    for (let i = 0; i < 60; i++) {
      const parent = randomGenome(config, rng);
      const m = mutateNeutral(config, parent, rng, { rate: 0.02 });
      assert.equal(genomeError(config, m.genome), null, name);
      assert.ok(m.changed.length > 0 && m.neutral && !m.phenotypeChanged, name);
      assert.deepEqual(m.activeChanged, [], name);
      assert.equal(
        phenotypeKey(decodeGenome(config, m.genome)),
        phenotypeKey(decodeGenome(config, parent)),
        `${name} genome ${i}`,
      );
    }
  }
});
