/**
 * The search loop: NSGA-II over CGP genomes, each decoded into a network plus the
 * multipliers that run it. Objectives (all minimised): validation error of the network in
 * approximate 8-bit arithmetic, parameters, energy of the multiplications per inference.
 *
 * Determinism: offspring of generation g come from a generator seeded by (seed, g) and
 * the parents' records, and every candidate is trained in one thread from a seed of its
 * own, so the same seed and config give the same genomes and objectives whatever the number
 * of workers and the order in which they finish. Resuming replays the same decisions and
 * evaluates only what the log does not hold yet.
 */
import { Rng } from "../../util/rng.ts";
import { deriveSeed } from "../../train/recipe.ts";
import { rankAndCrowding, survive } from "../nsga2/survival.ts";
import { binaryTournament } from "../nsga2/tournament.ts";
import type { EvolveConfig } from "../run/config.ts";
import type { LibraryEntry } from "../run/library.ts";
import type { Checkpoint, EvaluationRecord } from "../run/record.ts";
import type { RunDir } from "../run/run_dir.ts";
import type { Evaluator } from "../evaluate/task.ts";
import { archiveFront } from "./front.ts";
import { searchSpace } from "./space.ts";
import { Evaluations } from "./evaluations.ts";
import { feasibleHypervolume, hypervolumeBounds, objectiveMatrix } from "./hypervolume.ts";
import { firstGeneration } from "./first_generation.ts";
import { feasibleChild } from "./feasible.ts";

export interface EvolveEvents {
  /** Before any evaluation: how many the log holds already, of how many in all. */
  onStart?(logged: number, total: number): void;
  onEvaluation?(rec: EvaluationRecord, done: number, total: number): void;
  onGeneration?(generation: number, hypervolume: number, population: EvaluationRecord[]): void;
}

/**
 * Runs (or resumes) the search in `dir` up to `config.generations`, writing every
 * evaluation and a checkpoint as it goes. `library` must start with the exact multiplier
 * and hold every name in `config.multipliers` (which the genes index).
 */
export async function evolve(
  dir: RunDir,
  config: EvolveConfig,
  library: LibraryEntry[],
  evaluator: Evaluator,
  events: EvolveEvents = {},
): Promise<
  { population: EvaluationRecord[]; archive: EvaluationRecord[]; checkpoint: Checkpoint }
> {
  const space = searchSpace(config);
  const log = await Evaluations.open(
    dir,
    config,
    evaluator,
    (rec, done, total) => events.onEvaluation?.(rec, done, total),
  );
  const known = log.known;
  events.onStart?.(known.size, log.total);
  const bounds = hypervolumeBounds(config, library);

  // The archive's hypervolume after generations 0..upTo: the stored figures, and from the
  // log those a checkpoint lacks (the newest generation, whose archive is `newest`, or all of
  // them for a checkpoint written before the archive existed).
  const archiveUpTo = (g: number) =>
    archiveFront([...known.values()].filter((r) => r.generation <= g));
  const archiveHypervolumes = (upTo: number, newest: EvaluationRecord[], stored: number[] = []) =>
    Array.from(
      { length: upTo + 1 },
      (_, g) =>
        g < upTo && stored[g] !== undefined
          ? stored[g]
          : feasibleHypervolume(g === upTo ? newest : archiveUpTo(g), bounds),
    );

  let checkpoint: Checkpoint | null = await dir.readCheckpoint();
  if (!checkpoint) {
    const rng = new Rng(deriveSeed(config.seed, 0, 0x1417));
    const first = await log.evaluateAll(0, firstGeneration(space, config, library, rng));
    checkpoint = {
      completed: 0,
      population: first.map((r) => r.id),
      hypervolume: [feasibleHypervolume(first, bounds)],
      archiveHypervolume: archiveHypervolumes(0, archiveUpTo(0)),
      updated: new Date().toISOString(),
    };
    await dir.writeCheckpoint(checkpoint);
    events.onGeneration?.(0, checkpoint.hypervolume[0], first);
  }

  for (let g = checkpoint.completed + 1; g <= config.generations; g++) {
    const parents: EvaluationRecord[] = checkpoint.population.map((id) => known.get(id)!);
    const F = objectiveMatrix(parents);
    const violations = parents.map((r) => r.violation);
    const rng = new Rng(deriveSeed(config.seed, g, 0x2e7));
    const { rank, crowding } = rankAndCrowding(F, { violations });
    const mates = binaryTournament(rng, rank, crowding, config.offspring);
    const children = mates.map((i) =>
      feasibleChild(space, config, library, Int32Array.from(parents[i].genome), rng)
    );
    const offspring = await log.evaluateAll(g, children);
    const all: EvaluationRecord[] = [...parents, ...offspring]; // offspring last: they win exact ties
    const next = survive(objectiveMatrix(all), config.population, {
      violations: all.map((r) => r.violation),
    });
    const population: EvaluationRecord[] = next.indices.map((i) => all[i]);
    // One archive for the hypervolume and the models kept: the log holds nothing past this
    // generation (the next starts after this checkpoint) unless it was edited by hand.
    const archive = archiveFront(known.values());
    const newest = [...known.values()].every((r) => r.generation <= g) ? archive : archiveUpTo(g);
    checkpoint = {
      completed: g,
      population: population.map((r) => r.id),
      hypervolume: [...checkpoint.hypervolume.slice(0, g), feasibleHypervolume(population, bounds)],
      archiveHypervolume: archiveHypervolumes(g, newest, checkpoint.archiveHypervolume),
      updated: new Date().toISOString(),
    };
    await dir.writeCheckpoint(checkpoint);
    // Models of the parents and of the archive are kept: the final retraining picks from
    // the archive, and each of its members can be exported as trained during the search.
    const keep = [...population, ...archive];
    await dir.pruneSearchModels(keep.map((r) => r.model).filter((m) => m !== undefined));
    events.onGeneration?.(g, checkpoint.hypervolume[g], population);
  }
  return {
    population: checkpoint.population.map((id) => known.get(id)!),
    archive: archiveFront(known.values()),
    checkpoint,
  };
}
