/**
 * A stand-in for the search's workers in the fault tests: figures that are a pure function
 * of the task, real model files (the network's layout, weights drawn from its id), a few
 * tens of milliseconds per task so that kills land anywhere, and at most `slots` tasks at
 * once, as a pool of workers would run them.
 */
import { encodeModel } from "../../src/model/model_file.ts";
import { paramLayout } from "../../src/model/layout.ts";
import { graphCost } from "../../src/graph/count.ts";
import type { Graph } from "../../src/graph/graph.ts";
import { hashString } from "../../src/util/hash.ts";
import { Rng } from "../../src/util/rng.ts";
import type {
  CandidateResult,
  CandidateTask,
  Evaluator,
  FinalResult,
  FinalTask,
  FinalTrainer,
} from "../../src/search/evaluate/task.ts";

function modelBytes(graph: Graph, id: string): Uint8Array {
  const layout = paramLayout(graph);
  const rng = new Rng(hashString(id));
  return encodeModel({
    graph,
    params: Float32Array.from({ length: layout.paramCount }, () => rng.normal()),
    state: Float32Array.from({ length: layout.stateCount }, () => rng.next()),
    meta: { standIn: id },
  });
}

export class StandInPool implements Evaluator, FinalTrainer {
  #running = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly slots: number, readonly delayMs: number) {}

  async #slot<T>(key: string, work: () => T): Promise<T> {
    while (this.#running >= this.slots) await new Promise<void>((r) => this.#waiting.push(r));
    this.#running++;
    try {
      await new Promise((r) => setTimeout(r, this.delayMs * (0.5 + (hashString(key) % 100) / 100)));
      return work();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }

  evaluate(task: CandidateTask): Promise<CandidateResult> {
    return this.#slot(task.id, () => {
      const h = hashString(JSON.stringify(task.graph));
      const cheap = Object.values(task.multipliers).filter((m) => m !== "mul8u_exact").length;
      const approx8 = Math.min(0.9, 0.3 + graphCost(task.graph).params / 40_000 + (h % 97) / 500) -
        0.03 * Math.min(cheap, 1);
      return {
        validation: { float: approx8, exact8: approx8, approx8, images: 64 },
        seconds: { train: 0.1, evaluate: 0.01 },
        worker: 0,
        model: modelBytes(task.graph, task.id),
      };
    });
  }

  retrain(task: FinalTask): Promise<FinalResult> {
    return this.#slot(`final ${task.id}`, () => {
      const approx8 = 0.5 + (hashString(task.id) % 300) / 1000;
      return {
        test: { float: approx8 + 0.01, exact8: approx8 + 0.005, approx8, images: 120 },
        model: modelBytes(task.graph, `final ${task.id}`),
        seconds: 1,
      };
    });
  }

  close(): void {}
}
