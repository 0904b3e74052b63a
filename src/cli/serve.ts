/**
 * What the commands that serve a local page (dashboard, demo) share: the error for a port
 * already taken, and stopping cleanly on Ctrl+C.
 */

/** `e` as the error to show: a port in use says what to do about it; others pass through. */
export function listenError(e: unknown, port: number): unknown {
  return e instanceof Deno.errors.AddrInUse
    ? new Error(`port ${port} is in use: pick another with --port, or --port 0`)
    : e;
}

/** Closes the server and exits on the first Ctrl+C, and says so. */
export function closeOnInterrupt(close: () => Promise<void>): void {
  console.log("Ctrl+C stops it.");
  const stop = () => {
    Deno.removeSignalListener("SIGINT", stop);
    void close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
}
