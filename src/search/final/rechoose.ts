/**
 * Re-choosing a retrained network's multiplier. During the search a candidate's multiplier
 * is judged after a short training on a subset, so its accuracy cost is a rough guess; once
 * the network is retrained, the cheapest multiplier whose accuracy cost is within a
 * tolerance is found on held-out validation images (never the test set): first one multiplier
 * for the whole network, then, layer by layer from the one with the most multiplications,
 * a cheaper multiplier where the network as a whole stays within the tolerance (layers differ
 * a lot in how much error they absorb).
 */
import type { LabelledImages } from "../../data/cifar10/format.ts";
import { energyPerMult, type LibraryEntry } from "../run/library.ts";
import { layersEnergy } from "../../quant/energy.ts";
import type { QuantizedModel } from "../../quant/quantized_model.ts";

export interface RefineTrial {
  name: string;
  /** Set for a per-layer trial: the layer that got `name`, the others as chosen so far. */
  node?: string;
  /** Approximate 8-bit validation accuracy. */
  approx8: number;
}

/** Layers with fewer multiplications than this share of the network's are not worth a trial. */
export const MIN_LAYER_SHARE = 0.02;
/** Per-layer trials only use multipliers that, everywhere at once, lost at most this many
 * tolerances: much worse ones will not do in a large layer either. */
export const SCREEN_TOLERANCES = 5;

export interface Refined {
  /** Node id -> the chosen multiplier, for every conv and dense node. */
  multipliers: Record<string, string>;
  energyNj: number;
  validation: { exact8: number; approx8: number; images: number; tolerance: number };
  /** Every multiplier measured: for the whole network cheapest first until one was within
   * the tolerance, then the per-layer trials. */
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
  validation: LabelledImages;
  tolerance: number;
  /** Go on layer by layer after the whole-network choice (default true). */
  perLayer?: boolean;
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
  const assignment = uniform(nodes, chosen.name);
  if (opts.perLayer !== false) {
    const screened = trials.filter((t) =>
      t.approx8 >= exact8 - SCREEN_TOLERANCES * tolerance && t.name !== chosen.name
    ).map((t) => opts.library.find((m) => m.name === t.name)!);
    const large = nodes.filter((n) => multsByNode.get(n)! >= MIN_LAYER_SHARE * mults)
      .sort((a, b) => multsByNode.get(b)! - multsByNode.get(a)!);
    for (const node of large) {
      // Cheapest first: the first that keeps the network within the tolerance stays.
      for (const m of screened) {
        const trial = { ...assignment, [node]: m.name };
        const acc = await quantized.accuracy(trial, validation);
        trials.push({ name: m.name, node, approx8: acc });
        if (acc >= exact8 - tolerance) {
          assignment[node] = m.name;
          approx8 = acc;
          break;
        }
      }
    }
  }
  const energy = layersEnergy(multsByNode, (n) => assignment[n], energyPerMult(opts.library));
  return {
    multipliers: assignment,
    energyNj: energy.pj / 1000,
    validation: { exact8, approx8, images: validation.labels.length, tolerance },
    trials,
  };
}

function uniform(nodes: string[], name: string): Record<string, string> {
  return Object.fromEntries(nodes.map((n) => [n, name]));
}
