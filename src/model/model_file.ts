/**
 * Saving and loading a trained network: graph + weights + batch-norm statistics + metadata
 * in one file, and (version 2) optionally what 8-bit inference needs without the multiplier
 * library or calibration images: the product tables of its multipliers and the calibrated
 * quantisation. Version 3 ends with a CRC-32 of every byte before it, so a changed header
 * (a range, a multiplier name) is refused as a changed weight is. The format is described
 * in docs/model-format.md.
 *
 * encodeModel/decodeModel use no Deno API (the embedding library bundles them for Node.js
 * and browsers); saveModel/readModelFile write and read files with Deno.
 */
import type { Graph } from "../graph/graph.ts";
import { crc32 } from "../util/crc32.ts";
import { writeFileAtomic } from "../util/atomic_file.ts";
import { paramLayout } from "./layout.ts";
import { exactTable, isExactTable, PRODUCT_TABLE_SIZE } from "./product_table.ts";

export const MODEL_MAGIC = "APXNET01";
/** The version written. */
export const MODEL_FORMAT_VERSION = 3;
/** Versions read: 1 (graph, weights, statistics, meta), 2 (+ tables, inference, a CRC of the
 * data) and 3 (the CRC covers the whole file, header included). */
export const MODEL_FORMAT_VERSIONS_READ = [1, 2, 3] as const;

/** Version 3's last bytes: the CRC-32 (uint32) of every byte before them. */
const TRAILER_BYTES = 4;

/** A multiplier carried by a model file. */
export interface ModelTable {
  name: string;
  /** Energy of one multiplication, picojoules (the library's model estimate). */
  energyPj: number;
  /** 65,536 products, index a * 256 + b (for signed and 8xN circuits, in the executor's byte
   * domain: src/quant/multiplier_table.ts). */
  table: Uint16Array;
  /** How a layer's weights are coded for it (absent: 8-bit unsigned; src/quant/weight_code.ts). */
  weights?: { bits: number; signed: boolean };
  /** Per weight byte, the constant added to its table column (absent: none). */
  offsets?: Int32Array;
}

/** The affine 8-bit encodings of a network, calibrated once and stored (see src/quant/). */
export interface InferenceSpec {
  /** Multipliers of the approximate 8-bit network: `defaultName` wherever `byNode` is silent. */
  multipliers: { defaultName: string; byNode: Record<string, string> };
  /** Whether approximate 8-bit subtracts each multiplier's mean error from the biases by
   * default (`corrections`; src/quant/compensate.ts). */
  compensate: boolean;
  /** Weight encodings per output channel or one per tensor. */
  weights: "channel" | "tensor";
  /** How `ranges` were measured. */
  calibration: {
    method: "minmax" | "percentile";
    percentile?: number;
    /** Calibration images used (the first N of `source`). */
    images: number;
    source?: string;
  };
  /** Float range [lo, hi] of every tensor the quantiser needs (node id -> range). */
  ranges: Record<string, [number, number]>;
  /** multiplier -> conv/dense node -> per output channel, the rounded mean error of the
   * multiplier that compensation subtracts from the int32 bias. */
  corrections: Record<string, Record<string, number[]>>;
  /** multiplier -> conv/dense node -> the layer's weight-byte maps tuned to the multiplier
   * (src/quant/weight_tuning.ts), one 256-byte map per input channel, concatenated, base64.
   * Absent: weights are not tuned. Applied together with `corrections`. */
  weightMaps?: Record<string, Record<string, string>>;
}

export interface SavedModel {
  graph: Graph;
  params: Float32Array;
  state: Float32Array;
  /** How it was trained and measured (free-form, JSON). */
  meta: Record<string, unknown>;
  /** Multipliers whose product tables the file carries (version 2). */
  tables?: ModelTable[];
  /** The calibrated 8-bit quantisation (version 2). Valid only for these weights. */
  inference?: InferenceSpec;
}

/** A table entry of the header; `exact` tables (M(a, b) = a * b) are not stored. */
interface HeaderTable {
  name: string;
  energyPj: number;
  exact?: boolean;
  weights?: { bits: number; signed: boolean };
  offsets?: number[];
}

interface Header {
  format: "approxnas-model";
  version: number;
  graph: Graph;
  paramCount: number;
  stateCount: number;
  meta: Record<string, unknown>;
  tables?: HeaderTable[];
  inference?: InferenceSpec;
  /** CRC-32 of everything after the header's padding (version 2 only; version 3 has a
   * trailer instead). */
  dataCrc32?: number;
}

/** Told when a file loads whose header no checksum covers (written before version 3). */
export type ModelNote = (message: string) => void;

/** Notes are said once per file name (a run may load the same old file many times). */
const noted = new Set<string>();
const warnOnce: ModelNote = (message) => {
  if (noted.has(message)) return;
  noted.add(message);
  console.warn(message);
};

const TABLE_BYTES = 2 * PRODUCT_TABLE_SIZE;

export function encodeModel(model: SavedModel): Uint8Array {
  const layout = paramLayout(model.graph);
  check("model", "parameters", model.params.length, layout.paramCount);
  check("model", "batch-norm statistics", model.state.length, layout.stateCount);
  const tables = model.tables ?? [];
  const seen = new Set<string>();
  for (const t of tables) {
    if (seen.has(t.name)) {
      throw new Error(`Cannot save model: multiplier '${t.name}' is given twice`);
    }
    seen.add(t.name);
    checkTableEntry("Cannot save model", t.name, t.energyPj, t.table.length);
  }
  const stored = tables.filter((t) => !isExactTable(t.table));
  const header: Header = {
    format: "approxnas-model",
    version: MODEL_FORMAT_VERSION,
    graph: model.graph,
    paramCount: layout.paramCount,
    stateCount: layout.stateCount,
    meta: model.meta,
    ...(tables.length
      ? {
        tables: tables.map((t) => ({
          name: t.name,
          energyPj: t.energyPj,
          ...(isExactTable(t.table) ? { exact: true } : {}),
          ...(t.weights ? { weights: { bits: t.weights.bits, signed: t.weights.signed } } : {}),
          ...(t.offsets ? { offsets: Array.from(t.offsets) } : {}),
        })),
      }
      : {}),
    ...(model.inference ? { inference: model.inference } : {}),
  };
  const floats = 4 * (layout.paramCount + layout.stateCount);
  const data = new Uint8Array(floats + TABLE_BYTES * stored.length);
  const dataView = new DataView(data.buffer);
  let at = 0;
  for (const arr of [model.params, model.state]) {
    for (let i = 0; i < arr.length; i++, at += 4) dataView.setFloat32(at, arr[i], true);
  }
  for (const t of stored) {
    data.set(tableBytes(t.table), at);
    at += TABLE_BYTES;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(12 + json.length);
  const end = dataStart + data.length;
  const out = new Uint8Array(end + TRAILER_BYTES);
  out.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(data, dataStart);
  view.setUint32(end, crc32(out.subarray(0, end)), true);
  return out;
}

/**
 * Parses a model file's bytes (version 1, 2 or 3); `name` is used in error messages. A file
 * of version 1 or 2 loads with a note (`onNote`; default: a warning, once per file) that no
 * checksum covers its header.
 */
export function decodeModel(
  bytes: Uint8Array,
  name = "model",
  onNote: ModelNote = warnOnce,
): SavedModel {
  const fail = (what: string): never => {
    throw new Error(`Cannot load model '${name}': ${what}`);
  };
  if (bytes.length < 12) fail(`it must be at least 12 bytes, found ${bytes.length}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MODEL_MAGIC) {
    fail(
      `it must start with '${MODEL_MAGIC}' (an approxnas .apxnet model file), found '${
        magic.replace(/[^\x20-\x7e]/g, "?")
      }'`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = view.getUint32(8, true);
  if (12 + jsonLen > bytes.length) {
    fail(`header of ${jsonLen} bytes runs past the end (${bytes.length} bytes)`);
  }
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLen)));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  const versions: readonly number[] = MODEL_FORMAT_VERSIONS_READ;
  if (
    header === null || typeof header !== "object" || header.format !== "approxnas-model" ||
    !versions.includes(header.version)
  ) {
    fail(
      `expected format approxnas-model version ${versions.slice(0, -1).join(", ")} or ${
        versions.at(-1)
      }, found ${header?.format} version ${header?.version}`,
    );
  }
  const trailer = header.version >= 3 ? TRAILER_BYTES : 0;
  let layout;
  try {
    layout = paramLayout(header.graph);
  } catch (e) {
    return fail(`its graph is invalid: ${(e as Error).message}`);
  }
  check(name, "parameters", header.paramCount, layout.paramCount);
  check(name, "batch-norm statistics", header.stateCount, layout.stateCount);
  const entries = header.version >= 2 ? header.tables ?? [] : [];
  if (!Array.isArray(entries)) fail(`its 'tables' must be a list, found ${typeof entries}`);
  const names = new Set<string>();
  for (const t of entries) {
    checkTableEntry(`Cannot load model '${name}'`, t?.name, t?.energyPj, PRODUCT_TABLE_SIZE);
    if (names.has(t.name)) fail(`it carries multiplier '${t.name}' twice`);
    const w = t.weights;
    if (
      w !== undefined &&
      !(Number.isInteger(w?.bits) && w.bits >= 2 && w.bits <= 8 && typeof w.signed === "boolean")
    ) {
      fail(
        `multiplier '${t.name}' has weights ${JSON.stringify(w)}, expected {bits: 2..8, signed}`,
      );
    }
    if (t.offsets !== undefined) {
      if (
        !Array.isArray(t.offsets) || t.offsets.length !== 256 || !t.offsets.every(Number.isInteger)
      ) {
        fail(`multiplier '${t.name}' needs 256 integer column offsets`);
      }
    }
    names.add(t.name);
  }
  const stored = entries.filter((t) => !t.exact);
  const dataStart = align4(12 + jsonLen);
  const floats = 4 * (layout.paramCount + layout.stateCount);
  const expected = dataStart + floats + TABLE_BYTES * stored.length + trailer;
  if (bytes.length !== expected) {
    const tablesText = stored.length ? ` and ${stored.length} product table(s)` : "";
    fail(`it must be ${expected} bytes for its graph${tablesText}, found ${bytes.length}`);
  }
  if (trailer) checkFileCrc(bytes, name);
  else if (header.version === 2) {
    const found = crc32(bytes.subarray(dataStart));
    if (found !== header.dataCrc32) {
      fail(
        `its data is corrupt: CRC-32 ${hex(found)}, the header recorded ${
          hex(header.dataCrc32 ?? NaN)
        }`,
      );
    }
  }
  if (!trailer) {
    onNote(
      `note: model '${name}' is format version ${header.version}: no checksum covers its ` +
        `header (graph, meta, quantisation); files written now (version 3) are covered whole`,
    );
  }
  const read = (from: number, count: number) => {
    const a = new Float32Array(count);
    for (let i = 0; i < count; i++) a[i] = view.getFloat32(from + 4 * i, true);
    return a;
  };
  const model: SavedModel = {
    graph: header.graph,
    params: read(dataStart, layout.paramCount),
    state: read(dataStart + 4 * layout.paramCount, layout.stateCount),
    meta: header.meta ?? {},
  };
  if (entries.length) {
    let at = dataStart + floats;
    model.tables = entries.map((t) => {
      let table: Uint16Array;
      if (t.exact) table = exactTable();
      else {
        table = new Uint16Array(PRODUCT_TABLE_SIZE);
        for (let i = 0; i < PRODUCT_TABLE_SIZE; i++) table[i] = view.getUint16(at + 2 * i, true);
        at += TABLE_BYTES;
      }
      return {
        name: t.name,
        energyPj: t.energyPj,
        table,
        ...(t.weights ? { weights: t.weights } : {}),
        ...(t.offsets ? { offsets: Int32Array.from(t.offsets) } : {}),
      };
    });
  }
  if (header.version >= 2 && header.inference !== undefined) {
    model.inference = checkInference(name, header.inference);
  }
  return model;
}

/** Version 3: the trailer must be the CRC-32 of every byte before it. */
function checkFileCrc(bytes: Uint8Array, name: string): void {
  const end = bytes.length - TRAILER_BYTES;
  const recorded = new DataView(bytes.buffer, bytes.byteOffset + end, TRAILER_BYTES)
    .getUint32(0, true);
  const found = crc32(bytes.subarray(0, end));
  if (found !== recorded) {
    throw new Error(
      `Cannot load model '${name}': its data is corrupt: CRC-32 ${
        hex(found)
      } of its header and data, its last 4 bytes record ${hex(recorded)}`,
    );
  }
}

export async function saveModel(path: string, model: SavedModel): Promise<void> {
  await writeFileAtomic(path, encodeModel(model)); // a reader never sees half a file
}

export async function readModelFile(path: string): Promise<SavedModel> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`Cannot read model '${path}': ${(e as Error).message}`);
  }
  return decodeModel(bytes, path);
}

/** The table as little-endian bytes. */
function tableBytes(table: Uint16Array): Uint8Array {
  const out = new Uint8Array(2 * table.length);
  const v = new DataView(out.buffer);
  for (let i = 0; i < table.length; i++) v.setUint16(2 * i, table[i], true);
  return out;
}

function checkTableEntry(prefix: string, mult: unknown, energyPj: unknown, entries: number): void {
  const fail = (what: string) => {
    throw new Error(`${prefix}: ${what}`);
  };
  if (typeof mult !== "string" || !mult) fail(`a product table has no name (found ${mult})`);
  if (typeof energyPj !== "number" || !Number.isFinite(energyPj) || energyPj < 0) {
    fail(`multiplier '${mult}' needs an energy >= 0 pJ per multiplication, found ${energyPj}`);
  }
  if (entries !== PRODUCT_TABLE_SIZE) {
    fail(
      `the table of multiplier '${mult}' must have ${PRODUCT_TABLE_SIZE} entries, found ${entries}`,
    );
  }
}

/** Checks the shape of a stored inference section (what it refers to is checked on use). */
function checkInference(name: string, spec: InferenceSpec): InferenceSpec {
  const fail = (what: string): never => {
    throw new Error(`Cannot load model '${name}': its inference section ${what}`);
  };
  const isRecord = (x: unknown): x is Record<string, unknown> =>
    x !== null && typeof x === "object" && !Array.isArray(x);
  if (!isRecord(spec)) fail(`must be an object, found ${JSON.stringify(spec)}`);
  const m = spec.multipliers;
  if (!isRecord(m) || typeof m.defaultName !== "string" || !isRecord(m.byNode)) {
    fail(`needs multipliers {defaultName, byNode}, found ${JSON.stringify(m)}`);
  }
  if (spec.weights !== "channel" && spec.weights !== "tensor") {
    fail(`needs weights 'channel' or 'tensor', found ${JSON.stringify(spec.weights)}`);
  }
  if (!isRecord(spec.ranges)) fail(`needs ranges {node: [lo, hi]}`);
  for (const [node, r] of Object.entries(spec.ranges)) {
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1]) {
      fail(`has an invalid range for '${node}': expected [lo, hi], found ${JSON.stringify(r)}`);
    }
  }
  if (!isRecord(spec.corrections)) fail(`needs corrections {multiplier: {node: [...]}}`);
  if (spec.weightMaps !== undefined && !isRecord(spec.weightMaps)) {
    fail(`has weightMaps that are not {multiplier: {node: base64}}`);
  }
  return { ...spec, compensate: spec.compensate === true };
}

function check(name: string, what: string, found: number, expected: number): void {
  if (found !== expected) {
    throw new Error(
      `Cannot load model '${name}': its graph needs ${expected} ${what}, found ${found}`,
    );
  }
}

function hex(x: number): string {
  return Number.isFinite(x) ? `0x${(x >>> 0).toString(16).padStart(8, "0")}` : String(x);
}

function align4(x: number): number {
  return (x + 3) & ~3;
}
