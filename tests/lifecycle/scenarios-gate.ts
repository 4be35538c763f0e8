// Scenarios aimed at the bootstrap gate and Raft bootstrap (one meta-carrying tier of 3+ pods).
// Each runs on the component's objects (it must hold) and on a wrong variant (it must fail).
import type { Deployment } from "./objects";
import { allReady, podsOfTier, podSummary, serves, tiers } from "./inspect";
import { createCluster, Outcome } from "./scenarios";
import type { Shape } from "./shapes";
import type { Pod, World } from "./world";

const LIMIT = 1200;

function result(shape: Shape, scenario: string, w: World, ok: boolean, t0: number, bound: number, notes: string[] = []): Outcome {
  return {
    shape: shape.label,
    scenario,
    converged: ok,
    seconds: ok ? w.t - t0 : undefined,
    bound,
    bootstraps: w.raft.clusters.size,
    clusterIdsOnVolumes: w.clusterIdsOnVolumes().size,
    majority: "n/a",
    crashes: w.events.filter((e) => e.t >= t0 && e.kind === "exit").length,
    notes: [...notes, ...(ok ? [] : [podSummary(w)])],
    world: w,
  };
}

function metaPods(w: World, d: Deployment): Pod[] {
  const t = tiers(d).find((x) => x.roles.includes("meta"));
  if (t === undefined) {
    throw new Error("no meta-carrying tier");
  }
  return podsOfTier(w, t);
}

function claimOf(w: World, p: Pod) {
  return [...w.claims.values()].find((c) => c.namespace === p.namespace && c.name.endsWith(`-${p.name}`));
}

function created(shape: Shape, d: Deployment, seed: number): World {
  const c = createCluster(shape, d, seed);
  if (!c.converged) {
    throw new Error(`${shape.label}: creation did not converge: ${podSummary(c.w)}`);
  }
  return c.w;
}

/**
 * Cold restart (every pod deleted at once) while meta pod 0 cannot be scheduled: every node of
 * the zone its volume is bound to is cordoned. Converged when every other pod is Ready.
 */
export function coldRestartPod0Unschedulable(shape: Shape, d: Deployment, seed = 1): Outcome {
  const scenario = "cold restart, pod 0 unschedulable";
  const w = created(shape, d, seed);
  const [pod0, ...peers] = metaPods(w, d);
  const zone = claimOf(w, pod0)?.zone as string;
  if (peers.some((p) => w.nodes.get(p.node as string)?.zone === zone)) {
    throw new Error(`${shape.label}: a peer of pod 0 shares its zone ${zone}; the scenario needs them apart`);
  }
  for (const n of w.nodes.values()) {
    n.unschedulable = n.zone === zone;
  }
  const t0 = w.t;
  for (const p of [...w.pods.values()]) {
    w.deletePod(p, { force: true });
  }
  const others = () => [...w.pods.values()].filter((p) => p.name !== pod0.name);
  const ok = w.runUntil(() => others().length > 0 && others().every((p) => p.ready) && serves(w), LIMIT);
  const stuck = others().filter((p) => !p.initDone).map((p) => p.name);
  return result(shape, scenario, w, ok, t0, 300, stuck.length > 0 ? [`held in init: ${stuck.join(", ")}`] : []);
}

/** Cold restart where meta pod 0 comes back on an empty volume (its claim was lost). */
export function coldRestartPod0Wiped(shape: Shape, d: Deployment, seed = 1): Outcome {
  const scenario = "cold restart, pod 0 on an empty volume";
  const w = created(shape, d, seed);
  const [pod0] = metaPods(w, d);
  const claim = claimOf(w, pod0);
  const t0 = w.t;
  for (const p of [...w.pods.values()]) {
    w.deletePod(p, { force: true });
  }
  if (claim !== undefined) {
    w.claims.delete(`${claim.namespace}/${claim.name}`);
  }
  const ok = w.runUntil(() => allReady(w) && serves(w), LIMIT);
  return result(shape, scenario, w, ok, t0, 300);
}

/**
 * A fresh meta pod other than 0 (the last one, its volume lost, in a cold restart) passes its gate,
 * and then its join fails: the peer the gate passed on stops (its containers killed, volume kept)
 * right after the gate lets the pod through and before RobustMQ starts, so the remaining peers
 * have no Raft majority (the fresh pod is a voter that is not running) and the first that answers
 * on gRPC has no leader. Then every peer is down for 120 s and, while no peer answers, the fresh
 * pod comes back: recreated (`recreate`: init containers run again) or by a container restart (no
 * init container runs).
 */
export function joinFailsThenAlone(shape: Shape, d: Deployment, recreate: boolean, seed = 1): Outcome {
  const scenario = recreate ? "failed join, pod recreated while peers down" : "failed join, container restarts while peers down";
  const w = created(shape, d, seed);
  const pods = metaPods(w, d);
  const fresh = pods[pods.length - 1];
  const peers = pods.slice(0, -1).map((p) => p.name);
  const claim = claimOf(w, fresh);
  const t0 = w.t;
  for (const p of [...w.pods.values()]) {
    w.deletePod(p, { force: true });
  }
  if (claim !== undefined) {
    w.claims.delete(`${claim.namespace}/${claim.name}`);
  }
  const notes: string[] = [];
  const gatePassed = () => w.events.find((e) => e.t >= t0 && e.pod === fresh.name && e.kind === "gate-passed");
  if (!w.runUntil(() => gatePassed() !== undefined, 300)) {
    return result(shape, scenario, w, false, t0, 400, ["precondition not met: the fresh pod's gate never let it through"]);
  }
  // The peer whose answer let the gate pass (its address starts with "<pod name>."), else every peer.
  const passedOn = (gatePassed() as { detail: string }).detail;
  const stopped = peers.filter((n) => passedOn.startsWith(`${n}.`));
  for (const n of stopped.length > 0 ? stopped : peers) {
    w.holdPod(w.pod(n), 120);
  }
  notes.push(`gate passed on ${passedOn || "?"}; stopped ${(stopped.length > 0 ? stopped : peers).join(", ")} at once`);
  const failedJoin = () => w.events.find((e) => e.t >= t0 && e.pod === fresh.name && e.kind === "join-failed");
  const joinedOrBooted = () => w.events.some((e) => e.t >= t0 && e.pod === fresh.name && (e.kind === "raft-joined" || e.kind === "raft-bootstrapped"));
  if (!w.runUntil(() => failedJoin() !== undefined || joinedOrBooted(), 60) || failedJoin() === undefined) {
    return result(shape, scenario, w, false, t0, 400, [...notes, "precondition not met: the fresh pod's join never failed"]);
  }
  notes.push(`join failed: ${(failedJoin() as { detail: string }).detail}`);
  for (const n of peers) {
    w.holdPod(w.pod(n), 120);
  }
  if (recreate) {
    w.deletePod(w.pod(fresh.name), { force: true });
  }
  const ok = w.runUntil(() => allReady(w) && serves(w), LIMIT);
  return result(shape, scenario, w, ok, t0, 400, notes);
}
