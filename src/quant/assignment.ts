/**
 * Which multiplier each conv and dense layer uses: a default for every layer plus per-node
 * overrides, and the product tables they name (with their decompositions, found once per
 * table). Plain data, so it can be sent to workers.
 */
import { decomposeTable, type TableDecomposition } from "./decompose.ts";

export interface MultiplierAssignment {
  /** Multiplier of every conv/dense node not in `byNode`. */
  defaultName: string;
  /** node id -> multiplier name. */
  byNode: Record<string, string>;
  /** name -> product table (65,536 entries, index a * 256 + b). */
  tables: Record<string, Uint16Array>;
  /** name -> its decomposition, or null (none within the term limit); filled by `prepare`. */
  decompositions: Record<string, TableDecomposition | null>;
}

/** An assignment of one table to every layer (tests and simple runs). */
export function uniformAssignment(name: string, table: Uint16Array): MultiplierAssignment {
  return { defaultName: name, byNode: {}, tables: { [name]: table }, decompositions: {} };
}

export function multiplierOf(a: MultiplierAssignment, node: string): string {
  return a.byNode[node] ?? a.defaultName;
}

/**
 * Parses `NAME`, `node=NAME,...` or a mix (`NAME,node=NAME2`: NAME for the rest). Layers
 * named nowhere get `fallback`.
 */
export function parseAssignment(
  text: string,
  fallback: string,
): { defaultName: string; byNode: Record<string, string> } {
  let defaultName = fallback;
  let sawDefault = false;
  const byNode: Record<string, string> = {};
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (!item) throw new Error(`Multiplier list '${text}' has an empty item`);
    const eq = item.indexOf("=");
    if (eq < 0) {
      if (sawDefault) throw new Error(`Multiplier list '${text}' names two defaults`);
      defaultName = item;
      sawDefault = true;
    } else {
      const node = item.slice(0, eq).trim(), name = item.slice(eq + 1).trim();
      if (!node || !name) throw new Error(`Multiplier item '${item}' must be node=NAME`);
      if (node in byNode) throw new Error(`Multiplier list '${text}' names node '${node}' twice`);
      byNode[node] = name;
    }
  }
  return { defaultName, byNode };
}

/** Finds (once) the decomposition of every table; maxTerms bounds the rank-1 terms. */
export function prepareAssignment(a: MultiplierAssignment, maxTerms = 8): MultiplierAssignment {
  for (const [name, table] of Object.entries(a.tables)) {
    if (!(name in a.decompositions)) a.decompositions[name] = decomposeTable(table, { maxTerms });
  }
  return a;
}

/** Throws when a node of `nodes` (or the default) names a multiplier without a table. */
export function checkAssignment(a: MultiplierAssignment, nodes: string[]): void {
  for (const node of Object.keys(a.byNode)) {
    if (!nodes.includes(node)) {
      throw new Error(
        `Multiplier assigned to '${node}', which is not a conv or dense layer of the network ` +
          `(layers: ${nodes.join(", ")})`,
      );
    }
  }
  for (const node of nodes) {
    const name = multiplierOf(a, node);
    if (!(name in a.tables)) {
      throw new Error(`No product table for multiplier '${name}' (layer '${node}')`);
    }
  }
}

/**
 * The multiplier list `--multiplier` means when it is not given: the per-layer multipliers a
 * search recorded in a model file's metadata (`node=NAME,...`), else `fallback` everywhere.
 */
export function recordedAssignmentText(meta: Record<string, unknown>, fallback: string): string {
  const recorded = meta.multipliers;
  if (recorded === null || typeof recorded !== "object") return fallback;
  const entries = Object.entries(recorded as Record<string, unknown>)
    .filter(([, name]) => typeof name === "string");
  return entries.length ? entries.map(([node, name]) => `${node}=${name}`).join(",") : fallback;
}
