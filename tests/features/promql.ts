// A PromQL reader just deep enough to find the metric names an expression selects, so tests can
// hold dashboard and rule queries to the series that exist. It is not a parser (promtool proves
// the queries parse); it only has to tell a metric name from the other identifiers of PromQL.

/** A vector selector: metric name and the raw text of its matchers ("" without braces). */
export interface Selector {
  name: string;
  matchers: string;
}

// Identifiers that are never metric names wherever they stand.
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]);
// Keywords followed by a parenthesised list of label names.
const LABEL_LISTS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

const IDENT_START = /[A-Za-z_:]/;
const IDENT = /[A-Za-z0-9_:]/;

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/** Index just past the string literal opening at i. */
function skipString(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== quote) {
    j += quote !== "`" && s[j] === "\\" ? 2 : 1;
  }
  if (j >= s.length) throw new Error(`unterminated string at ${i} in: ${s}`);
  return j + 1;
}

/** Index just past the `close` that matches the `open` at i, skipping string literals. */
function skipGroup(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"' || c === "'" || c === "`") {
      j = skipString(s, j);
      continue;
    }
    if (c === open) depth++;
    if (c === close && --depth === 0) return j + 1;
    j++;
  }
  throw new Error(`unbalanced ${open}${close} at ${i} in: ${s}`);
}

function readIdent(s: string, i: number): number {
  let j = i;
  while (j < s.length && IDENT.test(s[j])) j++;
  return j;
}

/**
 * Every vector selector of a PromQL expression, in order. Skipped: string literals, numbers and
 * durations, range and subquery brackets, function and aggregation names (an identifier followed
 * by "(", or by "by"/"without"), keywords and the label lists of by/without/on/ignoring/group_left/group_right, and
 * Grafana variables outside strings ($__rate_interval and the like).
 */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'" || c === "`") {
      i = skipString(expr, i);
    } else if (c === "[") {
      i = skipGroup(expr, i, "[", "]");
    } else if (c === "{") {
      // A selector without a name before its braces: the name, if any, is a __name__ matcher.
      const end = skipGroup(expr, i, "{", "}");
      const matchers = expr.slice(i + 1, end - 1);
      const named = /__name__\s*=\s*"([^"]*)"/.exec(matchers);
      out.push({ name: named?.[1] ?? "", matchers });
      i = end;
    } else if (c === "$") {
      i = readIdent(expr, i + 1);
      if (expr[i] === "{") i = skipGroup(expr, i, "{", "}");
    } else if (/[0-9.]/.test(c)) {
      while (i < expr.length && /[0-9A-Za-z.]/.test(expr[i])) i++;
    } else if (IDENT_START.test(c)) {
      const end = readIdent(expr, i);
      const word = expr.slice(i, end);
      const next = skipSpace(expr, end);
      if (LABEL_LISTS.has(word.toLowerCase())) {
        i = expr[next] === "(" ? skipGroup(expr, next, "(", ")") : end;
      } else if (KEYWORDS.has(word.toLowerCase()) || expr[next] === "(" || /^(by|without)\b/i.test(expr.slice(next))) {
        // A function or aggregation: called, or an aggregation with its grouping first (sum by (x) (...)).
        i = end;
      } else if (expr[next] === "{") {
        const close = skipGroup(expr, next, "{", "}");
        out.push({ name: word, matchers: expr.slice(next + 1, close - 1) });
        i = close;
      } else {
        out.push({ name: word, matchers: "" });
        i = end;
      }
    } else {
      i++;
    }
  }
  return out;
}

/** Metric names of an expression that are not in `known`, each once. */
export function unknownMetrics(expr: string, known: ReadonlySet<string>): string[] {
  return [...new Set(selectors(expr).map((s) => s.name))].filter((name) => !known.has(name));
}

/** Metric names an expression selects, each once, in order of first use. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectors(expr).map((s) => s.name))];
}

/** Label names a selector's matchers use. */
export function matcherLabels(s: Selector): string[] {
  const bare = s.matchers.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  return [...bare.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
}
