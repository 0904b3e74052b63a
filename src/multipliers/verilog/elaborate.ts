/**
 * Flattens parsed Verilog into a multiplier netlist: instances are expanded recursively
 * (hierarchical names `u1.x`), every net bit must be driven exactly once, reads of undriven
 * bits and combinational loops are refused with the line numbers involved, logic that
 * reaches no output is dropped, and the cells are numbered in topological order.
 *
 * Widths and signedness follow Verilog: an expression is signed when all its operands are
 * (signed nets, `'s` and unsized decimal constants; selects and concatenations are
 * unsigned); operands of bitwise operators, + - and ?: are extended to the width of the
 * context, with their sign bit when the expression is signed and zeros otherwise;
 * assignments truncate or extend. `+` and `-` become ripple-carry adders.
 */
import {
  type CellKind,
  CONST0,
  CONST1,
  FIRST_CELL_WIRE,
  MIN_WEIGHT_BITS,
  type Netlist,
  OPERAND_BITS,
  operandFields,
  PRODUCT_BITS,
  wireA,
  wireB,
} from "../netlist.ts";
import { optimise } from "../optimise.ts";
import { VerilogError } from "./lexer.ts";
import {
  type Expr,
  type GatePrimitive,
  type Module,
  parseVerilog,
  type PortDecl,
  type Range,
} from "./parser.ts";

/**
 * A signal reference: >= 0 is a source (0/1 constants, 2..17 operand bits, cell outputs
 * from 18 on), < 0 is net bit -1 - ref, to be resolved through its driver.
 */
type Ref = number;
const netRef = (id: number): Ref => -1 - id;

interface NetBit {
  name: string;
  line: number;
  driver?: Ref;
  driverLine?: number;
  input?: boolean;
}

interface CellRecord {
  kind: CellKind;
  inputs: Ref[];
  outputs: number[];
  line: number;
}

interface Net {
  range: Range;
  width: number;
  bits: number[]; // net ids, offset 0 = least significant
  signed: boolean;
  line: number;
}

type Scope = Map<string, Net>;

const PRIMITIVE_CELL: Record<Exclude<GatePrimitive, "not" | "buf">, CellKind> = {
  and: "AND2",
  or: "OR2",
  xor: "XOR2",
  nand: "NAND2",
  nor: "NOR2",
  xnor: "XNOR2",
};

/** Bitwise operators whose inversion is one cell. */
const INVERTED: Partial<Record<string, CellKind>> = { "&": "NAND2", "|": "NOR2", "^": "XNOR2" };

export interface ElaborateOptions {
  /** Name of the top module; by default the only module no other module instantiates. */
  top?: string;
  /**
   * Read the operands as two's complement (true) or unsigned (false); by default as the
   * ports are declared. Contradicting `signed` ports is an error.
   */
  signed?: boolean;
}

class Elaborator {
  readonly nets: NetBit[] = [];
  readonly cells: CellRecord[] = [];
  #nextSource = FIRST_CELL_WIRE;
  readonly modules: Map<string, Module>;

  constructor(modules: Module[], readonly file: string) {
    this.modules = new Map(modules.map((m) => [m.name, m]));
  }

  error(line: number, message: string): never {
    throw new VerilogError(this.file, line, message);
  }

  cell(kind: CellKind, inputs: Ref[], line: number, outputs = 1): number[] {
    const outs = Array.from({ length: outputs }, () => this.#nextSource++);
    this.cells.push({ kind, inputs, outputs: outs, line });
    return outs;
  }

  declare(
    scope: Scope,
    prefix: string,
    name: string,
    range: Range | undefined,
    line: number,
    signed = false,
  ): Net {
    const existing = scope.get(name);
    if (existing) this.error(line, `'${name}' is declared twice (first at line ${existing.line})`);
    const r = range ?? { msb: 0, lsb: 0 };
    const width = Math.abs(r.msb - r.lsb) + 1;
    const bits = Array.from({ length: width }, (_, k) => {
      const index = r.msb >= r.lsb ? r.lsb + k : r.lsb - k;
      this.nets.push({ name: range ? `${prefix}${name}[${index}]` : `${prefix}${name}`, line });
      return this.nets.length - 1;
    });
    const net = { range: r, width, bits, signed, line };
    scope.set(name, net);
    return net;
  }

  lookup(scope: Scope, name: string, line: number): Net {
    const net = scope.get(name);
    if (!net) this.error(line, `expected a declared wire or port, found undeclared '${name}'`);
    return net;
  }

  /** Offset (0 = least significant) of index i in a declared range, or an error. */
  offset(net: Net, name: string, index: number, line: number): number {
    const { msb, lsb } = net.range;
    const inside = msb >= lsb ? index >= lsb && index <= msb : index <= lsb && index >= msb;
    if (!inside) this.error(line, `expected an index of ${name}[${msb}:${lsb}], found ${index}`);
    return Math.abs(index - lsb);
  }

  selfWidth(e: Expr, scope: Scope): number {
    switch (e.t) {
      case "id":
        return this.lookup(scope, e.name, e.line).width;
      case "bit":
        return 1;
      case "part":
        return Math.abs(e.msb - e.lsb) + 1;
      case "num":
        return e.width;
      case "unary":
        return e.op === "~" || e.op === "-" ? this.selfWidth(e.e, scope) : 1;
      case "binary":
        return e.op === "&&" || e.op === "||"
          ? 1
          : Math.max(this.selfWidth(e.l, scope), this.selfWidth(e.r, scope));
      case "cond":
        return Math.max(this.selfWidth(e.a, scope), this.selfWidth(e.b, scope));
      case "concat":
        return e.parts.reduce((s, p) => s + this.selfWidth(p, scope), 0);
      case "repl":
        return e.count * this.selfWidth(e.e, scope);
    }
  }

  /** Whether an expression is signed (all its operands are), as Verilog decides. */
  isSigned(e: Expr, scope: Scope): boolean {
    switch (e.t) {
      case "id":
        return this.lookup(scope, e.name, e.line).signed;
      case "num":
        return e.signed;
      case "unary":
        return (e.op === "~" || e.op === "-") && this.isSigned(e.e, scope);
      case "binary":
        return e.op !== "&&" && e.op !== "||" && this.isSigned(e.l, scope) &&
          this.isSigned(e.r, scope);
      case "cond":
        return this.isSigned(e.a, scope) && this.isSigned(e.b, scope);
      default:
        return false;
    }
  }

  /** A self-determined operand: its own width and signedness. */
  operand(e: Expr, scope: Scope): Ref[] {
    return this.evaluate(e, scope, this.selfWidth(e, scope), this.isSigned(e, scope));
  }

  /**
   * The bits of an expression, exactly `width` of them: truncated, or extended with the sign
   * bit in a signed context (`signed`: the whole context-determined expression is signed)
   * and with zeros otherwise.
   */
  evaluate(e: Expr, scope: Scope, width: number, signed = this.isSigned(e, scope)): Ref[] {
    const fit = (bits: Ref[]) =>
      Array.from({ length: width }, (_, k) => bits[k] ?? (signed ? bits[bits.length - 1] : 0));
    switch (e.t) {
      case "id":
        return fit(this.lookup(scope, e.name, e.line).bits.map(netRef));
      case "bit": {
        const net = this.lookup(scope, e.name, e.line);
        return fit([netRef(net.bits[this.offset(net, e.name, e.index, e.line)])]);
      }
      case "part": {
        const net = this.lookup(scope, e.name, e.line);
        const lo = this.offset(net, e.name, e.lsb, e.line);
        const hi = this.offset(net, e.name, e.msb, e.line);
        if (hi < lo) {
          this.error(
            e.line,
            `expected a part select in the declared direction of ${e.name}[${net.range.msb}:${net.range.lsb}], found [${e.msb}:${e.lsb}]`,
          );
        }
        return fit(net.bits.slice(lo, hi + 1).map(netRef));
      }
      case "num":
        return fit(Array.from({ length: e.width }, (_, k) => Number((e.value >> BigInt(k)) & 1n)));
      case "unary": {
        const inner = e.e;
        if (e.op === "~" && inner.t === "binary" && INVERTED[inner.op]) {
          // ~(a & b) is a NAND2 (as the nand primitive), not an AND2 and a NOT.
          const w = Math.max(width, this.selfWidth(inner, scope));
          const l = this.evaluate(inner.l, scope, w, signed);
          const r = this.evaluate(inner.r, scope, w, signed);
          return fit(l.map((x, k) => this.cell(INVERTED[inner.op]!, [x, r[k]], e.line)[0]));
        }
        if (e.op === "~" || e.op === "-") {
          const w = Math.max(width, this.selfWidth(e, scope));
          const inverted = this.evaluate(e.e, scope, w, signed).map((x) =>
            this.cell("NOT", [x], e.line)[0]
          );
          // -x = ~x + 1.
          return fit(e.op === "~" ? inverted : this.add(inverted, [], CONST1, e.line));
        }
        const bits = this.operand(e.e, scope);
        const reduced = e.op === "!"
          ? this.cell("NOT", [this.reduce("OR2", bits, e.line)], e.line)[0]
          : this.reduceUnary(e.op, bits, e.line);
        return fit([reduced]);
      }
      case "binary": {
        if (e.op === "&&" || e.op === "||") {
          const l = this.reduce("OR2", this.operand(e.l, scope), e.line);
          const r = this.reduce("OR2", this.operand(e.r, scope), e.line);
          return fit(this.cell(e.op === "&&" ? "AND2" : "OR2", [l, r], e.line));
        }
        const w = Math.max(width, this.selfWidth(e, scope));
        const l = this.evaluate(e.l, scope, w, signed), r = this.evaluate(e.r, scope, w, signed);
        if (e.op === "+") return fit(this.add(l, r, CONST0, e.line));
        if (e.op === "-") {
          // l - r = l + ~r + 1.
          const notR = r.map((x) => this.cell("NOT", [x], e.line)[0]);
          return fit(this.add(l, notR, CONST1, e.line));
        }
        const kind: CellKind = {
          "&": "AND2",
          "|": "OR2",
          "^": "XOR2",
          "~^": "XNOR2",
        }[e.op] as CellKind;
        return fit(l.map((x, k) => this.cell(kind, [x, r[k]], e.line)[0]));
      }
      case "cond": {
        const c = this.reduce("OR2", this.operand(e.c, scope), e.line);
        const w = Math.max(width, this.selfWidth(e, scope));
        const a = this.evaluate(e.a, scope, w, signed), b = this.evaluate(e.b, scope, w, signed);
        return fit(a.map((x, k) => this.cell("MUX2", [c, b[k], x], e.line)[0]));
      }
      case "concat": {
        const bits: Ref[] = [];
        for (let p = e.parts.length - 1; p >= 0; p--) bits.push(...this.operand(e.parts[p], scope));
        return fit(bits);
      }
      case "repl": {
        const one = this.operand(e.e, scope);
        return fit(Array.from({ length: e.count }, () => one).flat());
      }
    }
  }

  /**
   * x + y + carry over x's width (y zero-extended), as a ripple of full adders written in
   * gates, as an exported full adder reads back (the mapper makes them FA cells again).
   */
  add(x: Ref[], y: Ref[], carry: Ref, line: number): Ref[] {
    const gate = (kind: CellKind, a: Ref, b: Ref) => this.cell(kind, [a, b], line)[0];
    return x.map((xk, k) => {
      const yk = y[k] ?? CONST0;
      const t = gate("XOR2", xk, yk);
      const sum = gate("XOR2", t, carry);
      carry = gate("OR2", gate("AND2", xk, yk), gate("AND2", carry, t));
      return sum;
    });
  }

  reduce(kind: CellKind, bits: Ref[], line: number): Ref {
    return bits.reduce((acc, x) => this.cell(kind, [acc, x], line)[0]);
  }

  reduceUnary(op: string, bits: Ref[], line: number): Ref {
    const base: CellKind = op.endsWith("&") ? "AND2" : op.endsWith("|") ? "OR2" : "XOR2";
    const r = this.reduce(base, bits, line);
    return op.startsWith("~") ? this.cell("NOT", [r], line)[0] : r;
  }

  /** Net bits of an assignable expression (identifier, selects, concatenations). */
  target(e: Expr, scope: Scope): number[] {
    switch (e.t) {
      case "id":
        return this.lookup(scope, e.name, e.line).bits;
      case "bit": {
        const net = this.lookup(scope, e.name, e.line);
        return [net.bits[this.offset(net, e.name, e.index, e.line)]];
      }
      case "part": {
        const refs = this.evaluate(e, scope, this.selfWidth(e, scope));
        return refs.map((r) => -1 - r);
      }
      case "concat":
        return e.parts.slice().reverse().flatMap((p) => this.target(p, scope));
      default:
        this.error(
          e.line,
          "expected a wire, a bit or part select, or a concatenation to assign to, found an expression",
        );
    }
  }

  drive(net: number, source: Ref, line: number): void {
    const bit = this.nets[net];
    if (bit.input) this.error(line, `'${bit.name}' is an input and cannot be driven`);
    if (bit.driver !== undefined) {
      this.error(
        line,
        `'${bit.name}' is driven twice (at line ${bit.driverLine} and line ${line})`,
      );
    }
    bit.driver = source;
    bit.driverLine = line;
  }

  assign(lhs: number[], rhs: Ref[], line: number): void {
    lhs.forEach((net, k) => this.drive(net, rhs[k], line));
  }

  /** Expands a module; `bind` connects its ports (already declared in `scope`). */
  expand(m: Module, prefix: string, scope: Scope, stack: string[]): void {
    for (const w of m.wires) this.declare(scope, prefix, w.name, w.range, w.line, w.signed);
    for (const a of m.assigns) {
      const lhs = this.target(a.lhs, scope);
      this.assign(lhs, this.evaluate(a.rhs, scope, lhs.length), a.line);
    }
    for (const g of m.gates) this.gate(g.gate, g.terminals, g.line, scope);
    for (const inst of m.instances) this.instance(inst, prefix, scope, stack);
  }

  gate(gate: GatePrimitive, terminals: Expr[], line: number, scope: Scope): void {
    const one = (e: Expr) => this.evaluate(e, scope, 1)[0];
    const out = (e: Expr) => {
      const bits = this.target(e, scope);
      if (bits.length !== 1) {
        this.error(
          line,
          `expected a 1-bit output terminal of '${gate}', found ${bits.length} bits`,
        );
      }
      return bits[0];
    };
    if (gate === "not" || gate === "buf") {
      if (terminals.length < 2) {
        this.error(
          line,
          `expected '${gate}' to have an output and an input, found ${terminals.length} terminals`,
        );
      }
      const input = one(terminals[terminals.length - 1]);
      for (const t of terminals.slice(0, -1)) {
        this.drive(out(t), gate === "not" ? this.cell("NOT", [input], line)[0] : input, line);
      }
      return;
    }
    if (terminals.length < 3) {
      this.error(
        line,
        `expected '${gate}' to have an output and at least two inputs, found ${terminals.length} terminals`,
      );
    }
    const inputs = terminals.slice(1).map(one);
    const kind = PRIMITIVE_CELL[gate];
    // n-input gates: reduce with the positive gate, invert at the end for the N-forms.
    const positive: CellKind = kind === "NAND2"
      ? "AND2"
      : kind === "NOR2"
      ? "OR2"
      : kind === "XNOR2"
      ? "XOR2"
      : kind;
    let value = inputs.length === 2
      ? this.cell(kind, inputs, line)[0]
      : this.reduce(positive, inputs, line);
    if (inputs.length > 2 && positive !== kind) value = this.cell("NOT", [value], line)[0];
    this.drive(out(terminals[0]), value, line);
  }

  instance(
    inst: {
      module: string;
      name: string;
      named?: Map<string, Expr | null>;
      positional?: (Expr | null)[];
      line: number;
    },
    prefix: string,
    scope: Scope,
    stack: string[],
  ): void {
    const child = this.modules.get(inst.module);
    if (!child) {
      this.error(
        inst.line,
        `expected a module defined in this file, found unknown module '${inst.module}' (defined: ${
          [...this.modules.keys()].join(", ")
        })`,
      );
    }
    if (stack.includes(child.name)) {
      this.error(
        inst.line,
        `module '${child.name}' instantiates itself (${[...stack, child.name].join(" -> ")})`,
      );
    }
    const childPrefix = `${prefix}${inst.name}.`;
    const childScope: Scope = new Map();
    for (const name of child.portOrder) {
      const p = child.ports.get(name)!;
      this.declare(childScope, childPrefix, name, p.range, p.line, p.signed);
    }
    const connections = new Map<string, Expr | null>();
    if (inst.named) {
      for (const [port, e] of inst.named) {
        if (!child.ports.has(port)) {
          this.error(
            inst.line,
            `expected a port of '${child.name}' (${child.portOrder.join(", ")}), found '${port}'`,
          );
        }
        connections.set(port, e);
      }
    } else {
      const list = inst.positional ?? [];
      if (list.length > child.portOrder.length) {
        this.error(
          inst.line,
          `expected at most ${child.portOrder.length} connections to '${child.name}', found ${list.length}`,
        );
      }
      list.forEach((e, k) => connections.set(child.portOrder[k], e));
    }
    for (const [port, e] of connections) {
      if (e === null) continue;
      const net = childScope.get(port)!;
      if (child.ports.get(port)!.dir === "input") {
        this.assign(net.bits, this.evaluate(e, scope, net.width), inst.line);
      } else {
        const lhs = this.target(e, scope);
        this.assign(
          lhs,
          Array.from({ length: lhs.length }, (_, k) => (k < net.width ? netRef(net.bits[k]) : 0)),
          inst.line,
        );
      }
    }
    this.expand(child, childPrefix, childScope, [...stack, child.name]);
  }

  /** Follows drivers to a source; refuses undriven reads and loops of plain connections. */
  resolve(ref: Ref, state: Uint8Array, resolved: Int32Array, readLine: number): number {
    if (ref >= 0) return ref;
    const id = -1 - ref;
    if (state[id] === 2) return resolved[id];
    const bit = this.nets[id];
    if (state[id] === 1) {
      this.error(bit.driverLine ?? bit.line, `combinational loop through '${bit.name}'`);
    }
    if (bit.driver === undefined) {
      this.error(readLine, `'${bit.name}' is read but never driven (declared at line ${bit.line})`);
    }
    state[id] = 1;
    const source = this.resolve(bit.driver, state, resolved, bit.driverLine!);
    state[id] = 2;
    resolved[id] = source;
    return source;
  }
}

/** Which module is the multiplier: `top`, or the only one no other module instantiates. */
function chooseTop(modules: Module[], file: string, top?: string): Module {
  if (top !== undefined) {
    const m = modules.find((x) => x.name === top);
    if (!m) {
      throw new VerilogError(
        file,
        1,
        `expected a module named '${top}', found ${modules.map((x) => x.name).join(", ")}`,
      );
    }
    return m;
  }
  const used = new Set(modules.flatMap((m) => m.instances.map((i) => i.module)));
  const roots = modules.filter((m) => !used.has(m.name));
  if (roots.length !== 1) {
    throw new VerilogError(
      file,
      modules[0].line,
      `expected one top-level module, found ${
        roots.length ? roots.map((m) => m.name).join(", ") : "none"
      } (choose one with the top option)`,
    );
  }
  return roots[0];
}

const portWidth = (p: { range?: Range }) => p.range ? Math.abs(p.range.msb - p.range.lsb) + 1 : 1;

/** The multiplier's ports: A (8-bit activation operand), B (N bits), O (8 + N bits). */
interface MultiplierPorts {
  a: PortDecl;
  b: PortDecl;
  o: PortDecl;
  weightBits: number;
}

/**
 * The operand and product ports: A, B, O by name, or else the only two inputs (the 8-bit one,
 * or the first of two 8-bit ones, is A) and the only output. 8x8 (A[7:0], B[7:0], O[15:0]) or
 * 8xN (A[7:0], B[N-1:0], O[N+7:0], N = 2..7); any other layout is refused.
 */
function multiplierPorts(m: Module, file: string): MultiplierPorts {
  const ports = m.portOrder.map((n) => m.ports.get(n)!);
  const show = ports.map((p) => `${p.dir} ${p.name}[${portWidth(p)}]`).join(", ");
  const fail = (): never => {
    throw new VerilogError(
      file,
      m.line,
      `expected module '${m.name}' to have inputs A[7:0], B[7:0] and output O[15:0], found ${
        show || "no ports"
      } (an 8xN multiplier has B[N-1:0] and O[N+7:0], N = ${MIN_WEIGHT_BITS}..${OPERAND_BITS - 1})`,
    );
  };
  if (ports.length !== 3) fail();
  const fits = (a: PortDecl, b: PortDecl, o: PortDecl) => {
    const n = portWidth(b);
    return a.dir === "input" && b.dir === "input" && o.dir === "output" &&
      portWidth(a) === OPERAND_BITS && n >= MIN_WEIGHT_BITS && n <= OPERAND_BITS &&
      portWidth(o) === OPERAND_BITS + n;
  };
  const [a, b, o] = ["A", "B", "O"].map((n) => m.ports.get(n));
  if (a && b && o) {
    if (!fits(a, b, o)) fail();
    return { a, b, o, weightBits: portWidth(b) };
  }
  const inputs = ports.filter((p) => p.dir === "input");
  const outputs = ports.filter((p) => p.dir === "output");
  if (inputs.length !== 2 || outputs.length !== 1) fail();
  const [x, y] = portWidth(inputs[0]) === OPERAND_BITS ? inputs : [inputs[1], inputs[0]];
  if (!fits(x, y, outputs[0])) fail();
  return { a: x, b: y, o: outputs[0], weightBits: portWidth(y) };
}

/**
 * Whether the operands are two's complement: as told, else as declared (both operand ports
 * `signed`). Mixed declarations and a `signed: false` against signed ports are refused.
 */
function operandsSigned(ports: MultiplierPorts, file: string, told?: boolean): boolean {
  const { a, b, o } = ports;
  if (a.signed !== b.signed) {
    const [yes, no] = a.signed ? [a, b] : [b, a];
    throw new VerilogError(
      file,
      no.line,
      `expected both operands signed or both unsigned, found '${yes.name}' declared signed ` +
        `(line ${yes.line}) and '${no.name}' not`,
    );
  }
  if (told === false && (a.signed || o.signed)) {
    const p = a.signed ? a : o;
    throw new VerilogError(
      file,
      p.line,
      `port '${p.name}' is declared signed, but the circuit was to be imported as unsigned ` +
        `(--unsigned, signed: false); drop the flag to import it as signed`,
    );
  }
  return told ?? a.signed;
}

/** Parses Verilog text and flattens its top module into an (optimised) multiplier netlist. */
export function verilogToNetlist(text: string, file: string, options: ElaborateOptions = {}): {
  module: string;
  netlist: Netlist;
  /** The operand ports were declared `signed`. */
  declaredSigned: boolean;
} {
  const modules = parseVerilog(text, file);
  const top = chooseTop(modules, file, options.top);
  const ports = multiplierPorts(top, file);
  const signed = operandsSigned(ports, file, options.signed);
  const [aName, bName, oName] = [ports.a.name, ports.b.name, ports.o.name];
  const el = new Elaborator(modules, file);
  const scope: Scope = new Map();
  for (const name of top.portOrder) {
    const p = top.ports.get(name)!;
    const net = el.declare(scope, "", name, p.range, p.line, p.signed);
    if (name === aName || name === bName) {
      net.bits.forEach((id, k) => {
        el.nets[id].driver = name === aName ? wireA(k) : wireB(k);
        el.nets[id].driverLine = p.line;
        el.nets[id].input = true;
      });
    }
  }
  el.expand(top, "", scope, [top.name]);

  // Resolve every net to its source, then order the cells that reach O.
  const state = new Uint8Array(el.nets.length);
  const resolved = new Int32Array(el.nets.length);
  const oNet = scope.get(oName)!;
  const outputs = oNet.bits.map((id) => el.resolve(netRef(id), state, resolved, oNet.line));
  const cellOf = new Map<number, number>();
  el.cells.forEach((c, i) => c.outputs.forEach((s) => cellOf.set(s, i)));
  const inputsOf = el.cells.map((c) => c.inputs.map((r) => el.resolve(r, state, resolved, c.line)));
  const order: number[] = [];
  const mark = new Uint8Array(el.cells.length);
  const visit = (source: number) => {
    const root = cellOf.get(source);
    if (root === undefined || mark[root] === 2) return;
    // Iterative depth-first search (deep ripple chains would overflow the call stack).
    const stack: [number, number][] = [[root, 0]];
    mark[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [cell, k] = top;
      if (k < inputsOf[cell].length) {
        top[1]++;
        const dep = cellOf.get(inputsOf[cell][k]);
        if (dep === undefined || mark[dep] === 2) continue;
        if (mark[dep] === 1) {
          const lines = stack.map(([c]) => el.cells[c].line);
          const from = lines.indexOf(el.cells[dep].line);
          throw new VerilogError(
            file,
            el.cells[dep].line,
            `combinational loop through the logic of lines ${
              [...new Set(lines.slice(Math.max(0, from)))].join(", ")
            }`,
          );
        }
        mark[dep] = 1;
        stack.push([dep, 0]);
      } else {
        mark[cell] = 2;
        order.push(cell);
        stack.pop();
      }
    }
  };
  outputs.forEach(visit);

  const wireOf = new Map<number, number>();
  for (let s = 0; s < FIRST_CELL_WIRE; s++) wireOf.set(s, s);
  let next = FIRST_CELL_WIRE;
  const cells = order.map((i) => {
    const c = el.cells[i];
    const inputs = inputsOf[i].map((s) => wireOf.get(s)!);
    for (const s of c.outputs) wireOf.set(s, next++);
    return { kind: c.kind, inputs };
  });
  // An 8xN product has 8 + N bits: above them, O reads its sign bit (signed) or 0.
  const product = outputs.map((s) => wireOf.get(s)!);
  const high = signed ? product[product.length - 1] : CONST0;
  const netlist = optimise({
    cells,
    outputs: Array.from({ length: PRODUCT_BITS }, (_, k) => product[k] ?? high),
    ...operandFields({ weightBits: ports.weightBits, signed }),
  });
  return { module: top.name, netlist, declaredSigned: ports.a.signed };
}
