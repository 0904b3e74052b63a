/**
 * A run's evaluations: those its log holds already, and new ones, each appended to the log
 * as it ends. A candidate over the constraints is never trained; one whose phenotype was
 * trained before reuses those figures (a twin); the others go to the evaluator, all of a
 * generation at once.
 */
import { hashString } from "../../util/hash.ts";
import { deriveSeed } from "../../train/recipe.ts";
import type { EvolveConfig } from "../run/config.ts";
import { type EvaluationRecord, recordId } from "../run/record.ts";
import type { RunDir } from "../run/run_dir.ts";
import type { Evaluator } from "../evaluate/task.ts";
import { candidateRecipe } from "../evaluate/recipe.ts";
import { faultWhile, isEnvironmentFault } from "../../util/environment_fault.ts";
import type { Candidate } from "./space.ts";

export class Evaluations {
  /** Every record by id, the log's first. */
  readonly known: Map<string, EvaluationRecord>;
  /** The first trained record of each phenotype. */
  #byPhenotype = new Map<string, EvaluationRecord>();
  /** After a failure to write, the run is over: a job still in flight must not write behind
   * the back of the resume that will follow. */
  #aborted?: Error;

  private constructor(
    readonly dir: RunDir,
    readonly config: EvolveConfig,
    readonly evaluator: Evaluator,
    logged: EvaluationRecord[],
    readonly onEvaluation?: (rec: EvaluationRecord, done: number, total: number) => void,
  ) {
    this.known = new Map(logged.map((r) => [r.id, r]));
    for (const r of this.known.values()) {
      if (!r.error && !r.reusedFrom && r.validation) this.#byPhenotype.set(r.phenotype, r);
    }
  }

  /** The evaluations `dir`'s log holds, ready to add the run's next ones. */
  static async open(
    dir: RunDir,
    config: EvolveConfig,
    evaluator: Evaluator,
    onEvaluation?: (rec: EvaluationRecord, done: number, total: number) => void,
  ): Promise<Evaluations> {
    return new Evaluations(dir, config, evaluator, await dir.readEvaluations(), onEvaluation);
  }

  /** Evaluations the run will have made when it is done. */
  get total(): number {
    return this.config.population + this.config.offspring * this.config.generations;
  }

  /** Records of one generation's candidates, in index order whatever order they end in. */
  evaluateAll(generation: number, candidates: Candidate[]): Promise<EvaluationRecord[]> {
    return Promise.all(candidates.map((c, index) => this.#evaluateOne(generation, index, c)));
  }

  async #evaluateOne(generation: number, index: number, c: Candidate): Promise<EvaluationRecord> {
    const id = recordId(generation, index);
    const have = this.known.get(id);
    if (have) return have;
    let rec: EvaluationRecord;
    try {
      rec = await this.#measure(id, generation, index, c);
      if (this.#aborted) throw this.#aborted;
      await this.dir.appendEvaluation(rec).catch((e) => {
        throw faultWhile(e, `logging ${id}`);
      });
    } catch (e) {
      this.#aborted ??= e as Error;
      throw e;
    }
    this.known.set(id, rec);
    this.onEvaluation?.(rec, this.known.size, this.total);
    return rec;
  }

  async #measure(
    id: string,
    generation: number,
    index: number,
    { genome, described: d }: Candidate,
  ): Promise<EvaluationRecord> {
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
    if (d.violation > 0) return { ...base, objectives: [1, d.params, d.energyNj] };
    const twin = this.#byPhenotype.get(d.phenotype);
    if (twin) {
      return {
        ...base,
        objectives: twin.objectives,
        validation: twin.validation,
        reusedFrom: twin.id,
        // The twin's file may have been pruned when it left the population.
        ...(twin.model && await this.dir.hasFile(twin.model) ? { model: twin.model } : {}),
      };
    }
    let r;
    try {
      r = await this.evaluator.evaluate({
        id,
        graph: d.decoded.graph,
        multipliers: d.multipliers,
        recipe: candidateRecipe(this.config, deriveSeed(this.config.seed, hashString(d.phenotype))),
      });
    } catch (e) {
      // The machine's fault is not the candidate's: the run stops and a resume retries it.
      if (isEnvironmentFault(e)) throw faultWhile(e, `evaluating ${id}`);
      return { ...base, objectives: [Infinity, Infinity, Infinity], error: (e as Error).message };
    }
    const rec: EvaluationRecord = {
      ...base,
      objectives: [1 - r.validation.approx8, d.params, d.energyNj],
      validation: r.validation,
      seconds: r.seconds,
      worker: r.worker,
    };
    // Written before the log line, so a logged evaluation's model file exists.
    if (r.model) {
      rec.model = await this.dir.writeSearchModel(id, r.model).catch((e) => {
        throw faultWhile(e, `writing the model file of ${id}`);
      });
    }
    this.#byPhenotype.set(d.phenotype, rec);
    return rec;
  }
}
