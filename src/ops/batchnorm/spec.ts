/** Batch normalisation per channel, with running statistics for inference. */
import type { NodeBase } from "../../graph/node.ts";
import type { OpSpec } from "../spec.ts";

export interface BatchNormNode extends NodeBase {
  op: "batchnorm";
}

/** Batch-norm settings, as PyTorch's defaults. */
export const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

export const batchnormSpec: OpSpec<BatchNormNode> = {
  op: "batchnorm",
  arity: 1,
  shape: (_node, [x]) => ({ ...x }),
  params: (_node, [x]) => [
    { name: "gamma", shape: [x.c], fanIn: 1, init: 1 },
    { name: "beta", shape: [x.c], fanIn: 1, init: 0 },
  ],
  state: (_node, [x]) => [
    { name: "running_mean", shape: [x.c], fanIn: 1, init: 0 },
    { name: "running_var", shape: [x.c], fanIn: 1, init: 1 },
  ],
};

/** Inference batch norm as a per-channel y = mul * x + add, in float64. */
export function batchnormAffine(
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
): { mul: number[]; add: number[] } {
  const mul = Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + BN_EPS));
  const add = mul.map((m, c) => beta[c] - m * mean[c]);
  return { mul, add };
}
