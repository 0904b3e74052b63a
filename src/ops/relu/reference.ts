import { reluBackwardRef, reluForwardRef } from "../../reference/elementwise.ts";
import type { ReferenceBinding } from "../reference_binding.ts";
import type { ReluNode } from "./spec.ts";

export const reluReference: ReferenceBinding<ReluNode> = {
  forward: ({ xs: [x] }) => ({ y: reluForwardRef(x) }),
  backward: ({ y, dy }) => [reluBackwardRef(y, dy)],
};
