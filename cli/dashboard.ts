/**
 * Serves a live dashboard of a search run directory on localhost: the Pareto front, the
 * hypervolume by generation and the evaluation log, updated while the search runs.
 *
 * @example
 * ```sh
 * deno task dashboard runs/default-1 [--port 8787] [--host 127.0.0.1]
 * # = deno run --allow-read --allow-net=127.0.0.1 cli/dashboard.ts runs/default-1
 * ```
 */
import { helpText, intFlag, parseCommand, runMain, UsageError } from "../src/cli/args.ts";
import { startDashboard } from "../src/dashboard/server.ts";
import { closeOnInterrupt, listenError } from "../src/cli/serve.ts";

const USAGE = `Usage: deno task dashboard RUN [options]

Example: deno task dashboard runs/evolve-default-s1 --port 8787`;
const FLAGS = {
  port: {
    type: "string",
    value: "PORT",
    default: "8787",
    help: "port to listen on; 0 picks a free one",
  },
  host: {
    type: "string",
    value: "HOST",
    default: "127.0.0.1",
    help: "address to listen on (the task allows 127.0.0.1 only)",
  },
} as const;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  if (positionals.length !== 1) {
    throw new UsageError(
      `expected one run directory, found ${positionals.length}\n\n${helpText(USAGE, FLAGS)}`,
    );
  }
  const port = intFlag("port", values.port, 0);
  if (port > 65535) throw new UsageError(`--port expects a port number <= 65535, found ${port}`);
  let running;
  try {
    running = await startDashboard({ run: positionals[0], port, hostname: String(values.host) });
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new Error(
        `${(e as Error).message}\n(listening on ${values.host} needs --allow-net=${values.host})`,
      );
    }
    throw listenError(e, port);
  }
  const s = running.state.summary();
  console.log(
    `Dashboard of ${positionals[0]} (${s.evaluations} evaluations, ${s.phase}): ${running.url}`,
  );
  closeOnInterrupt(() => running.close());
}

await runMain(() => main(Deno.args));
