// Just enough PromQL reading to list the metric names and label matchers an expression uses:
// strings, label matchers, ranges and grouping label lists are taken out, then every identifier
// that is not a function call or a keyword is a metric name. promtool has no command that prints
// them, and a wrong name is exactly what promtool cannot catch (an unknown metric is just empty).

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);
const STRINGS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const IDENTIFIER = /(?<![\w:.])([a-zA-Z_:][\w:]*)(\s*\()?/g;

/** Metric names of an expression, in order of first use. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(STRINGS, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, " ");
  const names: string[] = [];
  for (const m of bare.matchAll(IDENTIFIER)) {
    const [, id, call] = m;
    if (call === undefined && !KEYWORDS.has(id.toLowerCase()) && !names.includes(id)) {
      names.push(id);
    }
  }
  return names;
}

/** Every `name{matchers}` of an expression, with the label names its matchers use. */
export function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  const out: Array<{ name: string; labels: string[] }> = [];
  for (const m of expr.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)) {
    const labels = [...m[2].matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]);
    out.push({ name: m[1], labels });
  }
  return out;
}
