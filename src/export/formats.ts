/**
 * `deno task export --format onnx | onnx-qdq | bundle`: writing a model file out of
 * approxnas (the default format, a self-contained .apxnet, is src/embed/export.ts).
 */
import type { SavedModel } from "../model/model_file.ts";
import { writeBundle } from "./bundle.ts";
import { floatOnnx, qdqOnnx } from "./onnx/mod.ts";

export const EXPORT_FORMATS = ["apxnet", "onnx", "onnx-qdq", "bundle"] as const;
export type ExportFormat = typeof EXPORT_FORMATS[number];

/** Where a format writes by default, beside the model file. */
export function defaultOut(modelPath: string, format: Exclude<ExportFormat, "apxnet">): string {
  const stem = modelPath.replace(/\.apxnet$/, "");
  return format === "onnx"
    ? `${stem}.onnx`
    : format === "onnx-qdq"
    ? `${stem}.qdq.onnx`
    : `${stem}.bundle`;
}

export interface FormatOptions {
  out: string;
  /** The model file's name, for messages and metadata. */
  name: string;
  /** onnx: keep batch norms as BatchNormalization nodes. */
  keepBatchNorm?: boolean;
  /** bundle: test images for its accuracies. */
  test?: { images: Uint8Array; labels: Uint8Array; count: number; source: string };
  module?: WebAssembly.Module;
}

/** Writes `model` in `format`; returns the lines to print. */
export async function exportAs(
  format: Exclude<ExportFormat, "apxnet">,
  model: SavedModel,
  opts: FormatOptions,
): Promise<string[]> {
  const t0 = performance.now();
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(2);
  if (format === "bundle") {
    const { files, accuracies } = await writeBundle(model, {
      out: opts.out,
      name: opts.name,
      test: opts.test,
      module: opts.module,
    });
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    return [
      ...(accuracies
        ? [
          `on the first ${accuracies.images} ${accuracies.source}: float ${
            pct(accuracies.float)
          }, ` +
          `exact 8-bit ${pct(accuracies.exact8)}, approximate 8-bit ${pct(accuracies.approx8)}`,
        ]
        : []),
      `wrote ${opts.out}/ (${files.join(", ")}) in ${seconds()} s`,
    ];
  }
  const bytes = format === "onnx"
    ? floatOnnx(model, { foldBatchNorm: !opts.keepBatchNorm, source: opts.name })
    : qdqOnnx(model, opts.name);
  await Deno.writeFile(opts.out, bytes);
  return [`wrote ${opts.out} (${(bytes.length / 1024).toFixed(0)} KiB) in ${seconds()} s`];
}
