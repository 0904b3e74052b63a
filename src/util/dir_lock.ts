/**
 * One writer per directory: an exclusive OS lock (flock) on DIR/lock, taken without waiting.
 * Taking it is one atomic step, for a new directory as for an old one (no look-then-create),
 * and the OS lets go of it when its process ends however it ends. The file names its holder
 * (pid, host, when the process started, its command), so a second process is told who holds
 * it; a holder that ended without releasing it (killed) left its name behind: once the OS has
 * let go of its lock, its process is gone, and that stale lock is said and taken over.
 * Releasing empties the file but keeps it: removing it could let two processes lock two
 * different files of the same name.
 */
import { basename, join } from "node:path";

export const LOCK_FILE = "lock";

/** Who holds a lock, as its file records. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** When the process started (ISO): with the pid and host, it names one process. */
  started: string;
  command: string;
}

/** The directory is locked by another process, named in the message. */
export class DirLockedError extends Error {}

export interface DirLock {
  /** The holder a stale lock named (its process gone), when one was taken over. */
  stale?: LockHolder;
  /** Empties the lock file and lets go of the lock (also done when the process exits). */
  release(): void;
}

/** This machine's name (never a permission prompt: without --allow-sys=hostname, unknown). */
function hostname(): string {
  const asked = Deno.permissions.querySync({ name: "sys", kind: "hostname" });
  return asked.state === "granted" ? Deno.hostname() : "an unknown host";
}

function describe(h: LockHolder): string {
  return `process ${h.pid} on ${h.hostname} (started ${h.started}: ${h.command})`;
}

function parseHolder(text: string): LockHolder | null {
  if (!text.trim()) return null;
  try {
    const h = JSON.parse(text);
    return typeof h?.pid === "number" ? h : null;
  } catch {
    return null;
  }
}

/**
 * Locks `dir` (created if needed) for this process, or throws a DirLockedError naming the
 * holder. `what` names the directory's kind in messages ("run directory").
 */
export async function lockDirectory(dir: string, what = "directory"): Promise<DirLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  const text = new TextDecoder().decode(await Deno.readFile(path));
  const holder = parseHolder(text);
  if (!(await file.tryLock(true))) {
    file.close();
    throw new DirLockedError(
      `the ${what} '${dir}' is in use by ${
        holder ? describe(holder) : "another process"
      } (its lock: ${path}): wait for it to end, or stop it, then try again`,
    );
  }
  // Locked, yet a holder's name is there: it ended without releasing (killed), and the OS
  // let go of its lock.
  const me: LockHolder = {
    pid: Deno.pid,
    hostname: hostname(),
    started: new Date(Date.now() - performance.now()).toISOString(),
    command: [basename(Deno.mainModule), ...Deno.args].join(" "),
  };
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  await file.write(new TextEncoder().encode(JSON.stringify(me) + "\n"));
  await file.syncData();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    globalThis.removeEventListener("unload", release);
    try {
      file.truncateSync(0);
      file.unlockSync();
      file.close();
    } catch {
      // The process is ending: the OS lets go of the lock anyway.
    }
  };
  globalThis.addEventListener("unload", release);
  return { release, ...(holder ? { stale: holder } : {}) };
}

/** One line on a stale lock taken over. */
export function staleLockNote(dir: string, h: LockHolder): string {
  return `note: '${dir}' was locked by ${describe(h)}, which is gone (killed?); taken over`;
}
