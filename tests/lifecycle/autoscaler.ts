// The HorizontalPodAutoscaler controller (kubernetes pkg/controller/podautoscaler, autoscaling/v2)
// for what the component's HPA uses: Resource metrics of type Utilization (CPU), minReplicas and
// maxReplicas, scaleDown behavior, and the scaleUp defaults.
// - Every 15 s (--horizontal-pod-autoscaler-sync-period) it reads the target's scale
//   (spec.replicas) and the pods' usage (metrics-server), and writes a new spec.replicas through
//   the scale subresource: an update by kube-controller-manager (ssa.ts).
// - replica_calculator.go: usage ratio = average utilization of the Ready pods / target; within
//   the 10% tolerance nothing changes, else ceil(ratio x Ready pods). Pods not Ready yet are left
//   out; when the ratio says "up" they are counted at zero usage (a scale-out in progress is not
//   doubled), and the proposal is dropped if that flips the direction.
// - horizontal.go normalizeDesiredReplicasWithBehaviors: a scale-down takes the highest
//   recommendation of the stabilization window; scale-up policies (default: 4 pods or 100% per
//   15 s, the larger) and scale-down policies (here: N pods per period) limit the change against
//   the count at the start of each period; then [minReplicas, maxReplicas]. A count already
//   outside the bounds is set to the nearest one at once, with no metric read.
// Load is not simulated from traffic: a scenario sets the CPU the tier's pods are asked for
// (World.cpuDemand, cores for the whole tier, split evenly over Ready pods as the client Service
// spreads connections); with none set, usage sits at the target and only the bounds act.
import { parseQuantity } from "../../components/validate/quantity";
import { mainContainer } from "./objects";
import { HPA_MANAGER } from "./ssa";
import type { World } from "./world";

export const HPA_SYNC_SECONDS = 15;
export const HPA_TOLERANCE = 0.1;
const SCALE_UP_DEFAULT = { pods: 4, percent: 100, periodSeconds: 15 };

interface Recommendation {
  t: number;
  replicas: number;
}
interface ScaleEvent {
  t: number;
  change: number;
}

export class AutoscalerState {
  nextSync: number;
  readonly recommendations: Recommendation[] = [];
  readonly events: ScaleEvent[] = [];
  constructor(now: number) {
    this.nextSync = now;
  }
}

/** CPU request of the target's pods, in cores. */
function cpuRequest(sts: any): number | undefined {
  const q = mainContainer(sts.spec.template.spec).resources?.requests?.cpu;
  return q === undefined ? undefined : parseQuantity(String(q));
}

/** The metric's proposal (replica_calculator.go GetResourceReplicas, for one Utilization target). */
function proposal(w: World, hpa: any, sts: any, current: number): number {
  const demand = w.cpuDemand.get(sts.metadata.name);
  const target = (hpa.spec.metrics ?? []).find((m: any) => m.type === "Resource" && m.resource?.name === "cpu")?.resource?.target?.averageUtilization;
  const request = cpuRequest(sts);
  if (demand === undefined || target === undefined || request === undefined || request <= 0) {
    return current;
  }
  const pods = [...w.pods.values()].filter((p) => p.namespace === sts.metadata.namespace && p.sts === sts.metadata.name && p.deletion === undefined);
  const ready = pods.filter((p) => p.ready).length;
  const unready = pods.length - ready;
  if (ready === 0) {
    return current;
  }
  const ratio = (demand / ready / request) * 100 / target;
  if (unready === 0 || ratio < 1) {
    return Math.abs(ratio - 1) <= HPA_TOLERANCE ? current : Math.ceil(ratio * ready);
  }
  const rebalanced = (demand / (ready + unready) / request) * 100 / target;
  if (Math.abs(rebalanced - 1) <= HPA_TOLERANCE || rebalanced < 1) {
    return current;
  }
  const proposed = Math.ceil(rebalanced * (ready + unready));
  return proposed < current ? current : proposed;
}

function changedWithin(events: ScaleEvent[], now: number, period: number, sign: 1 | -1): number {
  return events.filter((e) => now - e.t < period && Math.sign(e.change) === sign).reduce((n, e) => n + Math.abs(e.change), 0);
}

/** One HPA's sync. */
function syncOne(w: World, hpa: any, state: AutoscalerState): void {
  const ref = hpa.spec.scaleTargetRef;
  const ns = hpa.metadata.namespace;
  const sts = w.statefulSets.get(`${ns}/${ref.name}`);
  if (ref.kind !== "StatefulSet" || sts === undefined || sts.deleted) {
    return;
  }
  const current = sts.replicas;
  if (current === 0) {
    return;
  }
  const min = Number(hpa.spec.minReplicas ?? 1);
  const max = Number(hpa.spec.maxReplicas);
  const now = w.t;
  if (current < min || current > max) {
    // horizontal.go: a count outside the bounds is set to the nearest bound, no metric read.
    const bound = current < min ? min : max;
    w.scaleStatefulSet(ns, ref.name, bound, HPA_MANAGER);
    state.events.push({ t: now, change: bound - current });
    return;
  }
  const desired = proposal(w, hpa, sts.body, current);

  // Stabilization: the highest recommendation of the scale-down window (scale-up window: 0).
  const down = hpa.spec.behavior?.scaleDown ?? {};
  const window = Number(down.stabilizationWindowSeconds ?? 300);
  state.recommendations.push({ t: now, replicas: desired });
  while (state.recommendations.length > 0 && now - state.recommendations[0].t > window) {
    state.recommendations.shift();
  }
  const downRecommendation = Math.max(...state.recommendations.map((r) => r.replicas));
  let next = desired > current ? desired : Math.min(current, downRecommendation);

  // Rate limits, against the count at the start of each policy's period.
  if (next > current) {
    const start = current - changedWithin(state.events, now, SCALE_UP_DEFAULT.periodSeconds, 1);
    const limit = Math.max(start + SCALE_UP_DEFAULT.pods, Math.ceil(start * (1 + SCALE_UP_DEFAULT.percent / 100)));
    next = Math.min(next, limit);
  } else if (next < current) {
    const limits = (down.policies ?? [{ type: "Percent", value: 100, periodSeconds: 15 }]).map((p: any) => {
      const start = current + changedWithin(state.events, now, Number(p.periodSeconds), -1);
      return p.type === "Pods" ? start - Number(p.value) : Math.ceil(start * (1 - Number(p.value) / 100));
    });
    // selectPolicy Max (the default): the policy that allows the larger change.
    next = Math.max(next, Math.min(...limits));
  }
  next = Math.max(min, Math.min(max, next));
  if (next !== current) {
    w.scaleStatefulSet(ns, ref.name, next, HPA_MANAGER);
    state.events.push({ t: now, change: next - current });
  }
}

/** Every HorizontalPodAutoscaler's sync that is due. */
export function syncAutoscalers(w: World): void {
  for (const hpa of w.listObjects("HorizontalPodAutoscaler")) {
    const key = `${hpa.metadata.namespace}/${hpa.metadata.name}`;
    let state = w.autoscalers.get(key);
    if (state === undefined) {
      state = new AutoscalerState(w.t);
      w.autoscalers.set(key, state);
    }
    if (w.t + 1e-9 >= state.nextSync) {
      state.nextSync = w.t + HPA_SYNC_SECONDS;
      syncOne(w, hpa, state);
    }
  }
  for (const key of [...w.autoscalers.keys()]) {
    const [ns, name] = key.split("/");
    if (w.getObject("HorizontalPodAutoscaler", ns, name) === undefined) {
      w.autoscalers.delete(key);
    }
  }
}
