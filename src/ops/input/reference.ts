import type { ReferenceBinding } from "../reference_binding.ts";
import type { InputNode } from "./spec.ts";

export const inputReference: ReferenceBinding<InputNode> = {
  forward: ({ data }) => ({ y: Float64Array.from(data) }),
  backward: () => [],
};
