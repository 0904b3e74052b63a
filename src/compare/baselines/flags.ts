/**
 * The baselines command's list flags: which networks, which multipliers. Bad items are
 * UsageErrors that name the flag, what it expects and what it found.
 */
import { UsageError } from "../../cli/args.ts";
import { closeNames, EXACT_NAME } from "../../multipliers/library.ts";
import type { LibraryEntry } from "../../search/run/library.ts";
import { BASELINE_MODELS } from "./models.ts";

function items(flag: string, text: string): string[] {
  const list = text.split(",").map((s) => s.trim());
  if (!text.trim() || list.some((s) => !s)) {
    throw new UsageError(
      `--${flag} expects a comma-separated list without empty items, found '${text}'`,
    );
  }
  return [...new Set(list)];
}

/** `--models a,b` (default: every baseline). */
export function parseModels(text: string | undefined): string[] {
  const known = Object.keys(BASELINE_MODELS);
  if (text === undefined) return known;
  const list = items("models", text);
  for (const m of list) {
    if (!known.includes(m)) {
      throw new UsageError(`--models expects names among ${known.join(", ")}, found '${m}'`);
    }
  }
  return list;
}

/**
 * `--multipliers all | a,b,...` against the library (default: `defaults`), exact first (it
 * is always measured: the exact 8-bit figures and the energy reference).
 */
export function parseMultipliers(
  text: string | undefined,
  defaults: string[],
  library: { name: string; energyPj: number }[],
): LibraryEntry[] {
  const byName = new Map(library.map((m) => [m.name, m]));
  const names = text === undefined
    ? defaults
    : text.trim() === "all"
    ? library.map((m) => m.name)
    : items("multipliers", text);
  for (const n of names) {
    if (!byName.has(n)) {
      const close = closeNames(n, [...byName.keys()], 3);
      throw new UsageError(
        `--multipliers expects 'all' or library names (deno task multipliers list), found '${n}'` +
          (close.length ? `; did you mean ${close.join(", ")}?` : ""),
      );
    }
  }
  return [EXACT_NAME, ...names.filter((n) => n !== EXACT_NAME)].map((n) => {
    const m = byName.get(n)!;
    return { name: m.name, energyPj: m.energyPj };
  });
}
