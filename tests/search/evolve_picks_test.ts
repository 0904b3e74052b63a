import assert from "node:assert/strict";
import {
  capacityPick,
  finalPicks,
  pickForRetraining,
  RETRAIN_WITHIN,
  retrainList,
} from "../../src/search/final/picks.ts";
import { RunDir } from "../../src/search/run/run_dir.ts";
import { presetConfig } from "../../src/search/run/config.ts";
import type { EvaluationRecord } from "../../src/search/run/record.ts";

/** A record with validation accuracy `acc`, `params` parameters and `energy` nJ. */
function rec(id: string, acc: number, params: number, energy: number, over = {}): EvaluationRecord {
  return {
    id,
    generation: 0,
    index: 0,
    genome: [],
    phenotype: id,
    summary: id,
    params,
    mults: params * 100,
    multipliers: {},
    energyNj: energy,
    violation: 0,
    objectives: [1 - acc, params, energy],
    validation: { float: acc, exact8: acc, approx8: acc, images: 1000 },
    ...over,
  };
}

Deno.test("picks: the most accurate, then the extra one, then a spread over energy", () => {
  const front = [
    rec("tiny", 0.2, 40, 0.1), // more than RETRAIN_WITHIN below the best: never picked
    rec("a", 0.40, 1000, 100),
    rec("b", 0.42, 2000, 200),
    rec("c", 0.44, 3000, 300),
    rec("d", 0.46, 4000, 400),
    rec("best", 0.48, 5000, 500),
  ];
  assert.ok(0.48 - 0.2 > RETRAIN_WITHIN);
  assert.deepEqual(pickForRetraining(front, 3).map((r) => r.id), ["best", "a", "d"]);
  assert.deepEqual(pickForRetraining(front, 4).map((r) => r.id), ["best", "a", "c", "d"]);
  const big = rec("big", 0.45, 70000, 5000);
  assert.deepEqual(pickForRetraining(front, 3, big).map((r) => r.id), ["best", "big", "a"]);
  // The extra one is the best already: no double, the spread fills the places.
  assert.deepEqual(pickForRetraining(front, 3, front[5]).map((r) => r.id), ["best", "a", "d"]);
  assert.deepEqual(pickForRetraining(front, 1, big).map((r) => r.id), ["best"]);
  assert.deepEqual(pickForRetraining([], 3, big), []);
  // Fewer useful networks than places: all of them.
  assert.deepEqual(pickForRetraining(front, 10, big).map((r) => r.id), [
    "best",
    "big",
    "a",
    "b",
    "c",
    "d",
  ]);
});

Deno.test("capacity pick: the best of the upper half of the parameter budget, even if dominated", () => {
  const config = presetConfig("default"); // at most 100,000 parameters
  const evals = [
    rec("small", 0.47, 18000, 4000),
    rec("large-worse", 0.44, 60000, 5000),
    rec("large", 0.46, 74000, 5600), // dominated by "small" on the candidates' figures
    rec("over", 0.5, 120000, 9000, { violation: 0.2 }),
    rec("failed", 0.9, 80000, 1, { error: "NaN loss" }),
    rec("copy", 0.95, 90000, 1, { reusedFrom: "large" }),
  ];
  assert.equal(capacityPick(config, evals)!.id, "large");
  assert.deepEqual(finalPicks(config, evals).map((r) => r.id), ["small", "large"]);
  // No constraint: half of the largest feasible network evaluated (74,000 / 2).
  const free = { ...config, constraints: {} };
  assert.equal(capacityPick(free, evals)!.id, "large");
  // Nothing in the upper half, nothing evaluated.
  assert.equal(capacityPick(config, [rec("s", 0.4, 1000, 10)]), undefined);
  assert.equal(capacityPick(config, []), undefined);
});

Deno.test("retrain list: the picks, then the networks asked for, each once", () => {
  const config = presetConfig("default");
  const evals = [
    rec("small", 0.47, 18000, 4000),
    rec("large", 0.46, 74000, 5600),
    rec("other", 0.30, 9000, 900),
  ];
  const dir = new RunDir("runs/x");
  // "other" is more than RETRAIN_WITHIN below the best: not picked unless asked for.
  assert.deepEqual(retrainList(dir, config, evals).map((r) => r.id), ["small", "large"]);
  // Asked twice, or already picked: still once each, in that order.
  const tiny = { ...config, final: { ...config.final, networks: 1 } };
  assert.deepEqual(
    retrainList(dir, tiny, evals, ["other", "small", "other"]).map((r) => r.id),
    ["small", "other"],
  );
  assert.throws(
    () => retrainList(dir, config, evals, ["nope"]),
    /--retrain: candidate 'nope' is not in runs\/x\/evaluations\.jsonl/,
  );
});
