/**
 * The phenotype of a genome: its decoded network and multiplier assignment, as a canonical
 * string. Two genomes with equal keys build the same network (same layers, same wiring, same
 * multipliers), whatever their inactive genes say.
 */
import type { DecodedGenome } from "./decode.ts";

/**
 * @example
 * phenotypeKey(decodeGenome(config, a)) === phenotypeKey(decodeGenome(config, b));
 */
export function phenotypeKey(decoded: DecodedGenome): string {
  const { nodes, output, input, classes } = decoded.graph;
  return JSON.stringify([input, classes, output, nodes, decoded.multipliers]);
}
