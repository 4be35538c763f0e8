// The StatefulSet of one tier: identity wiring, probes, security context, volumes and spread.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { bootstrapGateContainer } from "./bootstrap-gate";
import { ENV_OVERRIDES } from "../rmq/config/server-toml";
import { listenerTlsVolume } from "../features/listener-tls";
import { brokerIdEnvValue, metaAddrs, POD_INDEX_ENV, POD_INDEX_LABEL } from "../rmq/identity";
import { podLabels, selectorLabels } from "../api/labels";
import { clientPorts, ExposedPort, readinessPort } from "../rmq/ports";
import { metaTier, ResolvedCluster, ResolvedTier } from "../cluster/resolve";
import { carriesBroker, carriesMeta } from "../rmq/topology";
import { BROKER_SERVER_BINARY, CONFIG_MOUNT_PATH, DATA_MOUNT_PATH, ROBUSTMQ_HOME } from "../rmq/versions";

export const CONTAINER_NAME = "robustmq";
export const BROKER_IP_ENV = "ROBUSTMQ_BROKER_IP";
export const DATA_VOLUME = "data";

/** Secret keys holding each credential as a TOML string literal, ready for the env override. */
export const CREDENTIAL_ENV: ReadonlyArray<{ env: string; secretKey: string }> = [
  { env: ENV_OVERRIDES.adminPassword.env, secretKey: "admin-password.toml" },
  { env: ENV_OVERRIDES.jwtSecret.env, secretKey: "jwt-secret.toml" },
  { env: ENV_OVERRIDES.mqttUsername.env, secretKey: "mqtt-username.toml" },
  { env: ENV_OVERRIDES.mqttPassword.env, secretKey: "mqtt-password.toml" },
];

/** The restricted Pod Security profile, container level. */
export const CONTAINER_SECURITY_CONTEXT: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Ports a tier's container listens on and declares. */
export function tierPorts(cluster: ResolvedCluster, tier: ResolvedTier): ExposedPort[] {
  const ports: ExposedPort[] = [
    { name: "grpc", port: cluster.ports.grpc, transport: "TCP" },
    { name: "http", port: cluster.ports.http, transport: "TCP" },
  ];
  if (tier.roles.includes("engine")) {
    ports.push({ name: "storage", port: cluster.ports.storage, transport: "TCP" });
  }
  if (carriesBroker(tier)) {
    ports.push(...clientPorts(cluster.protocols, cluster.ports, cluster.clientService.exposeMqttQuic));
  }
  return ports;
}

/**
 * Probes that match what RobustMQ does (see README, "Probes"):
 * - startup and liveness check that the admin HTTP port accepts connections. It opens first and
 *   stays open while a node waits for quorum or catches up, so neither kills a healthy waiting node.
 * - readiness checks the port whose opening means the node does its job: the first protocol port
 *   for broker-role pods (opened only once the meta quorum accepted a write), the storage port for
 *   engine-only pods, the gRPC port for meta-only pods (Ready before quorum, which is what lets
 *   the OrderedReady meta tier restart from cold).
 */
export function probes(cluster: ResolvedCluster, tier: ResolvedTier): {
  startupProbe: k8s.types.input.core.v1.Probe;
  livenessProbe: k8s.types.input.core.v1.Probe;
  readinessProbe: k8s.types.input.core.v1.Probe;
} {
  const period = 5;
  const ready = carriesBroker(tier)
    ? readinessPort(cluster.protocols, cluster.ports).name
    : tier.roles.includes("engine")
      ? "storage"
      : "grpc";
  return {
    startupProbe: {
      tcpSocket: { port: "http" },
      periodSeconds: period,
      timeoutSeconds: 3,
      failureThreshold: Math.ceil(tier.startupTimeoutSeconds / period),
    },
    livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    readinessProbe: { tcpSocket: { port: ready }, periodSeconds: period, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
  };
}

function spread(cluster: ResolvedCluster, tier: ResolvedTier): {
  affinity: k8s.types.input.core.v1.Affinity;
  topologySpreadConstraints: k8s.types.input.core.v1.TopologySpreadConstraint[];
} {
  const selector = { matchLabels: selectorLabels(cluster, tier.name) };
  const term = { labelSelector: selector, topologyKey: "kubernetes.io/hostname" };
  const affinity: k8s.types.input.core.v1.Affinity = {
    podAntiAffinity:
      tier.hostSpread === "hard"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
  const topologySpreadConstraints =
    tier.zoneSpread === "none"
      ? []
      : [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: tier.zoneSpread === "hard" ? "DoNotSchedule" : "ScheduleAnyway",
            labelSelector: selector,
          },
        ];
  return { affinity, topologySpreadConstraints };
}

export interface StatefulSetInputs {
  cluster: ResolvedCluster;
  tier: ResolvedTier;
  image: pulumi.Input<string>;
  /** sha256 of the tier's config files: a config change rolls the tier, nothing else does. */
  configChecksum: string;
  /** sha256 of the credentials: a rotated credential rolls the pods so they read it. */
  credentialsChecksum: pulumi.Input<string>;
}

export function statefulSetManifest(s: StatefulSetInputs): k8s.types.input.apps.v1.StatefulSet {
  const { cluster, tier } = s;
  const podIndexEnv = { name: POD_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${POD_INDEX_LABEL}']` } } };
  const meta = metaTier(cluster);
  const initContainers = tier.bootstrapGate
    ? [
        bootstrapGateContainer({
          image: cluster.bootstrapGateImage,
          // A peer's storage port opens only once that node has registered through a Raft leader:
          // joining it then finds a leader. Its gRPC port opens before it has even joined.
          peers: Object.values(
            metaAddrs(
              { statefulSet: meta.statefulSetName, headlessService: meta.headlessServiceName, idPrefix: meta.idPrefix, replicas: meta.replicas },
              cluster.namespace,
              cluster.clusterDomain,
              cluster.ports.storage,
            ),
          ),
          port: cluster.ports.bootstrapGate,
          podIndexEnv,
          securityContext: CONTAINER_SECURITY_CONTEXT,
        }),
      ]
    : [];
  // Only broker-role pods serve TLS listeners (MQTTS, WSS).
  const tls = cluster.listenerTls !== undefined && carriesBroker(tier) ? listenerTlsVolume(cluster.listenerTls) : undefined;
  const container: k8s.types.input.core.v1.Container = {
    name: CONTAINER_NAME,
    image: s.image,
    imagePullPolicy: cluster.imagePullPolicy,
    command: [BROKER_SERVER_BINARY],
    args: [`--conf=${CONFIG_MOUNT_PATH}/server.toml`],
    workingDir: ROBUSTMQ_HOME,
    ports: tierPorts(cluster, tier).map((p) => ({ name: p.name, containerPort: p.port, protocol: p.transport })),
    env: [
      podIndexEnv,
      { name: ENV_OVERRIDES.brokerId.env, value: brokerIdEnvValue(tier.idPrefix) },
      { name: BROKER_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      ...CREDENTIAL_ENV.map((c) => ({ name: c.env, valueFrom: { secretKeyRef: { name: cluster.secretName, key: c.secretKey } } })),
    ],
    resources: { requests: { ...tier.requests }, limits: { ...tier.limits } },
    securityContext: CONTAINER_SECURITY_CONTEXT,
    ...probes(cluster, tier),
    volumeMounts: [
      { name: "config", mountPath: CONFIG_MOUNT_PATH, readOnly: true },
      { name: DATA_VOLUME, mountPath: DATA_MOUNT_PATH },
      { name: "tmp", mountPath: "/tmp" },
      ...(tls ? [tls.volumeMount] : []),
    ],
  };
  const labels = podLabels(cluster, tier);
  return {
    metadata: { name: tier.statefulSetName, namespace: cluster.namespace, labels },
    spec: {
      serviceName: tier.headlessServiceName,
      replicas: tier.replicas,
      podManagementPolicy: tier.podManagementPolicy,
      selector: { matchLabels: selectorLabels(cluster, tier.name) },
      updateStrategy: { type: "RollingUpdate" },
      // Give a restarted meta voter time to reload its Raft log before the next one is stopped.
      minReadySeconds: carriesMeta(tier) ? 10 : 0,
      persistentVolumeClaimRetentionPolicy: volumeRetention(cluster, tier),
      template: {
        metadata: {
          labels,
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
          securityContext: {
            runAsNonRoot: true,
            runAsUser: cluster.security.runAsUser,
            runAsGroup: cluster.security.runAsGroup,
            fsGroup: cluster.security.fsGroup,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
          },
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
                name: cluster.configMapName,
                items: [
                  { key: configMapKey(tier), path: "server.toml" },
                  { key: "logger.toml", path: "logger.toml" },
                ],
              },
            },
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ...(tls ? [tls.volume] : []),
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: DATA_VOLUME, labels: selectorLabels(cluster, tier.name) },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: tier.storageClassName,
            resources: { requests: { storage: tier.storageSize } },
          },
        },
      ],
    },
  };
}

/**
 * What happens to a tier's PVCs. retainVolumes decides, except that a meta-carrying tier never
 * deletes a volume on scale-in: its broker id stays in every surviving voter's membership until
 * someone runs the admin API's node leave, so a scale-out that brings the id back on an empty
 * volume would make an empty-log voter (it could vote away committed entries). A kept volume
 * brings the node back with its log instead; wiping it is a deliberate step of the documented
 * meta scale-in.
 */
export function volumeRetention(
  cluster: ResolvedCluster,
  tier: ResolvedTier,
): { whenDeleted: "Retain" | "Delete"; whenScaled: "Retain" | "Delete" } {
  const policy = cluster.retainVolumes ? "Retain" : "Delete";
  return { whenDeleted: policy, whenScaled: carriesMeta(tier) ? "Retain" : policy };
}

export function configMapKey(tier: ResolvedTier): string {
  return `server-${tier.name}.toml`;
}
