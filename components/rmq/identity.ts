// Per-pod identity: broker ids, stable DNS names and the meta_addrs table.
//
// broker_id must be >= 1, unique across every tier and stable across restarts. Each tier has a
// one-digit prefix and a pod's id is that digit followed by its StatefulSet ordinal written in
// decimal: meta-0 -> 10, meta-12 -> 112, broker-3 -> 23. The first digit names the tier and the
// rest (no leading zeros) names the ordinal, so two pods can never share an id, however far a
// tier is scaled. Kubernetes computes it without a shell: the ordinal comes from the pod-index
// label through the downward API and "$(VAR)" expansion prepends the digit.

export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
export const POD_INDEX_ENV = "ROBUSTMQ_POD_INDEX";

export function brokerId(idPrefix: number, ordinal: number): number {
  return Number(`${idPrefix}${ordinal}`);
}

/** The env value Kubernetes expands into the pod's broker id. */
export function brokerIdEnvValue(idPrefix: number): string {
  return `${idPrefix}$(${POD_INDEX_ENV})`;
}

export function serviceFqdn(service: string, namespace: string, clusterDomain: string): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}

/** Stable DNS name of one StatefulSet pod, served by its headless Service. */
export function podFqdn(
  statefulSet: string,
  ordinal: number,
  headlessService: string,
  namespace: string,
  clusterDomain: string,
): string {
  return `${statefulSet}-${ordinal}.${serviceFqdn(headlessService, namespace, clusterDomain)}`;
}

export interface MetaTierIdentity {
  statefulSet: string;
  headlessService: string;
  idPrefix: number;
  replicas: number;
}

/** Every meta pod: its broker id and stable DNS name, in ordinal order. */
export function metaPods(
  meta: MetaTierIdentity,
  namespace: string,
  clusterDomain: string,
): Array<{ id: number; host: string }> {
  return Array.from({ length: meta.replicas }, (_, i) => ({
    id: brokerId(meta.idPrefix, i),
    host: podFqdn(meta.statefulSet, i, meta.headlessService, namespace, clusterDomain),
  }));
}

/**
 * How many meta pod addresses meta_addrs lists: every ordinal up to 7 (the largest Raft voter set
 * anyone runs), or the replicas when more, and exactly one for a single meta pod.
 *
 * Every node reads meta_addrs once, at start, so a list that followed the replica count would
 * restart every pod of every tier on a meta scale-out. Listing the slots of pods that do not exist
 * yet is harmless at v0.4.11: a meta node needs its own id listed (raft/manager.rs start), a fresh
 * one joins through the first peer that answers a TCP probe (an unresolvable name does not), and
 * every meta client call (grpc-clients/src/utils.rs retry_call) treats an unreachable address as
 * a transport error and tries the next, sweeping at least the whole list, so a read that only the
 * Raft leader may answer still reaches it. One slot for one meta pod keeps RobustMQ's single-node
 * case (storage-adapter/src/topic.rs: one meta address means one topic replica).
 */
export const META_ADDRESS_SLOTS = 7;

export function metaAddressSlots(metaReplicas: number): number {
  return metaReplicas === 1 ? 1 : Math.max(metaReplicas, META_ADDRESS_SLOTS);
}

/** meta_addrs: broker id of every meta pod -> "its stable DNS name:grpc port". */
export function metaAddrs(pods: ReadonlyArray<{ id: number; host: string }>, grpcPort: number): Record<string, string> {
  return Object.fromEntries(pods.map((p) => [String(p.id), `${p.host}:${grpcPort}`]));
}
