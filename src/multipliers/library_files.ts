/**
 * The committed library in data/multipliers/: one netlist file per circuit under netlists/
 * and library.json with every circuit's info. scripts/generate_multipliers.ts writes what
 * `renderLibraryFiles` returns; a test checks the committed files equal it.
 */
import { fileURLToPath } from "node:url";
import { CATALOGUE, type CatalogueEntry } from "./catalogue.ts";
import { characterise } from "./characterise.ts";
import { EXACT_45NM } from "./cost.ts";
import { infoFromCharacterisation, type MultiplierInfo, tableSha256 } from "./info.ts";
import { netlistToJson } from "./netlist_file.ts";

/** data/multipliers/ of this checkout. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../data/multipliers", import.meta.url));

export const LIBRARY_FORMAT = "approxnas-multiplier-library/1";
export const LIBRARY_INDEX = "library.json";
export const NETLIST_DIR = "netlists";

/** An entry of library.json: the info (without `source`) and its netlist file. */
export type LibraryRecord = Omit<MultiplierInfo, "source"> & { netlist: string };

export interface LibraryIndex {
  format: string;
  model: string;
  anchor: typeof EXACT_45NM;
  circuits: LibraryRecord[];
}

export interface RenderOptions {
  /** Called after each circuit (progress, timings). */
  onCircuit?: (entry: CatalogueEntry, ms: number) => void;
}

/** Builds, simulates and characterises the catalogue: file path (relative) -> content. */
export async function renderLibraryFiles(
  options: RenderOptions = {},
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const circuits: LibraryRecord[] = [];
  for (const entry of CATALOGUE) {
    const start = performance.now();
    const netlist = entry.build();
    const c = characterise(netlist);
    const { source: _source, ...info } = infoFromCharacterisation(
      {
        name: entry.name,
        note: entry.note,
        family: entry.family,
        parameters: entry.parameters,
        source: "library",
      },
      c,
      await tableSha256(c.table),
    );
    const path = `${NETLIST_DIR}/${entry.name}.json`;
    files.set(path, netlistToJson(entry.name, netlist));
    circuits.push({ ...info, netlist: path });
    options.onCircuit?.(entry, performance.now() - start);
  }
  const index: LibraryIndex = {
    format: LIBRARY_FORMAT,
    model:
      "powerMw, areaUm2 and energyPj are MODEL ESTIMATES (docs/multipliers.md): cell-weighted " +
      "area and switching-activity-weighted energy relative to mul8u_exact, scaled to the anchor",
    anchor: EXACT_45NM,
    circuits,
  };
  files.set(LIBRARY_INDEX, JSON.stringify(index, null, 2) + "\n");
  return files;
}
