import type { EngineBinding } from "../engine_binding.ts";
import type { InputNode } from "./spec.ts";

/** The host writes the input batch into the node's output; nothing to run. */
export const inputEngine: EngineBinding<InputNode> = {
  bind: () => ({ forward() {}, backward() {} }),
};
