import { lowerAsTable } from "../batchnorm/lower.ts";
import type { OpLowering } from "../lowering.ts";
import type { ReluNode } from "./spec.ts";

/** A ReLU no step absorbed: a table step, like a standalone batch norm. */
export const reluLowering: OpLowering<ReluNode> = {
  lower: (g, ctx) => [lowerAsTable(g, ctx)],
};
