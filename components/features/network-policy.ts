// NetworkPolicies of the cluster's pods: default deny, then exactly the flows RobustMQ needs.
//
// Model (every policy selects the cluster's pods by app.kubernetes.io/name + instance):
// - default-deny: no ingress to any pod of the cluster, and (egress.restrict, the default) no egress.
// - internal: the cluster's own pods reach each other's gRPC (Raft and meta/broker/engine calls),
//   storage-engine and admin HTTP ports. Nothing else may reach gRPC or storage.
// - clients: broker-role pods accept the client ports of the enabled protocols (exactly the ports
//   of the client Service) from anywhere, or only from the given CIDRs / namespaces. Ingress
//   controllers' namespaces also reach the MQTT WebSocket port.
// - admin: the admin HTTP port (API, /metrics, /health) from the given namespaces / CIDRs
//   (monitoring, ingress controller). Without them only the cluster's own pods reach it.
// - egress (when restricted): DNS, every port of the cluster's own pods, and the extra
//   destinations given (connector targets, external auth backends).
// Every other port a node listens on (listeners of protocols not enabled, QUIC unless exposed) is
// closed. `portExposure` states the treatment of every listener; the policies are built from it.
//
// Egress is denied by default because a broker has no business dialling out except to its peers
// and DNS; data-bridge connectors or HTTP/DB auth backends need their destinations listed in
// egress.cidrs / egress.namespaces, or egress.restrict: false.
// NetworkPolicies need a CNI that enforces them (Calico, Cilium, kindnet >= 0.24, k3s's
// built-in controller...). Kubelet probes come from the node and are not subject to them on
// common CNIs.
import * as k8s from "@pulumi/kubernetes";
import { NetworkPolicyArgs, PeerArgs } from "../api/features";
import { ResolvedCluster, ResolvedNetworkPolicy, ResolvedPeers } from "../api/model";
import { BROKER_ROLE_LABEL, instanceSelector, objectLabels, runtimeSyncPodLabels } from "../api/naming";
import { LISTENERS, Ports } from "../rmq/ports";
import { Feature } from "./feature";
import { Problems, isRecord, validateCidrList, validateDnsLabel, validateFields, validateNamespaceList } from "../validate/values";

export type Exposure = "clients" | "admin" | "internal" | "closed";

export interface PortExposure {
  /** Port name (ports.ts LISTENERS). */
  name: string;
  field: keyof Ports;
  port: number;
  transport: "TCP" | "UDP";
  exposure: Exposure;
  /** Why, for humans reading a test failure or the docs. */
  reason: string;
}

/**
 * Every port a node of the cluster listens on and how the policies treat it. Every node binds every
 * listener, whatever protocols are enabled, so all of LISTENERS is listed:
 * - clients: the client Service's ports (enabled protocols; QUIC only when exposed);
 * - admin: the HTTP port, reachable by the cluster's pods and the configured admin sources;
 * - internal: gRPC and storage, only between the cluster's own pods;
 * - closed: everything else.
 */
export function portExposure(cluster: Pick<ResolvedCluster, "protocols" | "ports" | "clientService">): PortExposure[] {
  const exposed = new Set(cluster.clientService.ports.map((p) => p.name));
  return LISTENERS.map((l) => {
    const base = { name: l.name, field: l.field, port: cluster.ports[l.field], transport: l.transport };
    if (l.field === "http") {
      return { ...base, exposure: "admin", reason: "admin API and /metrics: the cluster's pods and the configured admin sources" };
    }
    if (l.field === "bootstrapGate") {
      return { ...base, exposure: "internal", reason: "bootstrap gate of empty meta pods, asked by meta pod 0: the cluster's own pods only" };
    }
    if (l.protocol === undefined) {
      return { ...base, exposure: "internal", reason: "cluster traffic (Raft, meta calls, storage engine): the cluster's own pods only" };
    }
    if (exposed.has(l.name)) {
      return { ...base, exposure: "clients", reason: `client port of the enabled protocol "${l.protocol}"` };
    }
    const why = cluster.protocols.includes(l.protocol) ? "not exposed (clientService.exposeMqttQuic is false)" : `protocol "${l.protocol}" is not enabled`;
    return { ...base, exposure: "closed", reason: why };
  });
}

function validatePeers(field: string, value: unknown): Problems {
  if (value === undefined) {
    return [];
  }
  const problems = validateFields(field, value, ["cidrs", "namespaces"]);
  if (!isRecord(value)) {
    return problems;
  }
  problems.push(...validateCidrList(`${field}.cidrs`, value.cidrs), ...validateNamespaceList(`${field}.namespaces`, value.namespaces));
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  if (count(value.cidrs) + count(value.namespaces) === 0) {
    problems.push(`${field}: lists no cidrs and no namespaces, which would allow nobody; list sources or leave ${field} unset`);
  }
  return problems;
}

/** Checks the networkPolicy argument; every problem names its field. */
export function validateNetworkPolicyArgs(args: unknown, field = "networkPolicy"): Problems {
  if (args === undefined) {
    return [];
  }
  const problems = validateFields(field, args, ["clients", "admin", "ingressControllerNamespaces", "egress"]);
  if (!isRecord(args)) {
    return problems;
  }
  problems.push(...validatePeers(`${field}.clients`, args.clients), ...validatePeers(`${field}.admin`, args.admin));
  problems.push(...validateNamespaceList(`${field}.ingressControllerNamespaces`, args.ingressControllerNamespaces));
  const egress = args.egress;
  if (egress !== undefined) {
    const ef = `${field}.egress`;
    problems.push(...validateFields(ef, egress, ["restrict", "dnsNamespace", "cidrs", "namespaces"]));
    if (isRecord(egress)) {
      if (egress.restrict !== undefined && typeof egress.restrict !== "boolean") {
        problems.push(`${ef}.restrict: must be true or false, got ${JSON.stringify(egress.restrict)}`);
      }
      if (egress.dnsNamespace !== undefined) {
        problems.push(...validateDnsLabel(`${ef}.dnsNamespace`, egress.dnsNamespace));
      }
      problems.push(...validateCidrList(`${ef}.cidrs`, egress.cidrs), ...validateNamespaceList(`${ef}.namespaces`, egress.namespaces));
      if (egress.restrict === false) {
        for (const f of ["dnsNamespace", "cidrs", "namespaces"].filter((f) => egress[f] !== undefined)) {
          problems.push(`${ef}.${f}: only used when egress is restricted (egress.restrict is false)`);
        }
      }
    }
  }
  return problems;
}

function peers(p: PeerArgs | undefined): ResolvedPeers {
  return { cidrs: [...(p?.cidrs ?? [])], namespaces: [...(p?.namespaces ?? [])] };
}

/** The defaulted model of a networkPolicy argument validateNetworkPolicyArgs accepted. */
export function resolveNetworkPolicy(args: NetworkPolicyArgs): ResolvedNetworkPolicy {
  return {
    clients: args.clients === undefined ? undefined : peers(args.clients),
    admin: peers(args.admin),
    ingressControllerNamespaces: [...(args.ingressControllerNamespaces ?? [])],
    egress: { restrict: args.egress?.restrict ?? true, dnsNamespace: args.egress?.dnsNamespace, ...peers(args.egress) },
  };
}

type Policy = k8s.types.input.networking.v1.NetworkPolicy;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type PolicyPort = k8s.types.input.networking.v1.NetworkPolicyPort;

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

function namespacePeers(namespaces: string[]): Peer[] {
  return namespaces.map((ns) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } }));
}

function toPeers(p: ResolvedPeers): Peer[] {
  return [...p.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ...namespacePeers(p.namespaces)];
}

function policyPorts(ports: PortExposure[]): PolicyPort[] {
  return ports.map((p) => ({ port: p.port, protocol: p.transport }));
}

function policy(cluster: ResolvedCluster, suffix: string, spec: Policy["spec"]): Policy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: cluster.names.networkPolicy(suffix), namespace: cluster.namespace, labels: objectLabels(cluster, "network-policy") },
    spec,
  };
}

/**
 * The cluster's NetworkPolicies, complete with apiVersion and kind: default-deny, internal,
 * clients, admin (when admin sources or ingress controllers are given) and egress (when restricted).
 */
export function networkPolicyManifests(cluster: ResolvedCluster, np: ResolvedNetworkPolicy): Policy[] {
  const pods = { matchLabels: instanceSelector(cluster) };
  const exposure = portExposure(cluster);
  const of = (...kinds: Exposure[]) => exposure.filter((p) => kinds.includes(p.exposure));
  const ingressNs = namespacePeers(np.ingressControllerNamespaces);
  const websocket = of("clients").filter((p) => p.field === "mqttWebsocket");

  const policies: Policy[] = [
    policy(cluster, "default-deny", { podSelector: pods, policyTypes: np.egress.restrict ? ["Ingress", "Egress"] : ["Ingress"] }),
    policy(cluster, "internal", {
      podSelector: pods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: pods }], ports: policyPorts(of("internal", "admin")) }],
    }),
    policy(cluster, "clients", {
      podSelector: { matchLabels: { ...instanceSelector(cluster), [BROKER_ROLE_LABEL]: "true" } },
      policyTypes: ["Ingress"],
      ingress: [
        // No `from`: any source. With clients set: only those sources.
        { from: np.clients === undefined ? undefined : toPeers(np.clients), ports: policyPorts(of("clients")) },
        ...(ingressNs.length > 0 && websocket.length > 0 ? [{ from: ingressNs, ports: policyPorts(websocket) }] : []),
      ],
    }),
  ];
  const adminFrom = [...toPeers(np.admin), ...ingressNs];
  if (adminFrom.length > 0) {
    policies.push(
      policy(cluster, "admin", { podSelector: pods, policyTypes: ["Ingress"], ingress: [{ from: adminFrom, ports: policyPorts(of("admin")) }] }),
    );
  }
  if (np.egress.restrict) {
    const dns: PolicyPort[] = [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ];
    const extra = toPeers(np.egress);
    policies.push(
      policy(cluster, "egress", {
        podSelector: pods,
        policyTypes: ["Egress"],
        egress: [
          { to: np.egress.dnsNamespace === undefined ? undefined : namespacePeers([np.egress.dnsNamespace]), ports: dns },
          // The cluster's own pods, every port (ports are listed on the receiving side).
          { to: [{ podSelector: pods }] },
          ...(extra.length > 0 ? [{ to: extra }] : []),
        ],
      }),
    );
  }
  if (cluster.runtimeSync !== undefined) {
    const sync = { matchLabels: runtimeSyncPodLabels(cluster) };
    const admin = policyPorts(of("admin"));
    const adminPods = { matchLabels: { ...instanceSelector(cluster), [BROKER_ROLE_LABEL]: "true" } };
    policies.push(
      // The admin Service routes to the broker-role pods: the sync reaches their admin port.
      policy(cluster, "runtime-sync-admin", { podSelector: adminPods, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: sync }], ports: admin }] }),
      // The sync's own pods: nothing comes in; out only DNS and the admin port.
      policy(cluster, "runtime-sync", {
        podSelector: sync,
        policyTypes: ["Ingress", "Egress"],
        egress: [
          {
            to: np.egress.dnsNamespace === undefined ? undefined : namespacePeers([np.egress.dnsNamespace]),
            ports: [
              { port: 53, protocol: "UDP" },
              { port: 53, protocol: "TCP" },
            ],
          },
          { to: [{ podSelector: adminPods }], ports: admin },
        ],
      }),
    );
  }
  return policies;
}

/** NetworkPolicies: in place before any pod starts, so no pod ever runs unprotected. */
export const networkPolicyFeature: Feature<"networkPolicy"> = {
  arg: "networkPolicy",
  validate: (value) => validateNetworkPolicyArgs(value),
  resolve: (value) => resolveNetworkPolicy(value),
  resources: (cluster, np) =>
    networkPolicyManifests(cluster, np).map((policy) => {
      const name = (policy.metadata as { name: string }).name;
      return { phase: "config", name, kind: "NetworkPolicy", create: (opts) => new k8s.networking.v1.NetworkPolicy(name, policy, opts) };
    }),
};
