/**
 * Which files of a run directory the dashboard may serve: regular files inside the run
 * directory, by a relative path. Anything that would leave it (`..`, an absolute path, a
 * symbolic link pointing elsewhere) is refused.
 */
import { isAbsolute, join, normalize, relative, resolve } from "node:path";

/** Report files the page links to when present (besides charts/*.png). */
export const REPORT_FILES = ["pareto.csv", "pareto.md", "log.txt"] as const;

const CONTENT_TYPES: Record<string, string> = {
  ".csv": "text/csv; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export function contentTypeOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return CONTENT_TYPES[dot >= 0 ? path.slice(dot).toLowerCase() : ""] ??
    "application/octet-stream";
}

/** True when `path` is `root` or lies below it (both absolute and normalised). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The real path of `relPath` inside the run directory `root`, or null when it is outside,
 * missing, or not a regular file. `relPath` is as decoded from the URL.
 */
export async function resolveRunFile(root: string, relPath: string): Promise<string | null> {
  if (!relPath || relPath.includes("\0") || isAbsolute(relPath)) return null;
  const parts = relPath.split(/[\\/]/);
  if (parts.includes("..")) return null;
  const realRoot = await Deno.realPath(root);
  const lexical = resolve(realRoot, normalize(join(...parts)));
  if (!inside(realRoot, lexical)) return null;
  let real: string;
  try {
    real = await Deno.realPath(lexical);
  } catch {
    return null;
  }
  if (!inside(realRoot, real)) return null;
  const info = await Deno.stat(real);
  return info.isFile ? real : null;
}

/** The report files present: pareto.csv, pareto.md, log.txt and charts/*.png, sorted. */
export async function listReportFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of REPORT_FILES) {
    try {
      if ((await Deno.stat(join(root, name))).isFile) found.push(name);
    } catch {
      // not written (yet)
    }
  }
  try {
    const charts: string[] = [];
    for await (const e of Deno.readDir(join(root, "charts"))) {
      if (e.isFile && e.name.toLowerCase().endsWith(".png")) charts.push(`charts/${e.name}`);
    }
    found.push(...charts.sort());
  } catch {
    // no charts directory
  }
  return found;
}
