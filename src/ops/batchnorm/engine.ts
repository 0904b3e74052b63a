/** Batch norm on the engine: batch statistics in training, running ones in inference. */
import type { EngineBinding } from "../engine_binding.ts";
import { type BatchNormNode, BN_EPS, BN_MOMENTUM } from "./spec.ts";

export const batchnormEngine: EngineBinding<BatchNormNode> = {
  bind({ self, kernels: k, param, state, allocF32, spare }) {
    const x = self.ins[0];
    const { h, w, c } = self.shape;
    const gamma = param("gamma")!, beta = param("beta")!;
    const runMean = state("running_mean"), runVar = state("running_var");
    // The batch mean and 1/std the backward pass reads.
    const mean = allocF32(c), invstd = allocF32(c);
    return {
      forward(n, training) {
        const rows = n * h * w;
        if (training) {
          k.f32_batchnorm_fwd_train(
            x.out,
            self.out,
            gamma.value,
            beta.value,
            mean,
            invstd,
            runMean,
            runVar,
            rows,
            c,
            BN_MOMENTUM,
            BN_EPS,
          );
        } else {
          k.f32_batchnorm_fwd_infer(
            x.out,
            self.out,
            gamma.value,
            beta.value,
            runMean,
            runVar,
            rows,
            c,
            BN_EPS,
          );
        }
      },
      backward(n, [dx]) {
        // The kernel computes dx with dgamma and dbeta: into a spare buffer when unneeded.
        k.f32_batchnorm_bwd(
          x.out,
          self.grad,
          gamma.value,
          mean,
          invstd,
          dx || spare[0].ptr,
          gamma.grad,
          beta.grad,
          n * h * w,
          c,
        );
      },
    };
  },
};
