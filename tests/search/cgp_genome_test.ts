import assert from "node:assert/strict";
import { cgpConfig, type MultiplierGenes } from "../../src/search/cgp/config.ts";
import { CGP_CNN_FUNCTIONS, functionName, functionSet } from "../../src/search/cgp/functions.ts";
import {
  assertGenome,
  columnOf,
  geneChoices,
  geneRole,
  genomeError,
  genomeLayout,
} from "../../src/search/cgp/genome.ts";
import { randomGenome } from "../../src/search/cgp/random_genome.ts";
import { activeNodes } from "../../src/search/cgp/active.ts";
import { Rng } from "../../src/util/rng.ts";
import { fn, genomeWith } from "./_genomes.ts";

Deno.test("function sets: CGP-CNN's 16 functions, and the small default", () => {
  assert.equal(CGP_CNN_FUNCTIONS.length, 16);
  const names = CGP_CNN_FUNCTIONS.map(functionName);
  for (const f of [32, 64, 128]) {
    for (const k of [3, 5]) {
      assert.ok(names.includes(`conv${f}k${k}`) && names.includes(`res${f}k${k}`));
    }
  }
  for (const n of ["maxpool", "avgpool", "sum", "concat"]) assert.ok(names.includes(n), n);
  assert.deepEqual(
    functionSet({ filters: [8], kernels: [3] }).map(functionName),
    ["conv8k3", "res8k3", "maxpool", "avgpool", "sum", "concat"],
  );
  assert.ok(functionSet().map(functionName).includes("res64k5"));
  assert.throws(() => functionSet({ filters: [] }), /filters must be positive integers/);
  assert.throws(() => functionSet({ kernels: [0] }), /kernels must be positive integers/);
});

Deno.test("config defaults and refusals name the field", () => {
  const c = cgpConfig();
  assert.deepEqual([c.rows, c.cols, c.levelsBack, c.multiplierGenes], [5, 30, 10, "network"]);
  assert.equal(c.maxChannels, 128);
  assert.throws(() => cgpConfig({ levelsBack: 31 }), /levelsBack must be an integer in \[1, 30\]/);
  assert.throws(() => cgpConfig({ rows: 0 }), /rows/);
  assert.throws(() => cgpConfig({ librarySize: 0 }), /librarySize/);
  assert.throws(() => cgpConfig({ functions: [] }), /function set is empty/);
  assert.throws(() => cgpConfig({ maxChannels: 32 }), /maxChannels must be an integer in \[64/);
  assert.throws(
    () => cgpConfig({ multiplierGenes: "all" as MultiplierGenes }),
    /unknown multiplierGenes 'all'/,
  );
});

Deno.test("genome layout: node regions, output gene, tail multiplier gene per mode", () => {
  for (
    const [mode, nodeGenes, length] of [
      ["none", 3, 5 * 30 * 3 + 1],
      ["network", 3, 5 * 30 * 3 + 2],
      ["per-layer", 4, 5 * 30 * 4 + 2],
    ] as const
  ) {
    const l = genomeLayout(cgpConfig({ multiplierGenes: mode, librarySize: 7 }));
    assert.equal(l.nodeGenes, nodeGenes, mode);
    assert.equal(l.length, length, mode);
    assert.equal(l.outputGene, 150 * nodeGenes, mode);
    assert.equal(l.tailGene, mode === "none" ? -1 : l.outputGene + 1, mode);
    assert.deepEqual(geneRole(l, nodeGenes * 7 + 2), { node: 7, role: "input2" }, mode);
    if (mode === "per-layer") {
      assert.deepEqual(geneRole(l, 4 * 7 + 3), { node: 7, role: "multiplier" });
    }
    assert.equal(geneChoices(l, l.outputGene).count, 150);
    if (l.tailGene >= 0) assert.equal(geneChoices(l, l.tailGene).count, 7);
  }
});

Deno.test("input genes allow exactly the network input and the levels-back columns", () => {
  for (const [rows, cols, levelsBack] of [[5, 30, 10], [3, 7, 1], [1, 6, 6], [2, 5, 3]]) {
    const config = cgpConfig({ rows, cols, levelsBack });
    const l = genomeLayout(config);
    for (let k = 0; k < l.nodes; k++) {
      const col = columnOf(l, k);
      for (const which of [1, 2]) {
        const choices = geneChoices(l, k * l.nodeGenes + which);
        const allowed = new Set(Array.from({ length: choices.count }, (_, j) => choices.at(j)));
        for (let address = 0; address <= l.nodes; address++) {
          const source = Math.floor((address - 1) / rows);
          const expected = address === 0 || (source < col && source >= col - levelsBack);
          const where = `${rows}x${cols} L${levelsBack}, node ${k} address ${address}`;
          assert.equal(allowed.has(address), expected, where);
          assert.equal(choices.indexOf(address) >= 0, expected, where);
        }
      }
    }
  }
});

Deno.test("genome validation names the gene, the node and what was allowed", () => {
  const config = cgpConfig({ rows: 2, cols: 4, levelsBack: 2, librarySize: 3 });
  const good = randomGenome(config, new Rng(1));
  assert.equal(genomeError(config, good), null);
  const sameColumn = good.slice();
  sameColumn[2 * 3 + 1] = 2; // node 2 (column 1) reading node 1 (column 0) is fine ...
  assert.equal(genomeError(config, sameColumn), null);
  sameColumn[2 * 3 + 1] = 3; // ... node 2 reading node 2 (its own column) is not
  assert.match(
    genomeError(config, sameColumn)!,
    /gene 7 \(node 2 \(column 1\) input1\) is 3, expected one of 0, 1 \.\. 2/,
  );
  const farBack = good.slice();
  farBack[6 * 3 + 2] = 1; // node 6 (column 3) cannot reach column 0 with levels-back 2
  assert.match(genomeError(config, farBack)!, /gene 20 \(node 6 \(column 3\) input2\) is 1/);
  const badTail = good.slice();
  badTail[25] = 3;
  assert.match(genomeError(config, badTail)!, /gene 25 \(tail\) is 3, expected one of 0, 1 \.\. 2/);
  const badOutput = good.slice();
  badOutput[24] = 0;
  assert.match(genomeError(config, badOutput)!, /gene 24 \(output\) is 0/);
  assert.match(genomeError(config, good.subarray(1))!, /25 genes, expected 26/);
  assert.match(genomeError(config, Array.from(good))!, /Int32Array/);
  assert.throws(() => assertGenome(config, badOutput), /Invalid CGP genome: gene 24/);
});

Deno.test("random genomes are valid, seed-determined and reach every allowed value", () => {
  for (const mode of ["none", "network", "per-layer"] as const) {
    const config = cgpConfig({
      rows: 3,
      cols: 8,
      levelsBack: 3,
      multiplierGenes: mode,
      librarySize: 4,
    });
    const l = genomeLayout(config);
    assert.deepEqual(randomGenome(config, new Rng(5)), randomGenome(config, new Rng(5)));
    assert.notDeepEqual(randomGenome(config, new Rng(5)), randomGenome(config, new Rng(6)));
    const seen = Array.from({ length: l.length }, () => new Set<number>());
    const rng = new Rng(9);
    for (let i = 0; i < 400; i++) {
      const g = randomGenome(config, rng);
      assert.equal(genomeError(config, g), null);
      g.forEach((v, j) => seen[j].add(v));
    }
    seen.forEach((s, g) => assert.equal(s.size, geneChoices(l, g).count, `${mode} gene ${g}`));
  }
});

Deno.test("active nodes follow the output back through the inputs each function reads", () => {
  const config = cgpConfig({ rows: 2, cols: 4, levelsBack: 4, multiplierGenes: "none" });
  const conv = fn(config, "conv16k3"), sum = fn(config, "sum"), pool = fn(config, "maxpool");
  // node 0 = conv(in); node 3 = maxpool(node 0) whose second gene (node 1) is ignored;
  // node 5 = sum(node 3, node 2); node 2 = conv(in); output = node 5. Nodes 1, 4, 6, 7 idle.
  const genome = genomeWith(config, {
    0: { fn: conv, inputs: [0, 0] },
    1: { fn: conv, inputs: [0, 0] },
    2: { fn: conv, inputs: [0, 1] },
    3: { fn: pool, inputs: [1, 2] },
    5: { fn: sum, inputs: [4, 3] },
    7: { fn: sum, inputs: [6, 1] },
  }, 6);
  assert.deepEqual(activeNodes(config, genome), [0, 2, 3, 5]);
  // Output on the input-only conv in column 0.
  genome[genomeLayout(config).outputGene] = 2;
  assert.deepEqual(activeNodes(config, genome), [1]);
});
