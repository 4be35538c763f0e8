// pulumi-kubernetes' `pulumi.com/waitFor` annotation (provider/pkg/metadata/overrides.go
// ReadyCondition, provider/pkg/jsonpath, provider/pkg/await/condition/jsonpath.go, 4.24.0+):
// - the value is one expression or a JSON array of them, all of which must hold;
// - `jsonpath=` expressions only here (`condition=` is not modelled and refused);
// - the text after `jsonpath=` is split on a single "=" ("==" is kept): `{path}` or `{path}=value`,
//   more than one single "=" is an error (so no `>=`, `<=`, `!=` inside the path);
// - the path is RFC 9535 (github.com/theory/jsonpath), `$` prepended when missing; the first
//   selected node decides: nothing selected -> not ready; an object or array -> ready when no
//   value is given (an error with one); a scalar -> ready when no value is given or when its text
//   equals the value;
// - not ready while status.observedGeneration < metadata.generation.
// The RFC subset here: member names, [*], [n], ['name'], filters with ==, !=, <, <=, >, >=, &&,
// ||, !, parentheses, existence tests, and singular queries (@... / $...) compared to literals or
// to each other.

const NOTHING = Symbol("nothing");
type Value = unknown | typeof NOTHING;

export class WaitForError extends Error {}

export interface ParsedJsonPath {
  path: string;
  value?: string;
  select(root: unknown): unknown[];
}

/** The annotation's expressions, as the provider splits them. */
export function parseWaitFor(annotation: string): ParsedJsonPath[] {
  let values: string[];
  try {
    const parsed = JSON.parse(annotation);
    values = Array.isArray(parsed) && parsed.every((v) => typeof v === "string") ? parsed : [annotation];
  } catch {
    values = [annotation];
  }
  if (values.length === 0) {
    throw new WaitForError("at least one condition must be specified");
  }
  return values.map((expr) => {
    if (expr.startsWith("jsonpath=")) {
      return parseJsonPath(expr);
    }
    throw new WaitForError(expr.startsWith("condition=") ? `not modelled: ${expr}` : `expected a "jsonpath=" or "condition=" prefix, got ${JSON.stringify(expr)}`);
  });
}

export function parseJsonPath(raw: string): ParsedJsonPath {
  const body = raw.slice("jsonpath=".length);
  const PLACEHOLDER = "\u0000";
  const parts = body.replaceAll("==", PLACEHOLDER).split("=");
  if (parts.length > 2) {
    throw new WaitForError(`format should be {.path}=value or {.path}, got ${JSON.stringify(body)}`);
  }
  const path = parts[0].replaceAll(PLACEHOLDER, "==");
  const value = parts.length === 2 ? parts[1].replaceAll(PLACEHOLDER, "==") : undefined;
  if (value === "") {
    throw new WaitForError(`${path}= requires a value`);
  }
  const m = /\{\s*(.*?)\s*\}/.exec(path);
  if (m === null) {
    throw new WaitForError(`${path} should be wrapped in brackets { ... }`);
  }
  const query = new Parser(m[1].startsWith("$") ? m[1] : `$${m[1]}`).query();
  return { path, value, select: (root) => query(root, root).filter((v) => v !== NOTHING) };
}

/** Whether the conditions hold for the live object (all of them, as the provider's All). */
export function waitForSatisfied(conditions: ParsedJsonPath[], live: any): boolean {
  const generation = live?.metadata?.generation;
  const observed = live?.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return false;
  }
  return conditions.every((c) => {
    const selected = c.select(live);
    if (selected.length === 0) {
      return false;
    }
    const v = selected[0];
    if (v !== null && typeof v === "object") {
      if (c.value !== undefined) {
        throw new WaitForError(`${JSON.stringify(c.path)} has a non-primitive value`);
      }
      return true;
    }
    return c.value === undefined || String(v) === c.value;
  });
}

type Query = (current: unknown, root: unknown) => unknown[];
type Test = (current: unknown, root: unknown) => boolean;

function children(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v !== null && typeof v === "object" ? Object.values(v) : [];
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (/\s/.test(this.s[this.i] ?? "")) this.i++;
  }
  private eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.i)) {
      this.i += tok.length;
      return true;
    }
    return false;
  }
  private fail(what: string): never {
    throw new WaitForError(`parsing ${JSON.stringify(this.s)}: ${what} at position ${this.i}`);
  }

  /** The whole path: `$` then segments. */
  query(): Query {
    const q = this.relative("$");
    this.ws();
    if (this.i !== this.s.length) this.fail("unexpected text");
    return q;
  }

  /** `$` or `@` followed by segments; evaluated from the root or the current node. */
  private relative(start: "$" | "@"): Query {
    if (!this.eat(start)) this.fail(`expected ${start}`);
    const segments: Array<(nodes: unknown[], root: unknown) => unknown[]> = [];
    for (;;) {
      if (this.s.startsWith("..", this.i)) this.fail("descendant segments are not modelled");
      if (this.s[this.i] === ".") {
        this.i++;
        if (this.s[this.i] === "*") {
          this.i++;
          segments.push((nodes) => nodes.flatMap(children));
          continue;
        }
        const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.i));
        if (m === null) this.fail("expected a member name");
        this.i += m[0].length;
        const name = m[0];
        segments.push((nodes) => nodes.flatMap((n) => (n !== null && typeof n === "object" && !Array.isArray(n) && name in n ? [(n as any)[name]] : [])));
        continue;
      }
      if (this.s[this.i] === "[") {
        this.i++;
        this.ws();
        if (this.eat("?")) {
          const test = this.or();
          if (!this.eat("]")) this.fail("expected ]");
          segments.push((nodes, root) => nodes.flatMap((n) => children(n).filter((c) => test(c, root))));
        } else if (this.eat("*")) {
          if (!this.eat("]")) this.fail("expected ]");
          segments.push((nodes) => nodes.flatMap(children));
        } else {
          const lit = this.literal();
          if (!this.eat("]")) this.fail("expected ]");
          segments.push((nodes) =>
            nodes.flatMap((n) => {
              if (typeof lit === "number" && Array.isArray(n)) {
                const v = n[lit < 0 ? n.length + lit : lit];
                return v === undefined ? [] : [v];
              }
              return typeof lit === "string" && n !== null && typeof n === "object" && !Array.isArray(n) && lit in n ? [(n as any)[lit]] : [];
            }),
          );
        }
        continue;
      }
      break;
    }
    return (current, root) => segments.reduce<unknown[]>((nodes, seg) => seg(nodes, root), [start === "$" ? root : current]);
  }

  private or(): Test {
    const terms = [this.and()];
    while (this.eat("||")) terms.push(this.and());
    return (c, r) => terms.some((t) => t(c, r));
  }
  private and(): Test {
    const terms = [this.basic()];
    while (this.eat("&&")) terms.push(this.basic());
    return (c, r) => terms.every((t) => t(c, r));
  }
  private basic(): Test {
    this.ws();
    if (this.eat("!")) {
      if (this.eat("(")) {
        const inner = this.or();
        if (!this.eat(")")) this.fail("expected )");
        return (c, r) => !inner(c, r);
      }
      const q = this.singular();
      return (c, r) => q(c, r).length === 0;
    }
    if (this.eat("(")) {
      const inner = this.or();
      if (!this.eat(")")) this.fail("expected )");
      return inner;
    }
    const left = this.comparable();
    this.ws();
    const op = ["==", "!=", "<=", ">=", "<", ">"].find((o) => this.s.startsWith(o, this.i));
    if (op === undefined) {
      if (left.query === undefined) this.fail("a literal is not a test");
      const q = left.query;
      return (c, r) => q(c, r).length > 0;
    }
    this.i += op.length;
    const right = this.comparable();
    return (c, r) => compare(left.value(c, r), op, right.value(c, r));
  }
  private singular(): Query {
    this.ws();
    const start = this.s[this.i];
    if (start !== "@" && start !== "$") this.fail("expected @ or $");
    return this.relative(start);
  }
  private comparable(): { value: (c: unknown, r: unknown) => Value; query?: Query } {
    this.ws();
    const ch = this.s[this.i];
    if (ch === "@" || ch === "$") {
      const q = this.singular();
      return { value: (c, r) => (q(c, r).length === 1 ? q(c, r)[0] : NOTHING), query: q };
    }
    const lit = this.literal();
    return { value: () => lit };
  }
  private literal(): unknown {
    this.ws();
    const rest = this.s.slice(this.i);
    const num = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(rest);
    if (num !== null) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const str = /^'((?:[^'\\]|\\.)*)'|^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (str !== null) {
      this.i += str[0].length;
      return (str[1] ?? str[2]).replace(/\\(.)/g, "$1");
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (rest.startsWith(word)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail("expected a literal");
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** RFC 9535 comparison: Nothing equals only Nothing; < and > only between numbers or strings. */
function compare(l: Value, op: string, r: Value): boolean {
  const eq = () => (l === NOTHING || r === NOTHING ? l === r : deepEqual(l, r));
  const lt = () => (typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string") ? (l as any) < (r as any) : false;
  switch (op) {
    case "==":
      return eq();
    case "!=":
      return !eq();
    case "<":
      return lt();
    case "<=":
      return lt() || eq();
    case ">":
      return compare(r, "<", l);
    default:
      return compare(r, "<", l) || eq();
  }
}
