// The StatefulSet of one tier: identity wiring, credentials, probes, security, volumes and spread.
// Every decision comes resolved in the tier's model (api/model.ts); this file only assembles.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedCluster, ResolvedTier } from "../api/model";
import { CONTAINER_NAME, DATA_VOLUME, podLabels, selectorLabels } from "../api/naming";
import { BROKER_ID_OVERRIDE } from "../rmq/config/env";
import { CREDENTIALS, internalSecretKey } from "../rmq/credentials";
import { brokerIdEnvValue, POD_INDEX_ENV, POD_INDEX_LABEL } from "../rmq/identity";
import { carriesMeta } from "../rmq/topology";
import { BROKER_SERVER_BINARY, CONFIG_MOUNT_PATH, DATA_MOUNT_PATH, ROBUSTMQ_HOME } from "../rmq/versions";
import { bootstrapGateContainer } from "./bootstrap-gate";
import { configMapKey } from "./config";
import { probes } from "./probes";
import { CONTAINER_SECURITY_CONTEXT, podSecurityContext } from "./security";
import { spread } from "./spread";
import { dataClaimTemplate, WAIT_FOR_ANNOTATION } from "./volumes";

export { WAIT_FOR_ANNOTATION };

export { CONTAINER_NAME, DATA_VOLUME };
export const BROKER_IP_ENV = "ROBUSTMQ_BROKER_IP";

/** Env vars of the credentials: each from its Secret key holding a TOML string literal. */
export function credentialEnv(secretName: string, servesAdminApi: boolean): k8s.types.input.core.v1.EnvVar[] {
  return CREDENTIALS.map((c) => {
    const key = c.adminApiOnly && !servesAdminApi ? internalSecretKey(c) : c.secretKey;
    return { name: c.env, valueFrom: { secretKeyRef: { name: secretName, key: `${key}.toml` } } };
  });
}

/**
 * What happens to a tier's PVCs. retainVolumes decides, except that a meta-carrying tier never
 * deletes a volume on scale-in: its broker id stays in every surviving voter's membership until
 * someone runs the admin API's node leave, so a scale-out that brings the id back on an empty
 * volume would make an empty-log voter (it could vote away committed entries). A kept volume
 * brings the node back with its log instead; wiping it is a deliberate step of the documented
 * meta scale-in.
 */
export function volumeRetention(retainVolumes: boolean, tier: Pick<ResolvedTier, "roles">): ResolvedTier["volumeRetention"] {
  const policy = retainVolumes ? "Retain" : "Delete";
  return { whenDeleted: policy, whenScaled: carriesMeta(tier) ? "Retain" : policy };
}

/** The oldest Kubernetes provider that evaluates rolloutWaitFor's expressions (RFC 9535 filters). */
export const MIN_KUBERNETES_PROVIDER = "4.24.0";

/**
 * What `pulumi up` waits for on every StatefulSet: a `pulumi.com/waitFor` annotation in place of
 * the provider's own StatefulSet await, for two reasons found or reasoned from its source:
 * - On an update, the provider's await (await/statefulset.go) skips events of an older
 *   metadata.generation but never compares status.observedGeneration: the first event after the
 *   apply carries the new generation and the status of the old one, which is complete, so the
 *   await ends at once. On the end-to-end control plane a version bump "updated" the meta tier in
 *   0.4 s with one pod of five rolled, and the engine and broker phases started while the meta
 *   tier was still rolling. A waitFor waits until status.observedGeneration has caught up with
 *   metadata.generation (await/condition/jsonpath.go), then evaluates the condition.
 * - Under a partition, the built-in await wants status.currentRevision == updateRevision, which
 *   the controller only sets once every pod runs the new template: with pods held back it never
 *   comes, and `up` would time out after 10 minutes.
 *
 * The condition, one RFC 9535 filter over the object's members (only `status` has readyReplicas,
 * so it selects status when the roll-out is done):
 * - every pod exists and is Ready: status.replicas == readyReplicas == replicas, and
 * - every pod runs the update revision (updatedReplicas == replicas: a finished roll-out, a new
 *   StatefulSet, or a template reverted to the current revision while a partition is still set,
 *   where the controller makes the revisions equal and rolls the canary pods back), or, under a
 *   partition, the revisions differ (a canary) and at least replicas - partition pods run the
 *   update revision: the controller updates from the highest ordinal down to the partition, and
 *   creates lower ordinals at the current revision.
 * A plain `{.status.updatedReplicas}=<replicas - partition>` (what provider 4.18 could express)
 * is not enough: it never holds for a new StatefulSet or after such a revert (every pod is
 * updated then), so those `up`s would time out. The expression has no `>=` or `!=`: the provider
 * splits `jsonpath=` on a single "=", so `> n-1` and `!( == )` stand for them. It has no spaces:
 * the JSONPath parser of provider 4.25 (github.com/theory/jsonpath v0.9.0) refuses a second
 * `&&` that follows a space ("unexpected '&'"), which the end-to-end run met on every StatefulSet.
 * With `maxReplicas` (an autoscaled tier) the count is the live one: see autoscaledWaitFor.
 */
export function rolloutWaitFor(replicas: number, partition: number, maxReplicas?: number): string {
  const differ = "!(@.currentRevision==@.updateRevision)";
  if (maxReplicas !== undefined) {
    return autoscaledWaitFor(partition, maxReplicas, differ);
  }
  if (partition <= 0) {
    return `jsonpath={$[?@.replicas==${replicas}&&@.readyReplicas==${replicas}&&@.updatedReplicas==${replicas}]}`;
  }
  const canary = replicas - partition;
  const canaryDone = canary > 0 ? `(@.updatedReplicas>${canary - 1}&&${differ})` : differ;
  return `jsonpath={$[?@.replicas==${replicas}&&@.readyReplicas==${replicas}&&(@.updatedReplicas==${replicas}||${canaryDone})]}`;
}

/**
 * rolloutWaitFor for a tier whose count the autoscaler owns: the live count r is not the program's,
 * so every pod is compared with the live spec.replicas ($.spec.replicas, an RFC 9535 absolute
 * query in the filter) and the canary count r - partition, which JSONPath cannot compute, is
 * spelled out for each count the tier can have, up to maxReplicas. A count at or below the
 * partition has no canary pod: the revisions differing is enough. Above maxReplicas (a lowered
 * ceiling the autoscaler has not reached yet) nothing matches until it has.
 */
function autoscaledWaitFor(partition: number, maxReplicas: number, differ: string): string {
  const all = "@.replicas==$.spec.replicas&&@.readyReplicas==@.replicas";
  if (partition <= 0) {
    return `jsonpath={$[?${all}&&@.updatedReplicas==@.replicas]}`;
  }
  const counts = [`@.replicas<${partition + 1}`];
  for (let r = partition + 1; r <= maxReplicas; r++) {
    counts.push(`(@.replicas==${r}&&@.updatedReplicas>${r - partition - 1})`);
  }
  const canaryDone = `(${differ}&&(${counts.join("||")}))`;
  return `jsonpath={$[?${all}&&(@.updatedReplicas==@.replicas||${canaryDone})]}`;
}

export interface StatefulSetInputs {
  cluster: ResolvedCluster;
  tier: ResolvedTier;
  /** sha256 of the tier's config files: a config change rolls the tier, nothing else does. */
  configChecksum: string;
  /** sha256 of the credentials RobustMQ reads at start: rotating one rolls the pods so they read it. */
  credentialsChecksum: pulumi.Input<string>;
}

export function statefulSetManifest(s: StatefulSetInputs): k8s.types.input.apps.v1.StatefulSet {
  const { cluster, tier } = s;
  const podIndexEnv = { name: POD_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${POD_INDEX_LABEL}']` } } };
  const initContainers =
    tier.gate === undefined
      ? []
      : [bootstrapGateContainer({ image: cluster.bootstrapGateImage, ...tier.gate, podIndexEnv, securityContext: CONTAINER_SECURITY_CONTEXT })];
  const container: k8s.types.input.core.v1.Container = {
    name: CONTAINER_NAME,
    image: cluster.image,
    imagePullPolicy: cluster.imagePullPolicy,
    command: [BROKER_SERVER_BINARY],
    args: [`--conf=${CONFIG_MOUNT_PATH}/server.toml`],
    workingDir: ROBUSTMQ_HOME,
    ports: tier.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.transport })),
    env: [
      podIndexEnv,
      { name: BROKER_ID_OVERRIDE.env, value: brokerIdEnvValue(tier.idPrefix) },
      { name: BROKER_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      ...credentialEnv(cluster.names.secret, tier.servesAdminApi),
    ],
    resources: { requests: { ...tier.requests }, limits: { ...tier.limits } },
    securityContext: CONTAINER_SECURITY_CONTEXT,
    ...probes(tier),
    volumeMounts: [
      { name: "config", mountPath: CONFIG_MOUNT_PATH, readOnly: true },
      { name: DATA_VOLUME, mountPath: DATA_MOUNT_PATH },
      { name: "tmp", mountPath: "/tmp" },
      ...tier.patches.flatMap((p) => p.volumeMounts),
    ],
  };
  const labels = podLabels(cluster, tier);
  const waitFor = rolloutWaitFor(tier.replicas, tier.partition, tier.autoscaling?.maxReplicas);
  return {
    metadata: {
      name: tier.names.statefulSet,
      namespace: cluster.namespace,
      labels: { ...cluster.labels, ...labels },
      annotations: { [WAIT_FOR_ANNOTATION]: waitFor },
    },
    spec: {
      serviceName: tier.names.headlessService,
      replicas: tier.replicas,
      podManagementPolicy: tier.podManagementPolicy,
      selector: { matchLabels: selectorLabels(cluster, tier.name) },
      // A partition only when set: at 0 the manifest stays what it was before partitions existed.
      updateStrategy: tier.partition > 0 ? { type: "RollingUpdate", rollingUpdate: { partition: tier.partition } } : { type: "RollingUpdate" },
      // Give a restarted meta voter time to reload its Raft log before the next one is stopped.
      minReadySeconds: carriesMeta(tier) ? 10 : 0,
      persistentVolumeClaimRetentionPolicy: tier.volumeRetention,
      template: {
        metadata: {
          labels,
          // The prometheus.io/* annotations stay in every case, monitoring argument or not, in
          // every scrape mode: a pod template change restarts every pod, and dropping them when
          // ServiceMonitors take over would buy nothing but that restart (a Prometheus Operator
          // install does not read them; the alert rules select on labels only the monitors add,
          // so a second, annotation-driven scrape cannot skew them).
          annotations: {
            "checksum/config": s.configChecksum,
            "checksum/credentials": s.credentialsChecksum,
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(cluster.ports.http),
            "prometheus.io/path": "/metrics",
          },
        },
        spec: {
          automountServiceAccountToken: false,
          // Service links inject env vars named after Services; RobustMQ reads every
          // ROBUST_MQ_SERVER_* variable as a config override, so none may appear by accident.
          enableServiceLinks: false,
          terminationGracePeriodSeconds: tier.terminationGracePeriodSeconds,
          securityContext: podSecurityContext(cluster),
          imagePullSecrets: cluster.imagePullSecrets.map((name) => ({ name })),
          ...spread(cluster, tier),
          nodeSelector: tier.nodeSelector,
          tolerations: tier.tolerations,
          initContainers,
          containers: [container],
          volumes: [
            {
              name: "config",
              configMap: {
                name: cluster.names.configMap,
                items: [
                  { key: configMapKey(tier), path: "server.toml" },
                  { key: "logger.toml", path: "logger.toml" },
                ],
              },
            },
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ...tier.patches.flatMap((p) => p.volumes),
          ],
        },
      },
      volumeClaimTemplates: [dataClaimTemplate(cluster, tier)],
    },
  };
}
