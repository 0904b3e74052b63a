/**
 * Mobile blocks and a MobileNetV2-style CIFAR-10 network (Sandler et al., 2018). The blocks
 * are the ones the CGP mobile function set decodes to (src/search/cgp/decode.ts).
 */
import type { GraphBuilder as Builder } from "./builder.ts";
import { GraphBuilder } from "./builder.ts";
import type { Graph } from "./graph.ts";
import { CIFAR_INPUT } from "./resnet.ts";

/** Depthwise conv-BN-ReLU, then pointwise (1x1) conv-BN-ReLU to `filters` channels. */
export function separable(
  g: Builder,
  x: string,
  filters: number,
  kernel: number,
  stride = 1,
): string {
  const dw = g.relu(g.batchnorm(g.dwconv(x, kernel, stride)));
  return g.convBnRelu(dw, filters, 1);
}

/**
 * Inverted residual: 1x1 expansion to expand x the input's channels with BN-ReLU (left out
 * when expand is 1, as MobileNetV2's first block), depthwise conv-BN-ReLU, 1x1 linear
 * projection to `filters` with BN, plus the input when the shapes allow (stride 1, same
 * channels).
 */
export function invertedResidual(
  g: Builder,
  x: string,
  filters: number,
  kernel: number,
  expand: number,
  stride = 1,
): string {
  const c = g.shape(x).c;
  const wide = expand === 1 ? x : g.convBnRelu(x, c * expand, 1);
  const dw = g.relu(g.batchnorm(g.dwconv(wide, kernel, stride)));
  const out = g.batchnorm(g.conv(dw, filters, 1));
  return stride === 1 && c === filters ? g.add(out, x) : out;
}

/**
 * MobileNetV2 for 32x32x3 inputs, narrowed to ResNet-8's size (80,490 parameters and 9.9
 * million multiplications per image, against ResNet-8's 78,042 and 12.5 million): a 3x3 stem
 * conv with 16 filters, inverted residuals (expansion, filters, repeats, first stride)
 * (1, 16, 1, 1), (6, 24, 2, 2), (6, 40, 2, 2), (6, 48, 1, 1), all 3x3, a 1x1 conv to 128,
 * global average pooling and a dense layer. ImageNet's stride-2 stem is dropped for the small
 * images, as CIFAR-10 versions of the network do.
 */
export function mobilenetV2(classes = 10): Graph {
  const g = new GraphBuilder("mobilenetv2", CIFAR_INPUT, classes);
  let x = g.convBnRelu("input", 16, 3);
  for (const [t, c, n, s] of STAGES) {
    for (let i = 0; i < n; i++) x = invertedResidual(g, x, c, 3, t, i === 0 ? s : 1);
  }
  x = g.convBnRelu(x, HEAD_FILTERS, 1);
  return g.build(g.dense(g.gap(x), classes));
}

/** (expansion, filters, repeats, first stride) per stage. */
const STAGES: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 40, 2, 2],
  [6, 48, 1, 1],
];
const HEAD_FILTERS = 128;
