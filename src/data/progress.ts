/** Short human-readable progress lines for long data steps. */

/** Receives one progress line at a time (no trailing newline). */
export type ProgressLog = (line: string) => void;

/** The default log: progress goes to stderr so that stdout stays for results. */
export const stderrLog: ProgressLog = (line) => {
  Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
};

/** A log that drops everything, for tests and quiet callers. */
export const silentLog: ProgressLog = () => {};

/** `12.3 MiB`. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** `1.2 s`, since `startMs` (a `performance.now()` reading). */
export function secondsSince(startMs: number): string {
  return `${((performance.now() - startMs) / 1000).toFixed(1)} s`;
}
