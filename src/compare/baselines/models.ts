/**
 * The human-designed networks the search is compared with, by the names the command line
 * takes: the CIFAR-10 ResNets of He et al., a LeNet-5-style network and a MobileNetV2-style
 * network of ResNet-8's size.
 */
import type { Graph } from "../../graph/graph.ts";
import { resnet } from "../../graph/resnet.ts";
import { lenet5 } from "../../graph/lenet.ts";
import { mobilenetV2 } from "../../graph/mobilenet.ts";

export const BASELINE_MODELS: Record<string, () => Graph> = {
  resnet8: () => resnet(8),
  resnet14: () => resnet(14),
  resnet20: () => resnet(20),
  lenet5: () => lenet5(),
  mobilenetv2: () => mobilenetV2(),
};

/** The network every target of the comparison is measured against. */
export const REFERENCE_MODEL = "resnet8";

/** How the tables name a baseline. */
export function displayName(model: string): string {
  const m = /^resnet(\d+)$/.exec(model);
  if (m) return `ResNet-${m[1]}`;
  return model === "lenet5" ? "LeNet-5" : model === "mobilenetv2" ? "MobileNetV2" : model;
}
