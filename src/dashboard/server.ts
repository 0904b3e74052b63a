/**
 * Serves the dashboard of a run directory on a local address. Needs only read access (the
 * run directory and this module's page files) and the network permission for the address.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ run: "runs/default-1", port: 0 });
 * console.log(dashboard.url); // http://127.0.0.1:PORT/
 * await dashboard.close();
 * ```
 */
import { createDashboard, type Dashboard } from "./handler.ts";
import { RunState } from "./run_state.ts";
import { localOnly } from "../util/local_http.ts";

export interface StartOptions {
  /** The run directory. */
  run: string;
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  pollMs?: number;
}

export interface RunningDashboard {
  url: string;
  port: number;
  state: RunState;
  dashboard: Dashboard;
  /** Ends the event streams, then stops the server and waits for it. */
  close(): Promise<void>;
}

/** Reads the run directory (throwing a RunDirError naming a bad file), then serves it. */
export async function startDashboard(options: StartOptions): Promise<RunningDashboard> {
  const state = await RunState.open(options.run);
  const dashboard = createDashboard(state, { pollMs: options.pollMs });
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Deno.serve({
    hostname,
    port: options.port ?? 8787,
    onListen: () => {},
    onError: (e) =>
      new Response(JSON.stringify({ error: (e as Error).message }), {
        status: 500,
        headers: { "content-type": "application/json; charset=utf-8" },
      }),
  }, localOnly(dashboard.handler));
  const addr = server.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${host}:${addr.port}/`,
    port: addr.port,
    state,
    dashboard,
    async close() {
      dashboard.close();
      await server.shutdown();
    },
  };
}
