/**
 * Saving and loading a trained network: graph + weights + batch-norm statistics + metadata
 * in one file. The format is described in docs/model-format.md.
 */
import type { Graph } from "../graph/graph.ts";
import { paramLayout } from "./layout.ts";

export const MODEL_MAGIC = "APXNET01";
export const MODEL_FORMAT_VERSION = 1;

export interface SavedModel {
  graph: Graph;
  params: Float32Array;
  state: Float32Array;
  /** How it was trained and measured (free-form, JSON). */
  meta: Record<string, unknown>;
}

interface Header {
  format: "approxnas-model";
  version: number;
  graph: Graph;
  paramCount: number;
  stateCount: number;
  meta: Record<string, unknown>;
}

export function encodeModel(model: SavedModel): Uint8Array {
  const layout = paramLayout(model.graph);
  check("model", "parameters", model.params.length, layout.paramCount);
  check("model", "batch-norm statistics", model.state.length, layout.stateCount);
  const header: Header = {
    format: "approxnas-model",
    version: MODEL_FORMAT_VERSION,
    graph: model.graph,
    paramCount: layout.paramCount,
    stateCount: layout.stateCount,
    meta: model.meta,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(12 + json.length);
  const out = new Uint8Array(dataStart + 4 * (layout.paramCount + layout.stateCount));
  out.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  let at = dataStart;
  for (const arr of [model.params, model.state]) {
    for (let i = 0; i < arr.length; i++, at += 4) view.setFloat32(at, arr[i], true);
  }
  return out;
}

/** Parses a model file's bytes; `name` is used in error messages. */
export function decodeModel(bytes: Uint8Array, name = "model"): SavedModel {
  const fail = (what: string) => {
    throw new Error(`Cannot load model '${name}': ${what}`);
  };
  if (bytes.length < 12) fail(`it must be at least 12 bytes, found ${bytes.length}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MODEL_MAGIC) {
    fail(`it must start with '${MODEL_MAGIC}', found '${magic.replace(/[^\x20-\x7e]/g, "?")}'`);
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
  if (header.format !== "approxnas-model" || header.version !== MODEL_FORMAT_VERSION) {
    fail(
      `expected format approxnas-model version ${MODEL_FORMAT_VERSION}, found ${header.format} version ${header.version}`,
    );
  }
  let layout;
  try {
    layout = paramLayout(header.graph);
  } catch (e) {
    return fail(`its graph is invalid: ${(e as Error).message}`);
  }
  check(name, "parameters", header.paramCount, layout.paramCount);
  check(name, "batch-norm statistics", header.stateCount, layout.stateCount);
  const dataStart = align4(12 + jsonLen);
  const expected = dataStart + 4 * (layout.paramCount + layout.stateCount);
  if (bytes.length !== expected) {
    fail(`it must be ${expected} bytes for its graph, found ${bytes.length}`);
  }
  const read = (from: number, count: number) => {
    const a = new Float32Array(count);
    for (let i = 0; i < count; i++) a[i] = view.getFloat32(from + 4 * i, true);
    return a;
  };
  return {
    graph: header.graph,
    params: read(dataStart, layout.paramCount),
    state: read(dataStart + 4 * layout.paramCount, layout.stateCount),
    meta: header.meta ?? {},
  };
}

export async function saveModel(path: string, model: SavedModel): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeFile(tmp, encodeModel(model));
  await Deno.rename(tmp, path); // atomic: a reader never sees half a file
}

export async function loadModel(path: string): Promise<SavedModel> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`Cannot read model '${path}': ${(e as Error).message}`);
  }
  return decodeModel(bytes, path);
}

function check(name: string, what: string, found: number, expected: number): void {
  if (found !== expected) {
    throw new Error(
      `Cannot load model '${name}': its graph needs ${expected} ${what}, found ${found}`,
    );
  }
}

function align4(x: number): number {
  return (x + 3) & ~3;
}
