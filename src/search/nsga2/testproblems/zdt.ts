/**
 * Zitzler-Deb-Thiele test problems ZDT1 and ZDT2 (two objectives, variables in [0, 1]).
 * f1 = x1, g = 1 + 9 * mean(x2..xn), f2 = g * h(f1 / g); the Pareto front is g = 1:
 * ZDT1 f2 = 1 - sqrt(f1) (convex), ZDT2 f2 = 1 - f1^2 (concave). Against the reference
 * point (1, 1) their fronts' hypervolumes are the integrals of sqrt(x) and x^2: 2/3 and 1/3.
 */

/** A box-bounded real-valued problem with minimised objectives. */
export interface RealProblem {
  name: string;
  lower: number[];
  upper: number[];
  evaluate(x: ArrayLike<number>): number[];
  /** Hypervolume of the true front against `reference`. */
  frontHypervolume: number;
  reference: number[];
}

function zdt(name: string, n: number, h: (ratio: number) => number, hv: number): RealProblem {
  if (!Number.isInteger(n) || n < 2) throw new Error(`${name}: needs >= 2 variables, found ${n}`);
  return {
    name,
    lower: new Array(n).fill(0),
    upper: new Array(n).fill(1),
    evaluate(x) {
      let sum = 0;
      for (let i = 1; i < n; i++) sum += x[i];
      const f1 = x[0];
      const g = 1 + (9 * sum) / (n - 1);
      return [f1, g * h(f1 / g)];
    },
    frontHypervolume: hv,
    reference: [1, 1],
  };
}

export function zdt1(n = 30): RealProblem {
  return zdt("ZDT1", n, (r) => 1 - Math.sqrt(r), 2 / 3);
}

export function zdt2(n = 30): RealProblem {
  return zdt("ZDT2", n, (r) => 1 - r * r, 1 / 3);
}
