import { Spread, TierArgs, TierName, Topology } from "./args";

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
const META = tier("meta", ["meta"], 1, {
  replicas: 3,
  storageSize: "5Gi",
  requests: { cpu: "250m", memory: "512Mi" },
  limits: { memory: "1Gi" },
});
const BROKER = tier("broker", ["broker"], 2, {
  replicas: 2,
  storageSize: "2Gi",
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { memory: "2Gi" },
});
const ENGINE = tier("engine", ["engine"], 3, {
  replicas: 2,
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
 * Pod management policy of a tier. It is immutable on a StatefulSet: changing it means
 * replacing the StatefulSet, so it is derived from the tier, never a user setting.
 *
 * - meta (split): OrderedReady. Pods start one at a time and a meta-only pod is Ready as soon as
 *   its gRPC port listens, before quorum. So on creation meta-0 bootstraps alone and every later
 *   pod finds it and joins (no second Raft cluster), and on a cold restart pod 0 becomes Ready
 *   without waiting for its peers (no deadlock).
 * - combined: Parallel. Its pods carry the broker role, which is Ready only once quorum exists;
 *   under OrderedReady pod 0 would wait for peers that are never started. Split brain on
 *   creation is prevented instead by the bootstrap gate init container (see bootstrap-gate.ts).
 * - broker, engine: Parallel. They never bootstrap Raft; they only connect to meta.
 */
export function podManagementPolicy(kind: TierKind, topology: Topology): "OrderedReady" | "Parallel" {
  return topology === "split" && kind.name === "meta" ? "OrderedReady" : "Parallel";
}

/** Voters needed for a Raft majority. */
export function quorum(voters: number): number {
  return Math.floor(voters / 2) + 1;
}
