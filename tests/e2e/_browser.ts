/**
 * Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by
 * npm:playwright-core, which never downloads a browser of its own. Tests that need it are
 * skipped, with the reason printed once, when the browser or a permission is missing.
 */
// deno.json's import map is not this module's to change; the version is pinned here.
// deno-lint-ignore no-import-prefix
import type { Browser, Page } from "npm:playwright-core@1";
export type { Page };
import fs from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

/** Flags that keep Chromium quiet on a machine without outside network or GPU. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Why the browser tests cannot run here, or null when they can. Permissions are queried,
 * never requested, so a run without them skips instead of prompting.
 */
export function browserUnavailable(): string | null {
  const missing: string[] = [];
  const granted = (d: Deno.PermissionDescriptor) =>
    Deno.permissions.querySync(d).state === "granted";
  if (!granted({ name: "read", path: CHROMIUM })) missing.push(`--allow-read`);
  else {
    try {
      Deno.statSync(CHROMIUM);
    } catch {
      return `${CHROMIUM} is missing (install it: bash scripts/install_chromium.sh)`;
    }
  }
  if (!granted({ name: "run", command: CHROMIUM })) missing.push(`--allow-run=${CHROMIUM}`);
  if (!granted({ name: "net", host: "127.0.0.1" })) missing.push("--allow-net=127.0.0.1");
  // playwright-core reads the home directory and the kernel release when it loads.
  for (const kind of ["homedir", "osRelease"] as const) {
    if (!granted({ name: "sys", kind })) missing.push(`--allow-sys=homedir,osRelease`);
  }
  const env = granted({ name: "env" });
  if (!env) missing.push("--allow-env");
  // Chromium's profile goes to a temporary directory.
  if (!granted({ name: "write", path: (env && Deno.env.get("TMPDIR")) || "/tmp" })) {
    missing.push("--allow-write");
  }
  return missing.length ? `the test runs without ${[...new Set(missing)].join(" ")}` : null;
}

/**
 * playwright-core asks `fs.existsSync("/proc/sys/fs/binfmt_misc/WSLInterop")` when it loads
 * (is this WSL?). Deno guards /proc/sys behind --allow-all and its existsSync throws
 * NotCapable instead of answering false, so without this the tests would need
 * --allow-all. A path Deno will not let us look at counts as absent, as Node would say
 * of a path it may not stat.
 */
function tolerateUnreadablePaths(): void {
  const original = fs.existsSync;
  if ((original as { tolerant?: boolean }).tolerant) return;
  const tolerant = (path: fs.PathLike) => {
    try {
      return original(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) return false;
      throw e;
    }
  };
  fs.existsSync = Object.assign(tolerant, { tolerant: true });
}

/** Starts headless Chromium; close it in a finally. */
export async function launchChromium(): Promise<Browser> {
  tolerateUnreadablePaths();
  // Loaded here, not at the top: a run without the browser never loads it.
  // deno-lint-ignore no-import-prefix
  const { chromium } = await import("npm:playwright-core@1");
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Anything with playwright's Locator.count(). */
interface Countable {
  count(): Promise<number>;
}

/** Waits until `locator` matches `n` elements; the error gives the last count seen. */
export async function waitForCount(locator: Countable, n: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = await locator.count();
  while (seen !== n) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${n} elements, still ${seen} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
    seen = await locator.count();
  }
}
