// Views of a deployment and a world that scenarios and assertions share.
import { parse } from "smol-toml";
import { Deployment, objectsOfKind, serverTomlSource } from "./objects";
import { majority } from "./raft";
import type { Pod, World } from "./world";

export interface TierInfo {
  /** Pulumi logical name of the StatefulSet. */
  name: string;
  stsName: string;
  tier: string;
  roles: string[];
  /** The program's count; for an autoscaled tier, the count it starts with (minReplicas). */
  replicas: number;
  /** Set when a HorizontalPodAutoscaler targets the tier. */
  autoscaler?: { name: string; minReplicas: number; maxReplicas: number };
}

/** Every StatefulSet of the deployment with the roles its server.toml gives it. */
export function tiers(d: Deployment): TierInfo[] {
  const configMaps = objectsOfKind(d, "ConfigMap").map(([, o]) => o);
  const hpas = objectsOfKind(d, "HorizontalPodAutoscaler");
  return objectsOfKind(d, "StatefulSet").map(([name, o]) => {
    const src = serverTomlSource(o.spec.template.spec);
    const cm = configMaps.find((c) => c.metadata.name === src.configMap);
    const doc = parse(cm?.data?.[src.key] ?? "") as Record<string, any>;
    const hpa = hpas.find(([, h]) => h.spec.scaleTargetRef.kind === "StatefulSet" && h.spec.scaleTargetRef.name === o.metadata.name);
    return {
      name,
      stsName: o.metadata.name,
      tier: src.tier,
      roles: Array.isArray(doc.roles) ? doc.roles.map(String) : ["broker", "meta"],
      replicas: Number(o.spec.replicas ?? 1),
      ...(hpa === undefined ? {} : { autoscaler: { name: hpa[0], minReplicas: Number(hpa[1].spec.minReplicas ?? 1), maxReplicas: Number(hpa[1].spec.maxReplicas) } }),
    };
  });
}

export function podsOfTier(w: World, t: TierInfo): Pod[] {
  return [...w.pods.values()].filter((p) => p.sts === t.stsName).sort((a, b) => a.ordinal - b.ordinal);
}

/** A pod bound (through a claim) to a node that no longer exists or to a zone with no node left. */
export function pinnedToLostPlace(w: World, p: Pod): boolean {
  const zonesAlive = new Set([...w.nodes.values()].filter((n) => !n.gone).map((n) => n.zone));
  return [...w.claims.values()].some(
    (c) => c.namespace === p.namespace && c.name.endsWith(`-${p.name}`) && c.bound && ((c.node !== undefined && w.nodes.get(c.node)?.gone) || (c.zone !== undefined && !zonesAlive.has(c.zone))),
  );
}

/**
 * Every StatefulSet in the world has all its pods, each Ready (pods that cannot be scheduled
 * because their volume's place is gone excepted when `exceptLost`), and a settled revision (under
 * a partition: every pod at or above it on the update revision).
 */
export function allReady(w: World, opts: { exceptLost?: boolean } = {}): boolean {
  if (w.statefulSets.size === 0) {
    return false;
  }
  for (const sts of w.statefulSets.values()) {
    if (sts.deleted) {
      continue;
    }
    const pods = w.podsOf(sts);
    for (let i = 0; i < sts.replicas; i++) {
      const p = pods.find((x) => x.ordinal === i);
      const lost = opts.exceptLost === true && (p === undefined || pinnedToLostPlace(w, p) || p.nodeLostAt !== undefined);
      if (!lost && (p === undefined || !p.ready || p.deletion !== undefined)) {
        return false;
      }
    }
    if (opts.exceptLost !== true && (pods.length !== sts.replicas || !sts.rolledOut(w))) {
      return false;
    }
  }
  return true;
}

/** Every HorizontalPodAutoscaler's target runs a count within its bounds (the autoscaler has caught up). */
export function autoscalersWithinBounds(w: World): boolean {
  return w.listObjects("HorizontalPodAutoscaler").every((h) => {
    const sts = w.statefulSets.get(`${h.metadata.namespace}/${h.spec.scaleTargetRef.name}`);
    return sts === undefined || (sts.replicas >= Number(h.spec.minReplicas ?? 1) && sts.replicas <= Number(h.spec.maxReplicas));
  });
}

/**
 * A PodDisruptionBudget's status as the disruption controller computes it
 * (pkg/controller/disruption/disruption.go getExpectedPodCount, countHealthyPods): with
 * maxUnavailable or a percentage, the expected count is the controller's scale (spec.replicas)
 * and desiredHealthy = expected - maxUnavailable; with an integer minAvailable, the expected count
 * is the number of pods and desiredHealthy = minAvailable. Healthy: Ready and not being deleted.
 */
export function pdbStatus(w: World, pdb: any): { expected: number; desiredHealthy: number; currentHealthy: number; disruptionsAllowed: number } {
  const ns = pdb.metadata.namespace;
  const pods = [...w.pods.values()].filter((p) => p.namespace === ns && Object.entries(pdb.spec.selector?.matchLabels ?? {}).every(([k, v]) => p.labels[k] === v));
  const scale = [...new Set(pods.map((p) => p.sts))].reduce((n, name) => n + (w.statefulSets.get(`${ns}/${name}`)?.replicas ?? 0), 0);
  const currentHealthy = pods.filter((p) => p.ready && p.deletion === undefined).length;
  const scaled = (v: number | string, of: number, up: boolean) =>
    typeof v === "number" ? v : (up ? Math.ceil : Math.floor)((Number(String(v).replace("%", "")) / 100) * of);
  let expected: number;
  let desiredHealthy: number;
  if (pdb.spec.maxUnavailable !== undefined) {
    expected = scale;
    desiredHealthy = expected - scaled(pdb.spec.maxUnavailable, expected, true);
  } else if (typeof pdb.spec.minAvailable === "number") {
    expected = pods.length;
    desiredHealthy = pdb.spec.minAvailable;
  } else {
    expected = scale;
    desiredHealthy = scaled(pdb.spec.minAvailable, expected, true);
  }
  return { expected, desiredHealthy, currentHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

/** The cluster serves: a leader exists, an engine-role node is registered and a broker-role pod is Ready. */
export function serves(w: World): boolean {
  const c = [...w.raft.clusters.values()].find((x) => x.leader !== undefined);
  if (c === undefined || ![...c.nodes.values()].some((n) => n.roles.includes("engine"))) {
    return false;
  }
  return [...w.pods.values()].some((p) => p.ready && w.processOf(p)?.roles.includes("broker"));
}

/** Watches every Raft cluster of 3+ voters for a step where fewer than a majority run. */
export class MajorityWatch {
  checked = false;
  lost?: string;
  constructor(private readonly w: World) {}
  readonly observe = (w: World): void => {
    for (const c of w.raft.clusters.values()) {
      if (c.voters.size < 3) {
        continue;
      }
      this.checked = true;
      const up = w.aliveVoters(c).size;
      if (up < majority(c.voters.size) && this.lost === undefined) {
        this.lost = `t=${w.t}s ${c.id}: ${up}/${c.voters.size} voters up`;
      }
    }
  };
  start(): this {
    this.w.observers.push(this.observe);
    return this;
  }
  stop(): void {
    const i = this.w.observers.indexOf(this.observe);
    if (i >= 0) {
      this.w.observers.splice(i, 1);
    }
  }
}

/** RobustMQ processes that exited by themselves (start-up failures, panics) since `t0`. */
export function crashesSince(w: World, t0: number): number {
  return w.events.filter((e) => e.t >= t0 && e.kind === "exit").length;
}

/** Short description of every pod, for failure messages. */
export function podSummary(w: World): string {
  return [...w.pods.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((p) => {
      const proc = p.proc;
      const state =
        p.node === undefined ? "Pending" : !p.initDone ? `Init(${p.spec.initContainers?.[p.initIndex]?.name ?? "?"})` : proc === undefined ? "Starting" : proc.exit ? `Exited(${proc.exit.reason})` : proc.stage;
      return `${p.name}[${state}${p.ready ? ",Ready" : ""},restarts=${p.restarts}]`;
    })
    .join(" ");
}
