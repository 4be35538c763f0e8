// The simulated Kubernetes cluster: API objects, nodes, claims, pods and their processes, the Raft
// clusters, and a fixed-step clock. Pulumi and the controllers (HorizontalPodAutoscaler,
// StatefulSet, scheduler, kubelet) act on it once per step, in that order; observers run after
// each step.
import { AutoscalerState, syncAutoscalers } from "./autoscaler";
import { kubeletStep } from "./kubelet";
import { updateField } from "./ssa";
import { RaftWorld, RaftCluster } from "./raft";
import type { RobustMQ } from "./robustmq";
import type { GateRun } from "./gate";
import { schedule } from "./scheduler";
import { StsState, syncStatefulSet } from "./statefulset";
import { bytes, Claim, Volume } from "./volumes";

export const STEP_SECONDS = 0.25;

export interface NodeSpec {
  name: string;
  zone: string;
}

export interface KNode extends NodeSpec {
  unschedulable: boolean;
  gone: boolean;
}

export interface ProbeState {
  startupPassed: boolean;
  next: Record<"startup" | "readiness" | "liveness", number>;
  successes: Record<"startup" | "readiness" | "liveness", number>;
  failures: Record<"startup" | "readiness" | "liveness", number>;
}

export interface Pod {
  name: string;
  namespace: string;
  sts: string;
  ordinal: number;
  revision: string;
  spec: any;
  labels: Record<string, string>;
  subdomain: string;
  createdAt: number;
  node?: string;
  scheduledAt?: number;
  ip?: string;
  deletion?: { at: number; force: boolean; graceUntil: number };
  /** Index of the init container running; initDone once all have exited 0. */
  initIndex: number;
  initDone: boolean;
  initStartAt?: number;
  gate?: GateRun;
  proc?: RobustMQ;
  /** When the main container starts next (after init, a back-off or a hold). */
  startAt?: number;
  restarts: number;
  lastBackoff: number;
  probes?: ProbeState;
  emptyDirs: Map<string, Volume>;
  ready: boolean;
  readySince?: number;
  /** The node is gone (zone loss): nothing runs; the pod object is collected later. */
  nodeLostAt?: number;
  /** The kubelet may not start the container before this time (an outage of the pod). */
  heldUntil?: number;
  stdout: string[];
}

export interface WorldEvent {
  t: number;
  pod: string;
  kind: string;
  detail: string;
}

/** Seconds a CSI driver takes to expand a volume online (controller and node expansion). */
export const EXPANSION_SECONDS = 10;

/** Seconds after a node disappears until its pods are deleted (node lifecycle + pod GC). */
export const NODE_LOSS_POD_GC_SECONDS = 40;

export class World {
  t = 0;
  readonly clusterDomain = "cluster.local";
  readonly nodes = new Map<string, KNode>();
  readonly objects = new Map<string, any>();
  readonly statefulSets = new Map<string, StsState>();
  readonly pods = new Map<string, Pod>();
  readonly claims = new Map<string, Claim>();
  /** Classes not in the model's objects (a user's own) that cannot expand; others can. */
  readonly nonExpandableClasses = new Set<string>();
  readonly raft = new RaftWorld();
  readonly events: WorldEvent[] = [];
  /** HorizontalPodAutoscaler controller state, by namespace/name. */
  readonly autoscalers = new Map<string, AutoscalerState>();
  /** CPU the pods of a StatefulSet (by name) are asked for in all, in cores: the autoscaler's input. */
  readonly cpuDemand = new Map<string, number>();
  private readonly tickHooks: Array<() => void> = [];
  readonly observers: Array<(w: World) => void> = [];
  private ipCounter = 0;
  private rng: number;

  /** `seed` drives the only randomness: container start latencies and the order of work within a step. */
  constructor(nodes: NodeSpec[], readonly seed = 1) {
    this.rng = seed >>> 0;
    for (const n of nodes) {
      this.nodes.set(n.name, { ...n, unschedulable: false, gone: false });
    }
  }

  /** Seeded PRNG (mulberry32) in [0, 1). */
  random(): number {
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let x = this.rng;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  /** `base` seconds plus a random share of `spread`, on the step grid. */
  latency(base: number, spread: number): number {
    return base + Math.round((this.random() * spread) / STEP_SECONDS) * STEP_SECONDS;
  }

  // ---- API objects -------------------------------------------------------------------------
  private key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ""}/${name}`;
  }
  getObject(kind: string, namespace: string | undefined, name: string): any {
    return this.objects.get(this.key(kind, namespace, name));
  }
  listObjects(kind: string): any[] {
    return [...this.objects.values()].filter((o) => o.kind === kind);
  }
  putObject(body: any): void {
    this.objects.set(this.key(body.kind, body.metadata?.namespace, body.metadata.name), body);
    if (body.kind === "StatefulSet") {
      const k = `${body.metadata.namespace}/${body.metadata.name}`;
      const existing = this.statefulSets.get(k);
      if (existing === undefined) {
        this.statefulSets.set(k, new StsState(body, this.t));
      } else {
        existing.update(body);
      }
    }
  }
  /** A controller's write of spec.replicas through the scale subresource (an update by `manager`). */
  scaleStatefulSet(namespace: string, name: string, replicas: number, manager: string): void {
    const sts = this.statefulSets.get(`${namespace}/${name}`);
    if (sts === undefined || sts.deleted || sts.replicas === replicas) {
      return;
    }
    const owners = updateField(replicas, sts.replicas, sts.replicasOwners, manager);
    this.event(name, "scaled", `${sts.replicas} -> ${replicas} by ${manager}`);
    this.putObject({ ...sts.body, spec: { ...sts.body.spec, replicas } });
    sts.replicasOwners = owners;
  }
  deleteObject(kind: string, namespace: string | undefined, name: string): void {
    this.objects.delete(this.key(kind, namespace, name));
    if (kind === "StatefulSet") {
      const k = `${namespace}/${name}`;
      const sts = this.statefulSets.get(k);
      if (sts !== undefined) {
        sts.deleted = true;
        for (const p of this.podsOf(sts)) {
          this.deletePod(p, { force: false });
        }
      }
    }
  }
  // ---- claims ------------------------------------------------------------------------------
  /**
   * A server-side apply of a PersistentVolumeClaim patch, as the API server takes it: a claim that
   * does not exist yet is created from the patch (apply creates), a smaller size fails validation
   * (ValidatePersistentVolumeClaimUpdate), a larger one on a class without allowVolumeExpansion
   * fails admission (PersistentVolumeClaimResize). A larger size is then expanded by the CSI
   * driver online: the pod keeps running, the capacity follows after EXPANSION_SECONDS.
   */
  applyClaimPatch(body: any): void {
    const ns = body.metadata.namespace;
    const key = `${ns}/${body.metadata.name}`;
    const size = bytes(body.spec.resources.requests.storage);
    const claim = this.claims.get(key);
    if (claim === undefined) {
      this.claims.set(key, {
        name: body.metadata.name,
        namespace: ns,
        storageClassName: body.spec.storageClassName,
        requested: size,
        capacity: size,
        volume: new Volume(`pvc:${body.metadata.name}`),
        bound: false,
      });
      return;
    }
    // Kubernetes 1.36 (as a real API server answered): a request below the capacity the volume
    // has is refused; below the previous request but not the capacity (an expansion still
    // pending) is accepted: the volume never shrinks, but nothing refuses the lower request.
    if (size < claim.capacity) {
      throw new Error(`PersistentVolumeClaim "${claim.name}" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity`);
    }
    if (size < claim.requested) {
      claim.requested = size;
      return;
    }
    if (size > claim.requested) {
      const sc = claim.storageClassName === undefined ? undefined : this.getObject("StorageClass", undefined, claim.storageClassName);
      const expandable = sc === undefined ? !this.nonExpandableClasses.has(claim.storageClassName ?? "") : sc.allowVolumeExpansion === true;
      if (!expandable) {
        throw new Error(
          `persistentvolumeclaims "${claim.name}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
        );
      }
      claim.requested = size;
      const at = this.t + EXPANSION_SECONDS;
      this.onTick(() => {
        if (this.t >= at && claim.capacity < claim.requested) {
          claim.capacity = claim.requested;
          this.event(claim.name, "VolumeExpanded", `capacity ${claim.capacity} bytes, online`);
        }
      });
    }
  }

  namespaceLabels(ns: string): Record<string, string> {
    return { ...(this.getObject("Namespace", undefined, ns)?.metadata?.labels ?? {}), "kubernetes.io/metadata.name": ns };
  }

  // ---- pods --------------------------------------------------------------------------------
  podsOf(sts: StsState): Pod[] {
    return [...this.pods.values()].filter((p) => p.namespace === sts.namespace && p.sts === sts.name).sort((a, b) => a.ordinal - b.ordinal);
  }
  pod(name: string): Pod {
    const p = [...this.pods.values()].find((x) => x.name === name);
    if (p === undefined) {
      throw new Error(`no pod ${name}`);
    }
    return p;
  }
  addPod(p: Pod): void {
    this.pods.set(`${p.namespace}/${p.name}`, p);
    this.event(p, "pod-created", p.revision);
  }
  nextIp(): string {
    this.ipCounter++;
    return `10.244.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter % 250) + 1}`;
  }
  /** Deletes a pod: graceful (SIGTERM, the process stops within seconds) or forced (gone at once). */
  deletePod(p: Pod, opts: { force: boolean }): void {
    if (p.deletion !== undefined && !opts.force) {
      return;
    }
    const grace = Number(p.spec.terminationGracePeriodSeconds ?? 30);
    p.deletion = { at: this.t, force: opts.force, graceUntil: this.t + (opts.force ? 0 : grace) };
    p.ready = false;
    p.readySince = undefined;
    this.event(p, "pod-deleted", opts.force ? "force" : "graceful");
    if (opts.force) {
      p.proc?.die(137, "pod force-deleted");
      this.removePod(p);
    } else {
      p.proc?.sigterm();
    }
  }
  removePod(p: Pod): void {
    this.pods.delete(`${p.namespace}/${p.name}`);
    p.gate = undefined;
  }
  processOf(p: Pod): RobustMQ | undefined {
    return p.proc !== undefined && p.proc.exit === undefined ? p.proc : undefined;
  }
  /** Ports something in the pod accepts connections on: the process, or a waiting gate. */
  listeningPorts(p: Pod): Set<number> {
    const s = new Set<number>(this.processOf(p)?.listening ?? []);
    if (p.gate?.listening !== undefined) {
      s.add(p.gate.listening);
    }
    return s;
  }
  /** Kills a pod's containers and keeps them down for `seconds` (the pod object stays). */
  holdPod(p: Pod, seconds: number): void {
    p.proc?.die(137, "outage");
    p.heldUntil = this.t + seconds;
    p.startAt = p.heldUntil;
    p.ready = false;
    p.readySince = undefined;
    this.event(p, "outage", `${seconds}s`);
  }
  /** Nodes disappear: their pods die now and are deleted once the node lifecycle collects them. */
  loseNodes(names: string[]): void {
    for (const n of names) {
      const node = this.nodes.get(n);
      if (node !== undefined) {
        node.gone = true;
      }
    }
    for (const p of [...this.pods.values()].filter((x) => x.node !== undefined && names.includes(x.node))) {
      p.proc?.die(137, "node lost");
      p.nodeLostAt = this.t;
      p.ready = false;
      p.readySince = undefined;
      p.gate = undefined;
    }
  }

  // ---- events and Raft views ---------------------------------------------------------------
  event(p: Pod | string, kind: string, detail: string): void {
    this.events.push({ t: this.t, pod: typeof p === "string" ? p : p.name, kind, detail });
  }
  /** Voters of `c` whose process runs with Raft started as a member of `c`. */
  aliveVoters(c: RaftCluster): Set<string> {
    const up = new Set<string>();
    for (const p of this.pods.values()) {
      const proc = p.proc;
      if (proc !== undefined && proc.running && proc.raftStarted && proc.clusterId === c.id && c.voters.has(proc.cfg.brokerId)) {
        up.add(proc.cfg.brokerId);
      }
    }
    return up;
  }
  /** The running process of voter `id` of `c`, if any. */
  private voterProcess(c: RaftCluster, id: string): RobustMQ | undefined {
    for (const p of this.pods.values()) {
      const proc = p.proc;
      if (proc !== undefined && proc.running && proc.raftStarted && proc.clusterId === c.id && proc.cfg.brokerId === id) {
        return proc;
      }
    }
    return undefined;
  }
  private heartbeatTimeout(c: RaftCluster): number {
    const leader = [...this.pods.values()].find((p) => p.proc?.running && p.proc.clusterId === c.id && p.proc.cfg.brokerId === c.leader);
    return (leader?.proc?.cfg.heartbeatTimeoutMs ?? 30000) / 1000;
  }
  /** Every cluster id recorded on any volume (claims still existing). */
  clusterIdsOnVolumes(): Set<string> {
    const ids = new Set<string>();
    for (const c of this.claims.values()) {
      for (const [path, text] of c.volume.files) {
        if (path.endsWith("_rocksdb/model-raft-state")) {
          ids.add(text.trim());
        }
      }
    }
    return ids;
  }

  // ---- clock -------------------------------------------------------------------------------
  /** Runs `f` at the start of every step (Pulumi apply, scenario scripts). */
  onTick(f: () => void): void {
    this.tickHooks.push(f);
  }
  step(): void {
    for (const f of this.tickHooks) {
      f();
    }
    syncAutoscalers(this);
    for (const sts of [...this.statefulSets.values()]) {
      syncStatefulSet(this, sts);
    }
    schedule(this);
    // Raft first (elections from the state the processes left), then every pod in a random
    // order, so that no pod systematically wins a race within a step.
    this.raft.step(
      this.t,
      (c) => this.aliveVoters(c),
      (c) => this.heartbeatTimeout(c),
      (c, id) => this.voterProcess(c, id)?.lastLog ?? 0,
    );
    const pods = [...this.pods.values()];
    for (let i = pods.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [pods[i], pods[j]] = [pods[j], pods[i]];
    }
    for (const p of pods) {
      if (this.pods.has(`${p.namespace}/${p.name}`)) {
        kubeletStep(this, p);
      }
    }
    for (const sts of this.statefulSets.values()) {
      sts.refreshStatus(this);
    }
    for (const o of this.observers) {
      o(this);
    }
    this.t += STEP_SECONDS;
  }
  /** Steps until `done()` holds (checked after each step) or `limit` seconds have passed. */
  runUntil(done: () => boolean, limit: number): boolean {
    const end = this.t + limit;
    while (this.t < end) {
      this.step();
      if (done()) {
        return true;
      }
    }
    return false;
  }
  run(seconds: number): void {
    this.runUntil(() => false, seconds);
  }
}
