/**
 * The dashboard's HTTP routes, as a plain fetch handler (so tests can call it without a
 * socket):
 *   GET /                      the page (and its assets: /app.js, /style.css, ...)
 *   GET /api/run               config + checkpoint + summary (RunSummary)
 *   GET /api/evaluations?since=N   {from, total, records}: the records after the N-th
 *   GET /api/final             {records}: the retrained networks (final.jsonl)
 *   GET /api/events?since=N    Server-Sent Events: `evaluations` {from, total, records}
 *                              (id = records sent so far, so a reconnecting page resumes
 *                              from its Last-Event-ID), `run` (RunSummary), `final`
 *                              {records}, `reset` {} (the log was replaced: forget every
 *                              record; the new ones follow from 0)
 *   GET /files/<path>          a report file of the run directory (nothing outside it)
 * While a page listens to /api/events, the run directory is read every `pollMs`.
 */
import { contentTypeOf, resolveRunFile } from "./run_files.ts";
import type { RunChanges, RunState } from "./run_state.ts";
import { sseComment, sseFrame, sseMessage, sseRetry } from "./sse.ts";
import { staticAsset } from "./static_assets.ts";

export interface DashboardOptions {
  /** How often the run directory is read while a page listens (ms). */
  pollMs?: number;
  /** How often an idle event stream gets a comment, to keep it open (ms). */
  keepAliveMs?: number;
}

export interface Dashboard {
  handler(request: Request): Promise<Response>;
  /** Pages listening to /api/events. */
  readonly listeners: number;
  /** Ends every event stream and stops reading the run directory. */
  close(): void;
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function problem(status: number, message: string): Response {
  return json({ error: message }, status);
}

/** A non-negative integer query value, or an error message naming it. */
function sinceOf(value: string | null): number | string {
  if (value === null || value === "") return 0;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0
    ? n
    : `'since' must be a record count (an integer >= 0), found '${value}'`;
}

export function createDashboard(run: RunState, options: DashboardOptions = {}): Dashboard {
  const pollMs = options.pollMs ?? 1000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const streams = new Set<(changes: RunChanges | null) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let polling = false;

  const evaluationsBody = (since: number) =>
    `{"from":${since},"total":${run.evaluations.length},"records":[${run.evaluationsJson(since)}]}`;

  const tick = async () => {
    if (polling) return;
    polling = true;
    try {
      const changes = await run.refresh();
      for (const send of streams) send(changes);
    } finally {
      polling = false;
    }
  };
  const startPolling = () => {
    timer ??= setInterval(() => void tick(), pollMs);
  };
  const stopPollingIfIdle = () => {
    if (streams.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  function events(request: Request, since: number): Response {
    // A reconnecting EventSource says what it has; a new one says it in the URL.
    const header = request.headers.get("last-event-id");
    const lastId = header === null || header === "" ? NaN : Number(header);
    let sent = Number.isInteger(lastId) && lastId >= 0 ? lastId : since;
    const encoder = new TextEncoder();
    let send: (changes: RunChanges | null) => void;
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const write = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            // the page went away; cancel() unsubscribes
          }
        };
        const sendEvaluations = () => {
          if (sent >= run.evaluations.length) return;
          const body = evaluationsBody(sent);
          sent = run.evaluations.length;
          write(sseFrame("evaluations", body, sent));
        };
        send = (changes) => {
          if (changes === null) {
            clearInterval(keepAlive);
            controller.close();
            return;
          }
          if (changes.reset) {
            sent = 0;
            write(sseMessage({ event: "reset", data: {} }));
          }
          if (changes.evaluations) sendEvaluations();
          if (changes.run) write(sseMessage({ event: "run", data: run.summary() }));
          if (changes.final) write(sseMessage({ event: "final", data: { records: run.finals } }));
        };
        write(sseRetry(2000));
        if (sent > run.evaluations.length) {
          // The page holds more than the log now has: the log was replaced meanwhile.
          sent = 0;
          write(sseMessage({ event: "reset", data: {} }));
        }
        // What the page may have missed between its first requests and this stream.
        sendEvaluations();
        write(sseMessage({ event: "run", data: run.summary() }));
        write(sseMessage({ event: "final", data: { records: run.finals } }));
        streams.add(send);
        keepAlive = setInterval(() => write(sseComment("still here")), keepAliveMs);
        startPolling();
      },
      cancel() {
        streams.delete(send);
        clearInterval(keepAlive);
        stopPollingIfIdle();
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return problem(405, `${request.method} is not served: the dashboard only reads`);
    }
    const path = url.pathname;
    if (path.startsWith("/api/")) {
      const since = sinceOf(url.searchParams.get("since"));
      if (typeof since === "string") return problem(400, since);
      if (path === "/api/events") {
        await run.refresh();
        return events(request, since);
      }
      await run.refresh();
      switch (path) {
        case "/api/run":
          return json(run.summary());
        case "/api/evaluations":
          return new Response(evaluationsBody(since), { headers: JSON_HEADERS });
        case "/api/final":
          return json({ records: run.finals });
      }
      return problem(404, `no API route '${path}'`);
    }
    if (path.startsWith("/files/")) {
      let rel: string;
      try {
        rel = decodeURIComponent(path.slice("/files/".length));
      } catch {
        return problem(400, `malformed path '${path}'`);
      }
      const file = await resolveRunFile(run.path, rel);
      if (!file) return problem(404, `'${rel}' is not a file of the run directory`);
      return new Response(await Deno.readFile(file), {
        headers: { "content-type": contentTypeOf(file), "cache-control": "no-store" },
      });
    }
    const asset = await staticAsset(path);
    if (asset) return new Response(asset.body, { headers: { "content-type": asset.type } });
    return problem(404, `nothing at '${path}'`);
  }

  return {
    handler,
    get listeners() {
      return streams.size;
    },
    close() {
      for (const send of [...streams]) {
        streams.delete(send);
        send(null);
      }
      stopPollingIfIdle();
    },
  };
}
