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

/** meta_addrs: broker id of every meta pod -> "its stable DNS name:grpc port". */
export function metaAddrs(pods: ReadonlyArray<{ id: number; host: string }>, grpcPort: number): Record<string, string> {
  return Object.fromEntries(pods.map((p) => [String(p.id), `${p.host}:${grpcPort}`]));
}
