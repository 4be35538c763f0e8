import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { RobustMQClusterArgs, TierName } from "../api/args";
import { renderLoggerToml, renderServerToml, sha256 } from "../rmq/config/server-toml";
import { credentials, credentialsChecksum, secretData } from "./credentials";
import { pdbManifest } from "../workload/disruption";
import { brokerId, serviceFqdn } from "../rmq/identity";
import { objectLabels } from "../api/labels";
import { ingressCertificateManifest, ingressEndpoints, ingressManifest } from "../features/ingress";
import { listenerCertificateManifest } from "../features/listener-tls";
import { adminServiceManifest, clientServiceManifest, headlessServiceManifest } from "../workload/services";
import { networkPolicyManifests } from "../features/network-policy";
import { storageClassManifest } from "../features/storage-class";
import { PHASES, PhasedRegistry, PlanEntry } from "./plan";
import { ResolvedCluster, ResolvedTier, resolveClusterArgs } from "./resolve";
import { carriesMeta } from "../rmq/topology";
import { configMapKey, statefulSetManifest } from "../workload/statefulset";

export interface ClusterEndpoints {
  /** mqtt://<client service>:<port>, when MQTT is enabled. */
  mqtt?: string;
  /** host:port Kafka bootstrap address, when Kafka is enabled. */
  kafka?: string;
  amqp?: string;
  nats?: string;
  /** http://<admin service>:<port>: admin API and /metrics. */
  admin: string;
  /** Public URL of the admin API through the Ingress, when it has one. */
  ingressAdmin?: string;
  /** Public URL of MQTT over WebSocket through the Ingress, when it has one. */
  ingressMqttWebsocket?: string;
}

/**
 * A RobustMQ cluster on Kubernetes: namespace, credentials, configuration, one StatefulSet per
 * tier with its headless Service and PodDisruptionBudget, and client and admin Services, created
 * in a fixed order (see `plan`).
 */
export class RobustMQCluster extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** StatefulSet name per tier ("combined", or "meta", "broker", "engine"). */
  public readonly statefulSetNames: pulumi.Output<Partial<Record<TierName, string>>>;
  public readonly clientServiceName: pulumi.Output<string>;
  public readonly adminServiceName: pulumi.Output<string>;
  public readonly headlessServiceNames: pulumi.Output<Partial<Record<TierName, string>>>;
  /** In-cluster endpoints of the enabled protocols and the admin API. */
  public readonly endpoints: pulumi.Output<ClusterEndpoints>;
  public readonly mqttUrl: pulumi.Output<string | undefined>;
  public readonly kafkaBootstrap: pulumi.Output<string | undefined>;
  public readonly adminUrl: pulumi.Output<string>;
  /** Broker ids per tier, in ordinal order. */
  public readonly brokerIds: pulumi.Output<Partial<Record<TierName, number[]>>>;
  public readonly adminUsername: pulumi.Output<string>;
  public readonly adminPassword: pulumi.Output<string>;
  /** The initial MQTT superuser (seeded on the cluster's first start only; secret). */
  public readonly mqttUsername: pulumi.Output<string>;
  /** Password of the initial MQTT superuser (secret). */
  public readonly mqttPassword: pulumi.Output<string>;
  /** The apply order the component used, with each resource's dependencies. */
  public readonly plan: PlanEntry[];

  constructor(name: string, args: RobustMQClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before anything is registered, the component itself included.
    const cluster = resolveClusterArgs(name, args);
    super("robustmq:index:Cluster", name, {}, opts);

    const registry = new PhasedRegistry();
    const creds = credentials(name, args, this);
    deployCluster(this, cluster, registry, creds);
    this.plan = registry.plan;

    const svc = (n: string) => serviceFqdn(n, cluster.namespace, cluster.clusterDomain);
    const client = svc(cluster.clientService.name);
    const has = (p: string) => cluster.protocols.includes(p as never);
    const viaIngress = cluster.ingress === undefined ? undefined : ingressEndpoints(cluster.ingress);
    const endpoints: ClusterEndpoints = {
      mqtt: has("mqtt") ? `mqtt://${client}:${cluster.ports.mqttTcp}` : undefined,
      kafka: has("kafka") ? `${client}:${cluster.ports.kafka}` : undefined,
      amqp: has("amqp") ? `amqp://${client}:${cluster.ports.amqp}` : undefined,
      nats: has("nats") ? `nats://${client}:${cluster.ports.natsTcp}` : undefined,
      admin: `http://${svc(cluster.adminServiceName)}:${cluster.ports.http}`,
      ...(viaIngress === undefined ? {} : { ingressAdmin: viaIngress.admin, ingressMqttWebsocket: viaIngress.mqttWebsocket }),
    };
    const perTier = <T>(f: (t: ResolvedTier) => T) =>
      Object.fromEntries(cluster.tiers.map((t) => [t.name, f(t)])) as Partial<Record<TierName, T>>;

    this.namespace = pulumi.output(cluster.namespace);
    this.statefulSetNames = pulumi.output(perTier((t) => t.statefulSetName));
    this.headlessServiceNames = pulumi.output(perTier((t) => t.headlessServiceName));
    this.clientServiceName = pulumi.output(cluster.clientService.name);
    this.adminServiceName = pulumi.output(cluster.adminServiceName);
    this.endpoints = pulumi.output(endpoints);
    this.mqttUrl = pulumi.output(endpoints.mqtt);
    this.kafkaBootstrap = pulumi.output(endpoints.kafka);
    this.adminUrl = pulumi.output(endpoints.admin);
    this.brokerIds = pulumi.output(perTier((t) => Array.from({ length: t.replicas }, (_, i) => brokerId(t.idPrefix, i))));
    this.adminUsername = pulumi.output(cluster.adminUsername);
    this.adminPassword = creds.adminPassword;
    this.mqttUsername = creds.mqttUsername;
    this.mqttPassword = creds.mqttPassword;

    this.registerOutputs({
      namespace: this.namespace,
      statefulSetNames: this.statefulSetNames,
      headlessServiceNames: this.headlessServiceNames,
      clientServiceName: this.clientServiceName,
      adminServiceName: this.adminServiceName,
      endpoints: this.endpoints,
      brokerIds: this.brokerIds,
      adminUsername: this.adminUsername,
      adminPassword: this.adminPassword,
      mqttUsername: this.mqttUsername,
      mqttPassword: this.mqttPassword,
    });
  }
}

/**
 * Meta and engine tiers are created together ("core") and the broker tier after them. Every node,
 * whatever its roles, exits during start-up while no engine-role node is registered, and engine
 * nodes register only once the meta quorum exists: awaiting the meta tier before the engine tier
 * exists would never finish. Brokers come last because they cannot become Ready before both.
 */
export function tierPhase(tier: ResolvedTier): "core" | "brokers" {
  return carriesMeta(tier) || tier.roles.includes("engine") ? "core" : "brokers";
}

/** Registers every Kubernetes object of the cluster, phase by phase, as children of `parent`. */
function deployCluster(
  parent: pulumi.Resource,
  cluster: ResolvedCluster,
  registry: PhasedRegistry,
  creds: ReturnType<typeof credentials>,
): void {
  const name = cluster.name;
  const opts = (dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({ parent, dependsOn });

  if (cluster.imageBuild !== undefined) {
    // Built before anything runs it: every later phase depends on the pushed image.
    registry.include("image", cluster.imageBuild.resourceName, "RobustMQImage", cluster.imageBuild);
  }
  if (cluster.createNamespace) {
    registry.add("namespace", `${name}-namespace`, "Namespace", (d) =>
      new k8s.core.v1.Namespace(
        `${name}-namespace`,
        {
          metadata: {
            name: cluster.namespace,
            labels: {
              ...objectLabels(cluster, "namespace"),
              // The pods meet the restricted profile; enforcing it keeps anything else out.
              "pod-security.kubernetes.io/enforce": "restricted",
              "pod-security.kubernetes.io/warn": "restricted",
              "pod-security.kubernetes.io/audit": "restricted",
            },
          },
        },
        opts(d),
      ),
    );
  }

  const storageClass = storageClassManifest(cluster, cluster.storageClass);
  if (storageClass !== undefined) {
    const scName = `${name}-storage-class`;
    registry.add("storage", scName, "StorageClass", (d) => new k8s.storage.v1.StorageClass(scName, storageClass, opts(d)));
  }

  registry.add("config", `${name}-credentials`, "Secret", (d) =>
    new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: cluster.secretName, namespace: cluster.namespace, labels: objectLabels(cluster, "credentials") },
        type: "Opaque",
        stringData: secretData(creds),
      },
      opts(d),
    ),
  );

  const logger = renderLoggerToml(cluster.logLevel);
  const tierToml = new Map(cluster.tiers.map((t) => [t.name, renderServerToml(cluster, t)]));
  registry.add("config", `${name}-config`, "ConfigMap", (d) =>
    new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: cluster.configMapName, namespace: cluster.namespace, labels: objectLabels(cluster, "config") },
        data: {
          "logger.toml": logger,
          ...Object.fromEntries(cluster.tiers.map((t) => [configMapKey(t), tierToml.get(t.name) as string])),
        },
      },
      opts(d),
    ),
  );
  for (const tier of cluster.tiers) {
    registry.add("config", tier.headlessServiceName, "Service", (d) =>
      new k8s.core.v1.Service(tier.headlessServiceName, headlessServiceManifest(cluster, tier), opts(d)),
    );
  }

  // Policies exist before any pod starts, so no pod ever runs unprotected.
  for (const policy of cluster.networkPolicy === undefined ? [] : networkPolicyManifests(cluster, cluster.networkPolicy)) {
    const policyName = (policy.metadata as { name: string }).name;
    registry.add("config", policyName, "NetworkPolicy", (d) => new k8s.networking.v1.NetworkPolicy(policyName, policy, opts(d)));
  }
  // The broker pods mount the certificate's Secret: the Certificate comes before them.
  const listenerCert = cluster.listenerTls === undefined ? undefined : listenerCertificateManifest(cluster, cluster.listenerTls);
  if (listenerCert !== undefined) {
    const certName = `${name}-listener-certificate`;
    registry.add("config", certName, "Certificate", (d) => new k8s.apiextensions.CustomResource(certName, listenerCert, opts(d)));
  }

  const credentialsChecksum_ = credentialsChecksum(creds);
  const byPhase = [...cluster.tiers].sort((a, b) => PHASES.indexOf(tierPhase(a)) - PHASES.indexOf(tierPhase(b)));
  for (const tier of byPhase) {
    const phase = tierPhase(tier);
    registry.add(phase, tier.statefulSetName, "StatefulSet", (d) =>
      new k8s.apps.v1.StatefulSet(
        tier.statefulSetName,
        statefulSetManifest({
          cluster,
          tier,
          image: cluster.image,
          configChecksum: sha256(tierToml.get(tier.name) as string, logger),
          credentialsChecksum: credentialsChecksum_,
        }),
        opts(d),
      ),
    );
    registry.add(phase, `${tier.pdbName}-pdb`, "PodDisruptionBudget", (d) =>
      new k8s.policy.v1.PodDisruptionBudget(`${tier.pdbName}-pdb`, pdbManifest(cluster, tier), opts(d)),
    );
  }

  registry.add("services", cluster.clientService.name, "Service", (d) =>
    new k8s.core.v1.Service(cluster.clientService.name, clientServiceManifest(cluster), opts(d)),
  );
  registry.add("services", cluster.adminServiceName, "Service", (d) =>
    new k8s.core.v1.Service(cluster.adminServiceName, adminServiceManifest(cluster), opts(d)),
  );

  // Last: the Ingress routes to the Services above.
  if (cluster.ingress !== undefined) {
    const ingressCert = ingressCertificateManifest(cluster, cluster.ingress);
    if (ingressCert !== undefined) {
      const certName = `${name}-ingress-certificate`;
      registry.add("ingress", certName, "Certificate", (d) => new k8s.apiextensions.CustomResource(certName, ingressCert, opts(d)));
    }
    const ingressName = `${name}-ingress`;
    const ingress = ingressManifest(cluster, cluster.ingress);
    registry.add("ingress", ingressName, "Ingress", (d) => new k8s.networking.v1.Ingress(ingressName, ingress, opts(d)));
  }
}
