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
import { hashString } from "../../util/hash.ts";
import { deriveSeed } from "../../train/recipe.ts";
import type { Genome } from "../cgp/genome.ts";
import { rankAndCrowding, survive } from "../nsga2/survival.ts";
import { binaryTournament } from "../nsga2/tournament.ts";
import type { EvolveConfig } from "../run/config.ts";
import type { LibraryEntry } from "../run/library.ts";
import { type Checkpoint, type EvaluationRecord, recordId } from "../run/record.ts";
import type { RunDir } from "../run/run_dir.ts";
import type { Evaluator } from "../evaluate/task.ts";
import { archiveFront } from "./front.ts";
import { describeGenome, searchSpace } from "./space.ts";
import { feasibleHypervolume, hypervolumeBounds, objectiveMatrix } from "./hypervolume.ts";
import { firstGeneration } from "./first_generation.ts";
import { feasibleChild } from "./feasible.ts";

export interface EvolveEvents {
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
  const known = new Map((await dir.readEvaluations()).map((r) => [r.id, r]));
  const byPhenotype = new Map<string, EvaluationRecord>();
  for (const r of known.values()) {
    if (!r.error && !r.reusedFrom && r.validation) byPhenotype.set(r.phenotype, r);
  }
  const bounds = hypervolumeBounds(config, library);
  const total = config.population + config.offspring * config.generations;
  let done = known.size;

  let aborted: Error | undefined;
  const evaluateAll = async (
    generation: number,
    genomes: Genome[],
  ): Promise<EvaluationRecord[]> => {
    const jobs = genomes.map(async (genome, index): Promise<EvaluationRecord> => {
      const id = recordId(generation, index);
      const have = known.get(id);
      if (have) return have;
      const d = describeGenome(space, config, library, genome);
      const base = {
        id,
        generation,
        index,
        genome: Array.from(genome),
        phenotype: d.phenotype,
        summary: d.decoded.summary,
        params: d.params,
        mults: d.mults,
        multipliers: d.multipliers,
        energyNj: d.energyNj,
        violation: d.violation,
      };
      let rec: EvaluationRecord;
      const twin = byPhenotype.get(d.phenotype);
      if (d.violation > 0) {
        rec = { ...base, objectives: [1, d.params, d.energyNj] };
      } else if (twin) {
        rec = {
          ...base,
          objectives: twin.objectives,
          validation: twin.validation,
          reusedFrom: twin.id,
          // The twin's file may have been pruned when it left the population.
          ...(twin.model && await dir.hasFile(twin.model) ? { model: twin.model } : {}),
        };
      } else {
        try {
          const r = await evaluator.evaluate({
            id,
            graph: d.decoded.graph,
            multipliers: d.multipliers,
            seed: deriveSeed(config.seed, hashString(d.phenotype)),
            candidate: config.candidate,
          });
          rec = {
            ...base,
            objectives: [1 - r.validation.approx8, d.params, d.energyNj],
            validation: r.validation,
            seconds: r.seconds,
            worker: r.worker,
          };
          // Written before the log line, so a logged evaluation's model file exists.
          if (r.model) rec.model = await dir.writeSearchModel(id, r.model);
          byPhenotype.set(d.phenotype, rec);
        } catch (e) {
          rec = {
            ...base,
            objectives: [Infinity, Infinity, Infinity],
            error: (e as Error).message,
          };
        }
      }
      // After a failure to write, the run is over: a job still in flight must not write
      // behind the back of the resume that will follow.
      if (aborted) throw aborted;
      try {
        await dir.appendEvaluation(rec);
      } catch (e) {
        aborted ??= e as Error;
        throw e;
      }
      known.set(id, rec);
      events.onEvaluation?.(rec, ++done, total);
      return rec;
    });
    return await Promise.all(jobs); // in index order, whatever order they finish in
  };

  // The archive's hypervolume after generations 0..upTo: the stored figures, and from the
  // log those a checkpoint lacks (the newest generation, or all of them for a checkpoint
  // written before the archive existed).
  const archiveHypervolumes = (upTo: number, stored: number[] = []) =>
    Array.from(
      { length: upTo + 1 },
      (_, g) =>
        g < upTo && stored[g] !== undefined ? stored[g] : feasibleHypervolume(
          archiveFront([...known.values()].filter((r) => r.generation <= g)),
          bounds,
        ),
    );

  let checkpoint: Checkpoint | null = await dir.readCheckpoint();
  if (!checkpoint) {
    const rng = new Rng(deriveSeed(config.seed, 0, 0x1417));
    const genomes = firstGeneration(space, config, library, rng);
    const first = await evaluateAll(0, genomes);
    checkpoint = {
      completed: 0,
      population: first.map((r) => r.id),
      hypervolume: [feasibleHypervolume(first, bounds)],
      archiveHypervolume: archiveHypervolumes(0),
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
    const offspring = await evaluateAll(g, children);
    const all: EvaluationRecord[] = [...parents, ...offspring]; // offspring last: they win exact ties
    const next = survive(objectiveMatrix(all), config.population, {
      violations: all.map((r) => r.violation),
    });
    const population: EvaluationRecord[] = next.indices.map((i) => all[i]);
    checkpoint = {
      completed: g,
      population: population.map((r) => r.id),
      hypervolume: [...checkpoint.hypervolume.slice(0, g), feasibleHypervolume(population, bounds)],
      archiveHypervolume: archiveHypervolumes(g, checkpoint.archiveHypervolume),
      updated: new Date().toISOString(),
    };
    await dir.writeCheckpoint(checkpoint);
    // Models of the parents and of the archive are kept: the final retraining picks from
    // the archive, and each of its members can be exported as trained during the search.
    const keep = [...population, ...archiveFront(known.values())];
    await dir.pruneSearchModels(keep.map((r) => r.model).filter((m) => m !== undefined));
    events.onGeneration?.(g, checkpoint.hypervolume[g], population);
  }
  return {
    population: checkpoint.population.map((id) => known.get(id)!),
    archive: archiveFront(known.values()),
    checkpoint,
  };
}
