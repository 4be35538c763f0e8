import { Spread, TierArgs, TierName, Topology } from "../api/args";

export type Role = "meta" | "broker" | "engine";

/** What a tier is, independent of user settings. */
export interface TierKind {
  name: TierName;
  roles: Role[];
  /** First digit of every broker id in the tier (see identity.ts). */
  idPrefix: number;
  /** Default settings of the tier. */
  defaults: Required<Pick<TierArgs, "replicas" | "storageSize" | "terminationGracePeriodSeconds" | "startupTimeoutSeconds">> & {
    requests: { cpu: string; memory: string };
    limits: { cpu?: string; memory: string };
    hostSpread: Exclude<Spread, "none">;
    zoneSpread: Spread;
  };
}

type Sizing = Pick<TierKind["defaults"], "replicas" | "storageSize" | "requests" | "limits">;

/** A tier: its roles, id prefix and sizing; grace period, startup budget and spread are shared. */
function tier(name: TierName, roles: Role[], idPrefix: number, sizing: Sizing): TierKind {
  return {
    name,
    roles,
    idPrefix,
    defaults: { ...sizing, terminationGracePeriodSeconds: 60, startupTimeoutSeconds: 300, hostSpread: "soft", zoneSpread: "none" },
  };
}

const COMBINED = tier("combined", ["meta", "broker", "engine"], 1, {
  replicas: 1,
  storageSize: "10Gi",
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { memory: "2Gi" },
});
// The meta pods carry the engine role too. Every node exits at start-up while no engine node is
// registered, and a meta-only pod reaches that check as soon as its Raft group works, racing the
// engine pods to it: a meta pod that loses restarts, and while it is down a joining meta pod's join
// fails, and that pod's container restarts without passing the bootstrap gate again (init
// containers do not re-run), finds no peer and bootstraps a second cluster. A meta pod that is an
// engine node registers itself before that check and never crashes for want of an engine. It also
// serves the storage port once registered, the signal the gate waits for. The price: topic
// replicas are placed on meta pods as on engine pods, so meta volumes hold topic data.
const META = tier("meta", ["meta", "engine"], 1, {
  replicas: 3,
  storageSize: "20Gi",
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { memory: "2Gi" },
});
const BROKER = tier("broker", ["broker"], 2, {
  replicas: 2,
  storageSize: "2Gi",
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { memory: "2Gi" },
});
// Three engine pods: topics keep two replicas while one engine pod is down (see topicReplicaLimit).
const ENGINE = tier("engine", ["engine"], 3, {
  replicas: 3,
  storageSize: "20Gi",
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { memory: "2Gi" },
});

export const TOPOLOGIES: readonly Topology[] = ["combined", "split"];

/** The tiers of a topology, meta-carrying tier first. */
export function tierKinds(topology: Topology): TierKind[] {
  return topology === "combined" ? [COMBINED] : [META, BROKER, ENGINE];
}

export function carriesMeta(kind: { roles: Role[] }): boolean {
  return kind.roles.includes("meta");
}

export function carriesBroker(kind: { roles: Role[] }): boolean {
  return kind.roles.includes("broker");
}

/**
 * Pod management policy of a tier: Parallel for every tier. It is immutable on a StatefulSet
 * (changing it replaces the StatefulSet), so it is derived, never a user setting.
 *
 * Under OrderedReady a pod is created only once every lower ordinal is Ready. That is wrong for
 * every tier here: meta and engine pods must come up together (every node needs an alive engine
 * node before it finishes starting, and engine nodes need the meta quorum), a cold restart must
 * not wait for pod 0 to be schedulable, and a rolling update must not stall on one Pending pod.
 * What OrderedReady used to give the meta tier (only pod 0 ever bootstraps Raft) is the bootstrap
 * gate's job (see bootstrap-gate.ts), and the gate does it also when pod 0 lost its volume.
 */
export const POD_MANAGEMENT_POLICY = "Parallel";

/** Voters needed for a Raft majority. */
export function quorum(voters: number): number {
  return Math.floor(voters / 2) + 1;
}
