/** Appends cells to a netlist under construction and hands back the wires they drive. */
import {
  CELL_SHAPE,
  type CellKind,
  CONST0,
  FIRST_CELL_WIRE,
  type Netlist,
  operandFields,
  type Operands,
  PRODUCT_BITS,
  validateNetlist,
} from "./netlist.ts";

export class NetlistBuilder {
  readonly cells: { kind: CellKind; inputs: number[] }[] = [];
  #next = FIRST_CELL_WIRE;

  /** Adds one cell and returns its output wires (sum, carry for HA and FA). */
  add(kind: CellKind, inputs: number[]): number[] {
    const shape = CELL_SHAPE[kind];
    if (inputs.length !== shape.inputs) {
      throw new Error(`${kind} takes ${shape.inputs} inputs, given ${inputs.length}`);
    }
    for (const w of inputs) {
      if (!Number.isInteger(w) || w < 0 || w >= this.#next) {
        throw new Error(`${kind}: input wire ${w} is not driven yet`);
      }
    }
    this.cells.push({ kind, inputs: [...inputs] });
    const outs = Array.from({ length: shape.outputs }, (_, k) => this.#next + k);
    this.#next += shape.outputs;
    return outs;
  }

  /** Number of wires so far (the next cell output gets this number). */
  get wireCount(): number {
    return this.#next;
  }

  not(a: number): number {
    return this.add("NOT", [a])[0];
  }
  and(a: number, b: number): number {
    return this.add("AND2", [a, b])[0];
  }
  or(a: number, b: number): number {
    return this.add("OR2", [a, b])[0];
  }
  xor(a: number, b: number): number {
    return this.add("XOR2", [a, b])[0];
  }
  /** s ? d1 : d0. */
  mux(s: number, d0: number, d1: number): number {
    return this.add("MUX2", [s, d0, d1])[0];
  }
  /** [sum, carry]. */
  ha(a: number, b: number): [number, number] {
    const [s, c] = this.add("HA", [a, b]);
    return [s, c];
  }
  /** [sum, carry]. */
  fa(a: number, b: number, c: number): [number, number] {
    const [s, co] = this.add("FA", [a, b, c]);
    return [s, co];
  }

  /** OR of any number of wires (constant 0 for none), as a balanced tree. */
  orAll(wires: number[]): number {
    return this.#tree(wires, (a, b) => this.or(a, b));
  }

  /** AND of any number of wires (constant 1 for none), as a balanced tree. */
  andAll(wires: number[]): number {
    return wires.length === 0 ? 1 : this.#tree(wires, (a, b) => this.and(a, b));
  }

  #tree(wires: number[], join: (a: number, b: number) => number): number {
    if (wires.length === 0) return CONST0;
    let level = [...wires];
    while (level.length > 1) {
      const next: number[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(join(level[i], level[i + 1]));
      if (level.length % 2) next.push(level[level.length - 1]);
      level = next;
    }
    return level[0];
  }

  /**
   * The finished netlist with O[k] = outputs[k] (missing high bits read constant 0), for an
   * 8x8 unsigned multiplier unless `operands` says otherwise.
   */
  build(outputs: number[], operands?: Operands): Netlist {
    const outs = Array.from({ length: PRODUCT_BITS }, (_, k) => outputs[k] ?? CONST0);
    const netlist = {
      cells: this.cells.map((c) => ({ ...c, inputs: [...c.inputs] })),
      outputs: outs,
      ...(operands ? operandFields(operands) : {}),
    };
    validateNetlist(netlist);
    return netlist;
  }
}
