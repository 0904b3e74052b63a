/**
 * The CIFAR-10 ResNets of He et al. (2016), depth 6n+2: a 3x3 convolution with 16 filters,
 * three stages of n basic blocks with 16, 32 and 64 filters (stride 2 at the start of stages
 * 2 and 3), global average pooling and a 10-way dense layer. Shortcuts that change shape are
 * 1x1 convolutions with batch norm (projection), which gives ResNet-8 its 78,042 parameters.
 */
import { GraphBuilder } from "./builder.ts";
import type { Graph } from "./graph.ts";

export const CIFAR_INPUT = { h: 32, w: 32, c: 3 };

function basicBlock(g: GraphBuilder, x: string, filters: number, stride: number): string {
  const inC = g.shape(x).c;
  const y = g.batchnorm(g.conv(g.convBnRelu(x, filters, 3, stride), filters, 3));
  const shortcut = stride === 1 && inC === filters ? x : g.batchnorm(g.conv(x, filters, 1, stride));
  return g.relu(g.add(y, shortcut));
}

/** ResNet-(6n+2) for 32x32x3 inputs. */
export function resnet(depth: number, classes = 10): Graph {
  if ((depth - 2) % 6 !== 0 || depth < 8) {
    throw new Error(`ResNet depth must be 6n+2 with n >= 1 (8, 14, 20, ...), found ${depth}`);
  }
  const n = (depth - 2) / 6;
  const g = new GraphBuilder(`resnet${depth}`, CIFAR_INPUT, classes);
  let x = g.convBnRelu("input", 16, 3);
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let i = 0; i < n; i++) x = basicBlock(g, x, filters, stage > 0 && i === 0 ? 2 : 1);
  }
  return g.build(g.dense(g.gap(x), classes));
}

/** Models the command line knows by name. */
export const MODELS: Record<string, () => Graph> = {
  resnet8: () => resnet(8),
  resnet14: () => resnet(14),
  resnet20: () => resnet(20),
};

export function modelByName(name: string): Graph {
  const make = MODELS[name];
  if (!make) {
    throw new Error(`Unknown model '${name}': expected one of ${Object.keys(MODELS).join(", ")}`);
  }
  return make();
}
