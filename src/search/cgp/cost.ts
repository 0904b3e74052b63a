/**
 * Size and cost of a genome's network before any training: parameters and multiplications
 * from the graph counter, and the multiplications each library multiplier performs (what the
 * energy objective weighs by the multipliers' power).
 */
import { graphCost } from "../../graph/count.ts";
import type { DecodedGenome } from "./decode.ts";

export interface GenomeCost {
  params: number;
  mults: number;
  /** Multiplications per image by library index. */
  multsByMultiplier: Map<number, number>;
  /** Multiplications no gene assigns (all of them with multiplier genes "none"): exact. */
  exactMults: number;
}

/**
 * @example
 * const { params, mults, multsByMultiplier } = genomeCost(decodeGenome(config, genome));
 * const energy = [...multsByMultiplier].reduce((e, [m, n]) => e + n * power[m], 0);
 */
export function genomeCost(decoded: DecodedGenome): GenomeCost {
  const cost = graphCost(decoded.graph);
  const multsByMultiplier = new Map<number, number>();
  let exactMults = 0;
  for (const [id, n] of cost.multsByNode) {
    const m = decoded.multipliers[id];
    if (m === undefined) exactMults += n;
    else multsByMultiplier.set(m, (multsByMultiplier.get(m) ?? 0) + n);
  }
  return { params: cost.params, mults: cost.mults, multsByMultiplier, exactMults };
}
