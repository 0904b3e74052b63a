/**
 * A hardware bundle: what a designer needs to build one network, in one directory.
 *
 *   float.onnx            the float network (ONNX, batch norm folded)
 *   exact8.qdq.onnx       the exact 8-bit network (QDQ ONNX, approxnas's calibration)
 *   multipliers/NAME.v    each chosen multiplier as structural Verilog (8x8 unsigned)
 *   multipliers/NAME.bin  its 256 x 256 product table (uint16 little-endian, index a*256+b)
 *   layers.json           per-layer quantisation parameters, multiplications and energy
 *   README.md             the summary: accuracies (float, exact, approximate) and energy
 *
 * Reads the multiplier library for the netlists (a model file carries only the tables) and
 * checks that each netlist simulates to the table the model carries.
 */
import { join } from "node:path";
import { planFromSpec } from "../embed/spec.ts";
import { createClassifier, type Mode } from "../embed/classifier.ts";
import { tableBytes } from "../multipliers/info.ts";
import { type LibraryOptions, openLibrary } from "../multipliers/library.ts";
import { simulateTable } from "../multipliers/simulate.ts";
import { netlistToVerilog } from "../multipliers/verilog/export.ts";
import type { SavedModel } from "../model/model_file.ts";
import { type Accuracies, bundleReadme } from "./bundle_readme.ts";
import { networkParams } from "./layer_params.ts";
import { floatOnnx, qdqOnnx } from "./onnx/mod.ts";

export interface BundleOptions {
  /** The directory to write (created; files of the same names are replaced). */
  out: string;
  /** The model file's name, for messages and the README. */
  name: string;
  /** Test images to measure the three accuracies on (CIFAR-10 layout), and how many. */
  test?: { images: Uint8Array; labels: Uint8Array; count: number; source: string };
  /** The engine (build/approxnas.wasm, compiled), for the accuracies. */
  module?: WebAssembly.Module;
  library?: LibraryOptions;
}

export interface BundleSummary {
  files: string[];
  accuracies: Accuracies | null;
}

/** Writes the bundle of a self-contained model (one carrying `inference`). */
export async function writeBundle(model: SavedModel, opts: BundleOptions): Promise<BundleSummary> {
  const qdq = qdqOnnx(model, opts.name); // refuses a model without its calibration
  const spec = model.inference!;
  const plan = planFromSpec(model, spec, opts.name);
  const params = networkParams(model, plan);
  const files: string[] = [];
  const write = async (file: string, data: Uint8Array | string) => {
    const path = join(opts.out, file);
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
    files.push(file);
  };
  await Deno.mkdir(join(opts.out, "multipliers"), { recursive: true });
  await write("float.onnx", floatOnnx(model, { source: opts.name }));
  await write("exact8.qdq.onnx", qdq);

  const library = openLibrary(opts.library);
  const used = [...new Set(params.layers.map((l) => l.multiplier))];
  const multipliers = [];
  for (const name of used) {
    const info = await library.get(name);
    const netlist = await library.netlist(name);
    const carried = model.tables?.find((t) => t.name === name)?.table;
    const simulated = simulateTable(netlist);
    if (carried && !carried.every((v, i) => v === simulated[i])) {
      throw new Error(
        `Model '${opts.name}' carries a table for '${name}' that its library netlist does not ` +
          "compute: the library changed since the export; export the model again",
      );
    }
    const layers = params.layers.filter((l) => l.multiplier === name).map((l) => l.node);
    const comment = `${name}: ${info.note}\n8x8 unsigned multiplier (A: activation byte, ` +
      `B: weight byte) of network '${model.graph.name}', layers ${layers.join(", ")}; ` +
      `exported by approxnas`;
    await write(`multipliers/${name}.v`, netlistToVerilog(name, netlist, comment));
    await write(`multipliers/${name}.bin`, tableBytes(simulated));
    multipliers.push({ name, note: info.note, energyPj: info.energyPj, layers });
  }
  await write("layers.json", compactJson(params));
  const accuracies = opts.test ? await measureAccuracies(model, opts.test, opts.module) : null;
  await write(
    "README.md",
    bundleReadme({ name: opts.name, model, params, multipliers, accuracies, files }),
  );
  return { files, accuracies };
}

/** Float, exact and approximate 8-bit accuracy through the embedding library's classifier. */
export async function measureAccuracies(
  model: SavedModel,
  test: NonNullable<BundleOptions["test"]>,
  module?: WebAssembly.Module,
): Promise<Accuracies> {
  const wasm = module ?? await WebAssembly.compile(
    await Deno.readFile(new URL("../../build/approxnas.wasm", import.meta.url)),
  );
  const images = test.images.subarray(0, test.count * 3072);
  const result: Record<Mode, number> = { float: 0, exact8: 0, approx8: 0 };
  for (const mode of Object.keys(result) as Mode[]) {
    const classifier = await createClassifier({ model, wasm, mode, batch: 100 });
    const { labels } = classifier.classify(images);
    classifier.close();
    let correct = 0;
    for (let i = 0; i < test.count; i++) correct += labels[i] === test.labels[i] ? 1 : 0;
    result[mode] = correct / test.count;
  }
  return { images: test.count, source: test.source, ...result };
}

/** Indented JSON with every list of numbers on one line (per-channel lists are long). */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g,
    (_, items: string) => `[${items.replace(/,\s*/g, ", ")}]`,
  ) + "\n";
}
