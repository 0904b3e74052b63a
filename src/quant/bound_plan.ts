/**
 * A plan as it runs with an assignment: every conv/dense layer's weights must be coded as
 * its multiplier takes them (weight_code.ts), and a multiplier whose table columns were
 * shifted into 16 bits (multiplier_table.ts) has the shifts of the layer's weights taken off
 * the layer's bias: acc = sum_i (M(a_i, w_i) - offset(w_i)) - zw * sum_i a_i + bias, where
 * every tap, padded or not, reads a weight, so the sum of offsets is the same at every pixel.
 *
 * No Deno API here: the embedding library bundles this module.
 */
import { layerMultiplier, type MultiplierAssignment } from "./assignment.ts";
import type { Multiplier } from "./multipliers.ts";
import type { QConvStep, QPlan } from "./plan.ts";
import { BYTE_WEIGHTS, describeCode, sameCode, type WeightCode } from "./weight_code.ts";

/** The weight code a multiplier takes. */
export function codeOf(m: Multiplier): WeightCode {
  return m.weights ?? BYTE_WEIGHTS;
}

/** Each node's weight code under `assignment` (what quantizeModel is to code weights in). */
export function weightCodes(
  assignment: MultiplierAssignment,
  nodes: string[],
): Record<string, WeightCode> {
  return Object.fromEntries(nodes.map((n) => [n, codeOf(layerMultiplier(assignment, n))]));
}

/** Whether any layer's multiplier takes weights other than 8-bit unsigned ones. */
export function needsCodes(assignment: MultiplierAssignment, nodes: string[]): boolean {
  return nodes.some((n) => !sameCode(codeOf(layerMultiplier(assignment, n)), BYTE_WEIGHTS));
}

/** The step as it runs with multiplier `m`; throws when its weights are coded otherwise. */
export function boundStep(step: QConvStep, m: Multiplier): QConvStep {
  const code = step.weightCode ?? BYTE_WEIGHTS, wanted = codeOf(m);
  if (!sameCode(code, wanted)) {
    throw new Error(
      `Layer '${step.node}': its weights are coded ${describeCode(code)}, but multiplier ` +
        `'${m.name}' takes ${describeCode(wanted)} weights (quantise with its weight codes)`,
    );
  }
  if (!m.offsets) return step;
  const shift = new Float64Array(step.k);
  for (let i = 0; i < step.weights.length; i++) shift[i % step.k] += m.offsets[step.weights[i]];
  return { ...step, bias: Int32Array.from(step.bias, (b, co) => b - shift[co]) };
}

/**
 * Exact products for every layer of `plan`, each with its layer's weight code (the exact
 * table is a * w whatever the code): what a coded plan's exact activations come from.
 */
export function exactAssignment(plan: QPlan, table: Uint16Array): MultiplierAssignment {
  const library: Multiplier[] = [];
  const byNode: Record<string, string> = {};
  for (const s of plan.steps) {
    if (s.op !== "conv") continue;
    const code = s.weightCode ?? BYTE_WEIGHTS;
    const name = `exact ${describeCode(code)}`;
    if (!library.some((m) => m.name === name)) {
      library.push({
        name,
        energyPj: NaN,
        table,
        ...(sameCode(code, BYTE_WEIGHTS) ? {} : { weights: code }),
      });
    }
    byNode[s.node] = name;
  }
  return { defaultName: `exact ${describeCode(BYTE_WEIGHTS)}`, byNode, library };
}

/** Every conv/dense step bound to its multiplier (what the executor and reference run). */
export function bindPlan(plan: QPlan, assignment: MultiplierAssignment): QPlan {
  const steps = plan.steps.map((s) =>
    s.op === "conv" ? boundStep(s, layerMultiplier(assignment, s.node)) : s
  );
  return { ...plan, steps };
}
