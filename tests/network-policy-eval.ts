// A small evaluator of Kubernetes NetworkPolicy semantics, shared by the unit tests (policies the
// component builds) and the end-to-end run (policies as the API server admitted them). It answers
// "may this connection happen?" the way the NetworkPolicy API defines it; it is no CNI, and what
// it proves is what the policy objects say, not what some dataplane enforces.
//
// The rules it follows (networking.k8s.io/v1):
// - a policy applies to the pods of its own namespace its podSelector selects, for the directions
//   its policyTypes name; a pod no policy of a direction selects is not isolated in it;
// - an isolated pod allows what any rule of any applying policy allows (rules are unions);
// - a rule without `from`/`to` matches every peer, without `ports` every port; a port entry
//   without `protocol` is TCP, without `port` every port of its protocol, with `endPort` a range;
// - a connection needs the source's egress and the destination's ingress to allow it.
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";

export type Policy = INetworkPolicy;
export type Direction = "Ingress" | "Egress";
export type Labels = Record<string, string>;

/** A label selector (matchLabels and matchExpressions), as the API defines it; an empty one selects everything. */
export function selects(selector: any, labels: Labels): boolean {
  const matchLabels = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = ((selector?.matchExpressions ?? []) as any[]).every((e) => {
    switch (e.operator) {
      case "In":
        return e.key in labels && e.values.includes(labels[e.key]);
      case "NotIn":
        return !(e.key in labels) || !e.values.includes(labels[e.key]);
      case "Exists":
        return e.key in labels;
      case "DoesNotExist":
        return !(e.key in labels);
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return matchLabels && expressions;
}

/** A pod the evaluator reasons about: its namespace (undefined: the policies' own) and labels. */
export interface PodRef {
  namespace?: string;
  labels: Labels;
  /** The container ports by name, for policies naming ports. */
  namedPorts?: Record<string, number>;
}

/** The policies of a direction that select `pod`. */
export function applying(policies: Policy[], pod: PodRef, direction: Direction): Policy[] {
  return policies.filter(
    (p) =>
      (pod.namespace === undefined || p.metadata?.namespace === pod.namespace) &&
      selects(p.spec?.podSelector, pod.labels) &&
      ((p.spec?.policyTypes as string[] | undefined) ?? ["Ingress", ...(p.spec?.egress === undefined ? [] : ["Egress"])]).includes(direction),
  );
}

function portMatches(rp: any, port: number, protocol: string, pod: PodRef | undefined): boolean {
  if ((rp.protocol ?? "TCP") !== protocol) {
    return false;
  }
  if (rp.port === undefined) {
    return true;
  }
  const number = typeof rp.port === "number" ? rp.port : pod?.namedPorts?.[rp.port];
  return number !== undefined && (rp.endPort === undefined ? number === port : port >= number && port <= rp.endPort);
}

/**
 * Whether `pod` is isolated in `direction` and, if so, whether one rule allows `port`/`protocol`
 * to or from a peer `peerMatches` recognises (it gets the rule's peer and the policy's namespace).
 * For ingress the port is the pod's own, for egress the destination's (`destination` resolves
 * named ports).
 */
export function allows(
  policies: Policy[],
  pod: PodRef,
  direction: Direction,
  port: number,
  protocol: string,
  peerMatches: (peer: any, policyNamespace: string | undefined) => boolean,
  destination?: PodRef,
): { isolated: boolean; allowed: boolean } {
  const apply = applying(policies, pod, direction);
  if (apply.length === 0) {
    return { isolated: false, allowed: true };
  }
  const portsOf = direction === "Ingress" ? pod : destination;
  const allowed = apply.some((p) =>
    (((direction === "Ingress" ? p.spec?.ingress : p.spec?.egress) ?? []) as any[]).some((rule) => {
      const peers = (direction === "Ingress" ? rule.from : rule.to) as any[] | undefined;
      const ports = rule.ports as any[] | undefined;
      return (
        (peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, p.metadata?.namespace))) &&
        (ports === undefined || ports.length === 0 || ports.some((rp) => portMatches(rp, port, protocol, portsOf)))
      );
    }),
  );
  return { isolated: true, allowed };
}

/** A party of a connection: a pod (with its namespace's labels), or an address outside any pod. */
export type Endpoint = { pod: PodRef & { namespace: string }; namespaceLabels: Labels } | { ip: string };

function ipv4(a: string): number {
  const parts = a.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${a}`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  if (base.includes(":") || ip.includes(":")) {
    return false;
  }
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

/** The API's peer semantics for a concrete endpoint. */
export function endpointMatches(peer: any, policyNamespace: string | undefined, e: Endpoint): boolean {
  if (peer.ipBlock !== undefined) {
    // ipBlock is meant for addresses outside the cluster; pod addresses are not modelled.
    return "ip" in e && inCidr(e.ip, peer.ipBlock.cidr) && !((peer.ipBlock.except ?? []) as string[]).some((x) => inCidr(e.ip, x));
  }
  if (!("pod" in e)) {
    return false;
  }
  const namespaceOk = peer.namespaceSelector === undefined ? e.pod.namespace === policyNamespace : selects(peer.namespaceSelector, e.namespaceLabels);
  const podOk = peer.podSelector === undefined || selects(peer.podSelector, e.pod.labels);
  return namespaceOk && podOk;
}

/** Whether `from` may open a connection to `to` on `port`/`protocol`: the source's egress and the destination's ingress. */
export function connectionAllowed(policies: Policy[], from: Endpoint, to: Endpoint, port: number, protocol: string): boolean {
  const destination = "pod" in to ? to.pod : undefined;
  const out = "pod" in from ? allows(policies, from.pod, "Egress", port, protocol, (peer, ns) => endpointMatches(peer, ns, to), destination).allowed : true;
  const into = destination !== undefined ? allows(policies, destination, "Ingress", port, protocol, (peer, ns) => endpointMatches(peer, ns, from)).allowed : true;
  return out && into;
}
