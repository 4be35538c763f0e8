// Prometheus Operator objects (monitoring.coreos.com/v1) have no kubernetes-models package, and the
// project adds no dependency for one. This checks what our objects use against the operator's v1
// API (ServiceMonitor, PodMonitor, PrometheusRule): required fields, enums, duration and label
// name formats, and no field the API does not have (a misspelt field is dropped silently by the
// API server's pruning, which is the failure this catches).

const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RELABEL_ACTIONS = [
  "replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap", "LabelMap", "labeldrop", "LabelDrop",
  "labelkeep", "LabelKeep", "lowercase", "Lowercase", "uppercase", "Uppercase", "keepequal", "KeepEqual", "dropequal", "DropEqual",
];

type Obj = Record<string, any>;

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

function fields(where: string, o: unknown, allowed: readonly string[], required: readonly string[] = []): Obj {
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    fail(where, `must be an object, got ${JSON.stringify(o)}`);
  }
  for (const k of Object.keys(o as Obj)) {
    if (!allowed.includes(k)) fail(where, `unknown field "${k}"`);
  }
  for (const k of required) {
    if ((o as Obj)[k] === undefined) fail(where, `missing required field "${k}"`);
  }
  return o as Obj;
}

function stringMap(where: string, m: unknown): void {
  if (m === undefined) return;
  fields(where, m, Object.keys(m as Obj));
  for (const [k, v] of Object.entries(m as Obj)) {
    if (typeof v !== "string") fail(`${where}.${k}`, "must be a string");
  }
}

function duration(where: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "string" || !DURATION.test(v))) fail(where, `not a duration: ${JSON.stringify(v)}`);
}

function labelSelector(where: string, s: unknown): void {
  const sel = fields(where, s, ["matchLabels", "matchExpressions"]);
  stringMap(`${where}.matchLabels`, sel.matchLabels);
}

function relabel(where: string, r: unknown): void {
  const c = fields(where, r, ["sourceLabels", "separator", "targetLabel", "regex", "modulus", "replacement", "action"]);
  if (c.action !== undefined && !RELABEL_ACTIONS.includes(c.action)) fail(`${where}.action`, `not a relabel action: ${c.action}`);
  for (const [i, l] of (c.sourceLabels ?? []).entries()) {
    if (!LABEL_NAME.test(l)) fail(`${where}.sourceLabels[${i}]`, `not a label name: ${l}`);
  }
  if ((c.action ?? "replace").toLowerCase() === "replace" && (typeof c.targetLabel !== "string" || !LABEL_NAME.test(c.targetLabel))) {
    fail(`${where}.targetLabel`, "a replace needs a target label name");
  }
  if (c.regex !== undefined) {
    try {
      new RegExp(`^(?:${c.regex})$`);
    } catch (e) {
      fail(`${where}.regex`, String(e));
    }
  }
}

const ENDPOINT_FIELDS = [
  "port", "targetPort", "path", "scheme", "params", "interval", "scrapeTimeout", "tlsConfig", "bearerTokenFile", "bearerTokenSecret",
  "authorization", "honorLabels", "honorTimestamps", "trackTimestampsStaleness", "basicAuth", "oauth2", "metricRelabelings",
  "relabelings", "proxyUrl", "noProxy", "proxyFromEnvironment", "proxyConnectHeader", "followRedirects", "enableHttp2", "filterRunning",
];

function endpoint(where: string, e: unknown): void {
  const ep = fields(where, e, ENDPOINT_FIELDS);
  if (ep.scheme !== undefined && !["http", "https", "HTTP", "HTTPS"].includes(ep.scheme)) fail(`${where}.scheme`, ep.scheme);
  duration(`${where}.interval`, ep.interval);
  duration(`${where}.scrapeTimeout`, ep.scrapeTimeout);
  (ep.relabelings ?? []).forEach((r: unknown, i: number) => relabel(`${where}.relabelings[${i}]`, r));
  (ep.metricRelabelings ?? []).forEach((r: unknown, i: number) => relabel(`${where}.metricRelabelings[${i}]`, r));
}

const MONITOR_SPEC_COMMON = [
  "jobLabel", "podTargetLabels", "selector", "namespaceSelector", "sampleLimit", "targetLimit", "labelLimit", "labelNameLengthLimit",
  "labelValueLengthLimit", "keepDroppedTargets", "attachMetadata", "scrapeClass", "scrapeProtocols", "bodySizeLimit",
];

function monitor(o: Obj, kind: "ServiceMonitor" | "PodMonitor"): void {
  const list = kind === "ServiceMonitor" ? "endpoints" : "podMetricsEndpoints";
  const spec = fields(`${kind}.spec`, o.spec, [...MONITOR_SPEC_COMMON, list, ...(kind === "ServiceMonitor" ? ["targetLabels"] : [])], ["selector"]);
  labelSelector(`${kind}.spec.selector`, spec.selector);
  if (spec.namespaceSelector !== undefined) {
    const ns = fields(`${kind}.spec.namespaceSelector`, spec.namespaceSelector, ["any", "matchNames"]);
    (ns.matchNames ?? []).forEach((n: string) => DNS_SUBDOMAIN.test(n) || fail(`${kind}.spec.namespaceSelector`, n));
  }
  (spec[list] ?? []).forEach((e: unknown, i: number) => endpoint(`${kind}.spec.${list}[${i}]`, e));
}

function prometheusRule(o: Obj): void {
  const spec = fields("PrometheusRule.spec", o.spec, ["groups"]);
  const names = new Set<string>();
  (spec.groups ?? []).forEach((g: unknown, i: number) => {
    const where = `PrometheusRule.spec.groups[${i}]`;
    const group = fields(where, g, ["name", "labels", "interval", "query_offset", "rules", "partial_response_strategy", "limit"], ["name"]);
    if (names.has(group.name)) fail(where, `duplicate group name ${group.name}`);
    names.add(group.name);
    duration(`${where}.interval`, group.interval);
    (group.rules ?? []).forEach((r: unknown, j: number) => {
      const rw = `${where}.rules[${j}]`;
      const rule = fields(rw, r, ["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"], ["expr"]);
      if ((rule.alert === undefined) === (rule.record === undefined)) fail(rw, "needs exactly one of alert and record");
      duration(`${rw}.for`, rule.for);
      stringMap(`${rw}.labels`, rule.labels);
      stringMap(`${rw}.annotations`, rule.annotations);
    });
  });
}

/** Throws naming the first problem of a monitoring.coreos.com/v1 object. */
export function validateOperatorObject(o: Obj): void {
  if (o.apiVersion !== "monitoring.coreos.com/v1") fail("apiVersion", `${o.apiVersion} is not monitoring.coreos.com/v1`);
  const meta = fields(`${o.kind}.metadata`, o.metadata, ["name", "namespace", "labels", "annotations"], ["name"]);
  if (!DNS_SUBDOMAIN.test(meta.name) || meta.name.length > 253) fail(`${o.kind}.metadata.name`, meta.name);
  stringMap(`${o.kind}.metadata.labels`, meta.labels);
  fields(o.kind, o, ["apiVersion", "kind", "metadata", "spec"], ["spec"]);
  switch (o.kind) {
    case "ServiceMonitor":
    case "PodMonitor":
      return monitor(o, o.kind);
    case "PrometheusRule":
      return prometheusRule(o);
    default:
      fail("kind", `no schema for monitoring.coreos.com/v1 ${o.kind}`);
  }
}
