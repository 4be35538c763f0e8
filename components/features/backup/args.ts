// Backup and restore arguments: validation (every problem at once, naming the field), the claims
// that hold state, and the set manifest, which a restore compares with the one its own arguments
// would produce. What the manifest holds, and why a restore refuses any difference, comes from
// RobustMQ v0.4.11's source: the Raft state on each volume stores the members' ids and addresses
// (meta_addrs) and nothing rewrites them; the Raft group shards are named "<group>_<i>" and only
// the first is checked at start.
import type { RobustMQClusterArgs } from "../../api/args";
import type { ResolvedBackup, ResolvedCluster, ResolvedRestore, SnapshottedClaim } from "../../api/model";
import { dataClaimName } from "../../api/naming";
import { sectionValues } from "../../rmq/config/dynamic";
import { pinTableDefaults } from "../../rmq/config/table-defaults";
import { brokerId, metaAddrs } from "../../rmq/identity";
import { carriesEngine, carriesMeta, TierName, Topology } from "../../rmq/topology";
import { show } from "../../validate/problems";
import { isRecord, Problems, validateDnsSubdomain, validateFields, validateImageReference, validateInteger } from "../../validate/values";
import { DEFAULT_SYNC_IMAGE, isCronSchedule } from "../runtime-sync/args";

export const DEFAULT_BACKUP_SCHEDULE = "0 */6 * * *";
export const DEFAULT_BACKUP_RETAIN = 7;
export const DEFAULT_BACKUP_TIMEOUT_SECONDS = 600;
/** The backup program writes one of these per run: the UTC time, DNS-safe ("20261205t100000z"). */
export const SNAPSHOT_SET_PATTERN = /^[0-9]{8}t[0-9]{6}z$/;
export const MANIFEST_VERSION = 1;

const BACKUP_FIELDS = ["volumeSnapshotClassName", "schedule", "retain", "timeoutSeconds", "image"];
const RESTORE_FIELDS = ["snapshotSet", "manifest"];

/** What a snapshot set was taken of: everything a restore must find again. */
export interface SetManifest {
  version: number;
  /** The component's name. */
  cluster: string;
  namespace: string;
  clusterName: string;
  clusterDomain: string;
  topology: Topology;
  grpcPort: number;
  tiers: Partial<Record<TierName, { statefulSet: string; replicas: number; ids: number[] }>>;
  /** meta_addrs as server.toml writes it. */
  metaAddrs: Record<string, string>;
  /** meta_runtime.offset_raft_group_num and data_raft_group_num as the nodes run them. */
  raftGroups: { offset: number; data: number };
}

function backupProblems(b: unknown): Problems {
  if (!isRecord(b)) {
    return [`backup: must be an object with at least volumeSnapshotClassName, got ${show(b)}`];
  }
  return [
    ...validateFields("backup", b, BACKUP_FIELDS),
    ...(b.volumeSnapshotClassName === undefined
      ? ["backup.volumeSnapshotClassName: required, the VolumeSnapshotClass of the data volumes' CSI driver"]
      : validateDnsSubdomain("backup.volumeSnapshotClassName", b.volumeSnapshotClassName)),
    ...(b.schedule === undefined || isCronSchedule(b.schedule)
      ? []
      : [`backup.schedule: must be a five-field cron schedule of digits, '*', '/', ',' and '-' (e.g. "${DEFAULT_BACKUP_SCHEDULE}"), got ${show(b.schedule)}`]),
    ...(b.retain === undefined ? [] : validateInteger("backup.retain", b.retain, 1, 100)),
    ...(b.timeoutSeconds === undefined ? [] : validateInteger("backup.timeoutSeconds", b.timeoutSeconds, 60, 86400)),
    ...(b.image === undefined ? [] : validateImageReference("backup.image", b.image)),
  ];
}

function restoreShapeProblems(r: unknown): Problems {
  if (!isRecord(r)) {
    return [`restore: must be an object with snapshotSet and manifest, got ${show(r)}`];
  }
  const problems = validateFields("restore", r, RESTORE_FIELDS);
  if (typeof r.snapshotSet !== "string" || !SNAPSHOT_SET_PATTERN.test(r.snapshotSet)) {
    problems.push(`restore.snapshotSet: required, a set id as the backup writes it (label robustmq.io/snapshot-set, e.g. "20261205t100000z"), got ${show(r.snapshotSet)}`);
  }
  if (typeof r.manifest !== "string") {
    problems.push(`restore.manifest: required, the set's manifest JSON (annotation robustmq.io/set-manifest of any snapshot of the set), got ${show(r.manifest)}`);
  } else if (parseManifest(r.manifest) === undefined) {
    problems.push("restore.manifest: is not a JSON object; copy the annotation robustmq.io/set-manifest of a snapshot of the set whole");
  }
  return problems;
}

function parseManifest(text: string): Record<string, any> | undefined {
  try {
    const v = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Problems of `backup` and `restore`, as far as they can be seen without the resolved cluster. */
export function validateBackupArgs(args: Record<string, unknown>): Problems {
  return [...(args.backup === undefined ? [] : backupProblems(args.backup)), ...(args.restore === undefined ? [] : restoreShapeProblems(args.restore))];
}

export function resolveBackup(args: RobustMQClusterArgs): ResolvedBackup | undefined {
  const b = args.backup;
  if (b === undefined) {
    return undefined;
  }
  return {
    volumeSnapshotClassName: b.volumeSnapshotClassName,
    schedule: (b.schedule ?? DEFAULT_BACKUP_SCHEDULE).trim(),
    retain: b.retain ?? DEFAULT_BACKUP_RETAIN,
    timeoutSeconds: b.timeoutSeconds ?? DEFAULT_BACKUP_TIMEOUT_SECONDS,
    image: b.image ?? DEFAULT_SYNC_IMAGE,
  };
}

/** Tiers whose volumes hold state: meta (Raft) and engine (records). Broker-only pods keep nothing durable. */
export function snapshottedTiers<T extends ResolvedCluster["tiers"][number]>(tiers: readonly T[]): T[] {
  return tiers.filter((t) => carriesMeta(t) || carriesEngine(t));
}

/** Every claim a snapshot set takes, in tier then ordinal order. */
export function snapshottedClaims(cluster: Pick<ResolvedCluster, "tiers">): SnapshottedClaim[] {
  return snapshottedTiers(cluster.tiers).flatMap((t) =>
    Array.from({ length: t.replicas }, (_, ordinal) => ({ tier: t.name, ordinal, claim: dataClaimName(t.names.statefulSet, ordinal) })),
  );
}

/** The Raft group counts a node started from the cluster's server.toml runs with. */
function raftGroups(extraConfig: Record<string, unknown>): { offset: number; data: number } {
  const meta = sectionValues(pinTableDefaults(extraConfig)).find((s) => s.section.table === "meta_runtime");
  return { offset: Number(meta?.value.offset_raft_group_num), data: Number(meta?.value.data_raft_group_num) };
}

/** The manifest of a snapshot set of this cluster. Pure. */
export function setManifest(cluster: ResolvedCluster): SetManifest {
  return {
    version: MANIFEST_VERSION,
    cluster: cluster.name,
    namespace: cluster.namespace,
    clusterName: cluster.clusterName,
    clusterDomain: cluster.clusterDomain,
    topology: cluster.topology,
    grpcPort: cluster.ports.grpc,
    tiers: Object.fromEntries(
      snapshottedTiers(cluster.tiers).map((t) => [
        t.name,
        { statefulSet: t.names.statefulSet, replicas: t.replicas, ids: Array.from({ length: t.replicas }, (_, i) => brokerId(t.idPrefix, i)) },
      ]),
    ),
    metaAddrs: metaAddrs(cluster.metaAddresses, cluster.ports.grpc),
    raftGroups: raftGroups(cluster.extraConfig),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Each difference between the manifest a restore was given and the one these arguments produce,
 * named: every one of them is baked into the volumes' state.
 */
export function restoreProblems(cluster: ResolvedCluster, manifestText: string): Problems {
  const given = parseManifest(manifestText);
  if (given === undefined) {
    return ["restore.manifest: is not a JSON object"];
  }
  const own = setManifest(cluster);
  const at = "restore.manifest";
  const was = "the snapshot set was taken of";
  if (given.version !== MANIFEST_VERSION) {
    return [`${at}: manifest version ${show(given.version)}, this package reads version ${MANIFEST_VERSION}`];
  }
  const problems: Problems = [];
  const renamed = given.cluster !== own.cluster || given.namespace !== own.namespace;
  if (renamed) {
    problems.push(
      `${at}: ${was} cluster ${show(given.cluster)} in namespace ${show(given.namespace)}, these arguments make ${show(own.cluster)} in ${show(own.namespace)}: ` +
        "the Raft state on the volumes stores the members' old DNS names and RobustMQ v0.4.11 never rewrites them, so a cluster cannot be restored beside the old one " +
        "under another name or namespace (its members would talk Raft to the old names, or to the old cluster itself while it runs); restore with the same name and namespace",
    );
  }
  for (const [field, what] of [
    ["clusterName", "clusterName"],
    ["clusterDomain", "clusterDomain"],
    ["grpcPort", "gRPC port (ports.grpc)"],
    ["topology", "topology"],
  ] as const) {
    if (!same(given[field], own[field])) {
      problems.push(`${at}: ${was} ${what} ${show(given[field])}, these arguments have ${show(own[field])}: a restore needs the same ${what}`);
    }
  }
  const tiers = new Set([...Object.keys(isRecord(given.tiers) ? given.tiers : {}), ...Object.keys(own.tiers)]);
  for (const tier of tiers) {
    const g = isRecord(given.tiers) ? given.tiers[tier] : undefined;
    const o = own.tiers[tier as TierName];
    if (!isRecord(g) || o === undefined) {
      problems.push(`${at}: ${was} ${g === undefined ? "no" : "a"} ${tier} tier, these arguments have ${o === undefined ? "none" : "one"}: a restore needs the same tiers`);
      continue;
    }
    if (g.replicas !== o.replicas) {
      problems.push(`${at}: ${was} ${tier} replicas ${show(g.replicas)}, these arguments have ${o.replicas}: a restore needs the same pods`);
    } else if (!same(g.ids, o.ids) || (!renamed && g.statefulSet !== o.statefulSet)) {
      problems.push(`${at}: ${was} ${tier} pods ${show(g.statefulSet)} with broker ids ${show(g.ids)}, these arguments make ${show(o.statefulSet)} with ${show(o.ids)}: each volume's Raft and engine state belongs to its broker id`);
    }
  }
  // Implied by a rename or another domain or port: reported once, there.
  if (!renamed && problems.length === 0 && !same(given.metaAddrs, own.metaAddrs)) {
    problems.push(`${at}: ${was} meta_addrs ${show(given.metaAddrs)}, these arguments make ${show(own.metaAddrs)}: the Raft state stores the old addresses`);
  }
  for (const group of ["offset", "data"] as const) {
    const g = isRecord(given.raftGroups) ? given.raftGroups[group] : undefined;
    if (g !== own.raftGroups[group]) {
      problems.push(
        `${at}: ${was} meta_runtime.${group}_raft_group_num ${show(g)}, these arguments have ${own.raftGroups[group]}: ` +
          "the Raft shards are named after their count and only the first is checked at start, so set extraConfig.meta_runtime to the set's value",
      );
    }
  }
  return problems;
}

export function resolveRestore(args: RobustMQClusterArgs): ResolvedRestore | undefined {
  return args.restore === undefined ? undefined : { snapshotSet: args.restore.snapshotSet };
}
