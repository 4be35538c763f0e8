// The monitoring feature: its argument (validation, defaults), what it scrapes and how (monitors
// select exactly one tier's objects, every series gets cluster/tier/namespace/pod, the
// high-cardinality families are dropped), the rules' contents (only names that exist, only this
// cluster's series, only rules that mean something for the deployment, a runbook per alert), and
// what it does to the rest: applied last, and not one byte of any pod template changes.
import { strict as assert } from "assert";
import * as fs from "fs";
import type { IService } from "kubernetes-models/v1/Service";
import * as path from "path";
import { RobustMQArgsError, RobustMQCluster, RobustMQClusterArgs } from "../../components";
import { MonitoringArgs } from "../../components/api/features";
import { ResolvedCluster } from "../../components/api/model";
import { podLabels } from "../../components/api/naming";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { EXPORTER_SERIES, EXPORTER_SERIES_NAMES } from "../../components/features/monitoring/exporters";
import { monitoringResources, resolveMonitoring, validateMonitoringArgs } from "../../components/features/monitoring";
import { PrometheusRuleManifest, prometheusRuleManifest, runbookAnchor } from "../../components/features/monitoring/rules";
import { HIGH_CARDINALITY_SERIES, monitorManifest, TARGET_LABELS } from "../../components/features/monitoring/scrape";
import { robustmqMetricOf, ROBUSTMQ_METRICS, ROBUSTMQ_SERIES, seriesNames } from "../../components/rmq/metrics";
import { adminServiceManifest, clientServiceManifest, headlessServiceManifest } from "../../components/workload/services";
import { runWithMocks } from "../../offline/mock-runtime";
import { validateManifest } from "../schema";
import { REFERENCE, REFERENCE_NAME } from "./monitoring/cases";
import { matcherLabels, metricNames, selectors as vectorSelectors } from "./promql";

/** Every vector selector of an expression with the label names its matchers use. */
const selectors = (expr: string) => vectorSelectors(expr).map((s) => ({ name: s.name, labels: matcherLabels(s) }));

const ROOT = path.join(__dirname, "..", "..");

function cluster(args: RobustMQClusterArgs, name = "rmq"): ResolvedCluster {
  return resolveClusterArgs(name, args);
}

function refused(args: RobustMQClusterArgs): string[] {
  try {
    resolveClusterArgs("rmq", args);
  } catch (e) {
    assert.ok(e instanceof RobustMQArgsError, String(e));
    return e.problems;
  }
  return [];
}

function rulesOf(c: ResolvedCluster): PrometheusRuleManifest {
  const rule = prometheusRuleManifest(c, c.monitoring!);
  assert.ok(rule);
  validateManifest(rule);
  return rule;
}

const alertNames = (rule: PrometheusRuleManifest | undefined) => (rule?.spec.groups ?? []).flatMap((g) => g.rules.map((r) => r.alert));

/** Shapes that between them render every rule. */
const SHAPES: Array<{ name: string; args: RobustMQClusterArgs }> = [
  { name: "reference (split, MQTT, both certificates)", args: REFERENCE },
  { name: "combined, Kafka only, no certificates", args: { protocols: ["kafka"], combined: { replicas: 3 }, monitoring: {} } },
  { name: "Ingress certificate by annotation only", args: { ingress: { host: "mq.example.com", tls: { certManager: { issuerName: "le", mode: "annotation" } } }, monitoring: {} } },
];

describe("monitoring: the argument", () => {
  it("takes {} and defaults to ServiceMonitors, rules and a dashboard", () => {
    assert.deepEqual(validateMonitoringArgs({}), []);
    assert.deepEqual(resolveMonitoring({ namespace: "mq" }, {}), {
      scrape: "ServiceMonitor",
      selectorLabels: {},
      interval: "30s",
      keepHighCardinalityMetrics: false,
      rules: { certificateExpiryDays: 14, runbookBaseUrl: "docs/runbooks.md" },
      dashboard: { labels: { grafana_dashboard: "1" }, namespace: "mq" },
    });
  });

  it("in Annotations mode defaults rules and dashboard to off, and takes the dashboard when asked", () => {
    const mon = resolveMonitoring({ namespace: "mq" }, { scrape: "Annotations" });
    assert.equal(mon.rules, undefined);
    assert.equal(mon.dashboard, undefined);
    assert.deepEqual(resolveMonitoring({ namespace: "mq" }, { scrape: "Annotations", dashboard: true, dashboardNamespace: "grafana" }).dashboard, {
      labels: { grafana_dashboard: "1" },
      namespace: "grafana",
    });
  });

  const bad: Array<[string, MonitoringArgs | unknown, string, string[]]> = [
    ["an unknown scrape mode", { scrape: "Operator" }, "monitoring.scrape", ['"ServiceMonitor", "PodMonitor", "Annotations"', '"Operator"']],
    ["an interval without unit", { interval: "30" }, "monitoring.interval", ["Prometheus duration", '"30"']],
    ["an interval under a second", { interval: "500ms" }, "monitoring.interval", ["at least 1s"]],
    ["a selector label value with a space", { selectorLabels: { release: "kube prometheus" } }, "monitoring.selectorLabels.release", ["not a valid label value"]],
    ["a selector label the component owns", { selectorLabels: { "app.kubernetes.io/name": "x" } }, "monitoring.selectorLabels.app.kubernetes.io/name", ["reserved"]],
    ["rules with scrape Annotations", { scrape: "Annotations", rules: true }, "monitoring.rules", ["Prometheus Operator", '"ServiceMonitor" or "PodMonitor"']],
    ["zero days of certificate warning", { certificateExpiryDays: 0 }, "monitoring.certificateExpiryDays", ["from 1 to 365"]],
    ["a runbook URL with an anchor", { runbookBaseUrl: "https://x/runbooks.md#top" }, "monitoring.runbookBaseUrl", ['"#"']],
    ["a runbook URL with rules off", { rules: false, runbookBaseUrl: "https://x/r.md" }, "monitoring.runbookBaseUrl", ["only used by the alert rules"]],
    ["dashboard labels with the dashboard off", { scrape: "Annotations", dashboardLabels: { a: "b" } }, "monitoring.dashboardLabels", ["dashboard is false", "Annotations"]],
    ["a dashboard namespace that is no DNS label", { dashboardNamespace: "Grafana" }, "monitoring.dashboardNamespace", ["DNS-1123 label"]],
    ["a misspelt field", { keepHighCardinalityMetric: true }, "monitoring.keepHighCardinalityMetric", ['did you mean "keepHighCardinalityMetrics"']],
    ["a flag that is not a boolean", { rules: "yes" }, "monitoring.rules", ["true or false"]],
  ];
  for (const [what, args, field, fragments] of bad) {
    it(`refuses ${what}, naming ${field}`, () => {
      const problems = validateMonitoringArgs(args);
      const hit = problems.find((p) => p.startsWith(`${field}:`));
      assert.ok(hit, `no problem for ${field}: ${JSON.stringify(problems)}`);
      for (const f of fragments) {
        assert.ok(hit.includes(f), `"${hit}" does not mention ${f}`);
      }
    });
  }

  it("reports its problems with every other one, before anything is registered", async () => {
    let problems: string[] = [];
    const { resources } = await runWithMocks(() => {
      try {
        new RobustMQCluster("rmq", { combined: { replicas: 2 }, monitoring: { scrape: "ServiceMonitors" as never, interval: "soon" } });
      } catch (e) {
        problems = (e as RobustMQArgsError).problems;
      }
    });
    assert.equal(resources.length, 0);
    assert.ok(problems.some((p) => p.startsWith("combined.replicas:")));
    assert.ok(problems.some((p) => p.startsWith("monitoring.scrape:")));
    assert.ok(problems.some((p) => p.startsWith("monitoring.interval:")));
  });

  it("is refused with a NetworkPolicy that admits no admin source (nothing could scrape), accepted with one", () => {
    const closed = refused({ networkPolicy: {}, monitoring: {} });
    assert.ok(closed.some((p) => p.startsWith("monitoring:") && p.includes("networkPolicy.admin.namespaces")), closed.join("\n"));
    assert.deepEqual(refused({ networkPolicy: { admin: { namespaces: ["monitoring"] } }, monitoring: {} }), []);
    assert.deepEqual(refused({ networkPolicy: {} }), [], "no monitoring, no such problem");
  });
});

describe("monitoring: scraping", () => {
  const split = cluster({ topology: "split", namespace: "mq", monitoring: { selectorLabels: { release: "kps" } } });

  it("has one ServiceMonitor per tier, selecting that tier's headless Service and no other Service", () => {
    const services = [clientServiceManifest(split), adminServiceManifest(split), ...split.tiers.map((t) => headlessServiceManifest(split, t))] as unknown as IService[];
    for (const tier of split.tiers) {
      const m = monitorManifest(split, tier, split.monitoring!)!;
      validateManifest(m);
      assert.equal(m.kind, "ServiceMonitor");
      assert.equal(m.metadata.name, `rmq-${tier.name}-monitor`);
      assert.equal(m.metadata.labels.release, "kps", "the label the Prometheus selects by");
      const match = (m.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      const selected = services.filter((s) => Object.entries(match).every(([k, v]) => s.metadata?.labels?.[k] === v));
      assert.deepEqual(selected.map((s) => s.metadata?.name), [tier.names.headlessService]);
      const port = (m.spec.endpoints as Array<{ port: string }>)[0].port;
      assert.ok((selected[0].spec?.ports as Array<{ name: string }>).some((p) => p.name === port), `the Service has a port named ${port}`);
      assert.deepEqual(m.spec.namespaceSelector, { matchNames: ["mq"] });
    }
  });

  it("has one PodMonitor per tier in PodMonitor mode, selecting that tier's pods only, on their admin port", () => {
    const c = cluster({ topology: "split", namespace: "mq", monitoring: { scrape: "PodMonitor" } });
    for (const tier of c.tiers) {
      const m = monitorManifest(c, tier, c.monitoring!)!;
      validateManifest(m);
      assert.equal(m.kind, "PodMonitor");
      const match = (m.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      const selected = c.tiers.filter((t) => Object.entries(match).every(([k, v]) => podLabels(c, t)[k] === v));
      assert.deepEqual(selected.map((t) => t.name), [tier.name]);
      const endpoint = (m.spec.podMetricsEndpoints as Array<{ port: string; path: string }>)[0];
      assert.ok(tier.ports.some((p) => p.name === endpoint.port));
      assert.equal(endpoint.path, "/metrics");
    }
  });

  it("labels every series with cluster, tier, namespace and pod, from labels the pods carry", () => {
    const endpoint = (monitorManifest(split, split.tiers[0], split.monitoring!)!.spec.endpoints as any[])[0];
    assert.deepEqual(
      endpoint.relabelings.map((r: any) => [r.targetLabel, r.sourceLabels[0]]),
      TARGET_LABELS.map((t) => [t.label, t.from]),
    );
    const pod = podLabels(split, split.tiers[1]);
    const fromPod = (meta: string) => Object.entries(pod).find(([k]) => `__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}` === meta)?.[1];
    assert.equal(fromPod(TARGET_LABELS.find((t) => t.label === "cluster")!.from), "rmq");
    assert.equal(fromPod(TARGET_LABELS.find((t) => t.label === "tier")!.from), split.tiers[1].name);
    const own = new Set(ROBUSTMQ_METRICS.flatMap((m) => m.labels));
    assert.deepEqual(TARGET_LABELS.filter((t) => own.has(t.label)), [], "no RobustMQ label is overwritten");
  });

  it("drops exactly the high-cardinality families by default, and keeps them on request", () => {
    const endpoint = (monitorManifest(split, split.tiers[0], split.monitoring!)!.spec.endpoints as any[])[0];
    assert.equal(endpoint.metricRelabelings.length, 1);
    const drop = endpoint.metricRelabelings[0];
    assert.deepEqual([drop.action, drop.sourceLabels], ["drop", ["__name__"]]);
    const re = new RegExp(`^(?:${drop.regex})$`);
    const dropped = [...ROBUSTMQ_SERIES].filter((s) => re.test(s)).sort();
    assert.deepEqual(dropped, [...HIGH_CARDINALITY_SERIES].sort());
    for (const family of ["topic_messages_written", "subscribe_bytes_sent", "session_messages_in", "connection_messages_out", "client_connections"]) {
      assert.ok(dropped.includes(seriesNames(robustmqMetricOf(`${family}_total`)!)[0]), family);
    }
    const keep = cluster({ monitoring: { keepHighCardinalityMetrics: true } });
    assert.deepEqual((monitorManifest(keep, keep.tiers[0], keep.monitoring!)!.spec.endpoints as any[])[0].metricRelabelings, []);
  });

  it("creates nothing in Annotations mode", () => {
    const c = cluster({ monitoring: { scrape: "Annotations" } });
    assert.deepEqual(monitoringResources(c, c.monitoring!), []);
  });
});

describe("monitoring: the alert rules", () => {
  it("use only metric names RobustMQ v0.4.11 or a standard exporter serves, with labels those series have", () => {
    const exporterLabels = new Map(EXPORTER_SERIES.map((s) => [s.name, s.labels]));
    const scrapeLabels = TARGET_LABELS.map((t) => t.label);
    for (const shape of SHAPES) {
      for (const r of rulesOf(cluster(shape.args, REFERENCE_NAME)).spec.groups.flatMap((g) => g.rules)) {
        const names = metricNames(r.expr);
        assert.ok(names.length > 0, `${r.alert}: reads some metric`);
        assert.deepEqual(names.filter((n) => !ROBUSTMQ_SERIES.has(n) && !EXPORTER_SERIES_NAMES.has(n)), [], `${r.alert}: ${r.expr}`);
        for (const s of selectors(r.expr)) {
          const known = ROBUSTMQ_SERIES.has(s.name)
            ? [...robustmqMetricOf(s.name)!.labels, ...scrapeLabels]
            : [...(exporterLabels.get(s.name) ?? []), ...(s.name === "up" ? scrapeLabels : []), ...(s.name.startsWith("certmanager_") ? ["exported_namespace"] : [])];
          assert.deepEqual(s.labels.filter((l) => !known.includes(l)), [], `${r.alert}: ${s.name} has no such label`);
        }
      }
    }
  });

  it("select this cluster's series only: by cluster and namespace, or by namespace and this cluster's object names", () => {
    const rule = rulesOf(cluster(REFERENCE, REFERENCE_NAME));
    for (const r of rule.spec.groups.flatMap((g) => g.rules)) {
      for (const s of selectors(r.expr)) {
        const text = r.expr;
        assert.ok(s.labels.includes("namespace") || s.labels.includes("exported_namespace"), `${r.alert}: ${s.name} without namespace`);
        if (ROBUSTMQ_SERIES.has(s.name) || s.name === "up") {
          assert.ok(s.labels.includes("cluster"), `${r.alert}: ${s.name} without cluster`);
        } else {
          // Exact label names: a pattern would also take `namespace` for `name`.
          const objectLabels = ["statefulset", "pod", "persistentvolumeclaim", "name", "job_name", "cronjob"];
          assert.ok(s.labels.some((l) => objectLabels.includes(l)), `${r.alert}: ${s.name} not narrowed to this cluster's objects: ${text}`);
        }
      }
      assert.deepEqual([r.labels.cluster, r.labels.namespace], ["rmq", "mq"], `${r.alert} carries cluster and namespace`);
    }
  });

  it("give each alert a severity, a summary, a description and a runbook section that exists", () => {
    const runbooks = fs.readFileSync(path.join(ROOT, "docs", "runbooks.md"), "utf8");
    const headings = [...runbooks.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]);
    const all = new Set<string>();
    for (const shape of SHAPES) {
      const c = cluster(shape.args, REFERENCE_NAME);
      for (const r of rulesOf(c).spec.groups.flatMap((g) => g.rules)) {
        all.add(r.alert);
        assert.ok(["critical", "warning"].includes(r.labels.severity), r.alert);
        assert.ok(r.annotations.summary.length > 10 && r.annotations.description.length > 10, r.alert);
        assert.equal(r.annotations.runbook_url, `${c.monitoring!.rules!.runbookBaseUrl}#${r.alert.toLowerCase()}`);
        assert.ok(headings.some((h) => runbookAnchor(h) === runbookAnchor(r.alert)), `docs/runbooks.md has no section "## ${r.alert}"`);
      }
    }
    assert.deepEqual(headings.filter((h) => h.startsWith("RobustMQ") && !all.has(h)), [], "no runbook for an alert that does not exist");
    const doc = fs.readFileSync(path.join(ROOT, "docs", "MONITORING.md"), "utf8");
    assert.deepEqual([...all].filter((a) => !doc.includes(`\`${a}\``)), [], "docs/MONITORING.md lists every alert");
  });

  it("exist only where they mean something: MQTT with MQTT, certificates with cert-manager, Raft on the meta tier", () => {
    const ref = alertNames(rulesOf(cluster(REFERENCE, REFERENCE_NAME)));
    assert.ok(ref.includes("RobustMQMqttAuthFailures") && ref.includes("RobustMQListenerCertificateNotServed"));
    const kafka = rulesOf(cluster(SHAPES[1].args));
    assert.deepEqual(alertNames(kafka).filter((a) => /Mqtt|Certificate/.test(a)), []);
    assert.ok(kafka.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert.startsWith("RobustMQRaft")).every((r) => r.expr.includes('tier="combined"')));
    assert.ok(alertNames(kafka).includes("RobustMQMetaQuorumLost"));
    const byAnnotation = rulesOf(cluster(SHAPES[2].args));
    const cert = byAnnotation.spec.groups.flatMap((g) => g.rules).find((r) => r.alert === "RobustMQCertificateExpiringSoon")!;
    assert.match(cert.expr, /name="rmq-ingress-tls"/, "ingress-shim names the Certificate after the Secret");
    assert.ok(!alertNames(byAnnotation).includes("RobustMQListenerCertificateNotServed"), "no listener certificate, no reload alert");
    const secretOnly = cluster({ listenerTls: { secretName: "own-tls" }, monitoring: {} });
    assert.deepEqual(alertNames(rulesOf(secretOnly)).filter((a) => a.includes("Certificate")), [], "a Secret we do not renew gets no cert-manager rule");
  });

  it("watch the runtime sync only when it is on, and its periodic run only with a schedule", () => {
    const ruleOf = (c: ResolvedCluster, alert: string) => rulesOf(c).spec.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
    assert.deepEqual(alertNames(rulesOf(cluster(SHAPES[1].args))).filter((a) => a.includes("Runtime")), [], "no sync, no sync alerts");
    const once = cluster({ runtimeSync: { enabled: true, reconcileSchedule: "" }, monitoring: {} });
    assert.deepEqual(alertNames(rulesOf(once)).filter((a) => a.includes("Runtime")), ["RobustMQRuntimeSyncFailed"]);
    const failed = ruleOf(once, "RobustMQRuntimeSyncFailed")!;
    assert.doesNotMatch(failed.expr, /cronjob/, "without a CronJob, nothing clears a failed Job but the next one");
    assert.doesNotMatch(failed.annotations.description, /periodic/);
    const slow = cluster({ runtimeSync: { enabled: true, timeoutSeconds: 1800, reconcileSchedule: "0 * * * *" }, monitoring: {} });
    const reconcile = ruleOf(slow, "RobustMQRuntimeReconcileFailing")!;
    assert.equal(reconcile.for, "36m", "longer than a run may take: 1800 s + 60 s, rounded up, + 5 min");
    assert.match(reconcile.annotations.description, /schedule "0 \* \* \* \*"/);
    assert.equal(ruleOf(cluster(REFERENCE, REFERENCE_NAME), "RobustMQRuntimeReconcileFailing")!.for, "11m", "default timeout 300 s");
  });

  it("follow the arguments: the expiry threshold, the runbook base, the rules switch", () => {
    const c = cluster({ listenerTls: { certManager: { issuerName: "ca" } }, monitoring: { certificateExpiryDays: 3, runbookBaseUrl: "https://wiki.example.com/rmq" } });
    const r = rulesOf(c).spec.groups.flatMap((g) => g.rules).find((x) => x.alert === "RobustMQCertificateExpiringSoon")!;
    assert.match(r.expr, / < 3 \* 86400$/);
    assert.equal(r.annotations.runbook_url, "https://wiki.example.com/rmq#robustmqcertificateexpiringsoon");
    const off = cluster({ monitoring: { rules: false } });
    assert.equal(prometheusRuleManifest(off, off.monitoring!), undefined);
    assert.deepEqual(monitoringResources(off, off.monitoring!).map((r) => r.kind), ["ServiceMonitor", "ConfigMap"]);
  });

  it("metric names are read correctly from PromQL (the reader the checks above rely on)", () => {
    assert.deepEqual(
      metricNames('sum by (cluster, pod) (rate(a_total{x="b{c}", y=~"d|e"}[5m])) / on (pod) group_left (tier) b offset 5m > 1e3 and c unless absent(d{z="1"}) or time() - e'),
      ["a_total", "b", "c", "d", "e"],
    );
    assert.deepEqual(selectors('rate(a{x="1", y!~"2"}[1m]) + b'), [{ name: "a", labels: ["x", "y"] }, { name: "b", labels: [] }]);
  });
});

describe("monitoring: in the cluster", () => {
  it("registers its objects in the last phase, depending on every workload, Service and the Ingress", async () => {
    const { result } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split", namespace: "mq", ingress: { host: "mq.example.com" }, monitoring: {} }));
    const plan = result.plan;
    const monitoring = plan.filter((p) => p.phase === "monitoring");
    assert.deepEqual(monitoring.map((p) => `${p.kind}/${p.name}`), [
      "ServiceMonitor/rmq-meta-monitor",
      "ServiceMonitor/rmq-broker-monitor",
      "ServiceMonitor/rmq-engine-monitor",
      "PrometheusRule/rmq-alerts",
      "ConfigMap/rmq-dashboard",
    ]);
    assert.deepEqual(plan.slice(-monitoring.length), monitoring, "last in the apply order");
    for (const m of monitoring) {
      for (const w of plan.filter((p) => ["StatefulSet", "Service", "Ingress"].includes(p.kind))) {
        assert.ok(m.dependsOn.includes(w.name), `${m.name} waits for ${w.name}`);
      }
    }
  });

  it("changes no pod template: monitoring unset, or in any mode, renders the same StatefulSets", async () => {
    const statefulSets = async (monitoring?: MonitoringArgs) => {
      const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split", namespace: "mq", ...(monitoring ? { monitoring } : {}) }));
      return resources.filter((r) => r.inputs.kind === "StatefulSet").map((r) => r.inputs);
    };
    const unset = await statefulSets();
    assert.equal(unset.length, 3);
    assert.deepEqual(unset[0].spec.template.metadata.annotations["prometheus.io/scrape"], "true");
    for (const m of [{}, { scrape: "PodMonitor" as const }, { scrape: "Annotations" as const }, { keepHighCardinalityMetrics: true, rules: false }]) {
      assert.deepEqual(await statefulSets(m), unset, JSON.stringify(m));
    }
  });
});
