/** Tokens of the structural Verilog subset the importer reads, with line numbers. */

export class VerilogError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

export type TokenKind = "id" | "num" | "sym" | "eof";

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
}

const SYMBOLS = ["~&", "~|", "~^", "^~", "&&", "||", "==", "!=", "<<", ">>", "<=", ">="];
const SINGLE = "()[]{},;:=.?&|^~!#@*+-/%<>";

/** Shows a token in an error message. */
export function describe(token: Token): string {
  return token.kind === "eof" ? "end of file" : `'${token.text}'`;
}

/** Splits Verilog text into tokens; comments, `directives and (* attributes *) are skipped. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0, line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      i++;
    } else if (text.startsWith("//", i) || c === "`") {
      while (i < n && text[i] !== "\n") i++;
    } else if (text.startsWith("/*", i) || text.startsWith("(*", i)) {
      const close = c === "/" ? "*/" : "*)";
      const end = text.indexOf(close, i + 2);
      if (end < 0) {
        throw new VerilogError(
          file,
          line,
          `expected '${close}' to close the comment, found end of file`,
        );
      }
      for (let k = i; k < end; k++) if (text[k] === "\n") line++;
      i = end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(text[j])) j++;
      tokens.push({ kind: "id", text: text.slice(i, j), line });
      i = j;
    } else if (c === "\\") {
      // Escaped identifier: everything up to white space.
      let j = i + 1;
      while (j < n && !/\s/.test(text[j])) j++;
      if (j === i + 1) {
        throw new VerilogError(file, line, "expected an escaped identifier after '\\'");
      }
      tokens.push({ kind: "id", text: text.slice(i + 1, j), line });
      i = j;
    } else if (/[0-9']/.test(c)) {
      const m = /^(?:[0-9][0-9_]*)?(?:\s*'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ?_]+)?/.exec(
        text.slice(i),
      );
      if (!m || m[0].length === 0) {
        throw new VerilogError(file, line, `expected a number, found '${c}'`);
      }
      tokens.push({ kind: "num", text: m[0].replace(/\s+/g, ""), line });
      i += m[0].length;
    } else {
      const two = SYMBOLS.find((s) => text.startsWith(s, i));
      if (two) {
        tokens.push({ kind: "sym", text: two, line });
        i += two.length;
      } else if (SINGLE.includes(c)) {
        tokens.push({ kind: "sym", text: c, line });
        i++;
      } else {
        throw new VerilogError(file, line, `unexpected character '${c}'`);
      }
    }
  }
  tokens.push({ kind: "eof", text: "", line });
  return tokens;
}
