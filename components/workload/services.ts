// Services: one headless Service per tier (stable pod DNS), the client Service and the admin Service.
import type * as k8s from "@pulumi/kubernetes";
import type { ExposedPort } from "../rmq/ports";
import { BROKER_ROLE_LABEL, instanceSelector, objectLabels, selectorLabels } from "../api/naming";
import type { ResolvedCluster, ResolvedTier } from "../api/model";

function servicePorts(ports: ExposedPort[]): k8s.types.input.core.v1.ServicePort[] {
  return ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.transport }));
}

/**
 * Headless Service that gives each pod of a tier its DNS name. publishNotReadyAddresses: peers must
 * resolve each other before they are Ready, since forming the quorum is what makes them Ready.
 */
export function headlessServiceManifest(cluster: ResolvedCluster, tier: ResolvedTier): k8s.types.input.core.v1.Service {
  return {
    metadata: { name: tier.names.headlessService, namespace: cluster.namespace, labels: objectLabels(cluster, tier.name) },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: selectorLabels(cluster, tier.name),
      ports: servicePorts(tier.ports),
    },
  };
}

export function clientServiceManifest(cluster: ResolvedCluster): k8s.types.input.core.v1.Service {
  const cs = cluster.clientService;
  return {
    metadata: {
      name: cluster.names.clientService,
      namespace: cluster.namespace,
      labels: objectLabels(cluster, "client"),
      annotations: cs.annotations,
    },
    spec: {
      type: cs.type,
      selector: { ...instanceSelector(cluster), [BROKER_ROLE_LABEL]: "true" },
      ports: servicePorts(cs.ports),
      loadBalancerSourceRanges: cs.loadBalancerSourceRanges,
    },
  };
}

/** Admin HTTP API and /metrics: every node serves them, so it selects every pod of the cluster. */
export function adminServiceManifest(cluster: ResolvedCluster): k8s.types.input.core.v1.Service {
  return {
    metadata: { name: cluster.names.adminService, namespace: cluster.namespace, labels: objectLabels(cluster, "admin") },
    spec: {
      type: "ClusterIP",
      // The pods users log in to (ResolvedTier.servesAdminApi: the broker-role ones).
      selector: { ...instanceSelector(cluster), [BROKER_ROLE_LABEL]: "true" },
      ports: [{ name: "http", port: cluster.ports.http, targetPort: "http", protocol: "TCP" }],
    },
  };
}
