// Restore scenarios: volume snapshots of a running cluster, the cluster lost, its claims
// pre-created from a snapshot set under the names the StatefulSets claim, then `pulumi up` of the
// same program (docs/BACKUP.md, "Restore in the lifecycle model"). What restored volumes are held
// to comes from RobustMQ v0.4.11 and openraft 0.9.24: a node with Raft state on its volume
// recovers it and never bootstraps (meta-service raft/manager.rs:172-186); every RocksDB write is
// unsynced (raft/store/log.rs:264, no WriteOptions anywhere), so a crash-consistent snapshot is a
// prefix that misses the last seconds; a vote goes only to a candidate whose last log id is at
// least the voter's (openraft engine_impl.rs:313-327); a follower whose log went back is
// re-replicated, not refused (feature loosen-follower-log-revert).
//
// What the model keeps on a data volume, and so what a snapshot copies: the Raft cluster id
// (`_rocksdb/model-raft-state`), the Raft log as one line per entry (`_rocksdb/model-raft-log`,
// written only under a write load), the gate's membership marker (`logs/raft-membership.log`) and
// the logger's files. It keeps no votes or terms, no engine records or offsets, no Raft snapshot
// files and one log per cluster (RobustMQ runs a Raft group per metadata, offset and data shard,
// each electing on its own), so the double vote of a reverted vote (a member restored into a
// running cluster), a meta/engine skew between volumes snapshotted apart and groups ending at
// different points in time are outside it. Nor does it keep openraft's leader lease: a restarted
// node with a committed vote refuses votes for election_timeout_max (20 s) after its start
// (engine_impl.rs:296-309), while the model elects ELECTION_TIMEOUT after a majority is up, so its
// times to Ready after a restore (as after a cold restart) are a few seconds short.
import { strict as assert } from "assert";
import { DATA_MOUNT_PATH, MEMBERSHIP_LOG, MEMBERSHIP_LOG_FILE } from "../../components/rmq/versions";
import type { Deployment } from "./objects";
import { podsOfTier, podSummary, TierInfo, tiers } from "./inspect";
import { PulumiUp } from "./pulumi";
import { lastLogIndex, RAFT_LOG_FILE } from "./robustmq";
import { majority, RaftCluster } from "./raft";
import { createCluster, Outcome, outcome, pulumiResult, settled } from "./scenarios";
import type { Shape } from "./shapes";
import { below } from "./util";
import { Claim, Volume } from "./volumes";
import { Pod, STEP_SECONDS, World } from "./world";

/** The write load while the cluster runs: one Raft entry a second, so entries lost read as seconds. */
export const WRITES_PER_SECOND = 1;
/**
 * The longest a write stays unsynced: Linux writes dirty pages back after
 * vm.dirty_expire_centisecs (30 s by default), and RocksDB syncs nothing itself at v0.4.11.
 */
export const UNSYNCED_LAG_MAX = 30;
/** Seconds of load before the first snapshot: entries on every volume, the cluster in steady state. */
const WARM_UP = 60;
/** A restore is one `pulumi up`: every StatefulSet within Pulumi's 10-minute await. */
export const RESTORE_BOUND = 600;
/** Beyond Pulumi's await: a restore still not Ready then never converges by itself. */
const RESTORE_LIMIT = 660;
/** One lost member, restored or rejoined: recreated, plus an election when it led. */
export const MEMBER_BOUND = 180;
/** Ages of the members' snapshots in a mixed set, by meta ordinal: seconds to minutes apart. */
export const MIXED_OFFSETS = [0, 20, 90, 150, 240];
/** The snapshot schedule the RPO is measured for: a set every S, taking D, each snapshot lagging L. */
export const RPO_SCHEDULE = { every: 300, duration: 30, lag: UNSYNCED_LAG_MAX };

/** The scenarios' names, as the rows (and the docs' figures) carry them. */
export const RESTORE_SCENARIOS = {
  oneSet: "restore: one snapshot set",
  mixed: "restore: snapshots of mixed ages",
  memberRestored: "one meta member lost: restored from its snapshot",
  memberRejoined: "one meta member lost: leave, wipe, rejoin",
  memberRestoredOutage: "one meta member lost amid an outage: restored from its snapshot",
  memberRejoinedOutage: "one meta member lost amid an outage: leave, wipe, rejoin",
  noMarker: "restore: no marker on every meta volume",
  noMarkerPod0: "restore: no marker on meta pod 0",
  rpo: `restore: RPO, snapshots every ${RPO_SCHEDULE.every} s taking ${RPO_SCHEDULE.duration} s, ${RPO_SCHEDULE.lag} s unsynced`,
};

const MARKER_ON_VOLUME = below(DATA_MOUNT_PATH, MEMBERSHIP_LOG_FILE) as string;

/** A VolumeSnapshot of a claim's volume, as restoring a claim from it gives it back. */
export interface VolumeSnapshot {
  claim: string;
  namespace: string;
  storageClassName?: string;
  requested: number;
  takenAt: number;
  /** Seconds of writes the snapshot misses: those still in the page cache when it was taken. */
  lag: number;
  volume: Volume;
  /** Index of the last Raft entry it holds (0: none: not a meta volume, or no load). */
  lastLog: number;
  clusterId?: string;
  marker: boolean;
}

/**
 * A crash-consistent snapshot of `claim` now: the volume as a power cut would leave it, i.e.
 * RocksDB's consistent prefix of its writes up to `lag` seconds ago (the Raft log's lines written
 * since are dropped). The cluster id and the marker are written once, when the member joins, so
 * the model copies them as they are (a snapshot within `lag` of a join could miss them; no
 * scenario takes one then).
 */
export function takeSnapshot(w: World, claim: Claim, lag: number): VolumeSnapshot {
  const v = new Volume(`snapshot:${claim.name}@${w.t}`);
  for (const d of claim.volume.dirs) {
    v.dirs.add(d);
  }
  for (const [path, text] of claim.volume.files) {
    if (path.endsWith(RAFT_LOG_FILE)) {
      const synced = text.split("\n").filter((l) => l !== "" && Number(l.split(" ")[1]) <= w.t - lag);
      v.files.set(path, synced.map((l) => `${l}\n`).join(""));
    } else {
      v.files.set(path, text);
    }
  }
  const file = (suffix: string) => [...v.files.entries()].find(([p]) => p.endsWith(suffix))?.[1];
  return {
    claim: claim.name,
    namespace: claim.namespace,
    storageClassName: claim.storageClassName,
    requested: claim.requested,
    takenAt: w.t,
    lag,
    volume: v,
    lastLog: lastLogIndex(file(RAFT_LOG_FILE)),
    clusterId: file("_rocksdb/model-raft-state")?.trim() || undefined,
    marker: (v.files.get(MARKER_ON_VOLUME) ?? "").includes(MEMBERSHIP_LOG.line),
  };
}

/**
 * A claim created from `snap` before any pod claims it (unbound: WaitForFirstConsumer provisions
 * the restored volume where the pod lands). `withoutMarker`: the volume as a backup that left the
 * membership log out would give it.
 */
export function restoreClaim(w: World, snap: VolumeSnapshot, withoutMarker = false): void {
  const v = new Volume(`pvc:${snap.claim}`);
  for (const d of snap.volume.dirs) {
    v.dirs.add(d);
  }
  for (const [path, text] of snap.volume.files) {
    if (!(withoutMarker && path === MARKER_ON_VOLUME)) {
      v.files.set(path, text);
    }
  }
  w.claims.set(`${snap.namespace}/${snap.claim}`, {
    name: snap.claim,
    namespace: snap.namespace,
    storageClassName: snap.storageClassName,
    requested: snap.requested,
    capacity: snap.requested,
    volume: v,
    bound: false,
  });
}

/** The cluster is gone: every pod, claim and object (a lost Kubernetes cluster or namespace). */
export function loseEverything(w: World): void {
  for (const p of [...w.pods.values()]) {
    w.deletePod(p, { force: true });
  }
  w.claims.clear();
  w.objects.clear();
  w.statefulSets.clear();
  w.autoscalers.clear();
}

export interface RestoreFigures {
  /** Raft clusters bootstrapped since the restore began (0: the restored cluster recovered). */
  bootstrapsAfter: number;
  /** Restored meta volumes by pod: last log index, cluster id, marker. */
  restored: Array<{ pod: string; lastLog: number; clusterId?: string; marker: boolean; takenAt: number; lag: number }>;
  /** Last entry the cluster had accepted when it was lost. */
  headAtLoss: number;
  /** The first leader after the restore, and its log then: what the cluster goes on from. */
  winner?: { pod: string; log: number; rank: string };
  /** Entries (= seconds of writes) the restored cluster does not have. */
  lostSeconds?: number;
}

export interface RestoreOutcome extends Outcome {
  restore: RestoreFigures;
}

function metaTier(d: Deployment): TierInfo {
  const t = tiers(d).find((x) => x.roles.includes("meta"));
  if (t === undefined) {
    throw new Error("no meta-carrying tier");
  }
  return t;
}

function claimOf(w: World, p: Pod): Claim {
  const c = [...w.claims.values()].find((x) => x.namespace === p.namespace && x.name === `data-${p.name}`);
  if (c === undefined) {
    throw new Error(`no data claim for ${p.name}`);
  }
  return c;
}

/** The program's data claims, meta-carrying tiers first, by ordinal: the order a set is taken in. */
function dataClaims(w: World, d: Deployment): Array<{ claim: Claim; pod: Pod; meta: boolean }> {
  return tiers(d)
    .sort((a, b) => Number(b.roles.includes("meta")) - Number(a.roles.includes("meta")))
    .flatMap((t) => podsOfTier(w, t).map((pod) => ({ claim: claimOf(w, pod), pod, meta: t.roles.includes("meta") })));
}

function theCluster(w: World): RaftCluster {
  const [c] = [...w.raft.clusters.values()];
  return c;
}

/** A created cluster under the write load for WARM_UP seconds. */
function running(shape: Shape, d: Deployment, seed: number): World {
  const c = createCluster(shape, d, seed);
  if (!c.converged) {
    throw new Error(`${shape.label}: creation did not converge: ${podSummary(c.w)}`);
  }
  c.w.raft.writesPerSecond = WRITES_PER_SECOND;
  c.w.run(WARM_UP);
  return c.w;
}

/** The first leader any cluster has from now on, with its log at that moment. */
function watchFirstLeader(w: World): { get(): { id: string; pod: string; log: number } | undefined } {
  let first: { id: string; pod: string; log: number } | undefined;
  const observe = (x: World) => {
    if (first !== undefined) {
      return;
    }
    for (const c of x.raft.clusters.values()) {
      if (c.leader !== undefined) {
        const pod = [...x.pods.values()].find((p) => p.proc?.running && p.proc.clusterId === c.id && p.proc.cfg.brokerId === c.leader);
        first = { id: c.leader, pod: pod?.name ?? `broker ${c.leader}`, log: pod?.proc?.lastLog ?? Math.floor(c.head) };
        x.observers.splice(x.observers.indexOf(observe), 1);
        return;
      }
    }
  };
  w.observers.push(observe);
  return { get: () => first };
}

/** "2nd newest of 3": where `log` ranks among the restored logs (ties share the better rank). */
function rank(log: number, logs: number[]): string {
  const newer = logs.filter((l) => l > log).length;
  const ord = ["newest", "2nd newest", "3rd newest", "4th newest", "5th newest"][newer] ?? `${newer + 1}th newest`;
  return `${ord} of ${logs.length}`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * The cluster lost now; the claims of `set` pre-created, then `pulumi up` of `d`, until it is done
 * and every pod Ready (or RESTORE_LIMIT). Writes stop with the loss (clients come back later; the
 * write load is not part of the recovery time).
 */
function restoreSet(shape: Shape, scenario: string, w: World, d: Deployment, set: Array<{ snap: VolumeSnapshot; pod: string; meta: boolean }>, withoutMarker: (pod: string) => boolean = () => false): RestoreOutcome {
  const headAtLoss = Math.floor(theCluster(w).head);
  w.raft.writesPerSecond = 0;
  loseEverything(w);
  w.run(5);
  for (const s of set) {
    restoreClaim(w, s.snap, s.meta && withoutMarker(s.pod));
  }
  const t0 = w.t;
  const leader = watchFirstLeader(w);
  const up = new PulumiUp(w, d);
  const ok = w.runUntil(() => up.finished && (!up.succeeded || settled(w)), RESTORE_LIMIT) && up.succeeded;
  const restored = set
    .filter((s) => s.meta)
    .map((s) => ({
      pod: s.pod,
      lastLog: s.snap.lastLog,
      clusterId: s.snap.clusterId,
      marker: s.snap.marker && !withoutMarker(s.pod),
      takenAt: s.snap.takenAt,
      lag: s.snap.lag,
    }));
  const first = leader.get();
  const logs = restored.map((r) => r.lastLog);
  const figures: RestoreFigures = {
    bootstrapsAfter: w.events.filter((e) => e.t >= t0 && e.kind === "raft-bootstrapped").length,
    restored,
    headAtLoss,
    winner: first === undefined ? undefined : { pod: first.pod, log: first.log, rank: rank(first.log, logs) },
    lostSeconds: first === undefined ? undefined : (headAtLoss - first.log) / WRITES_PER_SECOND,
  };
  const stuck = [...w.pods.values()].filter((p) => !p.initDone).map((p) => p.name);
  const metaPods = new Set(restored.map((r) => r.pod));
  const gates = w.events.filter((e) => e.t >= t0 && e.kind === "gate-passed" && metaPods.has(e.pod)).map((e) => `${e.pod} on ${e.detail}`);
  const o = outcome(shape, scenario, w, RESTORE_BOUND, ok, t0, { pulumi: pulumiResult(up) });
  o.notes.push(...(stuck.length > 0 ? [`held in init: ${stuck.join(", ")}`] : []), `gates passed: ${gates.join("; ") || "none"}`, describeRestore(figures));
  return { ...o, restore: figures };
}

export function describeRestore(f: RestoreFigures): string {
  const vols = f.restored.map((r) => `${r.pod}: log ${r.lastLog}${r.marker ? "" : ", no marker"}${r.clusterId === undefined ? ", no Raft state" : ""}`).join("; ");
  const winner = f.winner === undefined ? "no leader" : `leader ${f.winner.pod} (log ${f.winner.log}, ${f.winner.rank})`;
  return `restored meta volumes [${vols}]; head at loss ${f.headAtLoss}; ${winner}; ${f.bootstrapsAfter} bootstrap(s) after the restore${f.lostSeconds === undefined ? "" : `; ${f.lostSeconds} s of writes lost`}`;
}

/** (a) Every volume snapshotted at one instant (each with its own unsynced lag), then restored. */
export async function restoreOneSet(shape: Shape, seed = 1): Promise<RestoreOutcome> {
  const d = await shape.render();
  const w = running(shape, d, seed);
  const set = dataClaims(w, d).map((x) => ({ snap: takeSnapshot(w, x.claim, w.latency(0, UNSYNCED_LAG_MAX)), pod: x.pod.name, meta: x.meta }));
  w.run(30);
  return restoreSet(shape, RESTORE_SCENARIOS.oneSet, w, d, set);
}

/**
 * (b) The meta members snapshotted seconds to minutes apart (MIXED_OFFSETS, pod 0 the oldest:
 * the model breaks election ties by the lowest id, so an oldest pod 0 shows whether the log
 * decides), the other volumes with the last meta one.
 */
export async function restoreMixedAges(shape: Shape, seed = 1): Promise<RestoreOutcome> {
  const d = await shape.render();
  const w = running(shape, d, seed);
  const claims = dataClaims(w, d);
  const meta = claims.filter((x) => x.meta);
  const set: Array<{ snap: VolumeSnapshot; pod: string; meta: boolean }> = [];
  const start = w.t;
  meta.forEach((x, i) => {
    w.run(start + MIXED_OFFSETS[i] - w.t);
    set.push({ snap: takeSnapshot(w, x.claim, w.latency(0, UNSYNCED_LAG_MAX)), pod: x.pod.name, meta: true });
  });
  for (const x of claims.filter((c) => !c.meta)) {
    set.push({ snap: takeSnapshot(w, x.claim, w.latency(0, UNSYNCED_LAG_MAX)), pod: x.pod.name, meta: false });
  }
  w.run(30);
  return restoreSet(shape, RESTORE_SCENARIOS.mixed, w, d, set);
}

/** (d) One set restored with the gate's marker missing on the meta volumes of `pods` (Raft state kept). */
export async function restoreWithoutMarker(shape: Shape, which: "every meta volume" | "meta pod 0", seed = 1): Promise<RestoreOutcome> {
  const d = await shape.render();
  const w = running(shape, d, seed);
  const set = dataClaims(w, d).map((x) => ({ snap: takeSnapshot(w, x.claim, w.latency(0, UNSYNCED_LAG_MAX)), pod: x.pod.name, meta: x.meta }));
  w.run(30);
  const pod0 = podsOfTier(w, metaTier(d))[0].name;
  const scenario = which === "every meta volume" ? RESTORE_SCENARIOS.noMarker : RESTORE_SCENARIOS.noMarkerPod0;
  return restoreSet(shape, scenario, w, d, set, (pod) => which === "every meta volume" || pod === pod0);
}

/**
 * (e) RPO: a set every S taking D (the meta volumes first, each lagging L); the cluster lost just
 * before the second set completes, so the first is the last complete one.
 */
export async function restoreRpo(shape: Shape, seed = 1): Promise<RestoreOutcome> {
  const { every, duration, lag } = RPO_SCHEDULE;
  const d = await shape.render();
  const w = running(shape, d, seed);
  const claims = dataClaims(w, d);
  const start = w.t;
  const first = claims.map((x, i) => {
    w.run(start + (claims.length === 1 ? 0 : (duration * i) / (claims.length - 1)) - w.t);
    return { snap: takeSnapshot(w, x.claim, lag), pod: x.pod.name, meta: x.meta };
  });
  // The next set starts at start + S; its last snapshot would complete it at start + S + D.
  w.run(start + every + duration - STEP_SECONDS - w.t);
  return restoreSet(shape, RESTORE_SCENARIOS.rpo, w, d, first);
}

export interface MemberOutcome extends Outcome {
  /** Entries the member's volume went back (procedure i) or lost with the wipe (ii). */
  reverted: number;
  /** Largest drop of the cluster's accepted head after the event: committed entries lost. */
  headDrop: number;
  /** How the member's Raft started after the event: recovered, joined, bootstrapped. */
  rejoinedAs: string[];
}

/** How long the leader's node is down in the outage variant of (c). */
export const OUTAGE_SECONDS = 180;

/**
 * (c) A meta member lost from a running cluster under load, its volume with it; then (i) its claim
 * re-created from a snapshot taken 60 s before, or (ii) the safe procedure: once the cluster has a
 * leader (a leave is a membership change), a forced leave (its process is down but still
 * registered), the volume wiped, the pod recreated to join as an empty node. Timed from the loss;
 * the operator's own delays are not in it.
 * - Plain: the member is meta pod 0, the leader, the worst one to lose.
 * - `amidOutage`: the case openraft's FAQ warns about. The members from the majority-th ordinal up
 *   are down (the pod held) from the snapshot on, so the 60 s of entries after it are committed by
 *   the others alone, pod 1 among them; then pod 1 is lost while the leader (pod 0) and the other
 *   up-to-date members are down for OUTAGE_SECONDS. Restored, pod 1 and the lagging members are a
 *   majority without one copy of those entries.
 */
export async function lostMember(shape: Shape, procedure: "restored from its snapshot" | "leave, wipe, rejoin", amidOutage = false, seed = 1): Promise<MemberOutcome> {
  const restoring = procedure === "restored from its snapshot";
  const scenario = amidOutage
    ? restoring
      ? RESTORE_SCENARIOS.memberRestoredOutage
      : RESTORE_SCENARIOS.memberRejoinedOutage
    : restoring
      ? RESTORE_SCENARIOS.memberRestored
      : RESTORE_SCENARIOS.memberRejoined;
  const bound = amidOutage ? OUTAGE_SECONDS + MEMBER_BOUND : MEMBER_BOUND;
  const d = await shape.render();
  const w = running(shape, d, seed);
  const c = theCluster(w);
  assert.ok(c.voters.size >= 3, `${shape.label}: needs 3+ meta voters`);
  const metaPods = podsOfTier(w, metaTier(d));
  const n = majority(c.voters.size);
  const pod = metaPods[amidOutage ? 1 : 0];
  const id = w.processOf(pod)?.cfg.brokerId as string;
  const snap = takeSnapshot(w, claimOf(w, pod), w.latency(0, UNSYNCED_LAG_MAX));
  const notes: string[] = [];
  if (amidOutage) {
    assert.equal(c.leader, w.processOf(metaPods[0])?.cfg.brokerId, `${shape.label}: precondition: meta pod 0 leads`);
    for (const p of metaPods.slice(n)) {
      w.holdPod(p, 60);
    }
    notes.push(`${metaPods.slice(n).map((p) => p.name).join(", ")} down for the 60 s after the snapshot`);
  }
  w.run(60);
  let minHead = Infinity;
  const t0 = w.t;
  const headAtLoss = Math.floor(c.head);
  const watch = (x: World) => {
    if (x.t > t0) {
      minHead = Math.min(minHead, Math.floor(theCluster(x).head));
    }
  };
  w.observers.push(watch);
  if (amidOutage) {
    const down = metaPods.slice(0, n).filter((p) => p !== pod);
    for (const p of down) {
      w.holdPod(w.pod(p.name), OUTAGE_SECONDS);
    }
    notes.push(`${down.map((p) => p.name).join(", ")} down for ${OUTAGE_SECONDS} s from the loss`);
  }
  const claim = claimOf(w, pod);
  let reverted: number;
  let ok: boolean;
  if (restoring) {
    w.deletePod(pod, { force: true });
    w.claims.delete(`${claim.namespace}/${claim.name}`);
    restoreClaim(w, snap);
    reverted = headAtLoss - snap.lastLog;
    notes.push(`${pod.name}'s volume went back ${reverted} entries it had acknowledged`);
    ok = w.runUntil(() => settled(w), 1200);
  } else {
    w.holdPod(pod, 1200);
    ok = w.runUntil(() => c.leader !== undefined, OUTAGE_SECONDS + 120);
    if (ok) {
      // POST /api/cluster/node/leave {force}: refused while a shard has 2 voters or fewer.
      assert.ok(c.voters.size > 2, "leave refused: 2 voters or fewer");
      c.voters.delete(id);
      c.nodes.delete(id);
      const leaderPod = [...w.pods.values()].find((p) => w.processOf(p)?.cfg.brokerId === c.leader)?.name;
      notes.push(`${pod.name} left at +${w.t - t0} s, once ${leaderPod ?? c.leader} led`);
      w.claims.delete(`${claim.namespace}/${claim.name}`);
      w.deletePod(w.pod(pod.name), { force: true });
      reverted = headAtLoss;
      ok = w.runUntil(() => settled(w), 1200);
    } else {
      reverted = 0;
    }
  }
  w.observers.splice(w.observers.indexOf(watch), 1);
  const rejoinedAs = w.events.filter((e) => e.t >= t0 && e.pod === pod.name && /^raft-/.test(e.kind)).map((e) => e.kind);
  const headDrop = Math.max(0, headAtLoss - minHead);
  notes.push(`${pod.name}'s Raft: ${rejoinedAs.join(", ") || "never started"}; the cluster's head dropped by ${headDrop} entries`);
  const o = outcome(shape, scenario, w, bound, ok, t0);
  return { ...o, notes: [...notes, ...o.notes], reverted, headDrop, rejoinedAs };
}
