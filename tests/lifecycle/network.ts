// Pod-to-pod TCP as RobustMQ and the gate see it: DNS names of StatefulSet pods through their
// headless Service, NetworkPolicies (ingress of the target, egress of the source), and whether
// anything listens on the port. Kubelet probes do not come through here (they are not subject to
// NetworkPolicies on common CNIs).
import type { Pod, World } from "./world";
import { ipInCidr, selects } from "./util";

/** The pod behind `<pod>.<service>.<namespace>.svc.<domain>`, if that name resolves now. */
export function resolvePod(w: World, host: string): Pod | undefined {
  const suffix = `.svc.${w.clusterDomain}`;
  if (!host.endsWith(suffix)) {
    return undefined;
  }
  const [podName, service, namespace, ...rest] = host.slice(0, -suffix.length).split(".");
  if (rest.length > 0 || namespace === undefined) {
    return undefined;
  }
  const pod = w.pods.get(`${namespace}/${podName}`);
  const svc = w.getObject("Service", namespace, service);
  if (pod === undefined || svc === undefined || pod.ip === undefined || pod.subdomain !== service) {
    return undefined;
  }
  if (svc.spec?.clusterIP !== "None" || !selects({ matchLabels: svc.spec?.selector }, pod.labels)) {
    return undefined;
  }
  return svc.spec?.publishNotReadyAddresses === true || pod.ready ? pod : undefined;
}

function namedPort(pod: Pod, name: string): number | undefined {
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    const p = (c.ports ?? []).find((x: any) => x.name === name);
    if (p !== undefined) {
      return p.containerPort;
    }
  }
  return undefined;
}

function portMatches(rulePorts: any[] | undefined, dst: Pod, port: number): boolean {
  if (rulePorts === undefined || rulePorts.length === 0) {
    return true;
  }
  return rulePorts.some((rp) => {
    if ((rp.protocol ?? "TCP") !== "TCP") {
      return false;
    }
    if (rp.port === undefined) {
      return true;
    }
    const p = typeof rp.port === "number" ? rp.port : namedPort(dst, String(rp.port));
    return p !== undefined && (rp.endPort === undefined ? p === port : port >= p && port <= rp.endPort);
  });
}

function peerMatches(w: World, peers: any[] | undefined, policyNs: string, other: Pod): boolean {
  if (peers === undefined || peers.length === 0) {
    return true;
  }
  return peers.some((peer) => {
    if (peer.ipBlock !== undefined) {
      return other.ip !== undefined && ipInCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => ipInCidr(other.ip as string, e));
    }
    const nsOk =
      peer.namespaceSelector === undefined ? other.namespace === policyNs : selects(peer.namespaceSelector, w.namespaceLabels(other.namespace));
    return nsOk && (peer.podSelector === undefined || selects(peer.podSelector, other.labels));
  });
}

/** Whether NetworkPolicies let `src` open a TCP connection to `dst`:`port`. */
export function policyAllows(w: World, src: Pod, dst: Pod, port: number): boolean {
  const policies = w.listObjects("NetworkPolicy");
  const applies = (p: any, pod: Pod, type: string) =>
    p.metadata.namespace === pod.namespace &&
    selects(p.spec?.podSelector, pod.labels) &&
    (p.spec?.policyTypes ?? (type === "Ingress" ? ["Ingress"] : [])).includes(type);
  const ingress = policies.filter((p) => applies(p, dst, "Ingress"));
  if (
    ingress.length > 0 &&
    !ingress.some((p) => (p.spec.ingress ?? []).some((r: any) => peerMatches(w, r.from, p.metadata.namespace, src) && portMatches(r.ports, dst, port)))
  ) {
    return false;
  }
  const egress = policies.filter((p) => applies(p, src, "Egress"));
  return (
    egress.length === 0 ||
    egress.some((p) => (p.spec.egress ?? []).some((r: any) => peerMatches(w, r.to, p.metadata.namespace, dst) && portMatches(r.ports, dst, port)))
  );
}

/**
 * A TCP connection attempt from `src` to host:port now: accepted (with the pod that accepted it),
 * refused at once (no such name, nothing listening: a reset), or timed out (a lost node, or a
 * NetworkPolicy that drops the packets).
 */
export function dial(w: World, src: Pod, host: string, port: number): { result: "accepted"; pod: Pod } | { result: "refused" | "timeout" } {
  const dst = resolvePod(w, host);
  if (dst === undefined) {
    return { result: "refused" };
  }
  if (dst.nodeLostAt !== undefined || !policyAllows(w, src, dst, port)) {
    return { result: "timeout" };
  }
  return w.listeningPorts(dst).has(port) ? { result: "accepted", pod: dst } : { result: "refused" };
}

/** The pod that accepts a TCP connection from `src` to host:port now, if any. */
export function connect(w: World, src: Pod, host: string, port: number): Pod | undefined {
  const d = dial(w, src, host, port);
  return d.result === "accepted" ? d.pod : undefined;
}
