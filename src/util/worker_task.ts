/**
 * The worker side of WorkerPool: `serveTasks(async (task, init) => result)`. A thrown error
 * becomes that task's error (with its stack); the worker keeps serving.
 */
/// <reference lib="deno.worker" />

export function serveTasks<I, O, S = unknown>(
  handler: (task: I, init: S) => O | Promise<O>,
): void {
  let init: S;
  // Tasks run one at a time, in arrival order.
  let chain: Promise<void> = Promise.resolve();
  self.onmessage = (e: MessageEvent) => {
    if (e.data.kind === "init") {
      init = e.data.init as S;
      return;
    }
    chain = chain.then(async () => {
      try {
        self.postMessage({ kind: "result", result: await handler(e.data.task as I, init) });
      } catch (err) {
        self.postMessage({ kind: "error", error: (err as Error).stack ?? String(err) });
      }
    });
  };
}
