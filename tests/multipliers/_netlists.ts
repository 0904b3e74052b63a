/** Helpers for multiplier tests: seeded random netlists and table comparisons that name the pair. */
import { NetlistBuilder } from "../../src/multipliers/builder.ts";
import { CELL_KINDS, CELL_SHAPE, type Netlist } from "../../src/multipliers/netlist.ts";
import { Rng } from "../../src/util/rng.ts";

/**
 * A random netlist using every cell kind; inputs are drawn from recent wires, operand bits
 * and (with `constants`) the constant wires, so simplification rules get exercised.
 */
export function randomNetlist(seed: number, cells = 80, constants = true): Netlist {
  const rng = new Rng(seed);
  const b = new NetlistBuilder();
  const pick = () => {
    const r = rng.next();
    if (constants && r < 0.1) return rng.int(2);
    if (r < 0.4) return 2 + rng.int(16);
    const n = b.wireCount;
    return n - 1 - rng.int(Math.min(12, n - 2));
  };
  for (let i = 0; i < cells; i++) {
    const kind = CELL_KINDS[i < CELL_KINDS.length ? i : rng.int(CELL_KINDS.length)];
    b.add(kind, Array.from({ length: CELL_SHAPE[kind].inputs }, pick));
  }
  const n = b.wireCount;
  return b.build(
    Array.from({ length: 16 }, () => (rng.next() < 0.1 ? rng.int(n) : n - 1 - rng.int(20))),
  );
}

/** Fails naming the first pair whose product differs. */
export function assertSameTable(
  actual: ArrayLike<number>,
  expected: ArrayLike<number> | ((a: number, b: number) => number),
  label: string,
): void {
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      const want = typeof expected === "function" ? expected(a, b) : expected[a * 256 + b];
      const got = actual[a * 256 + b];
      if (got !== want) {
        throw new Error(`${label}: (a=${a}, b=${b}) gives ${got}, expected ${want}`);
      }
    }
  }
}

/** Sum of the kept partial products A[j] B[i] 2^(i+j), plus a constant, modulo 2^16. */
export function keptProducts(keep: (i: number, j: number) => boolean, constant = 0) {
  return (a: number, b: number): number => {
    let s = constant;
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        if (keep(i, j)) s += ((a >> j) & 1) * ((b >> i) & 1) * 2 ** (i + j);
      }
    }
    return s % 65536;
  };
}
