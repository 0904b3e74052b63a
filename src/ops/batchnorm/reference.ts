import { batchnormBackwardRef, batchnormForwardTrainRef } from "../../reference/batchnorm.ts";
import type { ReferenceBinding } from "../reference_binding.ts";
import { type BatchNormNode, BN_EPS, BN_MOMENTUM } from "./spec.ts";

interface Saved {
  mean: Float64Array;
  invstd: Float64Array;
}

export const batchnormReference: ReferenceBinding<BatchNormNode, Saved> = {
  forward({ n, xs: [x], shape: s, param }) {
    const r = batchnormForwardTrainRef(
      x,
      param("gamma")!,
      param("beta")!,
      new Float64Array(s.c),
      new Float64Array(s.c).fill(1),
      n * s.h * s.w,
      s.c,
      BN_MOMENTUM,
      BN_EPS,
    );
    return { y: r.y, saved: { mean: r.mean, invstd: r.invstd } };
  },
  backward({ n, xs: [x], shape: s, param, dy, saved, addGrad }) {
    const r = batchnormBackwardRef(
      x,
      dy,
      param("gamma")!,
      saved.mean,
      saved.invstd,
      n * s.h * s.w,
      s.c,
    );
    addGrad("gamma", r.dgamma);
    addGrad("beta", r.dbeta);
    return [r.dx];
  },
};
