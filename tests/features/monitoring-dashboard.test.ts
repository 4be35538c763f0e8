// The Grafana dashboard: a well-formed JSON model, rows that follow the cluster's protocols and
// tiers, and queries that parse (promtool) and select only series that exist.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { MAX_NAME_LENGTH } from "../../components/api/naming";
import {
  DashboardInput,
  MAX_DASHBOARD_UID_LENGTH,
  dashboardFileName,
  dashboardUid,
  grafanaDashboard,
} from "../../components/features/monitoring/dashboard";
import { PROTOCOLS, Protocol } from "../../components/rmq/ports";
import { Topology, tierKinds } from "../../components/rmq/topology";
import { selectors, unknownMetrics } from "./promql";
import { ROBUSTMQ_SERIES as ROBUSTMQ_SERIES_LIST } from "../../components/rmq/metrics";
import { EXPORTER_SERIES_NAMES } from "../../components/features/monitoring/exporters";

// The shared lists the rules are checked against: RobustMQ's series (rmq/metrics.ts, read from the
// source at v0.4.11) and the standard exporters' (features/monitoring/exporters.ts).
const ROBUSTMQ_SERIES = new Set(ROBUSTMQ_SERIES_LIST);
const EXPORTER_SERIES = new Set(EXPORTER_SERIES_NAMES);

// `up` is Prometheus's own series per scrape target, so it has the target labels the ServiceMonitor
// sets, cluster and tier included.
const RELABELLED = new Set([...ROBUSTMQ_SERIES, "up"]);
const KNOWN = new Set([...ROBUSTMQ_SERIES, ...EXPORTER_SERIES]);

const VARIABLES = ["datasource", "namespace", "cluster", "tier", "__rate_interval"];

function input(topology: Topology, protocols: readonly Protocol[], names = { clusterName: "mq", namespace: "messaging" }): DashboardInput {
  return { ...names, protocols, tiers: tierKinds(topology).map((t) => ({ name: t.name, roles: t.roles })) };
}

type Json = Record<string, any>;

/** Every panel, rows and panels nested in collapsed rows included. */
function allPanels(d: Json): Json[] {
  return (d.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[] | undefined) ?? [])]);
}

/** Rows with their panels: a collapsed row holds its own, an open row owns the panels after it. */
function rowsOf(d: Json): Array<{ row: Json; panels: Json[] }> {
  const out: Array<{ row: Json; panels: Json[] }> = [];
  for (const p of d.panels as Json[]) {
    if (p.type === "row") out.push({ row: p, panels: [...((p.panels as Json[] | undefined) ?? [])] });
    else {
      assert.ok(out.length > 0, `panel "${p.title}" stands before the first row`);
      out[out.length - 1].panels.push(p);
    }
  }
  return out;
}

function queryPanels(d: Json): Json[] {
  return allPanels(d).filter((p) => p.type !== "row");
}

function exprs(d: Json): string[] {
  return queryPanels(d).flatMap((p) => (p.targets as Json[]).map((t) => t.expr as string));
}

/** The selectors inside the variables' label_values(selector, label) queries. */
function variableSelectors(d: Json): string[] {
  return (d.templating.list as Json[])
    .filter((v) => v.type === "query")
    .map((v) => {
      const m = /^label_values\((.+), *([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(v.query as string);
      assert.ok(m, `variable ${v.name}: ${v.query} is label_values(selector, label)`);
      return m[1];
    });
}

const SPLIT_ALL = input("split", PROTOCOLS);

describe("monitoring: PromQL metric extraction (test helper)", () => {
  it("finds the selectors and nothing else: not functions, keywords, label lists, strings or durations", () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, machine) (rate(a_bucket{machine=~"data_.*", x="{b}"}[$__rate_interval]))) ' +
      '/ on (pod) group_left (tier) label_replace(b, "tier", "$1", "pod", "mq-(.+)-[0-9]+") ' +
      "unless c offset 5m or sum without (pod) (rate(d_total[5m:1m])) > bool 1e-3 and ignoring (le) e";
    assert.deepEqual(
      selectors(expr).map((s) => s.name),
      ["a_bucket", "b", "c", "d_total", "e"],
    );
    assert.equal(selectors(expr)[0].matchers, 'machine=~"data_.*", x="{b}"');
    assert.deepEqual(selectors('{__name__="up", job="x"}'), [{ name: "up", matchers: '__name__="up", job="x"' }]);
  });

  it("catches a name that is not a known series", () => {
    // A typo, and a counter named by its family instead of its _total series.
    assert.deepEqual(unknownMetrics('sum(rate(mqtt_messages_recieved_total{pod="a"}[5m]))', KNOWN), ["mqtt_messages_recieved_total"]);
    assert.deepEqual(unknownMetrics("rate(raft_write_requests[5m]) / rate(raft_write_success_total[5m])", KNOWN), ["raft_write_requests"]);
    assert.deepEqual(unknownMetrics("sum(rate(raft_write_requests_total[5m]))", KNOWN), []);
  });

  it("rejects what it cannot read instead of guessing", () => {
    assert.throws(() => selectors('up{job="x}'), /unterminated string/);
    assert.throws(() => selectors("rate(up[5m)"), /unbalanced/);
  });
});

describe("monitoring: Grafana dashboard", () => {
  const d = grafanaDashboard(SPLIT_ALL) as Json;

  it("is a plain JSON dashboard model of a current Grafana schema", () => {
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
    assert.equal(typeof d.schemaVersion, "number");
    assert.ok((d.schemaVersion as number) >= 39, `schemaVersion ${d.schemaVersion}`);
    assert.equal(d.title, "RobustMQ / messaging / mq");
    assert.deepEqual(d.tags, ["robustmq"]);
    assert.equal(d.uid, dashboardUid("messaging", "mq"));
  });

  it("has a stable uid of at most 40 characters, distinct per namespace and cluster", () => {
    const uid = dashboardUid("messaging", "mq");
    assert.ok(uid.length <= MAX_DASHBOARD_UID_LENGTH, uid);
    assert.match(uid, /^[a-zA-Z0-9_-]+$/);
    assert.equal(grafanaDashboard(input("combined", ["mqtt"])).uid, uid, "protocols and topology do not change the uid");
    const longest = dashboardUid("n".repeat(63), "c".repeat(MAX_NAME_LENGTH));
    assert.ok(longest.length <= MAX_DASHBOARD_UID_LENGTH, longest);
    const others = [dashboardUid("messaging", "mq2"), dashboardUid("other", "mq"), dashboardUid("a-b", "c"), dashboardUid("a", "b-c")];
    assert.equal(new Set([uid, ...others]).size, 5);
  });

  it("names its ConfigMap key per namespace and cluster, within Kubernetes' key rules", () => {
    const name = dashboardFileName("messaging", "mq");
    assert.equal(name, "messaging-mq-robustmq.json");
    assert.notEqual(dashboardFileName("other", "mq"), name);
    const longest = dashboardFileName("n".repeat(63), "c".repeat(MAX_NAME_LENGTH));
    assert.match(longest, /^[-._a-zA-Z0-9]+$/);
    assert.ok(longest.length <= 253);
  });


  it("offers a Prometheus data source and the namespace, cluster and tier variables, defaulting to this cluster", () => {
    const vars = Object.fromEntries((d.templating.list as Json[]).map((v) => [v.name, v]));
    assert.deepEqual(Object.keys(vars), ["datasource", "namespace", "cluster", "tier"]);
    assert.equal(vars.datasource.type, "datasource");
    assert.equal(vars.datasource.query, "prometheus");
    assert.equal(vars.namespace.current.value, "messaging");
    assert.equal(vars.cluster.current.value, "mq");
    assert.equal(vars.tier.multi, true);
    assert.equal(vars.tier.includeAll, true);
    for (const name of ["namespace", "cluster", "tier"]) {
      assert.equal(vars[name].type, "query");
      assert.deepEqual(vars[name].datasource, { type: "prometheus", uid: "${datasource}" });
    }
    assert.match(vars.cluster.query, /namespace="\$namespace"/);
    assert.match(vars.tier.query, /namespace="\$namespace", cluster="\$cluster"/);
  });

  it("gives every panel the data source variable, queries with an expression, and a unique id", () => {
    const panels = queryPanels(d);
    assert.ok(panels.length > 30, `${panels.length} panels`);
    for (const p of panels) {
      assert.ok(p.title && p.description, `panel ${p.id} has a title and a description`);
      assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" }, p.title);
      assert.ok(Array.isArray(p.targets) && p.targets.length > 0, `${p.title} has targets`);
      const refIds = (p.targets as Json[]).map((t) => t.refId);
      assert.equal(new Set(refIds).size, refIds.length, `${p.title}: refIds are unique`);
      for (const t of p.targets as Json[]) {
        assert.deepEqual(t.datasource, p.datasource, p.title);
        assert.equal(typeof t.expr, "string", p.title);
        assert.ok(t.expr.trim().length > 0, `${p.title}: empty expr`);
      }
    }
    const ids = allPanels(d).map((p) => p.id);
    assert.ok(ids.every((id) => Number.isInteger(id) && id > 0), "every panel and row has an id");
    assert.equal(new Set(ids).size, ids.length, "ids are unique");
  });

  it("lays every panel on the 24-column grid inside its row, without overlaps", () => {
    const rows = rowsOf(d);
    for (const [i, { row, panels }] of rows.entries()) {
      assert.deepEqual({ x: row.gridPos.x, w: row.gridPos.w, h: row.gridPos.h }, { x: 0, w: 24, h: 1 }, row.title);
      assert.ok(panels.length > 0, `row "${row.title}" has panels`);
      const next = rows[i + 1]?.row.gridPos.y ?? Infinity;
      for (const p of panels) {
        const g = p.gridPos;
        assert.ok(g && [g.x, g.y, g.w, g.h].every(Number.isInteger), `${p.title}: gridPos set`);
        assert.ok(g.w > 0 && g.h > 0 && g.x >= 0 && g.x + g.w <= 24, `${p.title}: ${JSON.stringify(g)} fits the grid`);
        if (!row.collapsed) assert.ok(g.y > row.gridPos.y && g.y + g.h <= next, `${p.title} lies within row "${row.title}"`);
      }
      for (const [j, a] of panels.entries()) {
        for (const b of panels.slice(j + 1)) {
          const [p, r] = [a.gridPos, b.gridPos];
          const overlap = p.x < r.x + r.w && r.x < p.x + p.w && p.y < r.y + r.h && r.y < p.y + p.h;
          assert.ok(!overlap, `"${a.title}" ${JSON.stringify(p)} overlaps "${b.title}" ${JSON.stringify(r)}`);
        }
      }
    }
  });

  it("selects only series that exist: RobustMQ v0.4.11's and standard exporters'", () => {
    for (const protocols of [PROTOCOLS, ["mqtt"], ["kafka"]] as Protocol[][]) {
      for (const topology of ["split", "combined"] as Topology[]) {
        const model = grafanaDashboard(input(topology, protocols));
        for (const expr of [...exprs(model), ...variableSelectors(model)]) {
          assert.ok(selectors(expr).length > 0, `no metric in: ${expr}`);
          assert.deepEqual(unknownMetrics(expr, KNOWN), [], expr);
        }
      }
    }
  });

  it("filters every query to the dashboard's namespace and cluster", () => {
    for (const expr of exprs(d)) {
      for (const s of selectors(expr)) {
        assert.match(s.matchers, /(^|, )namespace="\$namespace"(,|$)/, `${s.name} in: ${expr}`);
        if (RELABELLED.has(s.name)) {
          assert.match(s.matchers, /(^|, )cluster="\$cluster"(,|$)/, `${s.name} in: ${expr}`);
          assert.match(s.matchers, /(^|, )tier=~"\$tier"(,|$)/, `${s.name} in: ${expr}`);
        } else {
          // Exporters know the pod or claim, named <cluster>-<tier>-<ordinal> (claims prefixed data-).
          assert.match(s.matchers, /(pod|persistentvolumeclaim)=~"(data-)?\$cluster-\(\$tier\)-\[0-9\]\+"/, `${s.name} in: ${expr}`);
        }
      }
    }
  });

  it("uses only its own variables", () => {
    for (const expr of [...exprs(d), ...variableSelectors(d)]) {
      // "$1" is label_replace's capture group, inside a string.
      const used = [...expr.replace(/"\$1"/g, "").matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
      for (const v of used) assert.ok(VARIABLES.includes(v), `$${v} in: ${expr}`);
    }
  });
});

describe("monitoring: dashboard rows follow protocols and tiers", () => {
  const titles = (i: DashboardInput) => rowsOf(grafanaDashboard(i)).map((r) => r.row.title as string);
  const rowExprs = (i: DashboardInput, title: string) => {
    const row = rowsOf(grafanaDashboard(i)).find((r) => r.row.title === title);
    assert.ok(row, `row "${title}"`);
    return row.panels.flatMap((p) => (p.targets as Json[]).map((t) => t.expr as string));
  };

  it("shows the MQTT row with MQTT enabled", () => {
    assert.deepEqual(titles(input("split", ["mqtt"])), [
      "Cluster overview",
      "Raft health",
      "MQTT traffic and connections",
      "Request handling (all protocols)",
      "Storage engine",
      "Resources per pod",
    ]);
  });

  it("leaves MQTT out without MQTT: no MQTT row and no MQTT-only series", () => {
    const i = input("split", ["kafka", "nats"]);
    assert.ok(!titles(i).some((t) => /mqtt/i.test(t)), titles(i).join(", "));
    // mqtt_connections_count stays: it counts the connections of every protocol.
    const mqttSeries = exprs(grafanaDashboard(i)).flatMap((e) => selectors(e).map((s) => s.name)).filter((n) => n.startsWith("mqtt_"));
    assert.deepEqual([...new Set(mqttSeries)], ["mqtt_connections_count"]);
  });

  it("has no Kafka, AMQP or NATS row, since RobustMQ v0.4.11 exports no metric of theirs", () => {
    for (const protocols of [PROTOCOLS, ["kafka"], ["amqp"], ["nats"]] as Protocol[][]) {
      const t = titles(input("split", protocols));
      assert.ok(!t.some((title) => /kafka|amqp|nats/i.test(title)), t.join(", "));
      assert.ok(t.includes("Request handling (all protocols)"), "the shared handler row stands in for them");
    }
  });

  it("restricts role-specific rows to the tiers carrying the role", () => {
    const split = input("split", ["mqtt"]);
    for (const [row, tiers] of [
      ["Raft health", "meta"],
      ["MQTT traffic and connections", "broker"],
      ["Request handling (all protocols)", "broker"],
      ["Storage engine", "meta|engine"],
    ] as const) {
      // RocksDB serves every role, so its panels are not restricted.
      for (const expr of rowExprs(split, row).filter((e) => !e.includes("rocksdb_"))) {
        assert.ok(expr.includes(`tier=~"${tiers}"`), `${row}: ${expr}`);
      }
    }
    for (const expr of rowExprs(input("combined", ["mqtt"]), "Raft health")) assert.ok(expr.includes('tier=~"combined"'), expr);
  });

  it("leaves out a role's rows when no tier carries the role", () => {
    const brokersOnly: DashboardInput = { clusterName: "mq", namespace: "messaging", protocols: ["mqtt"], tiers: [{ name: "broker", roles: ["broker"] }] };
    assert.deepEqual(titles(brokersOnly), ["Cluster overview", "MQTT traffic and connections", "Request handling (all protocols)", "Resources per pod"]);
    assert.ok(!exprs(grafanaDashboard(brokersOnly)).some((e) => e.includes("raft_")));
  });
});

const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => fs.existsSync(p));

describe("monitoring: dashboard queries parse (promtool)", function () {
  this.timeout(60000);
  before(function () {
    if (PROMTOOL === undefined) {
      if (process.env.CI) throw new Error("promtool is not installed; CI must run this test");
      console.log("      (skipped: promtool is not installed)");
      this.skip();
    }
  });

  /** An expression as Grafana would send it: variables replaced with sample values. */
  function interpolate(expr: string): string {
    return expr
      .replace(/\$__rate_interval/g, "5m")
      .replace(/\$namespace/g, "messaging")
      .replace(/\$cluster/g, "mq")
      .replace(/\$tier/g, "(meta|broker)");
  }

  function check(rules: Array<{ record: string; expr: string }>): { status: number | null; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-promql-"));
    try {
      const file = path.join(dir, "rules.yaml");
      fs.writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
      const r = spawnSync(PROMTOOL as string, ["check", "rules", file], { encoding: "utf8" });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("accepts every panel and variable query", () => {
    const all = new Set<string>();
    for (const topology of ["split", "combined"] as Topology[]) {
      const model = grafanaDashboard(input(topology, PROTOCOLS));
      for (const expr of [...exprs(model), ...variableSelectors(model)]) all.add(interpolate(expr));
    }
    const rules = [...all].map((expr, i) => ({ record: `dashboard:query_${i}`, expr }));
    const r = check(rules);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, new RegExp(`SUCCESS: ${rules.length} rules found`), r.output);
  });

  it("rejects a broken query, so the check above can fail", () => {
    const r = check([{ record: "dashboard:broken", expr: interpolate('sum(rate(up{namespace="$namespace"}[$__rate_interval])') }]);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /parse error/, r.output);
  });
});
