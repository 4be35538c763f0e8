// Which StatefulSets a cluster has and which RobustMQ roles each runs. One broker-server binary
// takes any of the roles meta (Raft metadata), broker (protocol listeners) and engine (storage).

/** How the cluster's pods are laid out. */
export const Topology = {
  /** One StatefulSet; every pod runs the meta, broker and engine roles. */
  Combined: "combined",
  /** Separate meta (Raft voters, also engine nodes), broker and engine StatefulSets. */
  Split: "split",
} as const;
export type Topology = (typeof Topology)[keyof typeof Topology];

/** One StatefulSet of the cluster. */
export const TierName = {
  Combined: "combined",
  Meta: "meta",
  Broker: "broker",
  Engine: "engine",
} as const;
export type TierName = (typeof TierName)[keyof typeof TierName];

export type Role = "meta" | "broker" | "engine";

/** What a tier is, whatever the user sets. */
export interface TierKind {
  name: TierName;
  roles: Role[];
  /** First digit of every broker id in the tier (see identity.ts). */
  idPrefix: number;
}

const COMBINED: TierKind = { name: "combined", roles: ["meta", "broker", "engine"], idPrefix: 1 };
// The meta pods carry the engine role too. Every node exits at start-up while no engine node is
// registered, and a meta-only pod reaches that check as soon as its Raft group works, racing the
// engine pods to it: a meta pod that loses restarts, and while it is down a joining meta pod's join
// fails, and that pod's container restarts without passing the bootstrap gate again (init
// containers do not re-run), finds no peer and bootstraps a second cluster. A meta pod that is an
// engine node registers itself before that check and never crashes for want of an engine. It also
// serves the storage port once registered, the signal the gate waits for. The price: topic
// replicas are placed on meta pods as on engine pods, so meta volumes hold topic data.
const META: TierKind = { name: "meta", roles: ["meta", "engine"], idPrefix: 1 };
const BROKER: TierKind = { name: "broker", roles: ["broker"], idPrefix: 2 };
const ENGINE: TierKind = { name: "engine", roles: ["engine"], idPrefix: 3 };

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

export function carriesEngine(kind: { roles: Role[] }): boolean {
  return kind.roles.includes("engine");
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
 * gate's job (see workload/bootstrap-gate.ts), and the gate does it also when pod 0 lost its volume.
 */
export const POD_MANAGEMENT_POLICY = "Parallel";

/** Voters needed for a Raft majority. */
export function quorum(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/** Replicas a topic gets unless extraConfig says otherwise: three copies where the engine nodes allow it. */
export const DEFAULT_TOPIC_REPLICAS = 3;

/**
 * Most replicas a topic may have with `engines` engine-role pods. RobustMQ creates a topic and rolls
 * every new segment only while `replica_num` engine nodes are alive, and the disruption budgets
 * let one pod per tier go down at a time: so one engine node must be spare (a single engine node
 * can hold only one replica, and topics then stop while it is down).
 */
export function topicReplicaLimit(engines: number): number {
  return Math.max(1, engines - 1);
}
