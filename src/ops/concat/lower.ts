import { dequantize, quantize } from "../../quant/affine.ts";
import type { OpLowering } from "../lowering.ts";
import type { ConcatNode } from "./spec.ts";

/** Each input is re-encoded into the output's encoding by a 256-entry table. */
export const concatLowering: OpLowering<ConcatNode> = {
  absorbs: { relu: true },
  lower({ head, nodes, output, relu }, ctx) {
    ctx.encode(output, ctx.calibrated(output));
    const out = ctx.tensors[output].q;
    const lut = (id: string) =>
      Uint8Array.from({ length: 256 }, (_, v) => {
        const x = dequantize(v, ctx.tensors[id].q);
        return quantize(relu ? Math.max(x, 0) : x, out);
      });
    return [{
      op: "concat",
      fused: nodes.map((n) => n.id),
      a: head.inputs[0],
      b: head.inputs[1],
      output,
      lutA: lut(head.inputs[0]),
      lutB: lut(head.inputs[1]),
    }];
  },
};
