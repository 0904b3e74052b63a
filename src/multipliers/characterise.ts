/** Everything the library records about a netlist: its table, error metrics and model cost. */
import { type AbsoluteCost, absoluteCost, type ModelCost, modelCost } from "./cost.ts";
import { exactArray } from "./generators/families.ts";
import { type ErrorMetrics, errorMetrics } from "./metrics.ts";
import {
  cellCounts,
  type CellKind,
  type Netlist,
  type Operands,
  operandsOf,
  validateNetlist,
} from "./netlist.ts";
import { simulate } from "./simulate.ts";

export interface Characterisation extends AbsoluteCost {
  operands: Operands;
  table: Uint16Array;
  metrics: ErrorMetrics;
  model: ModelCost;
  cells: number;
  gates: Partial<Record<CellKind, number>>;
}

let exactCost: ModelCost | undefined;

/** Model cost of the exact array multiplier, the reference of every relative figure. */
export function exactModelCost(): ModelCost {
  if (!exactCost) {
    const exact = exactArray();
    exactCost = modelCost(exact, simulate(exact).ones);
  }
  return exactCost;
}

/**
 * Simulates a netlist exhaustively and derives metrics (over its operands' ranges) and cost
 * from that one simulation. Relative figures are to the exact 8x8 unsigned array, whatever
 * the operands: an 8x4 circuit's energy is its own model's, against the same anchor.
 */
export function characterise(netlist: Netlist): Characterisation {
  validateNetlist(netlist);
  const operands = operandsOf(netlist);
  const { table, ones } = simulate(netlist);
  const model = modelCost(netlist, ones);
  return {
    operands,
    table,
    metrics: errorMetrics(table, operands),
    model,
    ...absoluteCost(model, exactModelCost()),
    cells: netlist.cells.length,
    gates: cellCounts(netlist),
  };
}
