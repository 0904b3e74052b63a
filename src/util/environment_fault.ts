/**
 * Faults of the machine rather than of the work: no space left, an I/O error, a read-only
 * file system, a permission refused. A search must never record one as a candidate's result
 * (the candidate would be ranked last for good and never retried): it stops, and a resume
 * on a sound machine does the work again.
 */

/** System error codes of such faults (Deno's errors carry them as `code`). */
const CODES = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EACCES", "EPERM"]);

export function isEnvironmentFault(e: unknown): boolean {
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return true;
  }
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && CODES.has(code);
}

/** The error a run stops with: the fault, and that nothing of it was recorded. */
export class EnvironmentFaultError extends Error {
  constructor(readonly fault: Error, what: string) {
    super(
      `${fault.message} (while ${what}). Nothing of it was recorded: once the machine is ` +
        `sound again (space, permissions, the disk), resuming does it again`,
    );
  }
}

/** `e` as the error to stop with: an environment fault says so, others pass as they are. */
export function faultWhile(e: unknown, what: string): unknown {
  return isEnvironmentFault(e) && !(e instanceof EnvironmentFaultError)
    ? new EnvironmentFaultError(e as Error, what)
    : e;
}
