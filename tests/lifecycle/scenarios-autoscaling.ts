// The broker autoscaler at work (docs/DAY-2.md, "Autoscaling (brokers)"): the HPA controller model
// (autoscaler.ts) scales the broker StatefulSet out and in on the CPU a scenario asks of it, and
// `pulumi up`s of the program run in between, as Server-Side Apply with the provider's handling of
// ignoreChanges (pulumi.ts, ssa.ts). Expectations, as violations of the Outcome:
// - the autoscaler's count survives every `pulumi up` (refreshed or not, with or without a
//   template change), and a rolling update rolls every pod of that count;
// - scale-in waits for the stabilization window, removes scaleDownPods per period, highest
//   ordinals first, and the tier keeps Ready brokers throughout;
// - the broker PodDisruptionBudget allows exactly one disruption whenever the tier is Ready, at
//   every count;
// - switching autoscaling on keeps the running count (no reset to 1 or to the program's), switching
//   it off keeps the count the program gives, and the autoscaler's leftover claim on spec.replicas
//   makes the next count change a field conflict until one forced apply.
import { parseQuantity } from "../../components/validate/quantity";
import { HPA_SYNC_SECONDS, HPA_TOLERANCE } from "./autoscaler";
import { pdbStatus, podsOfTier, TierInfo, tiers } from "./inspect";
import { copyDeployment, Deployment, mainContainer } from "./objects";
import { UpOptions } from "./pulumi";
import { applyUpdate, fromCreated, LIMIT, outcome, Outcome, settled } from "./scenarios";
import type { Shape } from "./shapes";
import type { World } from "./world";

/** Seconds a new broker pod may take to be Ready (start-up, registration, the probes). */
const BROKER_START_SECONDS = 60;

interface Autoscaled {
  tier: TierInfo;
  hpa: any;
  pdb: any;
  /** CPU request of a pod, in cores, and the target as a fraction. */
  request: number;
  target: number;
}

function autoscaledTier(d: Deployment): Autoscaled {
  const tier = tiers(d).find((t) => t.autoscaler !== undefined);
  if (tier === undefined || tier.autoscaler === undefined) {
    throw new Error("the deployment has no autoscaled tier");
  }
  const sts = d.objects.get(tier.name);
  const hpa = d.objects.get(tier.autoscaler.name);
  const pdb = [...d.objects.values()].find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === tier.stsName);
  const cpu = hpa.spec.metrics.find((m: any) => m.resource?.name === "cpu").resource.target.averageUtilization;
  return { tier, hpa, pdb, request: parseQuantity(String(mainContainer(sts.spec.template.spec).resources.requests.cpu)) as number, target: cpu / 100 };
}

/**
 * CPU (cores, the whole tier) that settles the autoscaler at exactly `pods` from below: at pods - 1
 * the utilization is above the tolerance band, at `pods` inside it, and ceil(ratio x Ready pods)
 * never overshoots. Needs pods < 10 for the band to leave room.
 */
function demandFor(a: Autoscaled, pods: number): number {
  return (pods - 0.1) * a.request * a.target;
}

/** What happens to the autoscaled tier while a step runs. */
class TierWatch {
  minCount = Infinity;
  maxCount = -Infinity;
  /** Steps (times) with no Ready pod in the tier. */
  readonly notServing: number[] = [];
  /** disruptionsAllowed values seen while every pod of the tier was Ready, by count. */
  readonly allowed = new Map<number, Set<number>>();
  readonly t0: number;
  private readonly observe = (w: World): void => {
    const sts = w.statefulSets.get(`${this.a.hpa.metadata.namespace}/${this.a.tier.stsName}`);
    if (sts === undefined) {
      return;
    }
    this.minCount = Math.min(this.minCount, sts.replicas);
    this.maxCount = Math.max(this.maxCount, sts.replicas);
    const pods = podsOfTier(w, this.a.tier).filter((p) => p.deletion === undefined);
    if (!pods.some((p) => p.ready)) {
      this.notServing.push(w.t);
    }
    if (pods.length === sts.replicas && pods.every((p) => p.ready)) {
      const seen = this.allowed.get(sts.replicas) ?? new Set<number>();
      seen.add(pdbStatus(w, this.a.pdb).disruptionsAllowed);
      this.allowed.set(sts.replicas, seen);
    }
  };
  constructor(
    private readonly w: World,
    private readonly a: Autoscaled,
  ) {
    this.t0 = w.t;
    w.observers.push(this.observe);
  }
  stop(): void {
    this.w.observers.splice(this.w.observers.indexOf(this.observe), 1);
  }
  /** Pods of the tier deleted since the step began, in order. */
  deletedOrdinals(): number[] {
    return this.w.events
      .filter((e) => e.t >= this.t0 && e.kind === "pod-deleted" && e.pod.startsWith(`${this.a.tier.stsName}-`))
      .map((e) => Number(e.pod.slice(this.a.tier.stsName.length + 1)));
  }
  /** Scale writes of the autoscaler since the step began. */
  scales(): Array<{ t: number; from: number; to: number }> {
    return this.w.events
      .filter((e) => e.t >= this.t0 && e.kind === "scaled" && e.pod === this.a.tier.stsName)
      .map((e) => {
        const m = /^(\d+) -> (\d+)/.exec(e.detail) as RegExpExecArray;
        return { t: e.t, from: Number(m[1]), to: Number(m[2]) };
      });
  }
  /** Violations every step shares: the tier served, and the PDB allowed exactly one disruption. */
  common(): string[] {
    const out: string[] = [];
    if (this.notServing.length > 0) {
      out.push(`no Ready ${this.a.tier.tier} pod at t=${this.notServing[0]}s (${this.notServing.length} steps)`);
    }
    // One broker at a time, at any count (what the component's maxUnavailable: 1 is for).
    const want = 1;
    for (const [count, seen] of this.allowed) {
      if ([...seen].some((v) => v !== want)) {
        out.push(`PodDisruptionBudget at ${count} Ready pods allows ${[...seen].join("/")} disruptions, expected ${want}`);
      }
    }
    return out;
  }
}

function liveCount(w: World, a: Autoscaled): number {
  return w.statefulSets.get(`${a.hpa.metadata.namespace}/${a.tier.stsName}`)?.replicas ?? 0;
}

/** A broker pod template change, what `kubectl rollout restart` does. */
function withRollout(d: Deployment, a: Autoscaled, value: string): Deployment {
  const next = copyDeployment(d);
  const sts = next.objects.get(a.tier.name);
  sts.spec.template.metadata.annotations = { ...(sts.spec.template.metadata.annotations ?? {}), "lifecycle-model/rollout": value };
  return next;
}

export interface AutoscalerVariant {
  seed?: number;
  /** Replaces the program the cluster is created from (wrong variants). */
  created?: (d: Deployment) => Deployment;
  /** Replaces the program of the two `pulumi up`s (wrong variants). */
  program?: (d: Deployment) => Deployment;
  /** Options of those `up`s. */
  upOptions?: UpOptions;
}

/**
 * Created, then: the autoscaler scales out under load; a refreshed `pulumi up` of the unchanged
 * program; a `pulumi up` that rolls the broker template; the load drops and the autoscaler scales
 * in. One Outcome per step; a step that did not converge ends the list.
 */
export async function scenarioAutoscaler(shape: Shape, v: AutoscalerVariant = {}): Promise<Outcome[]> {
  const variant = v.program ?? ((d: Deployment) => d);
  const upOptions = v.upOptions ?? {};
  const s = await fromCreated(shape, "autoscaler", LIMIT, v.seed ?? 1, v.created === undefined ? undefined : v.created(await shape.render()));
  if (s.failed) {
    return [s.failed];
  }
  const w = s.w;
  const a = autoscaledTier(s.dep);
  const min = Number(a.hpa.spec.minReplicas);
  const max = Number(a.hpa.spec.maxReplicas);
  const out = Math.min(max, min + 5);
  const key = a.tier.stsName;
  const steps: Outcome[] = [];

  // 1. Load: out pods' worth of CPU. Two syncs (4 pods per 15 s at most), then start-up.
  {
    const name = `autoscaler scale-out [${a.tier.tier} ${min} -> ${out}]`;
    const bound = 2 * HPA_SYNC_SECONDS + Math.ceil((out - min) / 4) * HPA_SYNC_SECONDS + BROKER_START_SECONDS;
    const watch = new TierWatch(w, a);
    w.cpuDemand.set(key, demandFor(a, out));
    const ok = w.runUntil(() => liveCount(w, a) === out && settled(w), LIMIT);
    // Stays there: nothing more to add within the tolerance band.
    w.run(3 * HPA_SYNC_SECONDS);
    watch.stop();
    const violations = watch.common();
    if (liveCount(w, a) !== out) {
      violations.push(`${liveCount(w, a)} pods after settling, expected ${out} (tolerance ${HPA_TOLERANCE})`);
    }
    steps.push(outcome(shape, name, w, bound, ok, watch.t0, { violations, notes: watch.scales().map((x) => `t=${x.t}s ${x.from} -> ${x.to}`) }));
    if (!ok) {
      return steps;
    }
  }

  // 2. `pulumi up --refresh` of the unchanged program: the autoscaler's count is drift Pulumi must not see.
  const program = variant(s.dep);
  {
    const watch = new TierWatch(w, a);
    const o = applyUpdate(shape, "pulumi up --refresh, program unchanged", 60, w, s.dep, program, { refresh: true, ...upOptions });
    w.run(HPA_SYNC_SECONDS);
    watch.stop();
    o.violations = [...(o.violations ?? []), ...watch.common()];
    if (watch.minCount !== out || watch.maxCount !== out) {
      o.violations.push(`the ${a.tier.tier} count moved to ${watch.minCount}..${watch.maxCount} (the autoscaler's is ${out})`);
    }
    if (watch.deletedOrdinals().length > 0) {
      o.violations.push(`pods deleted: ${watch.deletedOrdinals().join(", ")}`);
    }
    steps.push(o);
    if (!o.converged) {
      return steps;
    }
  }

  // 3. A `pulumi up` (no refresh: the state still holds the count of the last apply) that changes
  //    the broker pod template: the apply carries the live count, and every live pod rolls.
  {
    const watch = new TierWatch(w, a);
    const next = withRollout(program, a, "1");
    const o = applyUpdate(shape, `pulumi up, ${a.tier.tier} template changed at ${out} pods`, 600, w, program, next, upOptions);
    watch.stop();
    o.violations = [...(o.violations ?? []), ...watch.common()];
    if (watch.minCount !== out || watch.maxCount !== out) {
      o.violations.push(`the ${a.tier.tier} count moved to ${watch.minCount}..${watch.maxCount} (the autoscaler's is ${out})`);
    }
    const rolled = new Set(watch.deletedOrdinals());
    if (o.converged && rolled.size !== out) {
      o.violations.push(`rolled ${rolled.size} pods, expected every one of the ${out}`);
    }
    steps.push(o);
    if (!o.converged) {
      return steps;
    }
  }

  // 4. The load drops: after the stabilization window, scaleDownPods per period, highest first.
  {
    const down = a.hpa.spec.behavior.scaleDown;
    const window = Number(down.stabilizationWindowSeconds);
    const policy = down.policies[0];
    const period = Number(policy.periodSeconds);
    const grace = Number(s.dep.objects.get(a.tier.name).spec.template.spec.terminationGracePeriodSeconds ?? 30);
    const bound = window + HPA_SYNC_SECONDS + Math.ceil((out - min) / Number(policy.value) - 1) * (period + HPA_SYNC_SECONDS) + grace;
    const watch = new TierWatch(w, a);
    w.cpuDemand.set(key, demandFor(a, 1));
    const t0 = w.t;
    const ok = w.runUntil(() => liveCount(w, a) === min && settled(w) && podsOfTier(w, a.tier).length === min, LIMIT);
    watch.stop();
    const violations = watch.common();
    const scales = watch.scales();
    if (scales.length > 0 && scales[0].t - t0 < window) {
      violations.push(`first scale-in ${scales[0].t - t0} s after the load dropped, inside the ${window} s stabilization window`);
    }
    scales.forEach((x, i) => {
      if (x.from - x.to > Number(policy.value)) {
        violations.push(`t=${x.t}s ${x.from} -> ${x.to}: more than ${policy.value} pod(s) at once`);
      }
      if (i > 0 && x.t - scales[i - 1].t < period) {
        violations.push(`t=${x.t}s: ${x.t - scales[i - 1].t} s after the previous scale-in, under the ${period} s period`);
      }
    });
    const expectedOrder = Array.from({ length: out - min }, (_, i) => out - 1 - i);
    if (JSON.stringify(watch.deletedOrdinals()) !== JSON.stringify(expectedOrder)) {
      violations.push(`deleted ordinals ${watch.deletedOrdinals().join(", ")}, expected ${expectedOrder.join(", ")} (highest first)`);
    }
    const left = podsOfTier(w, a.tier).map((p) => p.ordinal);
    if (ok && JSON.stringify(left) !== JSON.stringify(Array.from({ length: min }, (_, i) => i))) {
      violations.push(`pods left: ordinals ${left.join(", ")}`);
    }
    steps.push(outcome(shape, `autoscaler scale-in [${a.tier.tier} ${out} -> ${min}]`, w, bound, ok, t0, { violations, notes: scales.map((x) => `t=${x.t}s ${x.from} -> ${x.to}`) }));
  }
  return steps;
}

/**
 * A tier with a fixed count, under load, has autoscaling switched on, then off again (docs/DAY-2.md
 * "Autoscaling (brokers)", switching on and off): the running count is kept when it goes on, the
 * autoscaler raises it into its bounds; off with `replicas` at the live count keeps it; the next
 * count change conflicts with the autoscaler's leftover claim, goes through with force, and the one
 * after needs nothing.
 */
export async function scenarioAutoscalingOnOff(shape: Shape, tierName: string, bounds: { minReplicas: number; maxReplicas: number }, seed = 1): Promise<Outcome[]> {
  const s = await fromCreated(shape, `autoscaling on/off [${tierName}]`, LIMIT, seed);
  if (s.failed) {
    return [s.failed];
  }
  const w = s.w;
  const fixed = tiers(s.dep).find((t) => t.tier === tierName) as TierInfo;
  const on = await shape.render({}, { autoscaling: { [tierName]: { ...bounds, targetCpuUtilization: 70 } } });
  const a = autoscaledTier(on);
  const wanted = bounds.minReplicas + 1;
  w.cpuDemand.set(fixed.stsName, demandFor(a, wanted));
  const steps: Outcome[] = [];
  const step = (name: string, prev: Deployment, next: Deployment, options: UpOptions, check: (watch: TierWatch) => string[], bound = 600): Outcome => {
    const watch = new TierWatch(w, a);
    const o = applyUpdate(shape, name, bound, w, prev, next, options);
    if (o.converged) {
      // The autoscaler (while it exists) gets a sync or two to act on the new state.
      w.runUntil(() => settled(w) && w.t - watch.t0 > 2 * HPA_SYNC_SECONDS + BROKER_START_SECONDS, LIMIT);
    }
    watch.stop();
    o.violations = [...(o.violations ?? []), ...watch.common(), ...check(watch)];
    steps.push(o);
    return o;
  };

  const o1 = step(`autoscaling switched on [${tierName} ${fixed.replicas} pods, bounds ${bounds.minReplicas}..${bounds.maxReplicas}]`, s.dep, on, {}, (watch) => [
    ...(watch.minCount < fixed.replicas ? [`the count dropped to ${watch.minCount} (running: ${fixed.replicas})`] : []),
    ...(liveCount(w, a) !== wanted ? [`${liveCount(w, a)} pods, expected the autoscaler's ${wanted}`] : []),
  ]);
  if (!o1.converged) {
    return steps;
  }
  const off = (n: number) => shape.render({ [tierName]: n }, { autoscaling: { [tierName]: false } });
  const atLive = await off(wanted);
  const o2 = step(`autoscaling switched off, ${tierName} replicas = the live ${wanted}`, on, atLive, {}, (watch) => [
    ...(watch.minCount !== wanted || watch.maxCount !== wanted ? [`the count moved to ${watch.minCount}..${watch.maxCount}`] : []),
    ...(w.listObjects("HorizontalPodAutoscaler").length > 0 ? ["the HorizontalPodAutoscaler is still there"] : []),
  ]);
  if (!o2.converged) {
    return steps;
  }
  const changed = await off(wanted + 1);
  // Expected to fail: the autoscaler's manager still claims spec.replicas.
  const o3 = step(`${tierName} replicas ${wanted} -> ${wanted + 1} after the switch-off`, atLive, changed, {}, (watch) => [
    ...(watch.maxCount !== wanted ? [`the count moved to ${watch.maxCount}`] : []),
  ]);
  if (o3.converged) {
    return steps;
  }
  const o4 = step(`the same, PULUMI_K8S_ENABLE_PATCH_FORCE=true`, atLive, changed, { force: true }, () => [
    ...(liveCount(w, a) !== wanted + 1 ? [`${liveCount(w, a)} pods, expected ${wanted + 1}`] : []),
  ]);
  if (!o4.converged) {
    return steps;
  }
  step(`${tierName} replicas ${wanted + 1} -> ${bounds.minReplicas}, no force`, changed, await off(bounds.minReplicas), {}, () => [
    ...(liveCount(w, a) !== bounds.minReplicas ? [`${liveCount(w, a)} pods, expected ${bounds.minReplicas}`] : []),
  ]);
  return steps;
}

/** The program without any ignoreChanges: the autoscaler's count becomes drift Pulumi corrects. */
export function withoutIgnoreChanges(d: Deployment): Deployment {
  const next = copyDeployment(d);
  for (const r of next.resources.values()) {
    r.options.ignoreChanges = [];
  }
  return next;
}

/** The broker PodDisruptionBudget with a fixed minAvailable (the count the tier starts with). */
export function withFixedMinAvailable(d: Deployment): Deployment {
  const next = copyDeployment(d);
  const a = autoscaledTier(next);
  delete a.pdb.spec.maxUnavailable;
  a.pdb.spec.minAvailable = a.tier.replicas - 1;
  return next;
}
