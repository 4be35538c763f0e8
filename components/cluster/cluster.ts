import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterEndpoints, RobustMQClusterArgs, TierBrokerIds, TierNames } from "../api/args";
import { PlanEntry, ResolvedCluster } from "../api/model";
import { objectLabels } from "../api/naming";
import { ingressEndpoints } from "../features/ingress";
import { RobustMQImage } from "../image/image";
import { loadImageBuild } from "../image/load";
import { brokerId, serviceFqdn } from "../rmq/identity";
import { protocolEndpoint } from "../rmq/ports";
import { configFiles } from "../workload/config";
import { pdbManifest } from "../workload/disruption";
import { adminServiceManifest, clientServiceManifest, headlessServiceManifest } from "../workload/services";
import { statefulSetManifest } from "../workload/statefulset";
import { dataClaimPatches } from "../workload/volumes";
import { metaScaleInBindingManifest, metaScaleInPolicyManifest } from "../workload/meta-scale-in-guard";
import { carriesMeta } from "../rmq/topology";
import { Credentials, credentials, credentialsChecksum, loadGenerator, secretContent, secretIgnoreChanges } from "./credentials";
import { autoscalerOwnedFields } from "../features/autoscaling";
import { FEATURES, TIER_FEATURES } from "./features";
import { PHASES, PhasedRegistry } from "./plan";
import { resolveClusterArgs } from "./resolve";
import { runtimeSyncResources } from "../features/runtime-sync/resources";
import { backupResources, restoredClaims } from "../features/backup/resources";
import type { FeatureResource } from "../features/feature";

/** Type token of RobustMQCluster: "<package>:index:<class>", as Pulumi's component provider derives it. */
export const CLUSTER_TYPE = "robustmq:index:RobustMQCluster";

/**
 * A RobustMQ cluster on Kubernetes: namespace, credentials, configuration, one StatefulSet per
 * tier with its headless Service and PodDisruptionBudget, client and admin Services and the
 * optional features (StorageClass, NetworkPolicies, listener TLS, Ingress, monitoring, the broker
 * tier's HorizontalPodAutoscaler), created in a fixed order (see `plan`).
 */
export class RobustMQCluster extends pulumi.ComponentResource {
  /** Namespace of every object. */
  public readonly namespace: pulumi.Output<string>;
  /** StatefulSet name per tier. */
  public readonly statefulSetNames: pulumi.Output<TierNames>;
  /** Name of the client Service (broker-role pods). */
  public readonly clientServiceName: pulumi.Output<string>;
  /** Name of the admin Service (admin API and /metrics of every pod). */
  public readonly adminServiceName: pulumi.Output<string>;
  /** Headless Service name per tier. */
  public readonly headlessServiceNames: pulumi.Output<TierNames>;
  /** In-cluster endpoints of the enabled protocols and the admin API. */
  public readonly endpoints: pulumi.Output<ClusterEndpoints>;
  /** mqtt://<client service>:<port>, when MQTT is enabled. */
  public readonly mqttUrl: pulumi.Output<string | undefined>;
  /** host:port Kafka bootstrap address, when Kafka is enabled. */
  public readonly kafkaBootstrap: pulumi.Output<string | undefined>;
  /** http://<admin service>:<port>. */
  public readonly adminUrl: pulumi.Output<string>;
  /** Broker ids per tier, in ordinal order; for an autoscaled tier, every id its pods can have (up to maxReplicas). */
  public readonly brokerIds: pulumi.Output<TierBrokerIds>;
  /** The image the pods run: the image argument, or the built image's digest-pinned reference. */
  public readonly image: pulumi.Output<string>;
  /** Admin HTTP API user name. */
  public readonly adminUsername: pulumi.Output<string>;
  /** Admin HTTP API password (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** The initial MQTT superuser (seeded on the cluster's first start only; secret). */
  public readonly mqttUsername: pulumi.Output<string>;
  /** Password of the initial MQTT superuser (secret). */
  public readonly mqttPassword: pulumi.Output<string>;
  /** The apply order the component used, with each resource's dependencies. */
  public readonly plan: PlanEntry[];

  constructor(name: string, args: RobustMQClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before anything is registered, the component itself included.
    const resolved = resolveClusterArgs(name, args);
    // Optional peers next, so a missing one fails before anything is registered too.
    const random = loadGenerator(args);
    if (resolved.imageBuild !== undefined) {
      loadImageBuild();
    }
    super(CLUSTER_TYPE, name, {}, { ...opts, aliases: [...(opts.aliases ?? []), { type: "robustmq:index:Cluster" }] });

    const registry = new PhasedRegistry();
    let cluster: ResolvedCluster = resolved;
    if (resolved.imageBuild !== undefined) {
      // Built and pushed before anything runs it: every later phase depends on the image.
      const image = new RobustMQImage(resolved.names.image, resolved.imageBuild, {
        parent: this,
        // Stacks built the image beside the cluster before it became a child: same resource.
        aliases: [{ parent: pulumi.rootStackResource }],
      });
      registry.include("image", resolved.names.image, "RobustMQImage", image);
      cluster = { ...resolved, image: image.ref };
    }
    const creds = credentials(cluster.names, args, this, cluster.tiers.some((t) => !t.servesAdminApi), random);
    deployCluster(this, cluster, registry, creds, (args.mqttUsers ?? []).map((u) => u.password));
    this.plan = registry.plan;

    const svc = (n: string) => serviceFqdn(n, cluster.namespace, cluster.clusterDomain);
    const client = svc(cluster.names.clientService);
    const endpoint = (p: (typeof cluster.protocols)[number]) =>
      cluster.protocols.includes(p) ? protocolEndpoint(p, client, cluster.ports) : undefined;
    const viaIngress = cluster.ingress === undefined ? undefined : ingressEndpoints(cluster.ingress);
    const endpoints: ClusterEndpoints = {
      mqtt: endpoint("mqtt"),
      kafka: endpoint("kafka"),
      amqp: endpoint("amqp"),
      nats: endpoint("nats"),
      admin: `http://${svc(cluster.names.adminService)}:${cluster.ports.http}`,
      ...(viaIngress === undefined ? {} : { ingressAdmin: viaIngress.admin, ingressMqttWebsocket: viaIngress.mqttWebsocket }),
    };

    this.namespace = pulumi.output(cluster.namespace);
    this.statefulSetNames = pulumi.output(Object.fromEntries(cluster.tiers.map((t) => [t.name, t.names.statefulSet])));
    this.headlessServiceNames = pulumi.output(Object.fromEntries(cluster.tiers.map((t) => [t.name, t.names.headlessService])));
    this.clientServiceName = pulumi.output(cluster.names.clientService);
    this.adminServiceName = pulumi.output(cluster.names.adminService);
    this.endpoints = pulumi.output(endpoints);
    this.mqttUrl = pulumi.output(endpoints.mqtt);
    this.kafkaBootstrap = pulumi.output(endpoints.kafka);
    this.adminUrl = pulumi.output(endpoints.admin);
    this.brokerIds = pulumi.output(
      Object.fromEntries(
        cluster.tiers.map((t) => [t.name, Array.from({ length: t.autoscaling?.maxReplicas ?? t.replicas }, (_, i) => brokerId(t.idPrefix, i))]),
      ),
    );
    this.image = pulumi.output(cluster.image);
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
      mqttUrl: this.mqttUrl,
      kafkaBootstrap: this.kafkaBootstrap,
      adminUrl: this.adminUrl,
      brokerIds: this.brokerIds,
      image: this.image,
      adminUsername: this.adminUsername,
      adminPassword: this.adminPassword,
      mqttUsername: this.mqttUsername,
      mqttPassword: this.mqttPassword,
    });
  }
}

/** Registers every Kubernetes object of the cluster, phase by phase, as children of `parent`. */
function deployCluster(parent: pulumi.Resource, cluster: ResolvedCluster, registry: PhasedRegistry, creds: Credentials, userPasswords: pulumi.Input<string>[]): void {
  const names = cluster.names;
  const opts = (dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({ parent, dependsOn });
  // The Kubernetes provider replaces a ConfigMap or Secret whose data changes (unless the user's
  // provider sets enableConfigMapMutable / enableSecretMutable), and a protected resource refuses
  // replacement: with `protect` on the component inherited by every child, a config tweak or a
  // password rotation would fail `pulumi up` on a protected stack. These two hold nothing that the
  // stack cannot rebuild, so they are never protected, whatever the component's option; every
  // object that holds state or serves traffic keeps the inherited protection.
  const derived = (dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({ ...opts(dependsOn), protect: false });
  const featureResources = [
    ...FEATURES.flatMap((f) => {
      const resolved = cluster[f.arg];
      return resolved === undefined ? [] : f.resources(cluster, resolved as never).map((r) => ({ ...r, feature: f.arg as string }));
    }),
    ...cluster.tiers.flatMap((tier) =>
      TIER_FEATURES.flatMap((f) => {
        const resolved = tier[f.arg];
        return resolved === undefined ? [] : f.resources(cluster, tier, resolved as never).map((r) => ({ ...r, feature: `${tier.name}.${f.arg}` }));
      }),
    ),
  ];
  const addFeatures = (phase: string) => {
    for (const r of featureResources.filter((f) => f.phase === phase)) {
      registry.add(r.phase, r.name, r.kind, (d) => r.create(opts(d)), r.feature);
    }
  };

  if (cluster.createNamespace) {
    registry.add("namespace", names.namespaceResource, "Namespace", (d) =>
      new k8s.core.v1.Namespace(
        names.namespaceResource,
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
        { ...opts(d), retainOnDelete: cluster.keepNamespaceOnDelete },
      ),
    );
  }
  addFeatures("storage");
  // Before any StatefulSet: the controller adopts a claim of its template's name, so each pod
  // starts on its restored volume.
  if (cluster.restore !== undefined) {
    for (const r of restoredClaims(cluster, cluster.restore)) {
      registry.add(r.phase, r.name, r.kind, (d) => r.create(opts(d)), "restore");
    }
  }

  registry.add("config", names.secret, "Secret", (d) =>
    new k8s.core.v1.Secret(
      names.secret,
      { metadata: { name: names.secret, namespace: cluster.namespace, labels: objectLabels(cluster, "credentials") }, type: "Opaque", ...secretContent(creds) },
      { ...derived(d), ignoreChanges: secretIgnoreChanges(creds) },
    ),
  );
  const files = configFiles(cluster);
  registry.add("config", names.configMap, "ConfigMap", (d) =>
    new k8s.core.v1.ConfigMap(
      names.configMap,
      { metadata: { name: names.configMap, namespace: cluster.namespace, labels: objectLabels(cluster, "config") }, data: files.data },
      derived(d),
    ),
  );
  for (const tier of cluster.tiers) {
    const n = tier.names.headlessService;
    registry.add("config", n, "Service", (d) => new k8s.core.v1.Service(n, headlessServiceManifest(cluster, tier), opts(d)));
  }
  // Policies and the listener certificate exist before any pod starts.
  addFeatures("config");
  // Before the meta StatefulSet exists, so that every later change of its count meets the guard.
  const metaTier = cluster.tiers.find(carriesMeta);
  if (metaTier !== undefined && cluster.metaScaleInGuard) {
    const guard = names.metaScaleInGuard;
    registry.add("config", guard, "ValidatingAdmissionPolicy", (d) =>
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(guard, metaScaleInPolicyManifest(cluster, metaTier), opts(d)),
    );
    const binding = names.metaScaleInGuardBinding;
    registry.add("config", binding, "ValidatingAdmissionPolicyBinding", (d) =>
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(binding, metaScaleInBindingManifest(cluster), opts(d)),
    );
  }

  const byPhase = [...cluster.tiers].sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  for (const tier of byPhase) {
    const n = tier.names;
    // Paths Pulumi stops applying once the object exists. The claim templates: Kubernetes refuses
    // any change to them and the provider would replace the StatefulSet instead, taking the tier
    // down; sizes reach the claims through the patches of the volumes phase (workload/volumes.ts).
    // An autoscaled tier's pod count is the HPA's (features/autoscaling.ts).
    const ignoreChanges = ["spec.volumeClaimTemplates", ...autoscalerOwnedFields(tier)];
    registry.add(tier.phase, n.statefulSet, "StatefulSet", (d) =>
      new k8s.apps.v1.StatefulSet(
        n.statefulSet,
        statefulSetManifest({ cluster, tier, configChecksum: files.checksums.get(tier.name) as string, credentialsChecksum: credentialsChecksum(creds, tier.servesAdminApi) }),
        { ...opts(d), ignoreChanges },
      ),
    );
    registry.add(tier.phase, n.pdbResource, "PodDisruptionBudget", (d) =>
      new k8s.policy.v1.PodDisruptionBudget(n.pdbResource, pdbManifest(cluster, tier), opts(d)),
    );
  }

  // After every StatefulSet has created (and awaited) its pods' claims. A patch owns nothing the
  // stack needs back: on a scale-in it is dropped from the stack and the claim keeps its size
  // (relinquishing the size would leave the claim without one, and a deleted claim would fail
  // the relinquish), and it never blocks an `up` on a protected stack.
  for (const tier of byPhase) {
    for (const claim of dataClaimPatches(cluster, tier)) {
      registry.add("volumes", claim.name, "PersistentVolumeClaimPatch", (d) =>
        new k8s.core.v1.PersistentVolumeClaimPatch(claim.name, claim.manifest, { ...derived(d), retainOnDelete: true }),
      );
    }
  }

  registry.add("services", names.clientService, "Service", (d) =>
    new k8s.core.v1.Service(names.clientService, clientServiceManifest(cluster), opts(d)),
  );
  registry.add("services", names.adminService, "Service", (d) =>
    new k8s.core.v1.Service(names.adminService, adminServiceManifest(cluster), opts(d)),
  );
  // The broker autoscaler, once the StatefulSet it targets is Ready.
  addFeatures("services");
  // Last: the Ingress routes to the Services above.
  addFeatures("ingress");
  // Last: monitors and alert rules watch everything above.
  addFeatures("monitoring");
  // After everything: the sync talks to running nodes through the admin Service. It takes
  // secrets the generic feature contract does not carry, hence its own call.
  // The backup's objects join the runtime phase, before the sync's Job: both lists go in
  // together, in phase order.
  const late: Array<FeatureResource & { feature: string }> = [];
  if (cluster.runtimeSync !== undefined) {
    const retainLedger = cluster.tiers.some((t) => carriesMeta(t) && t.volumeRetention.whenDeleted === "Retain");
    late.push(...runtimeSyncResources(cluster, cluster.runtimeSync, userPasswords, creds.jwtSecret, retainLedger).map((r) => ({ ...r, feature: "runtimeSync" })));
  }
  if (cluster.backup !== undefined) {
    late.push(...backupResources(cluster, cluster.backup).map((r) => ({ ...r, feature: "backup" })));
  }
  for (const r of [...late].sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase))) {
    registry.add(r.phase, r.name, r.kind, (d) => r.create(opts(d)), r.feature);
  }
}
