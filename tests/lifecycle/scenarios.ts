// Lifecycle scenarios: each starts from an empty cluster of nodes, runs `pulumi up` of the
// rendered objects, then applies one event and measures how long until every pod is Ready again.
// Bounds (seconds, from the event) and why are below.
import { Deployment, mainContainer } from "./objects";
import { allReady, autoscalersWithinBounds, crashesSince, MajorityWatch, podsOfTier, podSummary, serves, TierInfo, tiers } from "./inspect";
import { PulumiUp, UpOptions } from "./pulumi";
import type { Shape } from "./shapes";
import { EXPANSION_SECONDS, Pod, World } from "./world";

export const BOUNDS = {
  /** Creation: every StatefulSet must pass Pulumi's 10-minute await; the whole `up` within 10 min. */
  create: 600,
  /** Cold restart: Raft recovery, one election (15 s) and start-up, with crash back-off headroom. */
  coldRestart: 300,
  /** Rolling update: one pod at a time, each within Pulumi's await window. */
  rollingUpdate: 600,
  /** Scale-out: new pods join and the changed config rolls every tier, all within one await window. */
  scaleOut: 600,
  /** One pod lost: recreated on its volume, plus an election when it led. */
  podLoss: 180,
  /** Zone loss: the pods that can still run keep (or regain) Ready. */
  zoneLoss: 300,
  /** Engine outage: 60 s down, then the engines re-register; counted from the outage start. */
  engineOutage: 300,
};
/** How long a scenario is simulated before it counts as not converging. */
export const LIMIT = 1500;

export interface Outcome {
  shape: string;
  scenario: string;
  converged: boolean;
  /** Seconds from the event to convergence (undefined: did not converge). */
  seconds?: number;
  bound: number;
  /** Raft clusters bootstrapped over the whole history, and distinct ids on the volumes. */
  bootstraps: number;
  clusterIdsOnVolumes: number;
  /** Majority kept during a voluntary operation; "n/a" when no cluster had 3+ voters. */
  majority: "kept" | "n/a" | string;
  /** RobustMQ processes that exited on their own (not killed) since the event. */
  crashes: number;
  pulumi?: string;
  /** Expectations of the scenario that did not hold (empty: all held). */
  violations?: string[];
  notes: string[];
  world: World;
  /** What an update left in Pulumi's state: the desired objects with ignored changes kept old. */
  applied?: Deployment;
}

/**
 * Converged: every pod Ready, every autoscaler's target within its bounds, and the cluster serves
 * (leader, a registered engine, a Ready broker).
 */
export function settled(w: World): boolean {
  return allReady(w) && autoscalersWithinBounds(w) && serves(w);
}

export function outcome(shape: Shape, scenario: string, w: World, bound: number, converged: boolean, since: number, extra: Partial<Outcome> = {}): Outcome {
  return {
    shape: shape.label,
    scenario,
    converged,
    seconds: converged ? w.t - since : undefined,
    bound,
    bootstraps: w.raft.clusters.size,
    clusterIdsOnVolumes: w.clusterIdsOnVolumes().size,
    majority: "n/a",
    crashes: crashesSince(w, since),
    notes: converged ? [] : [podSummary(w)],
    world: w,
    ...extra,
  };
}

export function pulumiResult(up: PulumiUp): string {
  if (up.succeeded) {
    return "ok";
  }
  const failed = up.failures.map((s) => `${s.entry.name}: ${s.error}`);
  const never = up.steps.filter((s) => s.state === "pending").map((s) => s.entry.name);
  return failed.length > 0 ? `failed (${failed.join("; ")}; never created: ${never.length})` : "running";
}

/** `pulumi up` from nothing, until it finishes and every pod is Ready (or LIMIT). */
export function createCluster(shape: Shape, d: Deployment, seed = 1, limit = LIMIT): { w: World; up: PulumiUp; converged: boolean } {
  const w = new World(shape.nodes, seed);
  const up = new PulumiUp(w, d);
  const converged = w.runUntil(() => (up.finished && up.succeeded && settled(w)) || (up.finished && !up.succeeded), limit) && up.succeeded;
  return { w, up, converged };
}

export async function fromCreated(shape: Shape, scenario: string, bound: number, seed: number, d?: Deployment) {
  const dep = d ?? (await shape.render());
  const c = createCluster(shape, dep, seed);
  if (!c.converged) {
    return { dep, ...c, failed: outcome(shape, scenario, c.w, bound, false, 0, { pulumi: pulumiResult(c.up), notes: ["creation did not converge", podSummary(c.w)] }) };
  }
  return { dep, ...c, failed: undefined };
}

export async function scenarioCreate(shape: Shape, seed = 1, d?: Deployment): Promise<Outcome> {
  const dep = d ?? (await shape.render());
  const { w, up, converged } = createCluster(shape, dep, seed);
  return outcome(shape, "create", w, BOUNDS.create, converged, 0, { pulumi: pulumiResult(up) });
}

export async function scenarioColdRestart(shape: Shape, seed = 1): Promise<Outcome> {
  const s = await fromCreated(shape, "cold restart", BOUNDS.coldRestart, seed);
  if (s.failed) {
    return s.failed;
  }
  const w = s.w;
  const t0 = w.t;
  for (const p of [...w.pods.values()]) {
    w.deletePod(p, { force: true });
  }
  const ok = w.runUntil(() => settled(w), LIMIT);
  return outcome(shape, "cold restart", w, BOUNDS.coldRestart, ok, t0);
}

/** Applies `next` over the running world like a second `pulumi up`, watching the Raft majority. */
export function applyUpdate(shape: Shape, scenario: string, bound: number, w: World, prev: Deployment, next: Deployment, options: UpOptions = {}): Outcome {
  const t0 = w.t;
  const watch = new MajorityWatch(w).start();
  const up = new PulumiUp(w, next, prev, options);
  const ok = w.runUntil(() => up.finished && (!up.succeeded || settled(w)), LIMIT) && up.succeeded;
  watch.stop();
  return outcome(shape, scenario, w, bound, ok, t0, {
    applied: up.desired,
    pulumi: pulumiResult(up),
    majority: watch.lost ?? (watch.checked ? "kept" : "n/a"),
    violations: up.premature.map((p) => `pulumi finished the StatefulSet ${p} before its roll-out was done`),
  });
}

export async function scenarioRollingUpdate(shape: Shape, tierName: string, seed = 1): Promise<Outcome> {
  const scenario = `rolling update [${tierName}]`;
  const s = await fromCreated(shape, scenario, BOUNDS.rollingUpdate, seed);
  if (s.failed) {
    return s.failed;
  }
  const next = await shape.render();
  const t = tiers(next).find((x) => x.tier === tierName) as TierInfo;
  // A pod template change (what `kubectl rollout restart` does): a new annotation.
  const sts = next.objects.get(t.name);
  sts.spec.template.metadata.annotations = { ...(sts.spec.template.metadata.annotations ?? {}), "lifecycle-model/rollout": "1" };
  return applyUpdate(shape, scenario, BOUNDS.rollingUpdate, s.w, s.dep, next);
}

export async function scenarioScaleOut(shape: Shape, tierName: string, seed = 1): Promise<Outcome> {
  const scenario = `scale-out [${tierName}]`;
  const s = await fromCreated(shape, scenario, BOUNDS.scaleOut, seed);
  if (s.failed) {
    return s.failed;
  }
  const t = tiers(s.dep).find((x) => x.tier === tierName) as TierInfo;
  // Meta-carrying tiers grow by 2 so the voter count stays odd.
  const next = await shape.render({ [tierName]: t.replicas + (t.roles.includes("meta") ? 2 : 1) });
  return applyUpdate(shape, scenario, BOUNDS.scaleOut, s.w, s.dep, next);
}

export async function scenarioPodLoss(shape: Shape, tierName: string, seed = 1): Promise<Outcome> {
  const scenario = `pod loss [${tierName}]`;
  const s = await fromCreated(shape, scenario, BOUNDS.podLoss, seed);
  if (s.failed) {
    return s.failed;
  }
  const w = s.w;
  const t = tiers(s.dep).find((x) => x.tier === tierName) as TierInfo;
  // Pod 0: the bootstrapper and usually the Raft leader, the worst one to lose.
  const t0 = w.t;
  w.deletePod(podsOfTier(w, t)[0], { force: true });
  const ok = w.runUntil(() => settled(w), LIMIT);
  return outcome(shape, scenario, w, BOUNDS.podLoss, ok, t0);
}

export async function scenarioZoneLoss(shape: Shape, seed = 1): Promise<Outcome> {
  const scenario = "zone loss";
  const s = await fromCreated(shape, scenario, BOUNDS.zoneLoss, seed);
  if (s.failed) {
    return s.failed;
  }
  const w = s.w;
  const metaPods = tiers(s.dep)
    .filter((t) => t.roles.includes("meta"))
    .flatMap((t) => podsOfTier(w, t));
  const zones = [...new Set([...w.nodes.values()].map((n) => n.zone))];
  const metaIn = (z: string) => metaPods.filter((p) => w.nodes.get(p.node as string)?.zone === z).length;
  const zone = zones.sort((a, b) => metaIn(b) - metaIn(a) || (a < b ? -1 : 1))[0];
  const t0 = w.t;
  const watch = new MajorityWatch(w).start();
  w.loseNodes([...w.nodes.values()].filter((n) => n.zone === zone).map((n) => n.name));
  // Converged once the node lifecycle has collected the lost pods and everything else serves.
  const collected = () => ![...w.pods.values()].some((p) => p.nodeLostAt !== undefined);
  const ok = w.runUntil(() => collected() && allReady(w, { exceptLost: true }) && serves(w), LIMIT);
  watch.stop();
  return outcome(shape, scenario, w, BOUNDS.zoneLoss, ok, t0, {
    majority: watch.lost ?? (watch.checked ? "kept" : "n/a"),
    notes: [`lost ${zone} (${metaIn(zone)} meta-role pods)`, ...(ok ? [] : [podSummary(w)])],
  });
}

export async function scenarioEngineOutage(shape: Shape, seed = 1): Promise<Outcome> {
  const scenario = "engine outage 60s";
  const s = await fromCreated(shape, scenario, BOUNDS.engineOutage, seed);
  if (s.failed) {
    return s.failed;
  }
  const w = s.w;
  const t0 = w.t;
  const engines: Pod[] = tiers(s.dep)
    .filter((t) => t.roles.includes("engine"))
    .flatMap((t) => podsOfTier(w, t));
  for (const p of engines) {
    w.holdPod(p, 60);
  }
  w.run(60);
  const ok = w.runUntil(() => settled(w), LIMIT);
  return outcome(shape, scenario, w, BOUNDS.engineOutage, ok, t0);
}

/** The image the canary rolls out; any pod template change would do, the image is the usual one. */
export const CANARY_IMAGE = "ghcr.io/robustmq/robustmq:v0.4.12";

/**
 * The partition of a canary on a tier of `replicas` pods: the upper half of the ordinals get the
 * new template (1 of 2 or 3, 2 of 5). A one-pod tier is its own canary (partition 0).
 */
export function canaryPartition(replicas: number): number {
  return replicas === 1 ? 0 : Math.ceil(replicas / 2);
}

interface PodExpectation {
  image: string;
  recreated: boolean;
}

/** Violations of the expected image and recreation of every pod since `t0`. */
function checkPods(w: World, dep: Deployment, t0: number, expect: (t: TierInfo, ordinal: number) => PodExpectation): string[] {
  const created = new Set(w.events.filter((e) => e.t >= t0 && e.kind === "pod-created").map((e) => e.pod));
  const out: string[] = [];
  for (const t of tiers(dep)) {
    for (const p of podsOfTier(w, t)) {
      const want = expect(t, p.ordinal);
      const image = mainContainer(p.spec).image;
      if (image !== want.image) {
        out.push(`${p.name} runs ${image}, expected ${want.image}`);
      }
      if (created.has(p.name) !== want.recreated) {
        out.push(`${p.name} was ${created.has(p.name) ? "" : "not "}recreated`);
      }
    }
  }
  return out;
}

/**
 * Canary roll-out of one tier, the procedure of docs/DAY-2.md: the tier's partition set so only its upper
 * ordinals take the new image, every other tier held (partition = its replicas, since the image is
 * one setting for every tier), the image changed; `pulumi up` must complete with only those pods
 * restarted. Then either widen (every partition back to 0: all pods take the new image) and roll
 * back (the old image: all pods back), or roll back while the partitions are still set (the
 * canary pods return to the old image, nothing else restarts). One Outcome per step.
 */
export async function scenarioCanary(
  shape: Shape,
  tierName: string,
  then: "widen" | "revert under partition",
  seed = 1,
  variant: (d: Deployment) => Deployment = (d) => d,
): Promise<Outcome[]> {
  const s = await fromCreated(shape, `canary [${tierName}]`, BOUNDS.rollingUpdate, seed);
  if (s.failed) {
    return [s.failed];
  }
  const w = s.w;
  const all = tiers(s.dep);
  const target = all.find((x) => x.tier === tierName) as TierInfo;
  const oldImage = mainContainer(s.dep.objects.get(target.name).spec.template.spec).image as string;
  const partition = canaryPartition(target.replicas);
  // A held autoscaled tier: partition = maxReplicas holds every pod whatever count the autoscaler sets.
  const partitions = Object.fromEntries(all.map((t) => [t.tier, t.tier === tierName ? partition : (t.autoscaler?.maxReplicas ?? t.replicas)]));
  const isCanary = (t: TierInfo, ordinal: number) => t.tier === tierName && ordinal >= partition;
  const steps: Outcome[] = [];
  const step = (name: string, prev: Deployment, next: Deployment, expect: (t: TierInfo, ordinal: number) => PodExpectation): Outcome => {
    const t0 = w.t;
    const o = applyUpdate(shape, name, BOUNDS.rollingUpdate, w, prev, next);
    o.violations = [...(o.violations ?? []), ...(o.converged ? checkPods(w, next, t0, expect) : [])];
    steps.push(o);
    return o;
  };

  const canary = variant(await shape.render({}, { partition: partitions, image: CANARY_IMAGE }));
  const c = step(`canary [${tierName}, partition ${partition} of ${target.replicas}]`, s.dep, canary, (t, i) => ({
    image: isCanary(t, i) ? CANARY_IMAGE : oldImage,
    recreated: isCanary(t, i),
  }));
  if (!c.converged) {
    return steps;
  }
  if (then === "revert under partition") {
    const reverted = variant(await shape.render({}, { partition: partitions }));
    step(`canary [${tierName}] rolled back, partition kept`, canary, reverted, (t, i) => ({ image: oldImage, recreated: isCanary(t, i) }));
    return steps;
  }
  const widened = await shape.render({}, { image: CANARY_IMAGE });
  const wd = step(`canary [${tierName}] widened, partition 0`, canary, widened, (t, i) => ({ image: CANARY_IMAGE, recreated: !isCanary(t, i) }));
  if (wd.converged) {
    step(`canary [${tierName}] rolled back after widening`, widened, s.dep, () => ({ image: oldImage, recreated: true }));
  }
  return steps;
}

/** Pods (name and process start) of the whole cluster: equal before and after means none restarted. */
function podStarts(w: World): string[] {
  return [...w.pods.values()].map((p) => `${p.name}@${p.proc?.startedAt ?? "-"}`).sort();
}

/** Requested and current size (bytes) of every data claim of a tier. */
function claimSizes(w: World, dep: Deployment, tier: TierInfo): Array<{ name: string; requested: number; capacity: number }> {
  const ns = dep.objects.get(tier.name).metadata.namespace;
  return [...w.claims.values()]
    .filter((c) => c.namespace === ns && c.name.startsWith(`data-${tier.name}-`))
    .map((c) => ({ name: c.name, requested: c.requested, capacity: c.capacity }))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}

export interface GrowthStep extends Outcome {
  claims: Array<{ name: string; requested: number; capacity: number }>;
  podsRestarted: boolean;
}

/**
 * Volume growth of one tier, the procedure of docs/DAY-2.md: the tier's storage size raised (each claim
 * patched in place, the StatefulSet's template left alone), then a scale-out at the new size (the
 * new pod's claim starts at the template's size and its patch grows it), then a shrink (the API
 * server refuses the patch; nothing else changes). `classExpands: false` runs the same growth on
 * a class without allowVolumeExpansion. One step each.
 */
export async function scenarioVolumeGrowth(
  shape: Shape,
  tierName: string,
  grown: string,
  seed = 1,
  classExpands = true,
  variant: (d: Deployment) => Deployment = (d) => d,
): Promise<GrowthStep[]> {
  const s = await fromCreated(shape, `volume growth [${tierName}]`, BOUNDS.rollingUpdate, seed);
  if (s.failed) {
    return [{ ...s.failed, claims: [], podsRestarted: false }];
  }
  const w = s.w;
  const target = tiers(s.dep).find((x) => x.tier === tierName) as TierInfo;
  const sts = () => w.statefulSets.get(`${s.dep.objects.get(target.name).metadata.namespace}/${target.name}`);
  if (!classExpands) {
    const cls = s.dep.objects.get(target.name).spec.volumeClaimTemplates[0].spec.storageClassName;
    w.nonExpandableClasses.add(cls ?? "");
    // The cluster's class, not the program's (a copy: the previous deployment must not change).
    const sc = w.getObject("StorageClass", undefined, cls);
    if (sc !== undefined) {
      w.putObject({ ...sc, allowVolumeExpansion: false });
    }
  }
  const original = s.dep.objects.get(target.name).spec.volumeClaimTemplates[0].spec.resources.requests.storage as string;
  const steps: GrowthStep[] = [];
  const step = (name: string, prev: Deployment, next: Deployment, restartsExpected = false): GrowthStep => {
    const before = podStarts(w);
    const o = applyUpdate(shape, name, BOUNDS.rollingUpdate, w, prev, next);
    // Let the driver finish any expansion before the sizes are read.
    w.run(EXPANSION_SECONDS);
    const after = podStarts(w);
    const restarted = before.some((p) => !after.includes(p));
    const templateSize = sts()?.body.spec.volumeClaimTemplates[0].spec.resources.requests.storage;
    const violations = [...(o.violations ?? [])];
    if (templateSize !== original) {
      violations.push(`the StatefulSet's claim template changed to ${templateSize}`);
    }
    if (restarted && !restartsExpected) {
      violations.push("pods restarted");
    }
    const g: GrowthStep = { ...o, violations, claims: claimSizes(w, next, target), podsRestarted: restarted };
    steps.push(g);
    return g;
  };
  const grownDep = variant(await shape.render({}, { storage: { [tierName]: grown } }));
  const g = step(`grow [${tierName}] ${original} -> ${grown}`, s.dep, grownDep);
  if (!g.converged) {
    return steps;
  }
  const more = target.replicas + (target.roles.includes("meta") ? 2 : 1);
  const scaled = await shape.render({ [tierName]: more }, { storage: { [tierName]: grown } });
  // A scale-out may roll other pods for its own reasons (scenarioScaleOut covers them).
  const sc = step(`scale-out [${tierName}] to ${more} at ${grown}`, g.applied as Deployment, scaled, true);
  if (!sc.converged) {
    return steps;
  }
  step(`shrink [${tierName}] ${grown} -> ${original}`, sc.applied as Deployment, await shape.render({ [tierName]: more }));
  return steps;
}
