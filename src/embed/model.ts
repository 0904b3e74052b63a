/**
 * Loading a model file's bytes for embedding (no file system: the caller fetches or reads
 * them), and what a loaded model says about itself.
 *
 * No Deno API here: the embedding library bundles this module.
 */
import { graphCost } from "../graph/count.ts";
import { decodeModel, type SavedModel } from "../model/model_file.ts";

/** A decoded model file, with the name its error messages use. */
export interface LoadedModel extends SavedModel {
  name: string;
}

/**
 * Decodes the bytes of a model file (.apxnet, version 1, 2 or 3). Throws, naming `name` and
 * what was expected and found, when the bytes are not a valid model file.
 */
export function loadModel(bytes: ArrayBuffer | ArrayBufferView, name = "model"): LoadedModel {
  const view = bytes instanceof Uint8Array
    ? bytes
    : ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : bytes instanceof ArrayBuffer
    ? new Uint8Array(bytes)
    : null;
  if (view === null) {
    throw new Error(
      `Cannot load model '${name}': expected its bytes (ArrayBuffer or Uint8Array), found ${
        bytes === null ? "null" : typeof bytes
      }`,
    );
  }
  return { ...decodeModel(view, name), name };
}

/** The name a model's messages use. */
export function modelName(model: SavedModel | LoadedModel): string {
  return "name" in model && typeof model.name === "string" ? model.name : "model";
}

/** What a model is and can do without the multiplier library. */
export interface ModelSummary {
  name: string;
  graphName: string;
  params: number;
  /** Multiplications of one inference (conv and dense layers). */
  mults: number;
  /** Conv/dense layers, in order. */
  layers: string[];
  /** Multipliers whose tables the file carries, with their energy per multiplication. */
  tables: { name: string; energyPj: number }[];
  /** Whether the file carries a calibrated 8-bit quantisation (no calibration images needed). */
  selfContained: boolean;
  /** The approximate multipliers the file chose (node -> name), when it carries one. */
  multipliers: Record<string, string> | null;
  meta: Record<string, unknown>;
}

export function describeModel(model: LoadedModel | SavedModel): ModelSummary {
  const cost = graphCost(model.graph);
  const layers = [...cost.multsByNode.keys()];
  const choice = model.inference?.multipliers;
  return {
    name: modelName(model),
    graphName: model.graph.name,
    params: cost.params,
    mults: cost.mults,
    layers,
    tables: (model.tables ?? []).map((t) => ({ name: t.name, energyPj: t.energyPj })),
    selfContained: model.inference !== undefined,
    multipliers: choice
      ? Object.fromEntries(layers.map((id) => [id, choice.byNode[id] ?? choice.defaultName]))
      : null,
    meta: model.meta,
  };
}
