/**
 * Writes a netlist as structural Verilog a synthesis tool accepts: one `assign` per gate, and
 * half and full adders as instances of two small modules defined in the same file (named
 * after the circuit, so several exported files can be synthesised together). The ports are
 * A[7:0], B[N-1:0] and O[N+7:0], declared `signed` for a signed multiplier.
 */
import {
  CONST0,
  CONST1,
  FIRST_CELL_WIRE,
  firstOutputs,
  type Netlist,
  OPERAND_BITS,
  operandsOf,
} from "../netlist.ts";

function signal(wire: number): string {
  if (wire === CONST0) return "1'b0";
  if (wire === CONST1) return "1'b1";
  if (wire < 2 + OPERAND_BITS) return `A[${wire - 2}]`;
  if (wire < FIRST_CELL_WIRE) return `B[${wire - 2 - OPERAND_BITS}]`;
  return `n${wire}`;
}

/** The Verilog text of a netlist as module `name` with ports A[7:0], B[N-1:0], O[N+7:0]. */
export function netlistToVerilog(name: string, netlist: Netlist, comment = ""): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`'${name}' is not a Verilog module name`);
  }
  const first = firstOutputs(netlist);
  const wires: string[] = [];
  const body: string[] = [];
  const used = new Set<string>();
  netlist.cells.forEach((cell, i) => {
    const o = first[i];
    const [x, y, z] = cell.inputs.map(signal);
    const out = signal(o);
    wires.push(out);
    switch (cell.kind) {
      case "BUF":
        body.push(`assign ${out} = ${x};`);
        break;
      case "NOT":
        body.push(`assign ${out} = ~${x};`);
        break;
      case "AND2":
        body.push(`assign ${out} = ${x} & ${y};`);
        break;
      case "OR2":
        body.push(`assign ${out} = ${x} | ${y};`);
        break;
      case "XOR2":
        body.push(`assign ${out} = ${x} ^ ${y};`);
        break;
      case "NAND2":
        body.push(`assign ${out} = ~(${x} & ${y});`);
        break;
      case "NOR2":
        body.push(`assign ${out} = ~(${x} | ${y});`);
        break;
      case "XNOR2":
        body.push(`assign ${out} = ~(${x} ^ ${y});`);
        break;
      case "MUX2":
        body.push(`assign ${out} = ${x} ? ${z} : ${y};`);
        break;
      case "HA":
        wires.push(signal(o + 1));
        used.add("ha");
        body.push(`${name}_ha ha${o} (.a(${x}), .b(${y}), .s(${out}), .c(${signal(o + 1)}));`);
        break;
      case "FA":
        wires.push(signal(o + 1));
        used.add("fa");
        body.push(
          `${name}_fa fa${o} (.a(${x}), .b(${y}), .ci(${z}), .s(${out}), .co(${signal(o + 1)}));`,
        );
        break;
    }
  });
  const { weightBits, signed } = operandsOf(netlist);
  const productBits = OPERAND_BITS + weightBits;
  netlist.outputs.slice(0, productBits).forEach((w, k) =>
    body.push(`assign O[${k}] = ${signal(w)};`)
  );
  const sign = signed ? "signed " : "";

  const lines: string[] = [];
  for (const c of comment.split("\n").filter((l) => l.length)) lines.push(`// ${c}`);
  lines.push(
    `module ${name} (A, B, O);`,
    `  input ${sign}[7:0] A;`,
    `  input ${sign}[${weightBits - 1}:0] B;`,
    `  output ${sign}[${productBits - 1}:0] O;`,
  );
  for (let i = 0; i < wires.length; i += 12) {
    lines.push(`  wire ${wires.slice(i, i + 12).join(", ")};`);
  }
  for (const b of body) lines.push(`  ${b}`);
  lines.push("endmodule");
  if (used.has("ha")) {
    lines.push(
      "",
      "// half adder: s = a ^ b, c = a & b",
      `module ${name}_ha (a, b, s, c);`,
      "  input a, b;",
      "  output s, c;",
      "  assign s = a ^ b;",
      "  assign c = a & b;",
      "endmodule",
    );
  }
  if (used.has("fa")) {
    lines.push(
      "",
      "// full adder: s = a ^ b ^ ci, co = majority(a, b, ci)",
      `module ${name}_fa (a, b, ci, s, co);`,
      "  input a, b, ci;",
      "  output s, co;",
      "  assign s = a ^ b ^ ci;",
      "  assign co = (a & b) | (ci & (a ^ b));",
      "endmodule",
    );
  }
  return lines.join("\n") + "\n";
}
