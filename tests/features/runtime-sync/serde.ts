// How RobustMQ v0.4.11 turns a JSON text into its Rust structs, reproduced closely enough that the
// stand-in answers malformed input with the same status and the same words: serde_json's parser
// errors and positions, serde's derive (unknown fields ignored, first missing field in declaration
// order, `#[serde(default)]`), serde's primitive visitors' "expected ..." texts, and the
// serde_path_to_error prefix axum 0.8 puts in front of an extractor's error.
//
// Deliberate gaps, each one a case the stand-in's users do not send:
// - serde_json deserializes while it parses, so in a body that has BOTH a type error and a later
//   syntax error the real server reports the type error; this module parses first and reports the
//   syntax error.
// - duplicate keys, the sequence form of a struct (`[1, 2]`), the map form of an enum and the
//   128-level recursion limit are not modelled.
// - Rust's `{:?}` of a string is approximated by JSON.stringify (they differ only for control
//   characters and non-printable code points).

/** What serde_json's `Error::classify()` returns; axum maps data to 422, syntax/eof to 400. */
export type SerdeCategory = "syntax" | "eof" | "data";

export class SerdeError extends Error {
  constructor(
    /** The error text without its position. */
    readonly bare: string,
    readonly category: SerdeCategory,
    /** Where serde_json's reader was, as an index into the text; position() turns it into serde_json's line and byte column. */
    readonly index: number,
    readonly text: string,
    /** The serde_path_to_error path ("" at the top level). */
    readonly path: string = "",
  ) {
    super(`${bare} at ${position(text, index)}`);
  }

  /** serde_path_to_error's Display: "<path>: <error>" unless the path is empty. */
  withPath(): string {
    return this.path === "" ? this.message : `${this.path}: ${this.message}`;
  }
}

// serde_json's SliceRead::position_of_index: the column counts BYTES since the last newline, which
// is the 1-based column of the character just consumed.
function position(text: string, index: number): string {
  const before = text.slice(0, index);
  const nl = before.lastIndexOf("\n");
  const line = before.split("\n").length;
  const column = Buffer.byteLength(before.slice(nl + 1), "utf8");
  return `line ${line} column ${column}`;
}

export type JNode =
  | { t: "obj"; fields: Array<[string, JNode]>; start: number; end: number }
  | { t: "arr"; items: JNode[]; start: number; end: number }
  | { t: "str"; v: string; start: number; end: number }
  | { t: "num"; raw: string; start: number; end: number }
  | { t: "bool"; v: boolean; start: number; end: number }
  | { t: "null"; start: number; end: number };

/** Parses like serde_json::from_slice's tokenizer: the same messages at the same positions. */
export function parseJson(text: string): JNode {
  let i = 0;
  const n = text.length;
  // A peek error names the offending character, so serde_json's index is one past it.
  const syntax = (msg: string, at: number): never => {
    throw new SerdeError(msg, "syntax", Math.min(at + 1, n), text);
  };
  const eof = (msg: string): never => {
    throw new SerdeError(msg, "eof", n, text);
  };
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) {
      i++;
    }
  };
  const value = (): JNode => {
    ws();
    if (i >= n) {
      return eof("EOF while parsing a value");
    }
    const c = text[i];
    if (c === "{") {
      return object();
    }
    if (c === "[") {
      return array();
    }
    if (c === '"') {
      return string();
    }
    if (c === "t" || c === "f" || c === "n") {
      return literal();
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      return number();
    }
    return syntax("expected value", i);
  };
  const literal = (): JNode => {
    const start = i;
    const word = text[i] === "t" ? "true" : text[i] === "f" ? "false" : "null";
    for (let k = 1; k < word.length; k++) {
      if (i + k >= n) {
        return eof("EOF while parsing a value");
      }
      if (text[i + k] !== word[k]) {
        return syntax("expected ident", i + k);
      }
    }
    i += word.length;
    const end = i - 1;
    return word === "null" ? { t: "null", start, end } : { t: "bool", v: word === "true", start, end };
  };
  const digits = (): number => {
    const s = i;
    while (i < n && text[i] >= "0" && text[i] <= "9") {
      i++;
    }
    return i - s;
  };
  const number = (): JNode => {
    const start = i;
    if (text[i] === "-") {
      i++;
    }
    if (i >= n) {
      return eof("EOF while parsing a value");
    }
    if (text[i] === "0") {
      i++;
      if (i < n && text[i] >= "0" && text[i] <= "9") {
        return syntax("invalid number", i);
      }
    } else if (digits() === 0) {
      return syntax("invalid number", i);
    }
    if (text[i] === ".") {
      i++;
      if (i >= n) {
        return eof("EOF while parsing a value");
      }
      if (digits() === 0) {
        return syntax("invalid number", i);
      }
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") {
        i++;
      }
      if (i >= n) {
        return eof("EOF while parsing a value");
      }
      if (digits() === 0) {
        return syntax("invalid number", i);
      }
    }
    return { t: "num", raw: text.slice(start, i), start, end: i - 1 };
  };
  const string = (): { t: "str"; v: string; start: number; end: number } => {
    const start = i;
    i++;
    let out = "";
    for (;;) {
      if (i >= n) {
        return eof("EOF while parsing a string");
      }
      const c = text[i];
      if (c === '"') {
        i++;
        return { t: "str", v: out, start, end: i - 1 };
      }
      if (c < " ") {
        return syntax("control character (\\u0000-\\u001F) found while parsing a string", i);
      }
      if (c === "\\") {
        i++;
        if (i >= n) {
          return eof("EOF while parsing a string");
        }
        const e = text[i];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) {
          out += simple[e];
          i++;
        } else if (e === "u") {
          const hex = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            return hex.length < 4 && i + 1 + hex.length >= n ? eof("EOF while parsing a string") : syntax("invalid escape", i);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else {
          return syntax("invalid escape", i);
        }
        continue;
      }
      out += c;
      i++;
    }
  };
  const object = (): JNode => {
    const start = i;
    i++;
    const fields: Array<[string, JNode]> = [];
    ws();
    if (text[i] === "}") {
      i++;
      return { t: "obj", fields, start, end: i - 1 };
    }
    for (;;) {
      ws();
      if (i >= n) {
        return eof("EOF while parsing an object");
      }
      if (text[i] !== '"') {
        return text[i] === "}" && fields.length > 0 ? syntax("trailing comma", i) : syntax("key must be a string", i);
      }
      const key = string().v;
      ws();
      if (i >= n) {
        return eof("EOF while parsing an object");
      }
      if (text[i] !== ":") {
        return syntax("expected `:`", i);
      }
      i++;
      fields.push([key, value()]);
      ws();
      if (i >= n) {
        return eof("EOF while parsing an object");
      }
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return { t: "obj", fields, start, end: i - 1 };
      }
      return syntax("expected `,` or `}`", i);
    }
  };
  const array = (): JNode => {
    const start = i;
    i++;
    const items: JNode[] = [];
    ws();
    if (text[i] === "]") {
      i++;
      return { t: "arr", items, start, end: i - 1 };
    }
    for (;;) {
      ws();
      if (text[i] === "]" && items.length > 0) {
        return syntax("trailing comma", i);
      }
      items.push(value());
      ws();
      if (i >= n) {
        return eof("EOF while parsing a list");
      }
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return { t: "arr", items, start, end: i - 1 };
      }
      return syntax("expected `,` or `]`", i);
    }
  };
  const root = value();
  ws();
  if (i < n) {
    syntax("trailing characters", i);
  }
  return root;
}

/** serde's `Unexpected` Display for a JSON value. */
function unexpected(node: JNode): string {
  switch (node.t) {
    case "str":
      return `string ${JSON.stringify(node.v)}`;
    case "num":
      if (/[.eE]/.test(node.raw)) {
        const f = Number(node.raw);
        // serde prints floats through WithDecimalPoint: an integral value keeps a ".0".
        return `floating point \`${Number.isInteger(f) ? `${f}.0` : String(f)}\``;
      }
      return `integer \`${node.raw}\``;
    case "bool":
      return `boolean \`${node.v}\``;
    case "null":
      return "null";
    case "obj":
      return "map";
    case "arr":
      return "sequence";
  }
}

/** serde's OneOf Display, used by "unknown variant". */
function oneOf(names: readonly string[]): string {
  if (names.length === 1) {
    return `expected \`${names[0]}\``;
  }
  if (names.length === 2) {
    return `expected \`${names[0]}\` or \`${names[1]}\``;
  }
  return `expected one of ${names.map((v) => `\`${v}\``).join(", ")}`;
}

const UNSIGNED_MAX: Record<string, bigint> = {
  u16: 65535n,
  u32: 4294967295n,
  u64: 18446744073709551615n,
  usize: 18446744073709551615n,
};

export type FieldType =
  | "String"
  | "bool"
  | "u16"
  | "u32"
  | "u64"
  | "usize"
  | "f32"
  | { option: FieldType }
  | { enum: string; variants: readonly string[] }
  | StructSpec;

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** `#[serde(default...)]`: the value when the key is absent. Without it the field is required (Option aside). */
  default?: () => unknown;
}

export interface StructSpec {
  struct: string;
  fields: readonly FieldSpec[];
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

function data(node: JNode, bare: string, text: string, path: string): never {
  // A data error is positioned after the value serde just consumed, except that serde_json's
  // peek_invalid_type does not consume a map or a sequence: it stays before the bracket
  // (serde_json 1.0.150 src/de.rs).
  const unconsumed = (node.t === "obj" || node.t === "arr") && bare.startsWith("invalid type:");
  throw new SerdeError(bare, "data", unconsumed ? node.start : node.end + 1, text, path);
}

function deValue(node: JNode, type: FieldType, text: string, path: string): unknown {
  if (typeof type === "string") {
    switch (type) {
      case "String":
        return node.t === "str" ? node.v : data(node, `invalid type: ${unexpected(node)}, expected a string`, text, path);
      case "bool":
        return node.t === "bool" ? node.v : data(node, `invalid type: ${unexpected(node)}, expected a boolean`, text, path);
      case "f32":
        return node.t === "num" ? Number(node.raw) : data(node, `invalid type: ${unexpected(node)}, expected f32`, text, path);
      default: {
        if (node.t !== "num" || /[.eE]/.test(node.raw)) {
          return data(node, `invalid type: ${unexpected(node)}, expected ${type}`, text, path);
        }
        const v = BigInt(node.raw);
        if (v < 0n || v > UNSIGNED_MAX[type]) {
          return data(node, `invalid value: integer \`${node.raw}\`, expected ${type}`, text, path);
        }
        return Number(v);
      }
    }
  }
  if ("option" in type) {
    return node.t === "null" ? undefined : deValue(node, type.option, text, path);
  }
  if ("enum" in type) {
    if (node.t !== "str") {
      // serde_json's deserialize_enum accepts only a string or a map; anything else is a peek error.
      throw new SerdeError("expected value", "syntax", node.start + 1, text, path);
    }
    return type.variants.includes(node.v)
      ? node.v
      : data(node, `unknown variant \`${node.v}\`, ${oneOf(type.variants)}`, text, path);
  }
  return deStruct(node, type, text, path);
}

function deStruct(node: JNode, spec: StructSpec, text: string, path: string): Record<string, unknown> {
  if (node.t !== "obj") {
    return data(node, `invalid type: ${unexpected(node)}, expected struct ${spec.struct}`, text, path);
  }
  const got = new Map<string, unknown>();
  for (const [key, value] of node.fields) {
    const field = spec.fields.find((f) => f.name === key);
    // No deny_unknown_fields anywhere in the structs the stand-in models: unknown keys are ignored.
    if (field !== undefined) {
      got.set(key, deValue(value, field.type, text, join(path, key)));
    }
  }
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    if (got.has(f.name)) {
      out[f.name] = got.get(f.name);
    } else if (f.default !== undefined) {
      out[f.name] = f.default();
    } else if (typeof f.type === "object" && "option" in f.type) {
      out[f.name] = undefined;
    } else {
      // The missing-field error is raised once the closing brace is consumed, at the struct's path.
      return data(node, `missing field \`${f.name}\``, text, path);
    }
  }
  return out;
}

/** serde_json::from_str::<T>(text) for a struct T. Throws SerdeError. */
export function deserialize(text: string, spec: StructSpec): Record<string, unknown> {
  return deStruct(parseJson(text), spec, text, "");
}
