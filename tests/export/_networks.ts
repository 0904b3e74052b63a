/**
 * The networks and images of the ONNX export tests: ResNet-8 and an evolved network (both
 * merges, from the CGP decoder) with seeded weights, a graph with every op the exporters
 * handle, and the shipped example (a trained ResNet-8); made self-contained on seeded images.
 * The images are the first CIFAR-10 test images when the data is at hand ($CIFAR10_DIR, or
 * shared/cifar10 beside the repository), else seeded CIFAR-shaped images.
 */
import { fileURLToPath } from "node:url";
import { cgpExampleGraph } from "../../scripts/cgp_example.ts";
import { loadCifar10 } from "../../src/data/cifar10/mod.ts";
import { makeSelfContained } from "../../src/embed/export.ts";
import { resnet } from "../../src/graph/resnet.ts";
import { readModelFile, type SavedModel } from "../../src/model/model_file.ts";
import { everyOpGraph, randomImages, randomModel } from "../quant/_models.ts";

export const EXAMPLE = fileURLToPath(
  new URL("../../data/examples/resnet8-bam_h1v4.apxnet", import.meta.url),
);
const SHARED = fileURLToPath(new URL("../../../shared/cifar10", import.meta.url));

/** A self-contained copy, calibrated on 64 seeded images, with an approximate multiplier. */
export function selfContained(model: SavedModel, multipliers = "mul8u_bam_h1v4") {
  return makeSelfContained(model, {
    calibrationImages: randomImages(64, 5),
    multipliers,
    compensate: true,
    source: "seeded test images",
  });
}

export async function networks(): Promise<Record<string, SavedModel>> {
  return {
    "ResNet-8": await selfContained(randomModel(resnet(8), 3)),
    "evolved (concat + sum)": await selfContained(randomModel(cgpExampleGraph(), 4)),
    "every op": await selfContained(randomModel(everyOpGraph(), 6), "mul8u_trunc6"),
    "shipped example": await readModelFile(EXAMPLE),
  };
}

/** `count` test images, their labels (seeded images: 0..9 in turn) and where they come from. */
export async function testImages(
  count: number,
): Promise<{ images: Uint8Array; labels: Uint8Array; source: string }> {
  for (const dir of [Deno.env.get("CIFAR10_DIR"), SHARED]) {
    if (!dir || !(await Deno.stat(dir).then((s) => s.isDirectory, () => false))) continue;
    const test = await loadCifar10(dir, { split: "test" });
    return {
      images: test.images.subarray(0, count * 3072),
      labels: test.labels.subarray(0, count),
      source: "CIFAR-10 test images",
    };
  }
  return {
    images: randomImages(count, 9),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    source: "seeded images (no CIFAR-10 here)",
  };
}
