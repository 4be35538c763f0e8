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
  replicas: number;
}

/** Every StatefulSet of the deployment with the roles its server.toml gives it. */
export function tiers(d: Deployment): TierInfo[] {
  const configMaps = objectsOfKind(d, "ConfigMap").map(([, o]) => o);
  return objectsOfKind(d, "StatefulSet").map(([name, o]) => {
    const src = serverTomlSource(o.spec.template.spec);
    const cm = configMaps.find((c) => c.metadata.name === src.configMap);
    const doc = parse(cm?.data?.[src.key] ?? "") as Record<string, any>;
    return {
      name,
      stsName: o.metadata.name,
      tier: src.tier,
      roles: Array.isArray(doc.roles) ? doc.roles.map(String) : ["broker", "meta"],
      replicas: Number(o.spec.replicas ?? 1),
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
