/**
 * The multiplier library: the project's circuits (data/multipliers/library.json and
 * netlists/) plus imported ones (a user directory, default data/multipliers/imported/).
 *
 * @example
 * ```ts
 * const all = await listMultipliers();                 // every circuit, library first
 * const info = await getMultiplier("mul8u_trunc6");    // power, area, energy, metrics
 * const table = await multiplierTable("mul8u_trunc6"); // 65,536 products, index a * 256 + b
 * ```
 * Tables are simulated from the stored netlists (milliseconds each), checked against the
 * SHA-256 recorded with the circuit, and cached.
 */
import {
  type ImportedRecord,
  ImportError,
  importFile,
  type ImportOptions,
  readRecords,
  writeRecord,
} from "./imported.ts";
import { type MultiplierInfo, tableSha256 } from "./info.ts";
import {
  DEFAULT_DATA_DIR,
  LIBRARY_FORMAT,
  LIBRARY_INDEX,
  type LibraryIndex,
} from "./library_files.ts";
import type { Netlist } from "./netlist.ts";
import { netlistFromJson } from "./netlist_file.ts";
import { simulateTable } from "./simulate.ts";

export type { MultiplierInfo } from "./info.ts";
export type { ErrorMetrics } from "./metrics.ts";
export { EXACT_NAME } from "./catalogue.ts";
export { DEFAULT_DATA_DIR };

/** Where imports go unless told otherwise. */
export const DEFAULT_IMPORTED_DIR = `${DEFAULT_DATA_DIR}/imported`;

export interface LibraryOptions {
  /** Directory of library.json and netlists/ (default data/multipliers). */
  dataDir?: string;
  /** Directory of imported circuits (default data/multipliers/imported). */
  importedDir?: string;
}

interface Entry {
  info: MultiplierInfo;
  /** Library circuits: their netlist file. */
  netlistFile?: string;
  record?: ImportedRecord;
}

export class UnknownMultiplierError extends Error {}

/** Edit distance, for suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** Names close to `name`: small edit distance or sharing a substring, best first. */
export function closeNames(name: string, names: string[], max = 6): string[] {
  const key = name.toLowerCase();
  return names
    .map((n) => {
      const l = n.toLowerCase();
      const d = distance(key, l);
      const contains = key.length >= 3 && (l.includes(key) || key.includes(l));
      return { n, score: contains ? Math.min(d, 1) : d };
    })
    .filter(({ score }) => score <= Math.max(2, Math.floor(key.length / 4)))
    .sort((x, y) => x.score - y.score || x.n.localeCompare(y.n))
    .slice(0, max)
    .map(({ n }) => n);
}

export class MultiplierLibrary {
  readonly dataDir: string;
  readonly importedDir: string;
  #entries?: Promise<Map<string, Entry>>;
  #tables = new Map<string, Promise<Uint16Array>>();

  constructor(options: LibraryOptions = {}) {
    this.dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
    this.importedDir = options.importedDir ?? DEFAULT_IMPORTED_DIR;
  }

  #load(): Promise<Map<string, Entry>> {
    this.#entries ??= (async () => {
      const indexPath = `${this.dataDir}/${LIBRARY_INDEX}`;
      let index: LibraryIndex;
      try {
        index = JSON.parse(await Deno.readTextFile(indexPath));
      } catch (e) {
        throw new Error(`${indexPath}: cannot read the library (${(e as Error).message})`);
      }
      if (index.format !== LIBRARY_FORMAT) {
        throw new Error(
          `${indexPath}: expected format "${LIBRARY_FORMAT}", found ${
            JSON.stringify(index.format)
          }`,
        );
      }
      const entries = new Map<string, Entry>();
      for (const { netlist, ...info } of index.circuits) {
        entries.set(info.name, {
          info: { ...info, source: "library" },
          netlistFile: `${this.dataDir}/${netlist}`,
        });
      }
      for (const record of await readRecords(this.importedDir)) {
        const name = record.info.name;
        if (entries.has(name)) {
          throw new ImportError(
            `${this.importedDir}/${name}.json: '${name}' is already a library circuit`,
          );
        }
        entries.set(name, { info: record.info, record });
      }
      return entries;
    })();
    this.#entries.catch(() => (this.#entries = undefined));
    return this.#entries;
  }

  async #entry(name: string): Promise<Entry> {
    const entries = await this.#load();
    const entry = entries.get(name);
    if (!entry) {
      const close = closeNames(name, [...entries.keys()]);
      throw new UnknownMultiplierError(
        `unknown multiplier '${name}'` +
          (close.length
            ? `; close names: ${close.join(", ")}`
            : `; ${entries.size} circuits are known (listMultipliers())`),
      );
    }
    return entry;
  }

  /** Every circuit: the library's in catalogue order, then imported ones by name. */
  async list(): Promise<MultiplierInfo[]> {
    return [...(await this.#load()).values()].map((e) => structuredClone(e.info));
  }

  /** One circuit's info; unknown names get an error listing close names. */
  async get(name: string): Promise<MultiplierInfo> {
    return structuredClone((await this.#entry(name)).info);
  }

  /** The netlist of a circuit (not available for imported tables). */
  async netlist(name: string): Promise<Netlist> {
    const entry = await this.#entry(name);
    if (entry.netlistFile) {
      return netlistFromJson(await Deno.readTextFile(entry.netlistFile), entry.netlistFile).netlist;
    }
    if (entry.record?.netlist) return structuredClone(entry.record.netlist);
    throw new Error(`'${name}' was imported as a table and has no netlist`);
  }

  /** Products of every pair (index a * 256 + b), simulated from the netlist; a fresh copy. */
  async table(name: string): Promise<Uint16Array> {
    let pending = this.#tables.get(name);
    if (!pending) {
      pending = (async () => {
        const entry = await this.#entry(name);
        const table = entry.record?.table ?? simulateTable(await this.netlist(name));
        const digest = await tableSha256(table);
        if (digest !== entry.info.tableSha256) {
          const where = entry.netlistFile ?? `${this.importedDir}/${name}.json`;
          throw new Error(
            `${where}: its table does not match the recorded SHA-256 (stale or edited file; ` +
              `regenerate with scripts/generate_multipliers.ts or re-import)`,
          );
        }
        return table;
      })();
      this.#tables.set(name, pending);
      pending.catch(() => this.#tables.delete(name));
    }
    return (await pending).slice();
  }

  /**
   * Imports a Verilog (.v) or table (.bin) file under `options.name`: parsed, simulated and
   * characterised first, then written as one file; on any error nothing is added.
   */
  async import(path: string, options: ImportOptions): Promise<MultiplierInfo> {
    const entries = await this.#load();
    if (entries.has(options.name)) {
      const what = entries.get(options.name)!.info.source === "library"
        ? "a library circuit"
        : "already imported";
      throw new ImportError(`cannot import as '${options.name}': that name is ${what}`);
    }
    const record = await importFile(path, options);
    await writeRecord(this.importedDir, record);
    this.#entries = undefined;
    return structuredClone(record.info);
  }
}

const libraries = new Map<string, MultiplierLibrary>();

/** The library for these directories (one shared instance per pair, so caches are shared). */
export function openLibrary(options: LibraryOptions = {}): MultiplierLibrary {
  const probe = new MultiplierLibrary(options);
  const key = `${probe.dataDir}\n${probe.importedDir}`;
  let lib = libraries.get(key);
  if (!lib) libraries.set(key, lib = probe);
  return lib;
}

/** Every multiplier, the project's and imported ones. */
export function listMultipliers(options?: LibraryOptions): Promise<MultiplierInfo[]> {
  return openLibrary(options).list();
}

/** One multiplier's info; an unknown name gets an error listing close names. */
export function getMultiplier(name: string, options?: LibraryOptions): Promise<MultiplierInfo> {
  return openLibrary(options).get(name);
}

/** The 256x256 product table (Uint16Array, index a * 256 + b), simulated and cached. */
export function multiplierTable(name: string, options?: LibraryOptions): Promise<Uint16Array> {
  return openLibrary(options).table(name);
}

/** The netlist of a multiplier. */
export function multiplierNetlist(name: string, options?: LibraryOptions): Promise<Netlist> {
  return openLibrary(options).netlist(name);
}

/** Imports a circuit file into the user library; see MultiplierLibrary.import. */
export function importMultiplier(
  path: string,
  options: ImportOptions & LibraryOptions,
): Promise<MultiplierInfo> {
  return openLibrary(options).import(path, options);
}
