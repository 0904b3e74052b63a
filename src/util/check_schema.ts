/**
 * Values read back from files, checked against their schema (zod): the value as the schema
 * reads it, or an error that names where it was read (a file, a line), the field, what was
 * expected and what was found. Helpers for the schemas' common fields keep those messages
 * plain ("an integer >= 1").
 */
import { z } from "zod";

/** A stored file that does not hold what its schema says (nothing was changed). */
export class StoredFileError extends Error {}

/** An integer >= `min` (and <= `max` when given). */
export function int(min: number, max?: number) {
  const expected = max === undefined ? `an integer >= ${min}` : `an integer in ${min}..${max}`;
  const s = z.int({ error: expected }).min(min, { error: expected });
  return max === undefined ? s : s.max(max, { error: expected });
}

/** A finite number in [lo, hi] (`open` ends excluded: "lo" or "hi"). */
export function number(lo = -Infinity, hi = Infinity, open: ("lo" | "hi")[] = []) {
  const range = `${open.includes("lo") ? "(" : "["}${lo}, ${hi}${open.includes("hi") ? ")" : "]"}`;
  const expected = Number.isFinite(lo) || Number.isFinite(hi) ? `a number in ${range}` : "a number";
  let s = z.number({ error: expected });
  if (Number.isFinite(lo)) s = open.includes("lo") ? s.gt(lo, expected) : s.gte(lo, expected);
  if (Number.isFinite(hi)) s = open.includes("hi") ? s.lt(hi, expected) : s.lte(hi, expected);
  return s;
}

/** What an issue without a message of its own expected. */
function expectedOf(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      const names: Record<string, string> = {
        number: "a number",
        int: "an integer",
        string: "a string",
        boolean: "true or false",
        array: "a list",
        object: "an object",
        tuple: "a list",
        null: "null",
      };
      return names[issue.expected] ?? String(issue.expected);
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = `${issue.code === "too_small" ? ">" : "<"}${issue.inclusive ? "=" : ""}`;
      if (issue.origin === "array") {
        return `${issue.code === "too_small" ? "at least" : "at most"} ${bound} item(s)`;
      }
      if (issue.origin === "string") return `a string of length ${op} ${bound}`;
      return `a number ${op} ${bound}`;
    }
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return "no such field (a misspelt name, or one of another version)";
    default:
      return issue.message ?? issue.code;
  }
}

/** A value as an error message shows it (short). */
function shown(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "population[2]", "candidate.trainImages". */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)
    .join("");
}

/**
 * `value` as `schema` reads it; else a StoredFileError naming `where` (e.g. "'run/config.json'"
 * or "'run/evaluations.jsonl' line 4"), the first field at fault, what it expected and found.
 */
export function checkSchema<S extends z.ZodType>(schema: S, value: unknown, where: string) {
  const r = schema.safeParse(value, { reportInput: true, error: expectedOf });
  if (r.success) return r.data as z.output<S>;
  const [first, ...more] = r.error.issues;
  const path = first.code === "unrecognized_keys" ? [...first.path, first.keys[0]] : first.path;
  const found = first.code === "unrecognized_keys"
    ? (first.input as Record<string, unknown>)?.[first.keys[0]]
    : first.input;
  const field = path.length ? `field '${fieldName(path)}'` : "its content";
  const others = more.length ? ` (and ${more.length} more problem(s))` : "";
  throw new StoredFileError(
    `${where}: ${field}: expected ${first.message}, found ${shown(found)}${others}`,
  );
}
