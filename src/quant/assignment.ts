/**
 * Which multiplier each conv and dense layer uses: a default for every layer plus per-node
 * overrides (a choice, as `--multiplier` and model files name it), over the resolved
 * multipliers it names (multipliers.ts). Plain data, so it can be sent to workers.
 */
import {
  findMultiplier,
  type Multiplier,
  type ResolvedLibrary,
  tableMultiplier,
} from "./multipliers.ts";

/** Multiplier names: one for every conv/dense node not in `byNode`, and node id -> name. */
export interface MultiplierChoice {
  defaultName: string;
  byNode: Record<string, string>;
}

export interface MultiplierAssignment extends MultiplierChoice {
  /** The multipliers it may name (more do no harm). */
  library: ResolvedLibrary;
}

/** An assignment of one table to every layer (tests and simple runs). */
export function uniformAssignment(name: string, table: Uint16Array): MultiplierAssignment {
  return { defaultName: name, byNode: {}, library: [tableMultiplier(name, table)] };
}

/** A choice over tables known by name only (tests, a model file's tables). */
export function tableAssignment(
  choice: MultiplierChoice,
  tables: Record<string, Uint16Array>,
): MultiplierAssignment {
  const library = Object.entries(tables).map(([name, t]) => tableMultiplier(name, t));
  return { defaultName: choice.defaultName, byNode: { ...choice.byNode }, library };
}

export function multiplierOf(a: MultiplierChoice, node: string): string {
  return a.byNode[node] ?? a.defaultName;
}

/** The multiplier of layer `node`; throws when the library lacks it. */
export function layerMultiplier(a: MultiplierAssignment, node: string): Multiplier {
  const name = multiplierOf(a, node);
  const m = findMultiplier(a.library, name);
  if (!m) throw new Error(`No product table for multiplier '${name}' (layer '${node}')`);
  return m;
}

/**
 * Parses `NAME`, `node=NAME,...` or a mix (`NAME,node=NAME2`: NAME for the rest). Layers
 * named nowhere get `fallback`.
 */
export function parseAssignment(
  text: string,
  fallback: string,
): MultiplierChoice {
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
  for (const node of nodes) layerMultiplier(a, node);
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
