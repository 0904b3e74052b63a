/** Everything the library records about a netlist: its table, error metrics and model cost. */
import { type AbsoluteCost, absoluteCost, type ModelCost, modelCost } from "./cost.ts";
import { exactArray } from "./generators/families.ts";
import { type ErrorMetrics, errorMetrics } from "./metrics.ts";
import { cellCounts, type CellKind, type Netlist, validateNetlist } from "./netlist.ts";
import { simulate } from "./simulate.ts";

export interface Characterisation extends AbsoluteCost {
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

/** Simulates a netlist exhaustively and derives metrics and cost from that one simulation. */
export function characterise(netlist: Netlist): Characterisation {
  validateNetlist(netlist);
  const { table, ones } = simulate(netlist);
  const model = modelCost(netlist, ones);
  return {
    table,
    metrics: errorMetrics(table),
    model,
    ...absoluteCost(model, exactModelCost()),
    cells: netlist.cells.length,
    gates: cellCounts(netlist),
  };
}
