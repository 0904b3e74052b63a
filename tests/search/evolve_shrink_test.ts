/**
 * The warm-start repair by shrinking (src/search/evolve_shrink.ts): shrinks change only the
 * function gene of an active conv or res node, to a smaller block of the same kind; the
 * repair keeps the graph and fits the budget with as many parameters as one shrink allows.
 */
import assert from "node:assert/strict";
import { cgpConfig } from "../../src/search/cgp/config.ts";
import { type Genome, genomeLayout } from "../../src/search/cgp/genome.ts";
import { activeNodes } from "../../src/search/cgp/active.ts";
import { decodeGenome } from "../../src/search/cgp/decode.ts";
import { genomeCost } from "../../src/search/cgp/cost.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { functionName } from "../../src/search/cgp/functions.ts";
import { shrinkToFit, singleShrinks } from "../../src/search/loop/shrink.ts";
import { Rng } from "../../src/util/rng.ts";

const space = cgpConfig({ rows: 2, cols: 8, levelsBack: 4 });
const params = (g: Genome) => genomeCost(decodeGenome(space, g)).params;
const functionsOf = (g: Genome) => {
  const l = genomeLayout(space);
  return activeNodes(space, g).map((k) => space.functions[g[k * l.nodeGenes]]);
};

/** Random genomes with at least one active conv or res block. */
function genomesWithBlocks(n: number): Genome[] {
  const rng = new Rng(7), out: Genome[] = [];
  while (out.length < n) {
    const g = randomGenome(space, rng);
    if (functionsOf(g).some((f) => f.kind === "conv" || f.kind === "res")) out.push(g);
  }
  return out;
}

Deno.test("a shrink changes one active block's function to a smaller one of its kind", () => {
  for (const g of genomesWithBlocks(20)) {
    const before = functionsOf(g);
    for (const s of singleShrinks(space, g)) {
      const changed = [...g].map((v, i) => (v !== s[i] ? i : -1)).filter((i) => i >= 0);
      assert.equal(changed.length, 1);
      const after = functionsOf(s);
      assert.deepEqual(activeNodes(space, s), activeNodes(space, g), "same graph");
      const i = before.findIndex((f, j) => functionName(f) !== functionName(after[j]));
      const [a, b] = [before[i], after[i]];
      assert.ok(a.kind === b.kind && (a.kind === "conv" || a.kind === "res"));
      if (a.kind === "conv" || a.kind === "res") {
        const c = b as typeof a;
        assert.ok(c.filters <= a.filters && c.kernel <= a.kernel);
        assert.ok(c.filters < a.filters || c.kernel < a.kernel);
      }
      assert.ok(params(s) < params(g), "a shrink has fewer parameters");
    }
  }
});

Deno.test("shrinkToFit meets the budget, keeps the graph, and takes the largest single shrink that fits", () => {
  let tested = 0;
  for (const g of genomesWithBlocks(40)) {
    const shrinks = singleShrinks(space, g).map(params);
    if (shrinks.length === 0) continue;
    const budget = Math.max(...shrinks); // the largest single shrink fits exactly
    const measure = (x: Genome) => ({
      violation: Math.max(0, params(x) / budget - 1),
      params: params(x),
    });
    const fit = shrinkToFit(space, measure, g)!;
    assert.equal(params(fit), budget);
    assert.deepEqual(activeNodes(space, fit), activeNodes(space, g));
    // A budget below every block at its smallest cannot be met by shrinking.
    const none = shrinkToFit(space, (x) => ({ violation: 1, params: params(x) }), g);
    assert.equal(none, null);
    tested++;
  }
  assert.ok(tested > 10, `only ${tested} genomes had shrinks`);
});
