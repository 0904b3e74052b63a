/**
 * Repairing a network that is over a search's constraints by making its layers smaller
 * rather than changing its graph: a conv or residual block keeps its place and its inputs and
 * loses filters or kernel size. A random mutant that fits often fits because it dropped or
 * replaced a layer (a warm start from a network just over budget lost its first convolution
 * that way, and 10 points of accuracy with it); shrinking keeps the architecture a search found.
 */
import type { CgpConfig } from "../cgp/config.ts";
import type { Genome } from "../cgp/genome.ts";
import { genomeLayout } from "../cgp/genome.ts";
import { activeNodes } from "../cgp/active.ts";
import { type ConvBlock, isConvBlock } from "../cgp/functions.ts";

/** An inverted residual shrinks in filters and kernel, keeping its expansion ratio. */
function sameExpansion(f: ConvBlock, g: ConvBlock): boolean {
  return f.kind !== "mbconv" || (g.kind === "mbconv" && g.expand === f.expand);
}

/** What the repair needs to know of a genome: how far it is over the constraints, its size. */
export type Measure = (genome: Genome) => { violation: number; params: number };

/**
 * The genomes one shrink away: an active conv block's function (conv, res, sep, mbconv)
 * replaced by the same kind with at most its filters and at most its kernel size (one of them
 * smaller).
 */
export function singleShrinks(space: CgpConfig, genome: Genome): Genome[] {
  const l = genomeLayout(space);
  const out: Genome[] = [];
  for (const k of activeNodes(space, genome)) {
    const at = k * l.nodeGenes;
    const f = space.functions[genome[at]];
    if (!isConvBlock(f)) continue;
    space.functions.forEach((g, index) => {
      if (
        isConvBlock(g) && g.kind === f.kind && g.filters <= f.filters && g.kernel <= f.kernel &&
        (g.filters < f.filters || g.kernel < f.kernel) && sameExpansion(f, g)
      ) {
        const child = genome.slice();
        child[at] = index;
        out.push(child);
      }
    });
  }
  return out;
}

/**
 * Shrinks `genome` until it meets the constraints, one layer at a time: of the single shrinks,
 * the one that fits with the most parameters, or if none fits, the one nearest to fitting
 * (least violation, then most parameters), and again. Null when it runs out of shrinks first.
 */
export function shrinkToFit(space: CgpConfig, measure: Measure, genome: Genome): Genome | null {
  let current = genome;
  for (let m = measure(current); m.violation > 0;) {
    const options = singleShrinks(space, current).map((g) => ({ g, ...measure(g) }));
    if (options.length === 0) return null;
    options.sort((a, b) =>
      (a.violation > 0 ? 1 : 0) - (b.violation > 0 ? 1 : 0) ||
      (a.violation > 0 ? a.violation - b.violation : 0) ||
      b.params - a.params
    );
    current = options[0].g;
    m = options[0];
  }
  return current;
}
