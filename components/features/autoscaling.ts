// Broker autoscaling: a HorizontalPodAutoscaler (autoscaling/v2) owns the broker StatefulSet's pod
// count between minReplicas and maxReplicas, on CPU, optionally memory and MQTT connections per pod,
// and removes pods slowly (a stabilisation window and a pods-per-period limit), because every
// removed broker drops its clients at once and they all reconnect through the client Service.
//
// Only the broker tier. Meta pods are Raft voters: the voter set changes through the admin API's
// node leave, never by a pod disappearing, so an autoscaler removing meta pods would leave dead
// voters in the membership and shrink the quorum's margin. Engine pods (and meta pods, which are
// engine nodes too) hold topic replicas on their volumes: an autoscaler knows nothing of where data
// lives and would take replicas out of service. The combined tier is all three. Broker pods keep
// no state another pod needs: a removed one only disconnects its clients.
//
// Who owns the StatefulSet's spec.replicas, read in pulumi-kubernetes at 94977969 (provider v4,
// Server-Side Apply by default) and in Kubernetes:
// - The StatefulSet keeps `replicas` (minReplicas) in its inputs and lists "spec.replicas" in its
//   ignoreChanges (autoscalerOwnedFields, set by cluster/cluster.ts). On creation the engine does
//   not apply ignoreChanges, so a new tier starts at minReplicas, not at the API server's default
//   of 1.
// - Preview: the provider's Diff compares the new inputs with the live state recorded at the last
//   update or refresh, pruned to the inputs' shape (provider/pkg/provider/provider.go:1431-1541),
//   and deletes every ignoreChanges path from the detailed diff (provider.go:1577-1602). After a
//   refresh has recorded the autoscaler's count, spec.replicas shows no change.
// - Update: the provider GETs the live object (provider/pkg/await/await.go:462) and, before the
//   apply, rewrites every ignored path (handleSSAIgnoreFields, await.go:716-800): if another field
//   manager owns it and Pulumi's does not, the field is removed from the applied object
//   (await.go:763-766); otherwise it is set to the live value (await.go:786-795). The HPA
//   controller writes spec.replicas through the scale subresource, an update, and an update that
//   changes a field takes it from every other manager (sigs.k8s.io/structured-merge-diff
//   merge/update.go, Updater.Update calls update(..., force=true)). So once the autoscaler has
//   moved the count the field is dropped from Pulumi's apply; before that Pulumi still owns it and
//   sends the live value. Either way no `pulumi up` scales the tier back to minReplicas, and the
//   field is never simply left out while Pulumi alone owns it, which under SSA would reset it to
//   1 (Kubernetes docs, Server-Side Apply, "Transferring ownership"). This needs provider 4.3.0 or
//   later (pulumi/pulumi-kubernetes#2566); the package asks for 4.18.0 or later anyway.
// - Switching autoscaling on for a running tier is that same update: Pulumi's manager owns the
//   field, the live count is sent, and the autoscaler then moves the count into [min, max].
// - Switching it off: the HPA is deleted and the StatefulSet carries `replicas` again without
//   ignoreChanges. If the autoscaler ever changed the count, its manager (kube-controller-manager,
//   subresource "scale") still owns the field, and an apply of another count is a field conflict:
//   the provider forces only with the pulumi.com/patchForce annotation or enablePatchForce
//   (await.go:1031-1064), so nothing scales by surprise. docs/DAY-2.md gives the procedure.
import * as k8s from "@pulumi/kubernetes";
import { AutoscalingArgs } from "../api/features";
import { ResolvedAutoscaling, ResolvedCluster, ResolvedTier } from "../api/model";
import { objectLabels } from "../api/naming";
import { carriesEngine, carriesMeta, TierKind } from "../rmq/topology";
import { parseQuantity } from "../validate/quantity";
import { show } from "../validate/problems";
import { isRecord, Problems, validateFields, validateInteger } from "../validate/values";
import { TierFeature, TierFeatureContext } from "./feature";

/** RobustMQ's gauge of live MQTT connections on one broker (src/common/metrics/src/mqtt/statistics.rs at v0.4.11). */
export const DEFAULT_CONNECTIONS_METRIC = "mqtt_connections_count";

export const AUTOSCALING_DEFAULTS = {
  minReplicas: 2,
  targetCpuUtilization: 70,
  connectionsMetric: DEFAULT_CONNECTIONS_METRIC,
  scaleDownStabilizationSeconds: 300,
  scaleDownPods: 1,
  scaleDownPeriodSeconds: 60,
} as const;

const FIELDS = [
  "minReplicas", "maxReplicas", "targetCpuUtilization", "targetMemoryUtilization", "connectionsPerPod", "connectionsMetric",
  "scaleDownStabilizationSeconds", "scaleDownPods", "scaleDownPeriodSeconds",
] as const satisfies ReadonlyArray<keyof AutoscalingArgs>;

/** Same ceiling as a tier's replicas. */
const MAX_PODS = 99;

/** Why a tier may not be autoscaled; undefined for the broker tier. */
export function autoscalingRefusal(kind: Pick<TierKind, "name" | "roles">): string | undefined {
  if (kind.name === "combined") {
    return "not available for the combined topology: its one tier carries the meta role (Raft voters) and topic data; use topology \"split\" to autoscale the broker tier";
  }
  if (carriesMeta(kind)) {
    return "not available for the meta tier: its pods are Raft voters, whose membership changes only through the admin API's node leave, never by removing a pod (an autoscaler would leave dead voters behind and shrink the quorum's margin); scale it with meta.replicas";
  }
  if (carriesEngine(kind)) {
    return "not available for the engine tier: its pods hold topic replicas on their volumes, and an autoscaler removing a pod knows nothing of the data placed on it; scale it with engine.replicas";
  }
  return undefined;
}

/** maxReplicas of a tier's autoscaling argument when it is one that validation accepts the count of. */
export function autoscalingCeiling(value: unknown): number | undefined {
  const max = isRecord(value) ? value.maxReplicas : undefined;
  return validateInteger("", max, 1, MAX_PODS).length === 0 ? (max as number) : undefined;
}

function memoryCeiling(context: TierFeatureContext): { max: number; why: string } {
  const request = context.requests.memory === undefined ? undefined : parseQuantity(context.requests.memory);
  const limit = context.limits.memory === undefined ? undefined : parseQuantity(context.limits.memory);
  if (request === undefined || limit === undefined || request <= 0 || limit <= request) {
    return { max: 100, why: "at most the request" };
  }
  // A pod reaches its limit only to be OOM-killed, so the average must be reachable below it.
  const max = Math.ceil((limit / request) * 100) - 1;
  return { max, why: `below the memory limit ${context.limits.memory}, ${Math.round((limit / request) * 100)}% of the ${context.requests.memory} request` };
}

/** Checks a tier's autoscaling argument; every problem names its field. */
export function validateAutoscalingArgs(value: unknown, context: TierFeatureContext): Problems {
  const tier = context.tier.name;
  const field = `${tier}.autoscaling`;
  const refusal = autoscalingRefusal(context.tier);
  if (refusal !== undefined) {
    return [`${field}: ${refusal}`];
  }
  const problems = validateFields(field, value, FIELDS);
  if (!isRecord(value)) {
    return problems;
  }
  if (context.args.replicas !== undefined) {
    problems.push(
      `${tier}.replicas: leave unset with ${field}: the autoscaler owns the pod count and a new tier starts at ${field}.minReplicas; ` +
        `to fix the count instead, remove ${field}`,
    );
  }
  const min = value.minReplicas ?? AUTOSCALING_DEFAULTS.minReplicas;
  if (value.minReplicas !== undefined) {
    problems.push(...validateInteger(`${field}.minReplicas`, value.minReplicas, 1, MAX_PODS));
  }
  const minKnown = validateInteger("", min, 1, MAX_PODS).length === 0;
  if (value.maxReplicas === undefined) {
    problems.push(`${field}.maxReplicas: required: the most broker pods the autoscaler may run, an integer from ${minKnown ? min : 1} to ${MAX_PODS}`);
  } else if (minKnown) {
    problems.push(...validateInteger(`${field}.maxReplicas`, value.maxReplicas, min as number, MAX_PODS).map((p) => `${p} (from ${field}.minReplicas to ${MAX_PODS})`));
  } else {
    problems.push(...validateInteger(`${field}.maxReplicas`, value.maxReplicas, 1, MAX_PODS));
  }

  if (value.targetCpuUtilization !== undefined) {
    problems.push(
      ...validateInteger(`${field}.targetCpuUtilization`, value.targetCpuUtilization, 1, 100).map(
        (p) => `${p}: a percentage of the pods' CPU request, and above 100 pods would be added only once each uses more than it reserved`,
      ),
    );
  }
  if (context.requests.cpu === undefined) {
    problems.push(
      `${tier}.resources.requests.cpu: required with ${field}: the autoscaler measures CPU use as a percentage of the request (targetCpuUtilization, default ${AUTOSCALING_DEFAULTS.targetCpuUtilization})`,
    );
  }
  if (value.targetMemoryUtilization !== undefined) {
    if (context.requests.memory === undefined) {
      problems.push(`${tier}.resources.requests.memory: required with ${field}.targetMemoryUtilization: memory use is measured as a percentage of the request`);
    }
    const ceiling = memoryCeiling(context);
    problems.push(
      ...validateInteger(`${field}.targetMemoryUtilization`, value.targetMemoryUtilization, 1, ceiling.max).map(
        (p) => `${p}: a percentage of the pods' memory request, ${ceiling.why}`,
      ),
    );
  }
  if (value.connectionsPerPod !== undefined) {
    problems.push(...validateInteger(`${field}.connectionsPerPod`, value.connectionsPerPod, 1, 10_000_000));
    if (!context.protocols.includes("mqtt")) {
      problems.push(`${field}.connectionsPerPod: counts MQTT connections, and "mqtt" is not in protocols`);
    }
  }
  if (value.connectionsMetric !== undefined) {
    const m = value.connectionsMetric;
    if (typeof m !== "string" || !/^[A-Za-z_:][A-Za-z0-9_:.-]*$/.test(m)) {
      problems.push(`${field}.connectionsMetric: must be a metric name as the custom metrics API serves it (letters, digits, "_", ":", ".", "-"), e.g. "${DEFAULT_CONNECTIONS_METRIC}", got ${show(m)}`);
    }
    if (value.connectionsPerPod === undefined) {
      problems.push(`${field}.connectionsMetric: only used with ${field}.connectionsPerPod`);
    }
  }
  if (value.scaleDownStabilizationSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.scaleDownStabilizationSeconds`, value.scaleDownStabilizationSeconds, 0, 3600));
  }
  if (value.scaleDownPods !== undefined) {
    problems.push(...validateInteger(`${field}.scaleDownPods`, value.scaleDownPods, 1, MAX_PODS));
  }
  if (value.scaleDownPeriodSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.scaleDownPeriodSeconds`, value.scaleDownPeriodSeconds, 1, 1800));
  }
  return problems;
}

/** The defaulted model of an autoscaling argument validateAutoscalingArgs accepted. */
export function resolveAutoscaling(args: AutoscalingArgs): ResolvedAutoscaling {
  const d = AUTOSCALING_DEFAULTS;
  return {
    minReplicas: args.minReplicas ?? d.minReplicas,
    maxReplicas: args.maxReplicas,
    targetCpuUtilization: args.targetCpuUtilization ?? d.targetCpuUtilization,
    targetMemoryUtilization: args.targetMemoryUtilization,
    connectionsPerPod: args.connectionsPerPod,
    connectionsMetric: args.connectionsMetric ?? d.connectionsMetric,
    scaleDownStabilizationSeconds: args.scaleDownStabilizationSeconds ?? d.scaleDownStabilizationSeconds,
    scaleDownPods: args.scaleDownPods ?? d.scaleDownPods,
    scaleDownPeriodSeconds: args.scaleDownPeriodSeconds ?? d.scaleDownPeriodSeconds,
  };
}

type Metric = k8s.types.input.autoscaling.v2.MetricSpec;

/** The tier's HorizontalPodAutoscaler, complete with apiVersion and kind. */
export function autoscalerManifest(cluster: ResolvedCluster, tier: ResolvedTier, a: ResolvedAutoscaling): k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler {
  const metrics: Metric[] = [
    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } },
  ];
  if (a.targetMemoryUtilization !== undefined) {
    metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.targetMemoryUtilization } } });
  }
  if (a.connectionsPerPod !== undefined) {
    metrics.push({ type: "Pods", pods: { metric: { name: a.connectionsMetric }, target: { type: "AverageValue", averageValue: String(a.connectionsPerPod) } } });
  }
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: tier.names.statefulSet, namespace: cluster.namespace, labels: objectLabels(cluster, tier.name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: tier.names.statefulSet },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics,
      // Scale-up keeps the controller's default (no window; the larger of 4 pods or 100% per 15 s):
      // a connection storm needs brokers now.
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
          policies: [{ type: "Pods", value: a.scaleDownPods, periodSeconds: a.scaleDownPeriodSeconds }],
        },
      },
    },
  };
}

/** StatefulSet paths Pulumi leaves to the autoscaler once the object exists (see the top of this file). */
export function autoscalerOwnedFields(tier: Pick<ResolvedTier, "autoscaling">): string[] {
  return tier.autoscaling === undefined ? [] : ["spec.replicas"];
}

/**
 * The HPA, in the "services" phase: after the broker StatefulSet it targets exists and is Ready,
 * so it never scales a tier that is still forming (a start-up's CPU burst is not load).
 */
export const autoscalingFeature: TierFeature<"autoscaling"> = {
  arg: "autoscaling",
  validate: (value, context) => validateAutoscalingArgs(value, context),
  resolve: (value) => resolveAutoscaling(value),
  resources(cluster, tier, a) {
    const name = tier.names.autoscalerResource;
    const manifest = autoscalerManifest(cluster, tier, a);
    return [{ phase: "services", name, kind: "HorizontalPodAutoscaler", create: (opts) => new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, manifest, opts) }];
  },
};
