/**
 * Parser of structural Verilog as approximate-circuit libraries publish it:
 * - modules with non-ANSI (`module m(A, B, O); input [7:0] A; ...`) or ANSI headers
 *   (`module m(input [7:0] A, B, output [15:0] O);`), ports and wires optionally `signed`,
 * - `wire` declarations (scalars, vectors, `wire x = expr;`),
 * - `assign` with ~ & | ^ ~^ ~& ~| (binary and reduction), ! && ||, ?:, binary + and -,
 *   unary -, parentheses, bit and part selects, concatenation and replication, sized and
 *   unsized constants (`8'sh80` signed),
 * - gate primitives (`and g1 (y, a, b);`, `not (y, a);`, ...),
 * - instances of modules of the same file with named (`.a(x)`) or positional connections.
 * Anything else (always blocks, regs, parameters, other arithmetic and comparison operators)
 * is refused with the line number and what was found.
 */
import { describe, type Token, tokenize, VerilogError } from "./lexer.ts";

export type BinaryOp = "&" | "|" | "^" | "~^" | "&&" | "||" | "+" | "-";
export type UnaryOp = "~" | "!" | "&" | "|" | "^" | "~&" | "~|" | "~^" | "-";

export type Expr =
  | { t: "id"; name: string; line: number }
  | { t: "bit"; name: string; index: number; line: number }
  | { t: "part"; name: string; msb: number; lsb: number; line: number }
  | { t: "num"; width: number; value: bigint; signed: boolean; line: number }
  | { t: "unary"; op: UnaryOp; e: Expr; line: number }
  | { t: "binary"; op: BinaryOp; l: Expr; r: Expr; line: number }
  | { t: "cond"; c: Expr; a: Expr; b: Expr; line: number }
  | { t: "concat"; parts: Expr[]; line: number }
  | { t: "repl"; count: number; e: Expr; line: number };

export interface Range {
  msb: number;
  lsb: number;
}

export interface PortDecl {
  name: string;
  dir: "input" | "output";
  range?: Range;
  /** Declared `signed` (two's complement). */
  signed: boolean;
  line: number;
}

export interface WireDecl {
  name: string;
  range?: Range;
  signed: boolean;
  line: number;
}

export interface Assign {
  lhs: Expr;
  rhs: Expr;
  line: number;
}

export interface Instance {
  module: string;
  name: string;
  /** Named connections (null = left open), or positional ones. */
  named?: Map<string, Expr | null>;
  positional?: (Expr | null)[];
  line: number;
}

export const GATE_PRIMITIVES = ["and", "or", "xor", "nand", "nor", "xnor", "not", "buf"] as const;
export type GatePrimitive = typeof GATE_PRIMITIVES[number];

export interface GateInstance {
  gate: GatePrimitive;
  terminals: Expr[];
  line: number;
}

export interface Module {
  name: string;
  /** Port names in header order. */
  portOrder: string[];
  ports: Map<string, PortDecl>;
  wires: WireDecl[];
  assigns: Assign[];
  instances: Instance[];
  gates: GateInstance[];
  line: number;
}

const UNSUPPORTED: Record<string, string> = {
  reg: "reg (only structural Verilog: wires, assign, instances)",
  always: "an always block (only structural Verilog)",
  initial: "an initial block (only structural Verilog)",
  parameter: "a parameter",
  localparam: "a localparam",
  generate: "a generate block",
  genvar: "a genvar",
  inout: "an inout port",
  function: "a function",
  task: "a task",
  integer: "an integer",
};

const ARITHMETIC = ["*", "/", "%", "<<", ">>", "==", "!=", "<", ">", "<=", ">="];

class Parser {
  #i = 0;
  constructor(readonly tokens: Token[], readonly file: string) {}

  get peek(): Token {
    return this.tokens[this.#i];
  }
  next(): Token {
    return this.tokens[this.#i++];
  }
  fail(token: Token, expected: string): never {
    throw new VerilogError(this.file, token.line, `expected ${expected}, found ${describe(token)}`);
  }
  isSym(text: string): boolean {
    return this.peek.kind === "sym" && this.peek.text === text;
  }
  isWord(text: string): boolean {
    return this.peek.kind === "id" && this.peek.text === text;
  }
  accept(text: string): boolean {
    if (this.peek.text === text && this.peek.kind !== "num") {
      this.#i++;
      return true;
    }
    return false;
  }
  expect(text: string, what = `'${text}'`): Token {
    const t = this.next();
    if (t.text !== text || t.kind === "num") this.fail(t, what);
    return t;
  }
  identifier(what = "an identifier"): Token {
    const t = this.next();
    if (t.kind !== "id") this.fail(t, what);
    return t;
  }
  integer(what = "a number"): number {
    const t = this.next();
    if (t.kind !== "num" || !/^[0-9_]+$/.test(t.text)) this.fail(t, what);
    return Number(t.text.replaceAll("_", ""));
  }

  modules(): Module[] {
    const list: Module[] = [];
    while (this.peek.kind !== "eof") {
      if (!this.isWord("module")) this.fail(this.peek, "'module'");
      list.push(this.module());
    }
    if (list.length === 0) this.fail(this.peek, "'module'");
    return list;
  }

  range(): Range | undefined {
    if (!this.accept("[")) return undefined;
    const msb = this.integer("a constant bit index");
    this.expect(":");
    const lsb = this.integer("a constant bit index");
    this.expect("]");
    return { msb, lsb };
  }

  module(): Module {
    const line = this.expect("module").line;
    const name = this.identifier("a module name").text;
    const m: Module = {
      name,
      portOrder: [],
      ports: new Map(),
      wires: [],
      assigns: [],
      instances: [],
      gates: [],
      line,
    };
    if (this.isSym("#")) this.fail(this.peek, "'(' or ';' (parameters are not supported)");
    if (this.accept("(")) {
      if (!this.accept(")")) {
        if (this.isWord("input") || this.isWord("output") || this.isWord("inout")) {
          this.ansiPorts(m);
        } else {
          do m.portOrder.push(this.identifier("a port name").text); while (this.accept(","));
        }
        this.expect(")", "',' or ')'");
      }
    }
    this.expect(";");
    while (!this.isWord("endmodule")) this.item(m);
    this.next();
    for (const p of m.portOrder) {
      if (!m.ports.has(p)) {
        throw new VerilogError(
          this.file,
          line,
          `port '${p}' of module '${name}' has no input or output declaration`,
        );
      }
    }
    return m;
  }

  ansiPorts(m: Module): void {
    let dir: "input" | "output" | undefined;
    let range: Range | undefined;
    let signed = false;
    do {
      const t = this.peek;
      if (this.isWord("inout")) this.fail(t, "input or output (inout is not supported)");
      if (this.isWord("input") || this.isWord("output")) {
        dir = this.next().text as "input" | "output";
        this.accept("wire");
        signed = this.accept("signed");
        range = this.range();
      } else if (!dir) {
        this.fail(t, "'input' or 'output'");
      }
      const id = this.identifier("a port name");
      this.declarePort(m, { name: id.text, dir: dir!, range, signed, line: id.line });
      m.portOrder.push(id.text);
    } while (this.accept(","));
  }

  declarePort(m: Module, port: PortDecl): void {
    if (m.ports.has(port.name)) {
      throw new VerilogError(this.file, port.line, `port '${port.name}' is declared twice`);
    }
    m.ports.set(port.name, port);
  }

  item(m: Module): void {
    const t = this.peek;
    if (t.kind === "eof") this.fail(t, "'endmodule'");
    if (t.kind !== "id") this.fail(t, "a declaration, assign or instance");
    if (UNSUPPORTED[t.text]) {
      throw new VerilogError(
        this.file,
        t.line,
        `expected a declaration, assign or instance, found ${UNSUPPORTED[t.text]}`,
      );
    }
    if (t.text === "input" || t.text === "output") {
      this.next();
      this.accept("wire");
      const signed = this.accept("signed");
      const range = this.range();
      do {
        const id = this.identifier("a port name");
        if (!m.portOrder.includes(id.text)) {
          throw new VerilogError(
            this.file,
            id.line,
            `'${id.text}' is declared ${t.text} but is not in the port list of '${m.name}'`,
          );
        }
        this.declarePort(m, { name: id.text, dir: t.text, range, signed, line: id.line });
      } while (this.accept(","));
      this.expect(";", "',' or ';'");
    } else if (t.text === "wire" || t.text === "tri") {
      this.next();
      const signed = this.accept("signed");
      const range = this.range();
      do {
        const id = this.identifier("a wire name");
        // A wire may repeat a port's name (`output [15:0] O; wire [15:0] O;`).
        if (!m.ports.has(id.text)) m.wires.push({ name: id.text, range, signed, line: id.line });
        if (this.accept("=")) {
          m.assigns.push({
            lhs: { t: "id", name: id.text, line: id.line },
            rhs: this.expr(),
            line: id.line,
          });
        }
      } while (this.accept(","));
      this.expect(";", "',' or ';'");
    } else if (t.text === "assign") {
      this.next();
      do {
        const lhs = this.primary();
        const eq = this.expect("=");
        m.assigns.push({ lhs, rhs: this.expr(), line: eq.line });
      } while (this.accept(","));
      this.expect(";", "',' or ';'");
    } else if ((GATE_PRIMITIVES as readonly string[]).includes(t.text)) {
      this.next();
      do {
        if (this.peek.kind === "id") this.next(); // optional instance name
        const open = this.expect("(", "'(' and the gate's terminals");
        const terminals: Expr[] = [];
        do terminals.push(this.expr()); while (this.accept(","));
        this.expect(")", "',' or ')'");
        m.gates.push({ gate: t.text as GatePrimitive, terminals, line: open.line });
      } while (this.accept(","));
      this.expect(";", "',' or ';'");
    } else {
      this.next();
      if (this.isSym("#")) this.fail(this.peek, "an instance name (parameters are not supported)");
      do {
        const inst = this.identifier("an instance name");
        this.expect("(", "'(' and the port connections");
        const instance: Instance = { module: t.text, name: inst.text, line: inst.line };
        if (this.isSym(".")) {
          instance.named = new Map();
          do {
            this.expect(".", "'.port(...)'");
            const port = this.identifier("a port name");
            this.expect("(");
            const e = this.isSym(")") ? null : this.expr();
            this.expect(")");
            if (instance.named.has(port.text)) {
              throw new VerilogError(
                this.file,
                port.line,
                `port '${port.text}' is connected twice`,
              );
            }
            instance.named.set(port.text, e);
          } while (this.accept(","));
        } else {
          instance.positional = [];
          if (!this.isSym(")")) {
            do instance.positional.push(this.isSym(",") ? null : this.expr()); while (
              this.accept(",")
            );
          }
        }
        this.expect(")", "',' or ')'");
        m.instances.push(instance);
      } while (this.accept(","));
      this.expect(";", "',' or ';'");
    }
  }

  // Precedence, lowest first: ?: , ||, &&, |, ^ ~^, &, + -, unary.
  expr(): Expr {
    const c = this.binary(0);
    if (this.peek.kind === "sym" && ARITHMETIC.includes(this.peek.text)) {
      this.fail(
        this.peek,
        "a bitwise operator, + or - (other arithmetic and comparison operators are not supported)",
      );
    }
    if (!this.isSym("?")) return c;
    const line = this.next().line;
    const a = this.expr();
    this.expect(":", "':' of the conditional operator");
    const b = this.expr();
    return { t: "cond", c, a, b, line };
  }

  static readonly LEVELS: string[][] = [
    ["||"],
    ["&&"],
    ["|"],
    ["^", "~^", "^~"],
    ["&"],
    ["+", "-"],
  ];

  binary(level: number): Expr {
    if (level === Parser.LEVELS.length) return this.unary();
    let l = this.binary(level + 1);
    while (this.peek.kind === "sym" && Parser.LEVELS[level].includes(this.peek.text)) {
      const t = this.next();
      const op = (t.text === "^~" ? "~^" : t.text) as BinaryOp;
      l = { t: "binary", op, l, r: this.binary(level + 1), line: t.line };
    }
    return l;
  }

  unary(): Expr {
    const t = this.peek;
    if (
      t.kind === "sym" && ["~", "!", "&", "|", "^", "~&", "~|", "~^", "^~", "-"].includes(t.text)
    ) {
      this.next();
      const op = (t.text === "^~" ? "~^" : t.text) as UnaryOp;
      return { t: "unary", op, e: this.unary(), line: t.line };
    }
    return this.primary();
  }

  primary(): Expr {
    const t = this.next();
    if (t.kind === "num") return this.number(t);
    if (t.kind === "id") {
      if (!this.accept("[")) return { t: "id", name: t.text, line: t.line };
      const msb = this.integer("a constant bit index");
      if (this.accept(":")) {
        const lsb = this.integer("a constant bit index");
        this.expect("]");
        return { t: "part", name: t.text, msb, lsb, line: t.line };
      }
      this.expect("]", "']' or ':'");
      return { t: "bit", name: t.text, index: msb, line: t.line };
    }
    if (t.text === "(") {
      const e = this.expr();
      this.expect(")", "an operator or ')'");
      return e;
    }
    if (t.text === "{") {
      const first = this.expr();
      if (this.isSym("{")) {
        // Replication {n{e}}: n must be a constant.
        if (first.t !== "num") this.fail(t, "a constant replication count");
        this.next();
        const e = this.expr();
        this.expect("}");
        this.expect("}");
        return { t: "repl", count: Number(first.value), e, line: t.line };
      }
      const parts = [first];
      while (this.accept(",")) parts.push(this.expr());
      this.expect("}", "',' or '}'");
      return { t: "concat", parts, line: t.line };
    }
    if (
      t.kind === "sym" &&
      ["+", "*", "/", "%", "<<", ">>", "==", "!=", "<", ">"].includes(t.text)
    ) {
      this.fail(
        t,
        "a bitwise or +/- expression (other arithmetic and comparison operators are not supported)",
      );
    }
    this.fail(t, "an identifier, a constant, '(' or '{'");
  }

  number(t: Token): Expr {
    const m = /^([0-9_]*)(?:'[sS]?([bBoOdDhH])([0-9a-fA-FxXzZ?_]+))?$/.exec(t.text);
    if (!m) this.fail(t, "a number");
    if (m[3] === undefined) {
      // An unsized decimal is a signed 32-bit integer in Verilog.
      const value = BigInt(m[1].replaceAll("_", ""));
      return { t: "num", width: 32, value, signed: true, line: t.line };
    }
    const digits = m[3].replaceAll("_", "");
    if (/[xXzZ?]/.test(digits)) this.fail(t, "a constant of 0s and 1s (x and z are not supported)");
    const base = { b: 2, o: 8, d: 10, h: 16 }[m[2].toLowerCase() as "b" | "o" | "d" | "h"];
    let value = 0n;
    for (const ch of digits.toLowerCase()) {
      const d = parseInt(ch, 16);
      if (!(d < base)) this.fail(t, `a base-${base} digit`);
      value = value * BigInt(base) + BigInt(d);
    }
    const width = m[1] ? Number(m[1].replaceAll("_", "")) : 32;
    if (width < 1) this.fail(t, "a constant width of at least 1");
    const signed = /'[sS]/.test(t.text);
    return { t: "num", width, value: value & ((1n << BigInt(width)) - 1n), signed, line: t.line };
  }
}

/** Parses every module of a Verilog file; errors carry the file name and line. */
export function parseVerilog(text: string, file: string): Module[] {
  const parser = new Parser(tokenize(text, file), file);
  const modules = parser.modules();
  const seen = new Map<string, Module>();
  for (const m of modules) {
    const before = seen.get(m.name);
    if (before) {
      throw new VerilogError(
        file,
        m.line,
        `module '${m.name}' is defined twice (first at line ${before.line})`,
      );
    }
    seen.set(m.name, m);
  }
  return modules;
}
