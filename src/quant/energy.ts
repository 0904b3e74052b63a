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
  /** Energy of one inference, picojoules (see layersEnergy for how it is added up). */
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
  return layersEnergy(graphCost(graph).multsByNode, multiplierOf, pjPerMult);
}

/**
 * As inferenceEnergy, from the multiplications of each conv/dense layer (graphCost's
 * `multsByNode`). The total adds up each multiplier's multiplications first (integers, so
 * exactly), then weighs them by its energy, multipliers in the order of their first layer:
 * the same counts give the same figure to the last bit however they split into layers.
 */
export function layersEnergy(
  multsByNode: Map<string, number>,
  multiplierOf: (node: string) => string,
  pjPerMult: (name: string) => number,
): InferenceEnergy {
  const layers: LayerEnergy[] = [];
  const multsOf = new Map<string, number>();
  for (const [node, mults] of multsByNode) {
    const multiplier = multiplierOf(node);
    const e = pjPerMult(multiplier);
    if (!Number.isFinite(e) || e < 0) {
      throw new Error(`Multiplier '${multiplier}' has no valid energy per multiplication (${e})`);
    }
    layers.push({ node, multiplier, mults, pjPerMult: e, pj: mults * e });
    multsOf.set(multiplier, (multsOf.get(multiplier) ?? 0) + mults);
  }
  let pj = 0;
  for (const [multiplier, mults] of multsOf) pj += mults * pjPerMult(multiplier);
  return { pj, mults: layers.reduce((s, l) => s + l.mults, 0), layers };
}
