// Monitoring: scraping (scrape.ts), alert rules (rules.ts) and, wired by the cluster, a Grafana
// dashboard. Its objects are applied last, after the workloads and Services they watch.
//
// Modes: "ServiceMonitor" (default) and "PodMonitor" create Prometheus Operator objects, which
// need its CRDs; "Annotations" creates nothing and leaves scraping to a Prometheus that reads the
// pods' prometheus.io/* annotations. Those annotations are on the pods in every mode, and when
// monitoring is unset, exactly as before this feature existed (workload/statefulset.ts says why):
// turning monitoring on, off or between modes restarts no pod.
//
// Rules need the operator (a PrometheusRule) and the `cluster` and `tier` labels only the
// monitors add, so they default to off in "Annotations" mode and are refused there.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MonitoringArgs } from "../../api/features";
import { ScrapeMode, values } from "../../api/enums";
import { ResolvedCluster, ResolvedMonitoring } from "../../api/model";
import { Feature, FeatureResource } from "../feature";
import {
  isRecord,
  Problems,
  validateBoolean,
  validateDnsLabel,
  validateDuration,
  validateFields,
  validateInteger,
  validateLabels,
  validateOneOf,
} from "../../validate/values";
import { show } from "../../validate/problems";
import { monitorManifest } from "./scrape";
import { prometheusRuleManifest } from "./rules";
import type * as dashboardModule from "./dashboard";
import { objectLabels } from "../../api/naming";

export const SCRAPE_MODES = values(ScrapeMode);
export const DEFAULT_SCRAPE_INTERVAL = "30s";
export const DEFAULT_CERTIFICATE_EXPIRY_DAYS = 14;
/** docs/runbooks.md of this repository, relative: the package cannot know where it is published. */
export const DEFAULT_RUNBOOK_BASE_URL = "docs/runbooks.md";
/** What Grafana's dashboard sidecar looks for by default (kube-prometheus-stack, grafana chart). */
export const DEFAULT_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: "1" };

const FIELDS = [
  "scrape", "selectorLabels", "interval", "keepHighCardinalityMetrics", "rules", "certificateExpiryDays",
  "runbookBaseUrl", "dashboard", "dashboardLabels", "dashboardNamespace",
];
/** Labels the component sets on every object (api/naming.ts objectLabels): not the user's to choose. */
const RESERVED_LABELS = [
  "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
];

function usesOperator(scrape: unknown): boolean {
  return scrape !== "Annotations";
}

/** Checks the monitoring argument; every problem names its field. */
export function validateMonitoringArgs(args: unknown, field = "monitoring"): Problems {
  if (args === undefined) {
    return [];
  }
  const problems = validateFields(field, args, FIELDS);
  if (!isRecord(args)) {
    return problems;
  }
  if (args.scrape !== undefined) {
    problems.push(...validateOneOf(`${field}.scrape`, args.scrape, SCRAPE_MODES));
  }
  for (const labels of ["selectorLabels", "dashboardLabels"] as const) {
    problems.push(...validateLabels(`${field}.${labels}`, args[labels]));
    for (const reserved of RESERVED_LABELS.filter((r) => isRecord(args[labels]) && r in (args[labels] as object))) {
      problems.push(`${field}.${labels}.${reserved}: reserved, the component sets it on every object`);
    }
  }
  if (args.interval !== undefined) {
    problems.push(...validateDuration(`${field}.interval`, args.interval, 1));
  }
  for (const flag of ["keepHighCardinalityMetrics", "rules", "dashboard"] as const) {
    problems.push(...validateBoolean(`${field}.${flag}`, args[flag]));
  }
  const operator = usesOperator(args.scrape);
  if (args.rules === true && !operator) {
    problems.push(
      `${field}.rules: needs the Prometheus Operator (the rules are a PrometheusRule) and the cluster and tier labels its monitors add; ` +
        `with scrape "Annotations" leave rules unset or false, or choose scrape "ServiceMonitor" or "PodMonitor"`,
    );
  }
  const rules = args.rules ?? operator;
  if (args.certificateExpiryDays !== undefined) {
    problems.push(...validateInteger(`${field}.certificateExpiryDays`, args.certificateExpiryDays, 1, 365));
  }
  if (args.runbookBaseUrl !== undefined) {
    const url = args.runbookBaseUrl;
    if (typeof url !== "string" || url.length === 0 || /[\s#]/.test(url)) {
      problems.push(`${field}.runbookBaseUrl: must be a URL or path without spaces or "#" (the alert's anchor is appended), got ${show(url)}`);
    }
  }
  if (rules === false) {
    for (const f of ["certificateExpiryDays", "runbookBaseUrl"].filter((f) => args[f] !== undefined)) {
      problems.push(`${field}.${f}: only used by the alert rules, which are off (rules is false${operator ? "" : ` with scrape "Annotations"`})`);
    }
  }
  if (args.dashboardNamespace !== undefined) {
    problems.push(...validateDnsLabel(`${field}.dashboardNamespace`, args.dashboardNamespace));
  }
  if ((args.dashboard ?? operator) === false) {
    for (const f of ["dashboardLabels", "dashboardNamespace"].filter((f) => args[f] !== undefined)) {
      problems.push(`${field}.${f}: only used with the dashboard, which is off (dashboard is false${operator ? "" : ` with scrape "Annotations"`})`);
    }
  }
  return problems;
}

/** The defaulted model of a monitoring argument validateMonitoringArgs accepted. */
export function resolveMonitoring(cluster: Pick<ResolvedCluster, "namespace">, args: MonitoringArgs): ResolvedMonitoring {
  const scrape = args.scrape ?? "ServiceMonitor";
  const operator = usesOperator(scrape);
  return {
    scrape,
    selectorLabels: { ...(args.selectorLabels ?? {}) },
    interval: args.interval ?? DEFAULT_SCRAPE_INTERVAL,
    keepHighCardinalityMetrics: args.keepHighCardinalityMetrics ?? false,
    rules:
      (args.rules ?? operator)
        ? { certificateExpiryDays: args.certificateExpiryDays ?? DEFAULT_CERTIFICATE_EXPIRY_DAYS, runbookBaseUrl: args.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL }
        : undefined,
    dashboard:
      (args.dashboard ?? operator)
        ? { labels: { ...(args.dashboardLabels ?? DEFAULT_DASHBOARD_LABELS) }, namespace: args.dashboardNamespace ?? cluster.namespace }
        : undefined,
  };
}

/**
 * The monitors (one per tier), the PrometheusRule and the dashboard ConfigMap, as registered.
 * Never protected, whatever the component's option: they hold nothing the stack cannot
 * rebuild, and on a protected stack an inherited protect would refuse their deletion, so a change
 * of scrape mode or turning rules or monitoring off would fail `pulumi up`.
 */
export function monitoringResources(cluster: ResolvedCluster, mon: ResolvedMonitoring): FeatureResource[] {
  const out: FeatureResource[] = [];
  const unprotected = (opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions => ({ ...opts, protect: false });
  for (const tier of cluster.tiers) {
    const manifest = monitorManifest(cluster, tier, mon);
    if (manifest !== undefined) {
      const name = manifest.metadata.name;
      out.push({ phase: "monitoring", name, kind: manifest.kind, create: (opts) => new k8s.apiextensions.CustomResource(name, manifest, unprotected(opts)) });
    }
  }
  const rule = prometheusRuleManifest(cluster, mon);
  if (rule !== undefined) {
    const name = rule.metadata.name;
    out.push({ phase: "monitoring", name, kind: rule.kind, create: (opts) => new k8s.apiextensions.CustomResource(name, rule, unprotected(opts)) });
  }
  if (mon.dashboard !== undefined) {
    const name = cluster.names.dashboard;
    const manifest = dashboardConfigMapManifest(cluster, mon.dashboard);
    out.push({ phase: "monitoring", name, kind: "ConfigMap", create: (opts) => new k8s.core.v1.ConfigMap(name, manifest, unprotected(opts)) });
  }
  return out;
}

/**
 * The dashboard as Grafana's dashboard sidecar loads it: a ConfigMap with the sidecar's label
 * (in the namespace it watches) holding one JSON file. The file name carries the namespace and the
 * cluster, because the sidecar writes every namespace's dashboards into one folder.
 */
export function dashboardConfigMapManifest(
  cluster: ResolvedCluster,
  dashboard: NonNullable<ResolvedMonitoring["dashboard"]>,
): k8s.types.input.core.v1.ConfigMap {
  // Grafana's SDK (over 200 modules) loads only for a cluster that has a dashboard.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dashboardFileName, grafanaDashboard }: typeof dashboardModule = require("./dashboard");
  const json = grafanaDashboard({
    clusterName: cluster.name,
    namespace: cluster.namespace,
    protocols: cluster.protocols,
    tiers: cluster.tiers.map((t) => ({ name: t.name, roles: t.roles })),
  });
  return {
    metadata: {
      name: cluster.names.dashboard,
      namespace: dashboard.namespace,
      labels: { ...objectLabels(cluster, "dashboard"), ...dashboard.labels },
    },
    data: { [dashboardFileName(cluster.namespace, cluster.name)]: JSON.stringify(json, null, 2) },
  };
}

/** Monitoring: last in the apply order, after everything it watches. Adds nothing to the pods. */
export const monitoringFeature: Feature<"monitoring"> = {
  arg: "monitoring",
  validate: (value) => validateMonitoringArgs(value),
  resolve: (value, cluster) => resolveMonitoring(cluster, value),
  resources: (cluster, mon) => monitoringResources(cluster, mon),
};
