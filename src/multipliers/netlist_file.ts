/**
 * The netlist file: JSON, one cell per line so that diffs stay readable.
 *
 * ```json
 * {
 *   "format": "approxnas-netlist/1",
 *   "name": "mul8u_exact",
 *   "outputs": [20, 22, ...],
 *   "cells": [
 *     ["AND2", 2, 10],
 *     ["HA", 21, 23],
 *     ...
 *   ]
 * }
 * ```
 * Wire numbers as in netlist.ts: cell k's outputs follow those of cell k - 1. An 8xN or a
 * signed multiplier also has `"weightBits": N` and `"signed": true` after its name.
 */
import { type CellKind, type Netlist, NetlistError, validateNetlist } from "./netlist.ts";

export const NETLIST_FORMAT = "approxnas-netlist/1";

/** The file text of a netlist. */
export function netlistToJson(name: string, netlist: Netlist): string {
  // Spaced like `deno fmt` writes JSON, so formatting the repository leaves the files alone.
  const list = (xs: unknown[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const cells = netlist.cells.map((c) => `    ${list([c.kind, ...c.inputs])}`);
  return [
    "{",
    `  "format": ${JSON.stringify(NETLIST_FORMAT)},`,
    `  "name": ${JSON.stringify(name)},`,
    ...(netlist.weightBits !== undefined ? [`  "weightBits": ${netlist.weightBits},`] : []),
    ...(netlist.signed ? [`  "signed": true,`] : []),
    `  "outputs": ${list(netlist.outputs)},`,
    `  "cells": [${cells.length ? "\n" + cells.join(",\n") + "\n  " : ""}]`,
    "}",
    "",
  ].join("\n");
}

/** Parses and validates a netlist file; errors name the file. */
export function netlistFromJson(text: string, file: string): { name: string; netlist: Netlist } {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new NetlistError(`${file}: not JSON (${(e as Error).message})`);
  }
  return netlistFromObject(doc, file);
}

/** Validates the parsed JSON of a netlist (also used where a netlist is embedded in a record). */
export function netlistFromObject(doc: unknown, file: string): { name: string; netlist: Netlist } {
  const d = doc as {
    format?: unknown;
    name?: unknown;
    outputs?: unknown;
    cells?: unknown;
    weightBits?: unknown;
    signed?: unknown;
  };
  if (d?.format !== NETLIST_FORMAT) {
    throw new NetlistError(
      `${file}: expected format "${NETLIST_FORMAT}", found ${JSON.stringify(d?.format)}`,
    );
  }
  if (typeof d.name !== "string") throw new NetlistError(`${file}: expected a string "name"`);
  if (!Array.isArray(d.cells)) throw new NetlistError(`${file}: expected a "cells" array`);
  const cells = d.cells.map((c: unknown, i: number) => {
    if (!Array.isArray(c) || typeof c[0] !== "string") {
      throw new NetlistError(
        `${file}: cell ${i}: expected ["KIND", wire, ...], found ${JSON.stringify(c)}`,
      );
    }
    return { kind: c[0] as CellKind, inputs: c.slice(1) as number[] };
  });
  const netlist: Netlist = {
    cells,
    outputs: d.outputs as number[],
    ...(d.weightBits !== undefined ? { weightBits: d.weightBits as number } : {}),
    ...(d.signed !== undefined ? { signed: d.signed as boolean } : {}),
  };
  try {
    validateNetlist(netlist);
  } catch (e) {
    throw new NetlistError(`${file}: ${(e as Error).message}`);
  }
  return { name: d.name, netlist };
}
