/**
 * The worker side of WorkerPool: `serveTasks(async (task, init, slot) => result)`, where
 * `slot` numbers the pool's workers in start order (replacements get new numbers). A thrown
 * error becomes that task's error (with its stack, and its system error code such as ENOSPC,
 * so the caller can tell a machine's fault from the task's); the worker keeps serving.
 */
/// <reference lib="deno.worker" />

export function serveTasks<I, O, S = unknown>(
  handler: (task: I, init: S, slot: number) => O | Promise<O>,
): void {
  let init: S;
  let slot = 0;
  // Tasks run one at a time, in arrival order.
  let chain: Promise<void> = Promise.resolve();
  self.onmessage = (e: MessageEvent) => {
    if (e.data.kind === "init") {
      init = e.data.init as S;
      slot = e.data.slot as number;
      return;
    }
    chain = chain.then(async () => {
      try {
        self.postMessage({ kind: "result", result: await handler(e.data.task as I, init, slot) });
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        self.postMessage({
          kind: "error",
          error: (err as Error).stack ?? String(err),
          ...(typeof code === "string" ? { code } : {}),
        });
      }
    });
  };
}
