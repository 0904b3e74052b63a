/**
 * Re-choosing a retrained network's multiplier. During the search a candidate's multiplier
 * is judged after a short training on a subset, so its accuracy cost is a rough guess; once
 * the network is retrained, the cheapest multiplier whose accuracy cost is within a
 * tolerance is found on held-out validation images (never the test set), one multiplier for
 * the whole network.
 */
import type { Dataset } from "../train/replica.ts";
import type { LibraryEntry } from "./evolve.ts";
import type { QuantizedModel } from "./evolve_measure.ts";

export interface RefineTrial {
  name: string;
  /** Approximate 8-bit validation accuracy. */
  approx8: number;
}

export interface Refined {
  /** Node id -> the chosen multiplier, for every conv and dense node. */
  multipliers: Record<string, string>;
  energyNj: number;
  validation: { exact8: number; approx8: number; images: number; tolerance: number };
  /** Every multiplier measured, cheapest first, until one was within the tolerance. */
  trials: RefineTrial[];
}

/**
 * The cheapest entry of `library` (exact first, as the search orders it) whose approximate
 * 8-bit accuracy on `validation` is at least exact 8-bit minus `tolerance`. Multipliers are
 * tried from the cheapest up and the first within the tolerance is taken, so the cost is
 * one validation pass per multiplier cheaper than the answer. Exact always qualifies.
 */
export async function refineMultiplier(opts: {
  quantized: Pick<QuantizedModel, "accuracy">;
  /** Multiplications per inference of each conv/dense node. */
  multsByNode: Map<string, number>;
  library: LibraryEntry[];
  validation: Dataset;
  tolerance: number;
}): Promise<Refined> {
  const { quantized, multsByNode, validation, tolerance } = opts;
  const nodes = [...multsByNode.keys()];
  const mults = [...multsByNode.values()].reduce((a, b) => a + b, 0);
  const exact = opts.library[0];
  const exact8 = await quantized.accuracy({}, validation);
  const byEnergy = [...opts.library].sort((a, b) => a.energyPj - b.energyPj);
  const trials: RefineTrial[] = [];
  let chosen = exact, approx8 = exact8;
  for (const m of byEnergy) {
    if (m.name === exact.name) break;
    const acc = await quantized.accuracy(uniform(nodes, m.name), validation);
    trials.push({ name: m.name, approx8: acc });
    if (acc >= exact8 - tolerance) {
      chosen = m;
      approx8 = acc;
      break;
    }
  }
  return {
    multipliers: uniform(nodes, chosen.name),
    energyNj: (mults * chosen.energyPj) / 1000,
    validation: { exact8, approx8, images: validation.labels.length, tolerance },
    trials,
  };
}

function uniform(nodes: string[], name: string): Record<string, string> {
  return Object.fromEntries(nodes.map((n) => [n, name]));
}
