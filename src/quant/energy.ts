/**
 * Energy of one inference: the sum over conv and dense layers of (multiplications of the
 * layer for one image, from graphCost) x (energy per multiplication of the layer's
 * multiplier, MultiplierInfo.energyPj). Only multiplications count: the model's figure for
 * what the approximate multipliers change; additions, memory and the rest are left out.
 */
import type { Graph } from "../graph/graph.ts";
import { graphCost } from "../graph/count.ts";

export interface LayerEnergy {
  node: string;
  multiplier: string;
  mults: number;
  pjPerMult: number;
  /** mults x pjPerMult. */
  pj: number;
}

export interface InferenceEnergy {
  /** Energy of one inference, picojoules. */
  pj: number;
  mults: number;
  layers: LayerEnergy[];
}

/**
 * Energy per inference of `graph` with `multiplierOf(node)` in each conv/dense layer;
 * `pjPerMult(name)` gives a multiplier's energy per multiplication.
 */
export function inferenceEnergy(
  graph: Graph,
  multiplierOf: (node: string) => string,
  pjPerMult: (name: string) => number,
): InferenceEnergy {
  const layers: LayerEnergy[] = [];
  for (const [node, mults] of graphCost(graph).multsByNode) {
    const multiplier = multiplierOf(node);
    const e = pjPerMult(multiplier);
    if (!Number.isFinite(e) || e < 0) {
      throw new Error(`Multiplier '${multiplier}' has no valid energy per multiplication (${e})`);
    }
    layers.push({ node, multiplier, mults, pjPerMult: e, pj: mults * e });
  }
  return {
    pj: layers.reduce((s, l) => s + l.pj, 0),
    mults: layers.reduce((s, l) => s + l.mults, 0),
    layers,
  };
}
