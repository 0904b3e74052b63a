/**
 * Data-parallel 8-bit inference over Deno workers, one QuantizedNetwork each (default: one
 * per core). The wasm module is compiled once; images live in shared memory.
 */
import { compileEngine } from "../engine/wasm.ts";
import { shareBytes, split } from "../train/replica_pool.ts";
import type { MultiplierAssignment } from "./assignment.ts";
import { withDecompositions } from "./multipliers.ts";
import type { QPlan } from "./plan.ts";
import type { LayerRun, QuantizedNetworkOptions } from "./qnetwork.ts";

class WorkerHandle {
  #worker = new Worker(new URL("./qworker.ts", import.meta.url), { type: "module" });
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 0;

  constructor() {
    this.#worker.onmessage = (e: MessageEvent) => {
      const { id, result, error } = e.data;
      const p = this.#pending.get(id)!;
      this.#pending.delete(id);
      if (error) p.reject(new Error(`8-bit inference worker failed: ${error}`));
      else p.resolve(result);
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      for (const p of this.#pending.values()) p.reject(new Error(`worker died: ${e.message}`));
      this.#pending.clear();
    };
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ id, cmd, ...args });
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

export class QuantizedPool {
  private constructor(
    readonly workers: WorkerHandle[],
    /** How each conv/dense layer runs (the same in every worker). */
    readonly layers: LayerRun[],
    /** Linear memory of one worker's engine. */
    readonly memoryBytes: number,
  ) {}

  /**
   * Starts `workers` workers, each with the plan's network sized for `options.batch` images
   * per forward pass, over `images` (CIFAR-10 layout, 3072 bytes each).
   */
  static async create(opts: {
    plan: QPlan;
    assignment: MultiplierAssignment;
    images: Uint8Array;
    workers: number;
    options: QuantizedNetworkOptions;
    module?: WebAssembly.Module;
  }): Promise<QuantizedPool> {
    const module = opts.module ?? await compileEngine();
    withDecompositions(opts.assignment.library); // found once, not per worker
    const images = shareBytes(opts.images);
    const workers = Array.from({ length: opts.workers }, () => new WorkerHandle());
    try {
      const infos = await Promise.all(
        workers.map((w) =>
          w.call<{ layers: LayerRun[]; memoryBytes: number }>("init", {
            module,
            plan: opts.plan,
            assignment: opts.assignment,
            options: opts.options,
            images,
          })
        ),
      );
      return new QuantizedPool(workers, infos[0].layers, infos[0].memoryBytes);
    } catch (e) {
      workers.forEach((w) => w.terminate());
      throw e;
    }
  }

  /** Predicted class of images [start, start + count), split across the workers. */
  async predict(count: number, start = 0): Promise<Uint8Array> {
    const shares = split(count, this.workers.length);
    const parts = await Promise.all(
      this.workers.map((w, i) =>
        shares[i][1] === 0
          ? Promise.resolve(new Uint8Array(0))
          : w.call<Uint8Array>("predict", { start: start + shares[i][0], count: shares[i][1] })
      ),
    );
    const out = new Uint8Array(count);
    parts.forEach((p, i) => out.set(p, shares[i][0]));
    return out;
  }

  close(): void {
    this.workers.forEach((w) => w.terminate());
  }
}
