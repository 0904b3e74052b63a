/**
 * The whole NSGA-II on ZDT1 and ZDT2 (30 variables, population 100, 300 generations) reaches
 * the hypervolume of the true front: 2/3 and 1/3 against (1, 1). A population of 100 points
 * cannot cover a continuous front, so the bound is also checked against 100 evenly spread
 * points on the true front.
 */
import assert from "node:assert/strict";
import { hypervolume } from "../../src/search/nsga2/hypervolume.ts";
import { runRealNsga2 } from "../../src/search/nsga2/testproblems/real_loop.ts";
import { type RealProblem, zdt1, zdt2 } from "../../src/search/nsga2/testproblems/zdt.ts";
import { sbx } from "../../src/search/nsga2/testproblems/sbx.ts";
import { polynomialMutation } from "../../src/search/nsga2/testproblems/polynomial_mutation.ts";
import { Rng } from "../../src/util/rng.ts";

/** Hypervolume of 100 evenly spread points of the true front (x2..xn = 0). */
function evenFrontHypervolume(problem: RealProblem): number {
  const points = Array.from({ length: 100 }, (_, i) => {
    const x = new Array(problem.lower.length).fill(0);
    x[0] = i / 99;
    return problem.evaluate(x);
  });
  return hypervolume(points, problem.reference);
}

for (const [problem, tolerance] of [[zdt1(), 0.015], [zdt2(), 0.025]] as const) {
  Deno.test(`NSGA-II on ${problem.name} reaches the front's hypervolume`, () => {
    const t0 = performance.now();
    const run = runRealNsga2(problem, { populationSize: 100, generations: 300, seed: 1 });
    const hv = run.hypervolumes.at(-1)!;
    const even = evenFrontHypervolume(problem);
    console.log(
      `${problem.name}: hypervolume ${hv.toFixed(4)} (front ${
        problem.frontHypervolume.toFixed(4)
      }, ` +
        `100 even points ${even.toFixed(4)}) in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    const gap = (problem.frontHypervolume - hv) / problem.frontHypervolume;
    assert.ok(
      gap >= 0 && gap < tolerance,
      `${problem.name}: ${hv} is ${(100 * gap).toFixed(2)}% short`,
    );
    assert.ok((even - hv) / even < 0.01, `${problem.name}: ${hv} vs ${even} for 100 even points`);
    // Converged: every individual close to g = 1 (the sum of x2..xn near 0).
    for (const x of run.population) {
      const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1);
      assert.ok(g < 1.02, `${problem.name}: g = ${g}`);
    }
    // Early generations are far worse: the test measures the search, not the start.
    assert.ok(run.hypervolumes[9] < hv - 0.1 * problem.frontHypervolume);
  });
}

Deno.test("SBX: children inside the bounds; far from them, the pair's mean kept and the spread symmetric", () => {
  const rng = new Rng(4);
  const lower = [0, -1, 2], upper = [1, 1, 3];
  for (let t = 0; t < 2000; t++) {
    const p1 = lower.map((lo, i) => rng.uniform(lo, upper[i]));
    const p2 = lower.map((lo, i) => rng.uniform(lo, upper[i]));
    const [c1, c2] = sbx(rng, p1, p2, lower, upper, { eta: 15, probability: 1 });
    for (let i = 0; i < 3; i++) {
      const inside = [c1[i], c2[i]].every((v) => v >= lower[i] && v <= upper[i]);
      assert.ok(inside, `trial ${t} var ${i}: ${c1[i]}, ${c2[i]}`);
    }
  }
  // Bounds far away: the spread factor beta = |c1 - c2| / |p1 - p2| is below 1 half the time.
  let contracting = 0, crossed = 0;
  for (let t = 0; t < 4000; t++) {
    const p1 = [rng.next()], p2 = [rng.next() + 1];
    const [c1, c2] = sbx(rng, p1, p2, [-1e6], [1e6], { eta: 2, probability: 1 });
    if (c1[0] === p1[0] && c2[0] === p2[0]) continue; // this variable was not crossed
    crossed++;
    assert.ok(Math.abs(c1[0] + c2[0] - p1[0] - p2[0]) < 1e-6, `trial ${t}: mean moved`);
    if (Math.abs(c1[0] - c2[0]) < Math.abs(p1[0] - p2[0])) contracting++;
  }
  assert.ok(Math.abs(contracting / crossed - 0.5) < 0.04, `${contracting} of ${crossed} contract`);
  assert.ok(Math.abs(crossed / 4000 - 0.5) < 0.04, `${crossed} of 4000 variables crossed`);
  const same = sbx(rng, [0.5], [0.7], [0], [1], { probability: 0 });
  assert.deepEqual(same.map((c) => [...c]), [[0.5], [0.7]]);
});

Deno.test("polynomial mutation: inside the bounds, smaller steps for a larger index", () => {
  const rng = new Rng(6);
  const meanStep = (eta: number) => {
    let sum = 0;
    for (let t = 0; t < 4000; t++) {
      const x = Float64Array.of(rng.next());
      const before = x[0];
      polynomialMutation(rng, x, [0], [1], { eta, probability: 1 });
      assert.ok(x[0] >= 0 && x[0] <= 1);
      sum += Math.abs(x[0] - before);
    }
    return sum / 4000;
  };
  const wide = meanStep(5), narrow = meanStep(50);
  assert.ok(narrow < wide / 3, `eta 5: ${wide}, eta 50: ${narrow}`);
  const untouched = Float64Array.of(0.3, 0.4);
  polynomialMutation(rng, untouched, [0, 0], [1, 1], { probability: 0 });
  assert.deepEqual([...untouched], [0.3, 0.4]);
});
