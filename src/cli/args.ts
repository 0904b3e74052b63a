/**
 * Command-line parsing shared by the `cli/` entry points (node:util's parseArgs: cliffy
 * lives only on JSR, which these machines cannot reach). Bad values get a message that
 * names the flag, what it expects and what it found.
 */
import { parseArgs } from "node:util";

export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
  help: string;
}

export type Flags = Record<string, FlagSpec>;

export class UsageError extends Error {}

/** Parses `argv` against `flags` (no positional arguments); --help prints help and exits. */
export function parseFlags<F extends Flags>(
  argv: string[],
  flags: F,
  usage: string,
): Record<keyof F, string | boolean | undefined> {
  return parse(argv, flags, usage, false).values;
}

/** As parseFlags, for commands that also take positional arguments (e.g. a run directory). */
export function parseCommand<F extends Flags>(
  argv: string[],
  flags: F,
  usage: string,
): { values: Record<keyof F, string | boolean | undefined>; positionals: string[] } {
  return parse(argv, flags, usage, true);
}

function parse<F extends Flags>(argv: string[], flags: F, usage: string, positional: boolean) {
  const options = Object.fromEntries(
    Object.entries({
      ...flags,
      help: { type: "boolean", short: "h", help: "show this help" } as FlagSpec,
    }).map((
      [k, v],
    ) => [k, {
      type: v.type,
      ...(v.short ? { short: v.short } : {}),
      ...(v.default !== undefined ? { default: v.default } : {}),
    }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positional, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${helpText(usage, flags)}`);
  }
  if (parsed.values.help) {
    console.log(helpText(usage, flags));
    Deno.exit(0);
  }
  return {
    values: parsed.values as Record<keyof F, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

export function helpText(usage: string, flags: Flags): string {
  const rows = Object.entries(flags).map(([k, v]) => {
    const name = `--${k}${v.type === "string" ? " VALUE" : ""}${v.short ? `, -${v.short}` : ""}`;
    const def = v.default !== undefined && v.default !== false ? ` (default: ${v.default})` : "";
    return `  ${name.padEnd(24)} ${v.help}${def}`;
  });
  return `${usage}\n\nOptions:\n${rows.join("\n")}\n  ${"--help, -h".padEnd(24)} show this help`;
}

/** A positive integer flag, or a UsageError naming it. */
export function intFlag(name: string, value: string | boolean | undefined, min = 1): number {
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} expects an integer >= ${min}, found '${value}'`);
  }
  return n;
}

export function numberFlag(name: string, value: string | boolean | undefined, min = 0): number {
  const n = Number(value);
  if (typeof value !== "string" || !Number.isFinite(n) || n < min) {
    throw new UsageError(`--${name} expects a number >= ${min}, found '${value}'`);
  }
  return n;
}

export function choiceFlag<T extends string>(
  name: string,
  value: string | boolean | undefined,
  choices: readonly T[],
): T {
  if (typeof value !== "string" || !choices.includes(value as T)) {
    throw new UsageError(`--${name} expects one of ${choices.join(", ")}, found '${value}'`);
  }
  return value as T;
}

/** Runs a CLI main, printing errors without a stack trace for usage and input problems
 * (with one for other errors when $APPROXNAS_DEBUG is set and may be read). */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    if (!(e instanceof UsageError) && debugRequested()) console.error((e as Error).stack);
    Deno.exit(e instanceof UsageError ? 2 : 1);
  }
}

/** Whether $APPROXNAS_DEBUG is set; a task not granted that variable is never prompted. */
function debugRequested(): boolean {
  const granted = Deno.permissions.querySync({ name: "env", variable: "APPROXNAS_DEBUG" });
  return granted.state === "granted" && Boolean(Deno.env.get("APPROXNAS_DEBUG"));
}
