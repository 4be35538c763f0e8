// The scheduler, for what these pods ask of it: nodeSelector, required/preferred pod anti-affinity
// on kubernetes.io/hostname, zone topology spread (DoNotSchedule filters, ScheduleAnyway scores),
// and volumes: a bound claim pins the pod to the claim's zone (or node, for node-local volumes);
// WaitForFirstConsumer claims bind where the pod first lands. The default scoring spreads a
// workload's pods over zones, then prefers the least loaded node; ties go by node name.
// CPU/memory capacity and taints are not modelled (nodes are assumed large enough and untainted).
import type { KNode, Pod, World } from "./world";
import { selects } from "./util";

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";

function nodeLabels(n: KNode): Record<string, string> {
  return { [ZONE]: n.zone, [HOST]: n.name, "kubernetes.io/os": "linux" };
}

function claimsOf(w: World, p: Pod) {
  const names = new Set<string>();
  for (const v of p.spec.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName !== undefined) {
      names.add(v.persistentVolumeClaim.claimName);
    }
  }
  const sts = w.statefulSets.get(`${p.namespace}/${p.sts}`);
  for (const vct of sts?.body.spec.volumeClaimTemplates ?? []) {
    names.add(`${vct.metadata.name}-${p.name}`);
  }
  return [...names].map((n) => w.claims.get(`${p.namespace}/${n}`)).filter((c) => c !== undefined);
}

/** Every claim binds WaitForFirstConsumer (the component's classes and common defaults); local-path volumes are node-local. */
function storageClass(w: World, name: string | undefined): any {
  return name === undefined ? undefined : w.getObject("StorageClass", undefined, name);
}

function scheduledPods(w: World, namespace: string): Pod[] {
  return [...w.pods.values()].filter((q) => q.node !== undefined && q.namespace === namespace);
}

function fits(w: World, p: Pod, n: KNode): boolean {
  if (n.gone || n.unschedulable) {
    return false;
  }
  if (!selects({ matchLabels: p.spec.nodeSelector }, nodeLabels(n))) {
    return false;
  }
  for (const c of claimsOf(w, p)) {
    if (c.bound && ((c.node !== undefined && c.node !== n.name) || (c.zone !== undefined && c.zone !== n.zone))) {
      return false;
    }
  }
  const others = scheduledPods(w, p.namespace).filter((q) => q !== p);
  for (const term of p.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    const key = term.topologyKey;
    const domain = (x: KNode) => nodeLabels(x)[key];
    if (others.some((q) => selects(term.labelSelector, q.labels) && domain(w.nodes.get(q.node as string) as KNode) === domain(n))) {
      return false;
    }
  }
  for (const c of (p.spec.topologySpreadConstraints ?? []).filter((x: any) => x.whenUnsatisfiable === "DoNotSchedule")) {
    if (skewAfter(w, p, n, c) > (c.maxSkew ?? 1)) {
      return false;
    }
  }
  return true;
}

/** Skew of constraint `c` if `p` landed on `n` (domains: those of eligible, existing nodes). */
function skewAfter(w: World, p: Pod, n: KNode, c: any): number {
  const key = c.topologyKey;
  const eligible = [...w.nodes.values()].filter((x) => !x.gone && selects({ matchLabels: p.spec.nodeSelector }, nodeLabels(x)));
  const counts = new Map<string, number>(eligible.map((x) => [nodeLabels(x)[key], 0]));
  for (const q of scheduledPods(w, p.namespace)) {
    const qn = w.nodes.get(q.node as string) as KNode;
    const d = nodeLabels(qn)[key];
    if (q !== p && counts.has(d) && selects(c.labelSelector, q.labels)) {
      counts.set(d, (counts.get(d) as number) + 1);
    }
  }
  const mine = nodeLabels(n)[key];
  counts.set(mine, (counts.get(mine) ?? 0) + 1);
  return (counts.get(mine) as number) - Math.min(...counts.values());
}

function score(w: World, p: Pod, n: KNode): number[] {
  const others = scheduledPods(w, p.namespace).filter((q) => q !== p);
  let preferred = 0;
  for (const t of p.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    const key = t.podAffinityTerm.topologyKey;
    if (others.some((q) => selects(t.podAffinityTerm.labelSelector, q.labels) && nodeLabels(w.nodes.get(q.node as string) as KNode)[key] === nodeLabels(n)[key])) {
      preferred -= t.weight ?? 1;
    }
  }
  const soft = (p.spec.topologySpreadConstraints ?? [])
    .filter((x: any) => x.whenUnsatisfiable !== "DoNotSchedule")
    .reduce((acc: number, c: any) => acc - skewAfter(w, p, n, c), 0);
  // Default spreading: the same workload's pods over zones, then hosts.
  const sameSts = others.filter((q) => q.sts === p.sts);
  const inZone = sameSts.filter((q) => w.nodes.get(q.node as string)?.zone === n.zone).length;
  const onNode = sameSts.filter((q) => q.node === n.name).length;
  const load = others.filter((q) => q.node === n.name).length;
  return [preferred, soft, -inZone, -onNode, -load];
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i] > b[i];
    }
  }
  return false;
}

export function schedule(w: World): void {
  const pending = [...w.pods.values()].filter((p) => p.node === undefined && p.deletion === undefined).sort((a, b) => a.createdAt - b.createdAt);
  for (const p of pending) {
    const candidates = [...w.nodes.values()].filter((n) => fits(w, p, n)).sort((a, b) => (a.name < b.name ? -1 : 1));
    let best: KNode | undefined;
    let bestScore: number[] = [];
    for (const n of candidates) {
      const s = score(w, p, n);
      if (best === undefined || better(s, bestScore)) {
        best = n;
        bestScore = s;
      }
    }
    if (best === undefined) {
      continue;
    }
    p.node = best.name;
    p.scheduledAt = w.t;
    for (const c of claimsOf(w, p)) {
      if (!c.bound) {
        const sc = storageClass(w, c.storageClassName);
        c.bound = true;
        c.zone = best.zone;
        if (/local-path|no-provisioner|local/.test(String(sc?.provisioner ?? ""))) {
          c.node = best.name;
        }
      }
    }
    w.event(p, "scheduled", best.name);
  }
}
