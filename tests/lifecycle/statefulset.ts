// The StatefulSet controller (pkg/controller/statefulset, RollingUpdate strategy):
// - OrderedReady: create ordinal i only when 0..i-1 are Running, Ready and available for
//   minReadySeconds, one at a time; wait while any pod terminates. Parallel: create all missing.
// - scale-in deletes from the highest ordinal (PVCs kept unless whenScaled: Delete).
// - rolling update: from the highest ordinal down to `partition`, delete one pod whose revision is
//   old, then wait until the recreated pod is Ready and available before the next (both policies).
// - status and revisions as the controller reports them; currentRevision catches up with
//   updateRevision once every pod is updated and Ready.
import type { Pod, World } from "./world";
import { bytes, Volume } from "./volumes";
import { shortHash } from "./util";
import { PULUMI_MANAGER } from "../preview/k8s-rules";

export class StsState {
  readonly name: string;
  readonly namespace: string;
  body: any;
  generation = 1;
  updateRevision: string;
  currentRevision: string;
  readonly templates = new Map<string, any>();
  deleted = false;
  status = { replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0 };
  /** The generation the status was last computed for. */
  observedGeneration = 0;
  /** Claims to delete once their condemned pod is gone (whenScaled: Delete): claim -> pod. */
  readonly claimsToDelete = new Map<string, string>();
  /** Field managers of spec.replicas (ssa.ts); the creator is Pulumi's. */
  replicasOwners = new Set<string>([PULUMI_MANAGER]);

  constructor(body: any, readonly createdAt: number) {
    this.name = body.metadata.name;
    this.namespace = body.metadata.namespace;
    this.body = body;
    this.updateRevision = this.currentRevision = this.remember(body.spec.template);
  }

  private remember(template: any): string {
    const rev = `${this.name}-${shortHash(template)}`;
    this.templates.set(rev, template);
    return rev;
  }

  update(body: any): void {
    this.body = body;
    this.generation++;
    this.updateRevision = this.remember(body.spec.template);
  }

  get replicas(): number {
    return Number(this.body.spec.replicas ?? 1);
  }
  get parallel(): boolean {
    return this.body.spec.podManagementPolicy === "Parallel";
  }
  get minReadySeconds(): number {
    return Number(this.body.spec.minReadySeconds ?? 0);
  }
  get partition(): number {
    return Number(this.body.spec.updateStrategy?.rollingUpdate?.partition ?? 0);
  }
  get rollingUpdate(): boolean {
    return (this.body.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
  }

  available(w: World, p: Pod): boolean {
    return running(p) && p.ready && p.readySince !== undefined && w.t - p.readySince >= this.minReadySeconds;
  }

  refreshStatus(w: World): void {
    const pods = w.podsOf(this).filter((p) => p.deletion === undefined);
    const s = {
      replicas: pods.length,
      readyReplicas: pods.filter((p) => p.ready).length,
      currentReplicas: pods.filter((p) => p.revision === this.currentRevision).length,
      updatedReplicas: pods.filter((p) => p.revision === this.updateRevision).length,
      availableReplicas: pods.filter((p) => this.available(w, p)).length,
    };
    if (this.rollingUpdate && s.updatedReplicas === s.replicas && s.readyReplicas === s.replicas) {
      this.currentRevision = this.updateRevision;
      s.currentReplicas = s.updatedReplicas;
    }
    this.status = s;
    this.observedGeneration = this.generation;
  }

  /**
   * The object as the API server returns it (what a `pulumi.com/waitFor` JSONPath reads): counts
   * that are 0 are left out, as apps/v1 StatefulSetStatus marks them omitempty.
   */
  liveObject(): any {
    const s = this.status;
    const omitZero = (v: number) => (v === 0 ? undefined : v);
    const status = {
      observedGeneration: this.observedGeneration,
      replicas: s.replicas,
      readyReplicas: omitZero(s.readyReplicas),
      currentReplicas: omitZero(s.currentReplicas),
      updatedReplicas: omitZero(s.updatedReplicas),
      currentRevision: this.currentRevision,
      updateRevision: this.updateRevision,
      availableReplicas: s.availableReplicas,
    };
    return JSON.parse(JSON.stringify({ ...this.body, metadata: { ...this.body.metadata, generation: this.generation }, status }));
  }

  /**
   * Model truth that the roll-out the spec asks for is done (not Pulumi's view): every pod Ready,
   * and every pod at or above the partition on the update revision. At partition 0 that is
   * Pulumi's own rule (currentRevision catches up once every pod is updated).
   */
  rolledOut(w: World): boolean {
    if (this.partition === 0 || !this.rollingUpdate) {
      return this.pulumiReady();
    }
    const pods = w.podsOf(this);
    return (
      this.status.replicas === this.replicas &&
      this.status.readyReplicas === this.replicas &&
      pods.filter((p) => p.ordinal >= this.partition).every((p) => p.revision === this.updateRevision)
    );
  }

  /** Pulumi's await rule for a StatefulSet (provider/pkg/await/statefulset.go, RollingUpdate). */
  pulumiReady(): boolean {
    const r = this.replicas;
    return (
      this.status.replicas === r &&
      this.status.readyReplicas === r &&
      this.status.currentReplicas === r &&
      this.currentRevision === this.updateRevision
    );
  }
}

export function running(p: Pod): boolean {
  return p.node !== undefined && p.deletion === undefined && p.proc !== undefined && p.proc.exit === undefined && p.nodeLostAt === undefined;
}

function claimName(vct: any, podName: string): string {
  return `${vct.metadata.name}-${podName}`;
}

function createPod(w: World, sts: StsState, ordinal: number): void {
  const rev = !sts.rollingUpdate || ordinal >= sts.partition ? sts.updateRevision : sts.currentRevision;
  const template = sts.templates.get(rev);
  const name = `${sts.name}-${ordinal}`;
  for (const vct of sts.body.spec.volumeClaimTemplates ?? []) {
    const cn = claimName(vct, name);
    if (!w.claims.has(`${sts.namespace}/${cn}`)) {
      w.claims.set(`${sts.namespace}/${cn}`, {
        name: cn,
        namespace: sts.namespace,
        storageClassName: vct.spec?.storageClassName,
        requested: bytes(vct.spec.resources.requests.storage),
        capacity: bytes(vct.spec.resources.requests.storage),
        volume: new Volume(`pvc:${cn}`),
        bound: false,
      });
    }
  }
  w.addPod({
    name,
    namespace: sts.namespace,
    sts: sts.name,
    ordinal,
    revision: rev,
    spec: template.spec,
    labels: {
      ...(template.metadata?.labels ?? {}),
      "apps.kubernetes.io/pod-index": String(ordinal),
      "statefulset.kubernetes.io/pod-name": name,
      "controller-revision-hash": rev,
    },
    subdomain: sts.body.spec.serviceName,
    createdAt: w.t,
    initIndex: 0,
    initDone: false,
    restarts: 0,
    lastBackoff: 0,
    emptyDirs: new Map(),
    ready: false,
    stdout: [],
  });
}

export function syncStatefulSet(w: World, sts: StsState): void {
  if (sts.deleted) {
    return;
  }
  const pods = new Map(w.podsOf(sts).map((p) => [p.ordinal, p]));
  const monotonic = !sts.parallel;
  const healthy = (p: Pod) => sts.available(w, p);
  // Claims of condemned pods, once the pod is gone.
  for (const [cn, podName] of [...sts.claimsToDelete]) {
    if (![...pods.values()].some((p) => p.name === podName)) {
      w.claims.delete(`${sts.namespace}/${cn}`);
      sts.claimsToDelete.delete(cn);
    }
  }
  for (let i = 0; i < sts.replicas; i++) {
    const p = pods.get(i);
    if (p === undefined) {
      createPod(w, sts, i);
      if (monotonic) {
        return;
      }
      continue;
    }
    if (monotonic && (p.deletion !== undefined || !healthy(p))) {
      return;
    }
  }
  const condemned = [...pods.values()].filter((p) => p.ordinal >= sts.replicas).sort((a, b) => b.ordinal - a.ordinal);
  for (const p of condemned) {
    if (p.deletion !== undefined) {
      if (monotonic) {
        return;
      }
      continue;
    }
    if (monotonic && [...pods.values()].some((q) => q !== p && !healthy(q))) {
      return;
    }
    w.deletePod(p, { force: false });
    if (sts.body.spec.persistentVolumeClaimRetentionPolicy?.whenScaled === "Delete") {
      for (const vct of sts.body.spec.volumeClaimTemplates ?? []) {
        sts.claimsToDelete.set(claimName(vct, p.name), p.name);
      }
    }
    if (monotonic) {
      return;
    }
  }
  if (!sts.rollingUpdate) {
    return;
  }
  for (let target = sts.replicas - 1; target >= sts.partition; target--) {
    const p = pods.get(target);
    if (p === undefined) {
      return;
    }
    if (p.revision !== sts.updateRevision && p.deletion === undefined) {
      w.deletePod(p, { force: false });
      return;
    }
    if (!healthy(p)) {
      return;
    }
  }
}
