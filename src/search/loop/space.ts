/**
 * A run config's search space, and what a genome is in it: the decoded network, the
 * multiplier of each conv and dense layer, parameters, multiplications, energy per
 * inference and how far it is over the run's constraints.
 */
import { type CgpConfig, cgpConfig } from "../cgp/config.ts";
import { functionSet } from "../cgp/functions.ts";
import type { Genome } from "../cgp/genome.ts";
import { type DecodedGenome, decodeGenome } from "../cgp/decode.ts";
import { phenotypeKey } from "../cgp/phenotype.ts";
import { graphCost } from "../../graph/count.ts";
import { layersEnergy } from "../../quant/energy.ts";
import type { EvolveConfig } from "../run/config.ts";
import { energyPerMult, type LibraryEntry } from "../run/library.ts";

/** The CGP search space of a run config, with the library size the genes index. */
export function searchSpace(config: EvolveConfig): CgpConfig {
  return cgpConfig({
    rows: config.cgp.rows,
    cols: config.cgp.cols,
    levelsBack: config.cgp.levelsBack,
    functions: functionSet({
      filters: config.cgp.filters,
      kernels: config.cgp.kernels,
      set: config.cgp.functionSet,
      expansions: config.cgp.expansions,
    }),
    multiplierGenes: config.cgp.multiplierGenes,
    librarySize: Math.max(1, config.multipliers.length),
  });
}

/** What a genome is in a run's search space. */
export interface GenomeDescription {
  decoded: DecodedGenome;
  /** Equal for two genomes exactly when they decode to the same network and multipliers. */
  phenotype: string;
  params: number;
  mults: number;
  /** Multiplier name by conv/dense node id. */
  multipliers: Record<string, string>;
  /** Energy of the multiplications of one inference, nJ (src/quant/energy.ts). */
  energyNj: number;
  /** How far it is over the constraints (relative excess, summed); 0 when it meets them. */
  violation: number;
}

/** A genome with its description: decoded once, for the feasibility check and the evaluation. */
export interface Candidate {
  genome: Genome;
  described: GenomeDescription;
}

/** Decoded network, multipliers by node, costs and constraint violation of a genome. */
export function describeGenome(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  genome: Genome,
): GenomeDescription {
  const decoded = decodeGenome(space, genome, { name: "candidate" });
  const cost = graphCost(decoded.graph);
  const exact = library[0].name;
  const multipliers: Record<string, string> = {};
  for (const [node, index] of Object.entries(decoded.multipliers)) {
    multipliers[node] = config.multipliers[index] ?? exact;
  }
  const energy = layersEnergy(
    cost.multsByNode,
    (node) => multipliers[node] ?? exact,
    energyPerMult(library),
  );
  const { maxParams, maxMults } = config.constraints;
  const violation = (maxParams ? Math.max(0, cost.params / maxParams - 1) : 0) +
    (maxMults ? Math.max(0, cost.mults / maxMults - 1) : 0);
  return {
    decoded,
    phenotype: phenotypeKey(decoded),
    params: cost.params,
    mults: cost.mults,
    multipliers,
    energyNj: energy.pj / 1000,
    violation,
  };
}
