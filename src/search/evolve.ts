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
import { Rng } from "../util/rng.ts";
import { deriveSeed } from "../train/recipe.ts";
import type { Graph } from "../graph/graph.ts";
import { type CgpConfig, cgpConfig } from "./cgp/config.ts";
import { functionSet } from "./cgp/functions.ts";
import { type Genome, genomeError } from "./cgp/genome.ts";
import { decodeGenome } from "./cgp/decode.ts";
import { phenotypeKey } from "./cgp/phenotype.ts";
import { genomeCost } from "./cgp/cost.ts";
import { randomGenome } from "./cgp/random_genome.ts";
import { mutate } from "./cgp/mutate.ts";
import { rankAndCrowding, survive } from "./nsga2/survival.ts";
import { binaryTournament } from "./nsga2/tournament.ts";
import { paretoFrontIndices } from "./nsga2/non_dominated_sort.ts";
import { normalizedHypervolume } from "./nsga2/normalize.ts";
import type { EvolveConfig } from "./evolve_config.ts";
import { type Checkpoint, type EvaluationRecord, recordId } from "./evolve_record.ts";
import type { RunDir } from "./evolve_run_dir.ts";
import { archiveFront } from "./evolve_front.ts";
import { shrinkToFit } from "./evolve_shrink.ts";

/** A multiplier as the search sees it: its name and its energy per multiplication. */
export interface LibraryEntry {
  name: string;
  energyPj: number;
}

export interface CandidateTask {
  id: string;
  graph: Graph;
  /** Multiplier name by conv/dense node id. */
  multipliers: Record<string, string>;
  seed: number;
  candidate: EvolveConfig["candidate"];
}

export interface CandidateResult {
  validation: { float: number; exact8: number; approx8: number; images: number };
  seconds: { train: number; evaluate: number };
  worker: number;
  /** The trained network as a model file (docs/model-format.md), kept while it is a parent. */
  model?: Uint8Array;
}

/** Trains and measures candidates: workers in a run, a stand-in in tests. */
export interface Evaluator {
  evaluate(task: CandidateTask): Promise<CandidateResult>;
}

export interface EvolveEvents {
  onEvaluation?(rec: EvaluationRecord, done: number, total: number): void;
  onGeneration?(generation: number, hypervolume: number, population: EvaluationRecord[]): void;
}

/** The CGP search space of a run config, with the library size the genes index. */
export function searchSpace(config: EvolveConfig): CgpConfig {
  return cgpConfig({
    rows: config.cgp.rows,
    cols: config.cgp.cols,
    levelsBack: config.cgp.levelsBack,
    functions: functionSet({ filters: config.cgp.filters, kernels: config.cgp.kernels }),
    multiplierGenes: config.cgp.multiplierGenes,
    librarySize: Math.max(1, config.multipliers.length),
  });
}

/** Decoded network, multipliers by node, costs and constraint violation of a genome. */
export function describeGenome(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  genome: Genome,
) {
  const decoded = decodeGenome(space, genome, { name: "candidate" });
  const cost = genomeCost(decoded);
  const byName = new Map(library.map((m) => [m.name, m]));
  const exact = library[0];
  const nameOf = (index: number) => config.multipliers[index] ?? exact.name;
  const multipliers: Record<string, string> = {};
  for (const [node, index] of Object.entries(decoded.multipliers)) {
    multipliers[node] = nameOf(index);
  }
  let energyPj = cost.exactMults * exact.energyPj;
  for (const [index, n] of cost.multsByMultiplier) {
    energyPj += n * byName.get(nameOf(index))!.energyPj;
  }
  const { maxParams, maxMults } = config.constraints;
  const violation = (maxParams ? Math.max(0, cost.params / maxParams - 1) : 0) +
    (maxMults ? Math.max(0, cost.mults / maxMults - 1) : 0);
  return {
    decoded,
    phenotype: phenotypeKey(decoded),
    params: cost.params,
    mults: cost.mults,
    multipliers,
    energyNj: energyPj / 1000,
    violation,
  };
}

/** Fixed normalisation bounds, so that hypervolumes of different generations compare. */
export function hypervolumeBounds(
  config: EvolveConfig,
  library: LibraryEntry[],
): { lower: number[]; upper: number[] } {
  const maxEnergy = Math.max(...library.map((m) => m.energyPj));
  const maxParams = config.constraints.maxParams ?? 1_000_000;
  const maxMults = config.constraints.maxMults ?? 100_000_000;
  return { lower: [0, 0, 0], upper: [1, maxParams, (maxMults * maxEnergy) / 1000] };
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

  const objectives = (rs: EvaluationRecord[]) =>
    rs.map((r) => r.objectives.map((v) => v ?? Infinity));
  const hv = (rs: EvaluationRecord[]) => {
    const ok = rs.filter((r) => r.violation === 0 && Number.isFinite(r.objectives[0]));
    const front = paretoFrontIndices(objectives(ok)).map((i) => ok[i].objectives);
    return front.length
      ? normalizedHypervolume(front, { ...bounds, reference: [1.1, 1.1, 1.1] })
      : 0;
  };

  // The archive's hypervolume after generations 0..upTo: the stored figures, and from the
  // log those a checkpoint lacks (the newest generation, or all of them for a checkpoint
  // written before the archive existed).
  const archiveHypervolumes = (upTo: number, stored: number[] = []) =>
    Array.from(
      { length: upTo + 1 },
      (_, g) =>
        g < upTo && stored[g] !== undefined
          ? stored[g]
          : hv(archiveFront([...known.values()].filter((r) => r.generation <= g))),
    );

  let checkpoint: Checkpoint | null = await dir.readCheckpoint();
  if (!checkpoint) {
    const rng = new Rng(deriveSeed(config.seed, 0, 0x1417));
    const genomes = firstGeneration(space, config, library, rng);
    const first = await evaluateAll(0, genomes);
    checkpoint = {
      completed: 0,
      population: first.map((r) => r.id),
      hypervolume: [hv(first)],
      archiveHypervolume: archiveHypervolumes(0),
      updated: new Date().toISOString(),
    };
    await dir.writeCheckpoint(checkpoint);
    events.onGeneration?.(0, checkpoint.hypervolume[0], first);
  }

  for (let g = checkpoint.completed + 1; g <= config.generations; g++) {
    const parents: EvaluationRecord[] = checkpoint.population.map((id) => known.get(id)!);
    const F = objectives(parents);
    const violations = parents.map((r) => r.violation);
    const rng = new Rng(deriveSeed(config.seed, g, 0x2e7));
    const { rank, crowding } = rankAndCrowding(F, { violations });
    const mates = binaryTournament(rng, rank, crowding, config.offspring);
    const children = mates.map((i) =>
      feasibleChild(space, config, library, Int32Array.from(parents[i].genome), rng)
    );
    const offspring = await evaluateAll(g, children);
    const all: EvaluationRecord[] = [...parents, ...offspring]; // offspring last: they win exact ties
    const next = survive(objectives(all), config.population, {
      violations: all.map((r) => r.violation),
    });
    const population: EvaluationRecord[] = next.indices.map((i) => all[i]);
    checkpoint = {
      completed: g,
      population: population.map((r) => r.id),
      hypervolume: [...checkpoint.hypervolume.slice(0, g), hv(population)],
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

/**
 * The initial population: a warm start's genomes first (one that breaks this run's
 * constraints is replaced by its largest feasible mutant, so that what it found is not
 * lost), then random genomes up to the population size.
 */
function firstGeneration(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  rng: Rng,
): Genome[] {
  const seeds = (config.initial?.genomes ?? []).slice(0, config.population).map((g, i) => {
    const genome = Int32Array.from(g);
    const bad = genomeError(space, genome);
    if (bad) {
      throw new Error(
        `config.json: initial.genomes[${i}] (${config.initial!.ids[i]} of ` +
          `${config.initial!.from}) does not fit this search space: ${bad}`,
      );
    }
    return describeGenome(space, config, library, genome).violation > 0
      ? repairSeed(space, config, library, genome, rng)
      : genome;
  });
  while (seeds.length < config.population) seeds.push(feasibleRandom(space, config, library, rng));
  return seeds;
}

/** Mutants a warm-start parent over the constraints is repaired from. */
export const REPAIR_TRIES = 200;

/**
 * A warm-start parent that breaks the constraints is shrunk until it fits, keeping its graph
 * (evolve_shrink.ts). When shrinking cannot make it fit, it is replaced by the largest (in
 * parameters) of REPAIR_TRIES mutants that meet them: the one that keeps the most of its
 * capacity, where any feasible mutant would often be a much smaller network.
 */
export function repairSeed(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  parent: Genome,
  rng: Rng,
): Genome {
  const shrunk = shrinkToFit(space, (g) => describeGenome(space, config, library, g), parent);
  if (shrunk) return shrunk;
  let best: Genome | undefined, bestParams = -1;
  for (let t = 0; t < REPAIR_TRIES; t++) {
    const child = mutate(space, parent, rng, { rate: config.mutationRate }).genome;
    const d = describeGenome(space, config, library, child);
    if (d.violation === 0 && d.params > bestParams) [best, bestParams] = [child, d.params];
  }
  return best ?? feasibleChild(space, config, library, parent, rng);
}

/** Genomes from `make` until one meets the constraints (at most 1 + `retries`, then the last). */
function untilFeasible(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  make: () => Genome,
  retries: number,
): Genome {
  let g = make();
  for (let t = 0; t < retries && describeGenome(space, config, library, g).violation > 0; t++) {
    g = make();
  }
  return g;
}

/** Random genomes until one meets the constraints (at most 500 retries, then the last one). */
function feasibleRandom(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  rng: Rng,
): Genome {
  return untilFeasible(space, config, library, () => randomGenome(space, rng), 500);
}

/** A mutant of `parent` that meets the constraints (at most 100 retries, then the last one). */
function feasibleChild(
  space: CgpConfig,
  config: EvolveConfig,
  library: LibraryEntry[],
  parent: Genome,
  rng: Rng,
): Genome {
  const make = () => mutate(space, parent, rng, { rate: config.mutationRate }).genome;
  return untilFeasible(space, config, library, make, 100);
}

/** FNV-1a of a string, for per-phenotype seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
