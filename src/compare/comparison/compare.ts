/**
 * The comparison itself: a search's retrained networks and the baselines as rows of one
 * table, and the issue's two targets checked from them (computed, never written in):
 *
 * (a) size: the best evolved network (by exact 8-bit test accuracy) with at most ResNet-8's
 *     parameters is at most 2 points below ResNet-8's float and exact 8-bit test accuracy;
 * (b) energy: among evolved networks (either multiplier) whose approximate 8-bit test
 *     accuracy is at most 1 point below ResNet-8's exact 8-bit one, the largest saving of
 *     multiplication energy against exact 8-bit ResNet-8 is at least 30%.
 */
import { EXACT_NAME } from "../../multipliers/library.ts";
import type { BaselineResult } from "../baselines/dir.ts";
import { displayName, REFERENCE_MODEL } from "../baselines/models.ts";
import { sortResults } from "../baselines/report.ts";
import type { BaselineInput, RunInput } from "./inputs.ts";

export interface CompareRow {
  network: string;
  side: "evolved" | "baseline";
  /** "search": the multiplier the search chose; "re-chosen": picked after retraining on
   * held-out images; "" for a baseline with a multiplier of the list. */
  variant: "search" | "re-chosen" | "";
  params: number;
  mults: number;
  /** Distinct multiplier names, space-separated. */
  multipliers: string;
  energyNj: number;
  float: number;
  exact8: number;
  approx8: number;
  images: number;
}

const names = (m: Record<string, string>) => [...new Set(Object.values(m))].join(" ");

export function evolvedRows(run: RunInput): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const f of [...run.finals].sort((a, b) => a.energyNj - b.energyNj)) {
    const base = {
      network: f.id,
      side: "evolved" as const,
      params: f.params,
      mults: f.mults,
      float: f.test.float,
      exact8: f.test.exact8,
      images: f.test.images,
    };
    rows.push({
      ...base,
      variant: "search",
      multipliers: names(f.multipliers) || EXACT_NAME,
      energyNj: f.energyNj,
      approx8: f.test.approx8,
    });
    if (f.refined) {
      rows.push({
        ...base,
        variant: "re-chosen",
        multipliers: names(f.refined.multipliers) || EXACT_NAME,
        energyNj: f.refined.energyNj,
        approx8: f.refined.test.approx8,
      });
    }
  }
  return rows;
}

export function baselineRows(results: BaselineResult[]): CompareRow[] {
  return sortResults(results).map((r) => ({
    network: displayName(r.network),
    side: "baseline",
    variant: r.rechosen ? "re-chosen" : "",
    params: r.params,
    mults: r.mults,
    multipliers: r.multiplier,
    energyNj: r.energyNj,
    float: r.test.float,
    exact8: r.test.exact8,
    approx8: r.test.approx8,
    images: r.test.images,
  }));
}

export interface Reference {
  network: string;
  params: number;
  float: number;
  exact8: number;
  /** Energy of one inference with the exact multiplier, nJ. */
  exactEnergyNj: number;
}

/** ResNet-8 with the exact multiplier: what both targets are measured against. */
export function referenceOf(baselines: BaselineInput): Reference {
  const r = baselines.results.find((x) =>
    x.network === REFERENCE_MODEL && x.multiplier === EXACT_NAME
  );
  if (!r) throw new Error(`No ${REFERENCE_MODEL} ${EXACT_NAME} result in ${baselines.path}`);
  return {
    network: displayName(r.network),
    params: r.params,
    float: r.test.float,
    exact8: r.test.exact8,
    exactEnergyNj: r.energyNj,
  };
}

/** Points of accuracy (differences of fractions x 100), rounded against float noise. */
const points = (x: number) => Math.round(x * 1e8) / 1e6;
const pc = (x: number) => `${(100 * x).toFixed(2)}%`;
const verdict = (met: boolean) => (met ? "**met**" : "**not met**");

export interface TargetA {
  met: boolean;
  best?: CompareRow;
  /** Points below the reference (negative: above). */
  floatGap?: number;
  exact8Gap?: number;
  text: string;
}

export interface TargetB {
  met: boolean;
  best?: CompareRow;
  /** 1 - energy / reference energy. */
  saving?: number;
  text: string;
  /** The same measure over the reference network's own multipliers. */
  referenceText?: string;
}

export const SIZE_TOLERANCE_POINTS = 2;
export const ENERGY_TOLERANCE_POINTS = 1;
export const ENERGY_SAVING_TARGET = 0.3;

/** A target's verdict when no evolved network is as small as the reference. */
const noneThatSmall = (head: string, ref: Reference) =>
  `${head}: ${verdict(false)}: no evolved network has at most ${
    ref.params.toLocaleString("en")
  } parameters.`;

export function checkSizeTarget(evolved: CompareRow[], ref: Reference): TargetA {
  const head = `(a) accuracy at ${ref.network}'s size, target at most ${SIZE_TOLERANCE_POINTS} ` +
    `points below ${ref.network} (${pc(ref.float)} float, ${pc(ref.exact8)} exact 8-bit, ` +
    `${ref.params.toLocaleString("en")} parameters) in both`;
  const small = evolved.filter((r) => r.variant === "search" && r.params <= ref.params);
  if (small.length === 0) return { met: false, text: noneThatSmall(head, ref) };
  const best = small.reduce((a, b) =>
    b.exact8 > a.exact8 || (b.exact8 === a.exact8 && b.float > a.float) ? b : a
  );
  const floatGap = points(ref.float - best.float), exact8Gap = points(ref.exact8 - best.exact8);
  const met = floatGap <= SIZE_TOLERANCE_POINTS && exact8Gap <= SIZE_TOLERANCE_POINTS;
  const gap = (g: number) =>
    g >= 0 ? `${g.toFixed(2)} points below` : `${(-g).toFixed(2)} points above`;
  return {
    met,
    best,
    floatGap,
    exact8Gap,
    text: `${head}: ${verdict(met)}. The best evolved network by exact 8-bit test accuracy ` +
      `among those with at most as many parameters, ${best.network} ` +
      `(${best.params.toLocaleString("en")} parameters), has ${pc(best.float)} float ` +
      `(${gap(floatGap)}) and ${pc(best.exact8)} exact 8-bit (${gap(exact8Gap)}).`,
  };
}

/** The row of `rows` with the largest saving against `ref` within the tolerance, if any. */
function bestSaving(rows: CompareRow[], ref: Reference) {
  const within = rows.filter((r) =>
    points(ref.exact8 - r.approx8) <= ENERGY_TOLERANCE_POINTS && Number.isFinite(r.energyNj)
  );
  if (within.length === 0) return undefined;
  const best = within.reduce((a, b) => (b.energyNj < a.energyNj ? b : a));
  return { best, saving: 1 - best.energyNj / ref.exactEnergyNj };
}

export function checkEnergyTarget(
  evolved: CompareRow[],
  baseline: CompareRow[],
  ref: Reference,
): TargetB {
  const head = `(b) energy at ${ref.network}'s accuracy, target at least ` +
    `${100 * ENERGY_SAVING_TARGET}% less multiplication energy than exact 8-bit ${ref.network} ` +
    `(${ref.exactEnergyNj.toFixed(1)} nJ per inference) at an approximate 8-bit test ` +
    `accuracy at most ${ENERGY_TOLERANCE_POINTS} point below its exact 8-bit one (${
      pc(ref.exact8)
    }), with at most its ${ref.params.toLocaleString("en")} parameters`;
  const own = bestSaving(baseline.filter((r) => r.network === ref.network), ref);
  const referenceText = own
    ? `For reference, ${ref.network} itself with the cheapest multiplier within ` +
      `${ENERGY_TOLERANCE_POINTS} point (${own.best.multipliers}): ${pc(own.best.approx8)} at ` +
      `${own.best.energyNj.toFixed(1)} nJ, ${(100 * own.saving).toFixed(1)}% less.`
    : undefined;
  const small = evolved.filter((r) => r.params <= ref.params);
  const found = bestSaving(small, ref);
  if (!found) {
    if (small.length === 0) return { met: false, text: noneThatSmall(head, ref), referenceText };
    const top = small.reduce((a, b) => (b.approx8 > a.approx8 ? b : a), small[0]);
    return {
      met: false,
      text:
        `${head}: ${
          verdict(false)
        }: no evolved network of that size is within ${ENERGY_TOLERANCE_POINTS} ` +
        `point; the most accurate in approximate 8-bit is ${top.network} (${top.multipliers}) ` +
        `at ${pc(top.approx8)}, ${points(ref.exact8 - top.approx8).toFixed(2)} points below.`,
      referenceText,
    };
  }
  const { best, saving } = found;
  const met = saving >= ENERGY_SAVING_TARGET - 1e-12;
  return {
    met,
    best,
    saving,
    text: `${head}: ${verdict(met)}. ${best.network} with ${best.multipliers}` +
      `${best.variant === "re-chosen" ? " (re-chosen after retraining)" : ""} reaches ` +
      `${pc(best.approx8)} in approximate 8-bit at ${best.energyNj.toFixed(1)} nJ: ` +
      `${
        saving >= 0 ? `${(100 * saving).toFixed(1)}% less` : `${(-100 * saving).toFixed(1)}% more`
      } than ${ref.network}, the largest saving among the evolved networks of that size ` +
      `within ${ENERGY_TOLERANCE_POINTS} point.`,
    referenceText,
  };
}

export interface Comparison {
  rows: CompareRow[];
  reference: Reference;
  size: TargetA;
  energy: TargetB;
}

export function compare(run: RunInput, baselines: BaselineInput): Comparison {
  const evolved = evolvedRows(run), base = baselineRows(baselines.results);
  const reference = referenceOf(baselines);
  return {
    rows: [...evolved, ...base],
    reference,
    size: checkSizeTarget(evolved, reference),
    energy: checkEnergyTarget(evolved, base, reference),
  };
}
