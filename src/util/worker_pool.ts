/**
 * A pool of Deno workers that run independent tasks: tasks queue up and go to whichever
 * worker is free. A task that throws is reported as that task's error; a worker that dies
 * (uncaught error, out of memory, killed) fails only its own task and is replaced.
 *
 * The worker script calls `serveTasks(handler)` (src/util/worker_task.ts).
 */

export interface PoolOptions {
  /** Module URL of the worker script. */
  script: URL;
  size: number;
  /** Sent once to every worker (also to replacements) before its first task, e.g. a
   * compiled WebAssembly.Module. A promise is awaited first (tasks queue meanwhile); if it
   * rejects, every task fails with its error. */
  init?: unknown;
  /** Fail a task (and replace its worker) after this many milliseconds. */
  timeoutMs?: number;
}

interface Job {
  task: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  id: number;
  /** Its init is posted: it may take tasks. */
  ready: boolean;
  job: Job | null;
  timer?: ReturnType<typeof setTimeout>;
}

/** Raised for a task whose worker died or timed out (as opposed to the task throwing). */
export class WorkerDiedError extends Error {}

export class WorkerPool<I, O> {
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #closed = false;
  #nextId = 0;
  #init: Promise<unknown>;
  #initError: Error | null = null;
  /** Workers started so far, replacements included. */
  started = 0;

  constructor(readonly options: PoolOptions) {
    this.#init = Promise.resolve(options.init);
    this.#init.catch((e) => {
      this.#initError = e instanceof Error ? e : new Error(String(e));
      for (const j of this.#queue) j.reject(this.#initError);
      this.#queue = [];
    });
    for (let i = 0; i < options.size; i++) this.#slots.push(this.#spawn());
  }

  /** Runs one task on the next free worker. */
  run(task: I): Promise<O> {
    if (this.#closed) return Promise.reject(new Error("WorkerPool is closed"));
    if (this.#initError) return Promise.reject(this.#initError);
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Workers busy right now. */
  get busy(): number {
    return this.#slots.filter((s) => s.job).length;
  }

  close(): void {
    this.#closed = true;
    for (const s of this.#slots) {
      clearTimeout(s.timer);
      s.worker.terminate();
      s.job?.reject(new Error("WorkerPool closed while the task ran"));
    }
    for (const j of this.#queue) j.reject(new Error("WorkerPool closed before the task ran"));
    this.#slots = [];
    this.#queue = [];
  }

  #spawn(): Slot {
    const worker = new Worker(this.options.script, { type: "module" });
    const slot: Slot = { worker, id: this.#nextId++, ready: false, job: null };
    this.started++;
    this.#init.then((init) => {
      if (this.#closed) return;
      worker.postMessage({ kind: "init", init, slot: slot.id });
      slot.ready = true;
      this.#dispatch();
    }, () => {});
    worker.onmessage = (e: MessageEvent) => {
      const job = slot.job;
      if (!job) return;
      clearTimeout(slot.timer);
      slot.job = null;
      if (e.data.kind === "result") job.resolve(e.data.result);
      else {job.reject(
          Object.assign(new Error(e.data.error), e.data.code ? { code: e.data.code } : {}),
        );}
      this.#dispatch();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#replace(slot, `worker died: ${e.message}`);
    };
    return slot;
  }

  #replace(slot: Slot, why: string): void {
    clearTimeout(slot.timer);
    slot.worker.terminate();
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    const job = slot.job;
    if (!this.#closed) this.#slots[i] = this.#spawn();
    job?.reject(new WorkerDiedError(why));
    this.#dispatch();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.job || this.#queue.length === 0) continue;
      const job = this.#queue.shift()!;
      slot.job = job;
      if (this.options.timeoutMs) {
        slot.timer = setTimeout(
          () => this.#replace(slot, `task timed out after ${this.options.timeoutMs} ms`),
          this.options.timeoutMs,
        );
      }
      slot.worker.postMessage({ kind: "task", task: job.task });
    }
  }
}
