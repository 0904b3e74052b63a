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
  /** What a string flag takes, shown in the help: N, X, FILE, DIR, RUN, NAME, LIST, ... */
  value?: string;
  /** A default that is not a literal value ("one per core", "the preset's"), shown as one. */
  defaultText?: string;
  /** Old spellings still accepted, each with a note on stderr. */
  aliases?: readonly string[];
  help: string;
}

export type Flags = Record<string, FlagSpec>;

export class UsageError extends Error {}

/** Parses `argv` against `flags` (no positional arguments); --help prints help and exits.
 * `usage` is the usage line, then (after a blank line) an example. */
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

type ParseOption = { type: "string" | "boolean"; short?: string; default?: string | boolean };

/** node:util's options for `flags`, their old spellings and --help. */
function parseOptions(flags: Flags): Record<string, ParseOption> {
  const options: Record<string, ParseOption> = { help: { type: "boolean", short: "h" } };
  for (const [name, v] of Object.entries(flags)) {
    options[name] = {
      type: v.type,
      ...(v.short ? { short: v.short } : {}),
      ...(v.default !== undefined ? { default: v.default } : {}),
    };
    for (const old of v.aliases ?? []) options[old] = { type: v.type };
  }
  return options;
}

/** Moves the values given under an old spelling to the flag's name, with a note. */
function applyAliases(values: Record<string, unknown>, flags: Flags): void {
  for (const [name, v] of Object.entries(flags)) {
    for (const old of v.aliases ?? []) {
      if (values[old] === undefined) continue;
      if (argvHas(values, name, v)) {
        throw new UsageError(`--${old} is the old spelling of --${name}: give one of them`);
      }
      console.error(`note: --${old} is now --${name} (the old spelling is accepted for now)`);
      values[name] = values[old];
      delete values[old];
    }
  }
}

/** Whether `name` was given (not merely defaulted). */
function argvHas(values: Record<string, unknown>, name: string, v: FlagSpec): boolean {
  return values[name] !== undefined && values[name] !== v.default;
}

function parse<F extends Flags>(argv: string[], flags: F, usage: string, positional: boolean) {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, flags),
      options: parseOptions(flags),
      allowPositionals: positional,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${helpText(usage, flags)}`);
  }
  if (parsed.values.help) {
    console.log(helpText(usage, flags));
    Deno.exit(0);
  }
  const values = parsed.values as Record<string, unknown>;
  applyAliases(values, flags);
  return {
    values: values as Record<keyof F, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/**
 * `--name -1` as `--name=-1` for a flag that takes a value: node:util's parser would take
 * `-1` for an option and call the flag's value ambiguous, where the value's own check says
 * what range it expects.
 */
function joinNegativeValues(argv: string[], flags: Flags): string[] {
  const valued = new Set(
    Object.entries(flags).filter(([, v]) => v.type === "string").flatMap((
      [k, v],
    ) => [k, ...(v.aliases ?? [])].map((name) => `--${name}`)),
  );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (valued.has(argv[i]) && /^-(\d|\.\d)/.test(argv[i + 1] ?? "")) {
      out.push(`${argv[i]}=${argv[++i]}`);
    } else out.push(argv[i]);
  }
  return out;
}

/** The help of a command: usage (and example), then one row per flag, defaults shown one way:
 * `(default: X)`. */
export function helpText(usage: string, flags: Flags): string {
  const rows = Object.entries(flags).map(([k, v]) => {
    const value = v.type === "string" ? ` ${v.value ?? "VALUE"}` : "";
    const name = `--${k}${value}${v.short ? `, -${v.short}` : ""}`;
    const shown = v.defaultText ??
      (v.default !== undefined && v.default !== false ? String(v.default) : undefined);
    const def = shown === undefined ? "" : ` (default: ${shown})`;
    const old = v.aliases?.length ? ` (was ${v.aliases.map((a) => `--${a}`).join(", ")})` : "";
    return wrapRow(`  ${name.padEnd(28)} `, `${v.help}${def}${old}`);
  });
  return `${usage}\n\nOptions:\n${rows.join("\n")}\n  ${"--help, -h".padEnd(28)} show this help`;
}

const HELP_WIDTH = 100;

/** `lead` then `text`, wrapped at HELP_WIDTH with continuation lines indented under the text. */
function wrapRow(lead: string, text: string): string {
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(" ")) {
    if (line.length + word.length + 1 > HELP_WIDTH && line.trim().length > 0 && line !== lead) {
      lines.push(line.trimEnd());
      line = " ".repeat(lead.length);
    }
    line += (line.endsWith(" ") ? "" : " ") + word;
  }
  lines.push(line.trimEnd());
  return lines.join("\n");
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
