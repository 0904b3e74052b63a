/**
 * What a search run writes down: one record per candidate evaluation (a line of
 * `evaluations.jsonl`), the checkpoint, and the records of the final retraining. Each schema
 * is also the type the code reads, and every file is checked against it when read back.
 */
import { z } from "zod";
import { int, number } from "../../util/check_schema.ts";

/** A share of images classified right. */
const accuracy = number(0, 1);
/** A number JSON wrote as null: an Infinity (a failure's objectives) or a NaN (a failure's
 * accuracies), read back as such. */
const lost = (as: number) =>
  z.union([number(), z.null()], { error: "a number (or null)" }).transform((v) => v ?? as);
/** Multiplier name by conv/dense node id. */
const multipliersByNode = z.record(z.string(), z.string().min(1));

export const EvaluationRecordSchema = z.strictObject({
  /** "g<generation>-c<index>": generation 0 is the initial population. */
  id: z.string(),
  generation: int(0),
  index: int(0),
  genome: z.array(int(0)).min(1),
  /** Equal for two genomes exactly when they decode to the same network and multipliers. */
  phenotype: z.string(),
  summary: z.string(),
  params: int(0),
  mults: int(0),
  multipliers: multipliersByNode,
  /** Energy of the multiplications of one inference, in nanojoules (model estimate). */
  energyNj: number(0),
  /** Exceeds a constraint: never trained, ranked by how far it exceeds. */
  violation: number(0),
  /** [validation error of the approximate 8-bit network, parameters, energy nJ]; Infinity when failed. */
  objectives: z.tuple([lost(Infinity), lost(Infinity), lost(Infinity)]),
  /** Validation accuracies, all measured on the same validation split. */
  validation: z.strictObject({
    float: accuracy,
    exact8: accuracy,
    approx8: accuracy,
    images: int(1),
  }).optional(),
  seconds: z.strictObject({ train: number(0), evaluate: number(0) }).optional(),
  /** Which worker evaluated it, or the id of the earlier record with the same phenotype. */
  worker: int(0).optional(),
  reusedFrom: z.string().optional(),
  /** The network as trained during the search (run-relative .apxnet path), kept while it
   * is in the population. */
  model: z.string().optional(),
  error: z.string().optional(),
});
export type EvaluationRecord = z.output<typeof EvaluationRecordSchema>;

export const CheckpointSchema = z.strictObject({
  /** Generations whose survival is complete (0 = the initial population is evaluated). */
  completed: int(0),
  /** Ids of the current parents. */
  population: z.array(z.string()),
  /** Hypervolume of the parents' feasible front after each completed generation. */
  hypervolume: z.array(number(0)),
  /** Hypervolume of the archive (the front of every evaluation up to that generation). */
  archiveHypervolume: z.array(number(0)).optional(),
  updated: z.string(),
});
export type Checkpoint = z.output<typeof CheckpointSchema>;

export const FinalRecordSchema = z.strictObject({
  id: z.string(),
  summary: z.string(),
  params: int(0),
  mults: int(0),
  multipliers: multipliersByNode,
  energyNj: number(0),
  /** Energy of the same network with exact multipliers. */
  exactEnergyNj: number(0),
  epochs: int(1),
  trainImages: int(1),
  /** Test-set accuracies (10,000 CIFAR-10 test images unless limited); NaN when failed. */
  test: z.strictObject({
    float: lost(NaN),
    exact8: lost(NaN),
    approx8: lost(NaN),
    images: int(0),
  }),
  /**
   * The same network with its multiplier re-chosen after retraining (src/search/final/rechoose.ts):
   * the cheapest one within a tolerance of exact 8-bit on held-out validation images, then
   * measured on the test set. Absent when the run does not re-choose.
   */
  refined: z.strictObject({
    multipliers: multipliersByNode,
    energyNj: number(0),
    validation: z.strictObject({
      exact8: accuracy,
      approx8: accuracy,
      images: int(0),
      tolerance: number(0, 1),
    }),
    trials: z.array(
      z.strictObject({ name: z.string(), node: z.string().optional(), approx8: accuracy }),
    ),
    test: z.strictObject({ approx8: accuracy, images: int(0) }),
  }).optional(),
  model: z.string(),
  seconds: number(0),
  error: z.string().optional(),
});
export type FinalRecord = z.output<typeof FinalRecordSchema>;

export function recordId(generation: number, index: number): string {
  return `g${generation}-c${index}`;
}
