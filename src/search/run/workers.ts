/**
 * How many evaluation workers the machine can hold. Each worker is a thread with its own
 * engine and training memory (the data is shared), so more of them than cores buys nothing
 * and only memory: a thousand took 49 s to start and never let the process exit.
 */
import { UsageError } from "../../cli/args.ts";

/** Workers per core at most: a little oversubscription is harmless, more is only waste. */
export const WORKERS_PER_CORE = 2;
/** Memory one busy worker may need: its engine, its thread and a candidate's training. */
export const WORKER_BYTES = 256 * 2 ** 20;

/** The most workers this machine can hold, and why (cores, and memory when it may be read). */
export function workerLimit(): { limit: number; why: string } {
  const cores = navigator.hardwareConcurrency || 1;
  const byCores = WORKERS_PER_CORE * cores;
  let why = `${WORKERS_PER_CORE} per core on ${cores} core(s)`;
  let limit = byCores;
  const granted = Deno.permissions.querySync({ name: "sys", kind: "systemMemoryInfo" });
  if (granted.state === "granted") {
    const available = Deno.systemMemoryInfo().available;
    const byMemory = Math.max(1, Math.floor(available / WORKER_BYTES));
    why += `; ${(available / 2 ** 30).toFixed(1)} GiB of memory available, ` +
      `${WORKER_BYTES / 2 ** 20} MiB a worker: ${byMemory}`;
    limit = Math.min(limit, byMemory);
  }
  return { limit, why };
}

/** Throws a UsageError when `workers` is more than the machine can hold, saying its bound. */
export function checkWorkers(workers: number, from: string): void {
  const { limit, why } = workerLimit();
  if (workers > limit) {
    throw new UsageError(
      `${from} ${workers}: this machine can hold at most ${limit} worker(s) (${why}); ` +
        `give --workers ${limit} or fewer (the results do not depend on it)`,
    );
  }
}
