/**
 * Finding an exact low-rank form of a multiplier's product table, which lets the engine
 * replace table look-ups by integer SIMD dot products.
 *
 * A table M (M[a * 256 + b] = the multiplier's product of activation a and weight b) is
 * written as
 *
 *   M(a, b) = u(a) + v(b) + sum_j f_j(a) * g_j(b)        for all 65,536 pairs,
 *
 * with integer functions; u(0) = 0 and every f_j, g_j fits in int16 (the operands of
 * `i32x4.dot_i16x8_s`). Terms that depend on one operand only (u, v, constants) are almost
 * free in a convolution: v sums to a per-channel constant, u to a per-pixel one. Each rank-1
 * term costs one dot-product stream. Designs that only remove partial products are
 * bilinear in the operand bits, M(a, b) = sum_i a_i * M(2^i, b), so their rank is at most 8
 * and the rows of powers of two form an integer basis; the exact multiplier is one term,
 * f(a) = a, g(b) = b. Operand truncation is one term too, f(a) = a & mask, g(b) = b & mask.
 *
 * How it is found: D(a, b) = M(a, b) - M(a, 0) - M(0, b) + M(0, 0) removes u and v. Rows of D
 * are scanned in increasing a; a row independent of the rows kept so far (exact elimination
 * modulo a 26-bit prime) becomes a basis row g_j (scaled down only if it must be, to fit int16). Every
 * row's coefficients f_j(a) are then solved on the basis's pivot columns and rounded. Nothing
 * of this is trusted: the result is used only if `verifyDecomposition` reproduces all 65,536
 * products exactly.
 */
import { PRODUCT_TABLE_SIZE } from "../model/product_table.ts";

/** One rank-1 term f(a) * g(b); both 256 entries, int16 range. */
export interface RankOneTerm {
  f: Int16Array;
  g: Int16Array;
}

/** M(a, b) = u[a] + v[b] + sum_j terms[j].f[a] * terms[j].g[b]. */
export interface TableDecomposition {
  u: Int32Array;
  v: Int32Array;
  terms: RankOneTerm[];
}

const PRIME = 67108859; // 2^26 - 5: residue products stay below 2^53, exact in float64

/**
 * The decomposition of `table`, or null when its rank exceeds `maxTerms` or no integer form in
 * int16 range was found. The answer is verified on all pairs before it is returned.
 */
export function decomposeTable(
  table: Uint16Array,
  opts: { maxTerms?: number } = {},
): TableDecomposition | null {
  checkTable(table);
  const maxTerms = opts.maxTerms ?? 8;
  const m00 = table[0];
  const u = new Int32Array(256), v = new Int32Array(256);
  for (let a = 0; a < 256; a++) u[a] = table[a * 256] - m00;
  for (let b = 0; b < 256; b++) v[b] = table[b];
  const d = (a: number, b: number) => table[a * 256 + b] - table[a * 256] - table[b] + m00;

  const basis = findBasis(d, maxTerms);
  if (basis === null) return null;
  const terms: RankOneTerm[] = [];
  if (basis.rows.length > 0) {
    const rows = basis.rows.map((a) => basisRow(d, a));
    if (rows.some((row) => row === null)) return null;
    const g = rows as number[][];
    const f = solveCoefficients(d, g, basis.columns);
    if (f === null) return null;
    for (let j = 0; j < g.length; j++) {
      terms.push({ f: Int16Array.from(f[j]), g: Int16Array.from(g[j]) });
    }
  }
  const result = { u, v, terms };
  return verifyDecomposition(table, result) ? result : null;
}

/** True when the decomposition reproduces every entry of `table` exactly. */
export function verifyDecomposition(table: Uint16Array, dec: TableDecomposition): boolean {
  checkTable(table);
  for (const t of dec.terms) {
    if (t.f.length !== 256 || t.g.length !== 256) return false;
  }
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      let s = dec.u[a] + dec.v[b];
      for (const t of dec.terms) s += t.f[a] * t.g[b];
      if (s !== table[a * 256 + b]) return false;
    }
  }
  return true;
}

function checkTable(table: Uint16Array): void {
  if (table.length !== PRODUCT_TABLE_SIZE) {
    throw new Error(
      `A multiplier table must have ${PRODUCT_TABLE_SIZE} entries, found ${table.length}`,
    );
  }
}

/**
 * Rows (values of a) of a basis of D's row space, first-found in increasing a, and one pivot
 * column per row such that D restricted to these rows and columns is invertible; null when
 * the rank exceeds maxTerms.
 */
function findBasis(
  d: (a: number, b: number) => number,
  maxTerms: number,
): { rows: number[]; columns: number[] } | null {
  const reduced: { pivot: number; row: Float64Array }[] = []; // row[pivot] = 1 (mod p)
  const rows: number[] = [], columns: number[] = [];
  const r = new Float64Array(256);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) r[b] = mod(d(a, b));
    for (const { pivot, row } of reduced) {
      const factor = r[pivot];
      if (factor === 0) continue;
      for (let b = 0; b < 256; b++) r[b] = mod(r[b] - mulMod(factor, row[b]));
    }
    const pivot = r.findIndex((x) => x !== 0);
    if (pivot < 0) continue;
    if (reduced.length === maxTerms) return null;
    const inv = invMod(r[pivot]);
    const row = new Float64Array(256);
    for (let b = 0; b < 256; b++) row[b] = mulMod(r[b], inv);
    // Keep the reduced rows fully reduced against each other (Gauss-Jordan).
    for (const other of reduced) {
      const factor = other.row[pivot];
      if (factor === 0) continue;
      for (let b = 0; b < 256; b++) other.row[b] = mod(other.row[b] - mulMod(factor, row[b]));
    }
    reduced.push({ pivot, row });
    rows.push(a);
    columns.push(pivot);
  }
  return { rows, columns };
}

/**
 * Row a of D as a basis row g, divided by the smallest divisor of its entries' gcd that brings
 * it into int16 (usually 1: then f_j(a) are plain coordinates, like the bits of a for a
 * partial-product design, and a itself is an integer combination of them); null if none does.
 */
function basisRow(d: (a: number, b: number) => number, a: number): number[] | null {
  const row = Array.from({ length: 256 }, (_, b) => d(a, b));
  let g = 0, big = 0;
  for (const x of row) {
    g = gcd(g, Math.abs(x));
    big = Math.max(big, Math.abs(x));
  }
  for (let div = 1; div <= g; div++) {
    if (g % div === 0 && big / div <= 32767) return row.map((x) => x / div);
  }
  return null;
}

/**
 * f[j][a] with D(a, b) = sum_j f[j][a] * g[j][b] on the pivot columns (float64 Gaussian
 * elimination, rounded); null when a coefficient is not an int16 integer.
 */
function solveCoefficients(
  d: (a: number, b: number) => number,
  g: number[][],
  columns: number[],
): number[][] | null {
  const r = g.length;
  // Solve S^T f = rhs where S[j][i] = g[j][columns[i]]: one LU factorisation for all 256 rows.
  const mat = Array.from(
    { length: r },
    (_, i) => Array.from({ length: r }, (_, j) => g[j][columns[i]]),
  );
  const perm = Array.from({ length: r }, (_, i) => i);
  for (let k = 0; k < r; k++) {
    let best = k;
    for (let i = k + 1; i < r; i++) if (Math.abs(mat[i][k]) > Math.abs(mat[best][k])) best = i;
    [mat[k], mat[best]] = [mat[best], mat[k]];
    [perm[k], perm[best]] = [perm[best], perm[k]];
    for (let i = k + 1; i < r; i++) {
      const l = mat[i][k] / mat[k][k];
      mat[i][k] = l;
      for (let j = k + 1; j < r; j++) mat[i][j] -= l * mat[k][j];
    }
  }
  const f = Array.from({ length: r }, () => new Array<number>(256));
  const y = new Array<number>(r);
  for (let a = 0; a < 256; a++) {
    for (let i = 0; i < r; i++) {
      let s = d(a, columns[perm[i]]);
      for (let j = 0; j < i; j++) s -= mat[i][j] * y[j];
      y[i] = s;
    }
    for (let i = r - 1; i >= 0; i--) {
      let s = y[i];
      for (let j = i + 1; j < r; j++) s -= mat[i][j] * y[j];
      y[i] = s / mat[i][i];
    }
    for (let j = 0; j < r; j++) {
      const c = Math.round(y[j]);
      if (Math.abs(c - y[j]) > 1e-6 || c < -32768 || c > 32767) return null;
      f[j][a] = c;
    }
  }
  return f;
}

function mod(x: number): number {
  const m = x % PRIME;
  return m < 0 ? m + PRIME : m;
}

function mulMod(a: number, b: number): number {
  return (a * b) % PRIME;
}

function invMod(x: number): number {
  // Extended Euclid; PRIME is prime, so every non-zero residue is invertible.
  let [r0, r1, s0, s1] = [PRIME, x, 0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
