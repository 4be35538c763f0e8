// `pulumi up` over the plan: a resource's step starts once every resource it dependsOn has
// finished (created or updated AND ready by Pulumi's await rules); a failed step blocks its
// dependents and fails the update. Await rules modelled (pulumi-kubernetes provider/pkg/await):
// - StatefulSet: spec.replicas == status.replicas == readyReplicas == currentReplicas and
//   currentRevision == updateRevision; 10 min timeout (annotation pulumi.com/timeoutSeconds).
//   On an update it is met at once when the status of the previous generation met it (the await
//   never compares status.observedGeneration; ApplyStep.staleReady).
// - Service with a selector and not headless: its endpoints have no not-ready address and have
//   settled (10 s without change); a LoadBalancer also needs an address (assumed after 30 s).
// - anything else: ready once applied. pulumi.com/skipAwait: "true" skips any await.
// - pulumi.com/waitFor (provider 4.18.0+, RFC 9535 JSONPath since 4.24.0) replaces the built-in
//   await: its conditions are evaluated against the live object (jsonpath.ts; for a StatefulSet
//   the status the controller model reports); an expression the provider would refuse fails the
//   step. skipAwait still wins over it.
// - PersistentVolumeClaim (a PersistentVolumeClaimPatch too): Bound, or Pending for a class that
//   binds WaitForFirstConsumer (await/awaiters.go untilCoreV1PersistentVolumeClaimReady).
// Patches (PersistentVolumeClaimPatch): applied to the claim they name (World.applyClaimPatch
// refuses what the API server refuses), then awaited as above. ignoreChanges as the engine applies it.
// Diffs: a ConfigMap whose data changes is replaced (the provider's default without
// enableConfigMapMutable), delete-before-replace since it is named; a StatefulSet whose immutable
// fields change is replaced the same way (its pods go with it); everything else is updated.
// A resource's ignoreChanges paths are left out of its diff. The diff is against the previous
// program's objects, or with `refresh` against the live ones (what `pulumi up --refresh` compares).
// Resources the new program no longer has are deleted once every other step is done. A patch
// (PersistentVolumeClaimPatch) is applied to the claim it names (World.applyClaimPatch refuses
// what the API server refuses).
// Updates are Server-Side Apply: a StatefulSet's spec.replicas follows the provider's handling of
// ignored fields (preview/k8s-rules.ts appliedOnUpdate) and the API server's field ownership
// (ssa.ts), so an apply can conflict with the autoscaler's claim on it; `force` is the provider's
// enablePatchForce. Every other field is written as the program has it.
import { Deployment, isPatchType, PlanStep } from "./objects";
import type { World } from "./world";
import { appliedOnUpdate, PULUMI_MANAGER } from "../preview/k8s-rules";
import { parseWaitFor, waitForSatisfied } from "./jsonpath";
import { applyField } from "./ssa";
import { clone, selects, stableJson } from "./util";

export const DEFAULT_AWAIT_SECONDS = 600;
export const CLAIM_AWAIT_SECONDS = 300;
const SETTLE_SECONDS = 10;
const LOAD_BALANCER_SECONDS = 30;

type Op = "create" | "update" | "replace" | "same";

export interface ApplyStep {
  entry: PlanStep;
  op: Op;
  state: "pending" | "deleting" | "running" | "done" | "failed";
  startedAt?: number;
  finishedAt?: number;
  error?: string;
  /**
   * A StatefulSet update: whether the status the controller last reported (for the previous
   * generation) already met the built-in await. The provider's StatefulSet await
   * (await/statefulset.go) skips objects of an older metadata.generation but never compares
   * status.observedGeneration, so the first event after the apply, which carries the new
   * generation and the old status, ends the await at once: on the end-to-end control plane a
   * rolling update of the meta tier "completed" in 0.4 s with one pod of five rolled.
   */
  staleReady?: boolean;
}

const STS_IMMUTABLE = ["selector", "serviceName", "podManagementPolicy", "volumeClaimTemplates"];

/** A copy of `o` without the ignoreChanges paths (dotted, no array segments). */
function withoutIgnored(o: any, ignore: string[]): any {
  if (o === undefined || ignore.length === 0) {
    return o;
  }
  const out = clone(o);
  for (const path of ignore) {
    const parts = path.split(".");
    const parent = parts.slice(0, -1).reduce((v: any, k) => (v === undefined || v === null ? undefined : v[k]), out);
    if (parent !== undefined && parent !== null) {
      delete parent[parts[parts.length - 1]];
    }
  }
  return out;
}

function diff(kind: string, beforeIn: any, afterIn: any, ignore: string[]): Op {
  if (beforeIn === undefined) {
    return "create";
  }
  const before = withoutIgnored(beforeIn, ignore);
  const after = withoutIgnored(afterIn, ignore);
  if (stableJson(before) === stableJson(after)) {
    return "same";
  }
  if (kind === "ConfigMap" && stableJson(before.data) !== stableJson(after.data)) {
    return "replace";
  }
  if (kind === "StatefulSet" && STS_IMMUTABLE.some((f) => stableJson(before.spec?.[f]) !== stableJson(after.spec?.[f]))) {
    return "replace";
  }
  return "update";
}

export interface UpOptions {
  /** Diff against the live objects (`pulumi up --refresh`), not the previous program's. */
  refresh?: boolean;
  /** The provider's enablePatchForce (PULUMI_K8S_ENABLE_PATCH_FORCE=true): applies take conflicting fields. */
  force?: boolean;
}

export class PulumiUp {
  readonly steps: ApplyStep[];
  private readonly endpointSig = new Map<string, { sig: string; since: number }>();
  /** StatefulSets whose await finished before the roll-out their spec asks for was done (model truth). */
  readonly premature: string[] = [];
  /** Objects of the previous program the new one no longer has, deleted last. */
  private readonly removed: any[];
  private removedDone = false;

  constructor(
    private readonly w: World,
    readonly desired: Deployment,
    previous?: Deployment,
    private readonly options: UpOptions = {},
  ) {
    const before = (name: string) => {
      const prev = previous?.objects.get(name);
      const body = desired.objects.get(name);
      const live = body === undefined ? undefined : w.getObject(body.kind, body.metadata?.namespace, body.metadata?.name);
      return options.refresh && live !== undefined ? live : prev;
    };
    this.steps = desired.plan.map((entry) => ({
      entry,
      op: diff(entry.kind, before(entry.name), desired.objects.get(entry.name), desired.resources.get(entry.name)?.options.ignoreChanges ?? []),
      state: "pending",
    }));
    this.removed = [...(previous?.objects ?? new Map()).entries()].filter(([name]) => !desired.objects.has(name)).map(([, o]) => o);
    w.onTick(() => this.tick());
  }

  get finished(): boolean {
    const stepsOver = this.steps.every((s) => s.state === "done" || s.state === "failed" || (s.state === "pending" && this.blocked(s)));
    return stepsOver && (this.removedDone || !this.succeededSteps);
  }
  private get succeededSteps(): boolean {
    return this.steps.every((s) => s.state === "done");
  }
  get succeeded(): boolean {
    return this.succeededSteps && this.removedDone;
  }
  get failures(): ApplyStep[] {
    return this.steps.filter((s) => s.state === "failed");
  }
  step(name: string): ApplyStep | undefined {
    return this.steps.find((s) => s.entry.name === name);
  }

  private dep(name: string): ApplyStep | undefined {
    return this.steps.find((s) => s.entry.name === name);
  }
  private blocked(s: ApplyStep): boolean {
    return s.entry.dependsOn.some((d) => {
      const dep = this.dep(d);
      return dep !== undefined && (dep.state === "failed" || (dep.state === "pending" && this.blocked(dep)));
    });
  }
  private depsDone(s: ApplyStep): boolean {
    return s.entry.dependsOn.every((d) => this.dep(d)?.state !== "pending" && this.dep(d)?.state !== "running" && this.dep(d)?.state !== "deleting" && this.dep(d)?.state !== "failed");
  }

  /**
   * Creates or updates one object; an error when the API server refuses the apply. A created
   * StatefulSet's spec.replicas is Pulumi's; an update's follows appliedOnUpdate and ssa.ts.
   */
  private apply(s: ApplyStep, body: any): string | undefined {
    if (isPatchType(this.desired.resources.get(s.entry.name)?.type)) {
      // A patch is applied to the object it names; the API server may refuse it.
      try {
        this.w.applyClaimPatch(body);
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    }
    const sts = body.kind === "StatefulSet" ? this.w.statefulSets.get(`${body.metadata.namespace}/${body.metadata.name}`) : undefined;
    const live = sts === undefined ? undefined : this.w.getObject("StatefulSet", body.metadata.namespace, body.metadata.name);
    if (sts === undefined || live === undefined || sts.deleted || s.op === "create") {
      this.w.putObject(body);
      return undefined;
    }
    s.staleReady = sts.pulumiReady();
    const ignore = this.desired.resources.get(s.entry.name)?.options.ignoreChanges ?? [];
    const sent = appliedOnUpdate(body, live, ignore, { "spec.replicas": [...sts.replicasOwners] });
    const field = applyField(sent.spec?.replicas, live.spec?.replicas, sts.replicasOwners, PULUMI_MANAGER, this.options.force === true);
    if (field.conflicts.length > 0) {
      return `Server-Side Apply field conflict: conflict with ${field.conflicts.map((m) => `"${m}"`).join(", ")}: .spec.replicas`;
    }
    const written = clone(sent);
    if (field.value === undefined) {
      delete written.spec.replicas;
    } else {
      written.spec.replicas = field.value;
    }
    this.w.putObject(written);
    sts.replicasOwners = field.owners;
    return undefined;
  }

  private tick(): void {
    for (const s of this.steps) {
      const body = this.desired.objects.get(s.entry.name);
      if (s.state === "pending" && this.depsDone(s)) {
        s.startedAt = this.w.t;
        if (s.op === "same" || body === undefined) {
          s.state = "done";
          s.finishedAt = this.w.t;
          continue;
        }
        if (s.op === "replace") {
          this.w.deleteObject(body.kind, body.metadata?.namespace, body.metadata.name);
          s.state = "deleting";
          continue;
        }
        const error = this.apply(s, body);
        if (error !== undefined) {
          s.state = "failed";
          s.finishedAt = this.w.t;
          s.error = error;
          continue;
        }
        s.state = "running";
      } else if (s.state === "deleting") {
        const gone = body.kind !== "StatefulSet" || this.w.podsOf({ namespace: body.metadata.namespace, name: body.metadata.name } as any).length === 0;
        if (gone) {
          if (body.kind === "StatefulSet") {
            this.w.statefulSets.delete(`${body.metadata.namespace}/${body.metadata.name}`);
          }
          this.w.putObject(body);
          s.state = "running";
        }
      } else if (s.state === "running") {
        let ready: boolean;
        try {
          ready = this.ready(s, body);
        } catch (e) {
          s.state = "failed";
          s.finishedAt = this.w.t;
          s.error = `await: ${(e as Error).message}`;
          continue;
        }
        if (ready) {
          s.state = "done";
          s.finishedAt = this.w.t;
          const sts = body.kind === "StatefulSet" ? this.w.statefulSets.get(`${body.metadata.namespace}/${body.metadata.name}`) : undefined;
          if (sts !== undefined && !sts.rolledOut(this.w)) {
            this.premature.push(`${s.entry.name} at t=${this.w.t}s`);
          }
        } else if (this.w.t - (s.startedAt as number) >= this.timeout(body)) {
          s.state = "failed";
          s.finishedAt = this.w.t;
          s.error = `timed out after ${this.timeout(body)} s`;
        }
      }
    }
    if (!this.removedDone && this.succeededSteps) {
      for (const o of this.removed) {
        this.w.deleteObject(o.kind, o.metadata?.namespace, o.metadata.name);
      }
      this.removedDone = true;
    }
  }

  /** A claim as the API server shows it, for waitFor expressions. */
  private claimObject(ns: string, name: string): any {
    const c = this.w.claims.get(`${ns}/${name}`);
    if (c === undefined) {
      return undefined;
    }
    return { metadata: { name, namespace: ns }, spec: { storageClassName: c.storageClassName }, status: { phase: c.bound ? "Bound" : "Pending", capacity: { storage: String(c.capacity) } } };
  }

  private timeout(body: any): number {
    const t = body.metadata?.annotations?.["pulumi.com/timeoutSeconds"];
    // The provider's default timeouts (await/awaiters.go): 5 minutes for a claim, 10 otherwise.
    return t !== undefined ? Number(t) : body.kind === "PersistentVolumeClaim" ? CLAIM_AWAIT_SECONDS : DEFAULT_AWAIT_SECONDS;
  }

  private ready(s: ApplyStep, body: any): boolean {
    if (body.metadata?.annotations?.["pulumi.com/skipAwait"] === "true") {
      return true;
    }
    const ns = body.metadata?.namespace;
    const waitFor = body.metadata?.annotations?.["pulumi.com/waitFor"];
    if (waitFor !== undefined) {
      const live =
        body.kind === "StatefulSet"
          ? this.w.statefulSets.get(`${ns}/${body.metadata.name}`)?.liveObject()
          : body.kind === "PersistentVolumeClaim"
            ? this.claimObject(ns, body.metadata.name)
            : undefined;
      if (body.kind !== "StatefulSet" && body.kind !== "PersistentVolumeClaim") {
        throw new Error(`pulumi.com/waitFor on a ${body.kind} is not modelled`);
      }
      return live !== undefined && waitForSatisfied(parseWaitFor(waitFor), live);
    }
    if (body.kind === "PersistentVolumeClaim") {
      // The provider's claim await (await/awaiters.go untilCoreV1PersistentVolumeClaimReady):
      // Bound, except for a WaitForFirstConsumer class, where it waits for Pending, which a claim
      // a pod has already bound never is again (a real run timed out on it).
      const claim = this.w.claims.get(`${ns}/${body.metadata.name}`);
      const sc = claim?.storageClassName === undefined ? undefined : this.w.getObject("StorageClass", undefined, claim.storageClassName);
      const waitsForPending = sc?.volumeBindingMode === "WaitForFirstConsumer";
      return claim !== undefined && (waitsForPending ? !claim.bound : claim.bound);
    }
    if (body.kind === "StatefulSet") {
      return s.staleReady === true || (this.w.statefulSets.get(`${ns}/${body.metadata.name}`)?.pulumiReady() ?? false);
    }
    if (body.kind === "Service" && body.spec?.clusterIP !== "None" && body.spec?.selector !== undefined) {
      const selected = [...this.w.pods.values()].filter((p) => p.namespace === ns && p.ip !== undefined && selects({ matchLabels: body.spec.selector }, p.labels));
      const sig = selected.map((p) => `${p.name}:${p.ready}`).sort().join(",");
      const prev = this.endpointSig.get(body.metadata.name);
      if (prev === undefined || prev.sig !== sig) {
        this.endpointSig.set(body.metadata.name, { sig, since: this.w.t });
        return false;
      }
      const created = this.w.t - (s.startedAt as number);
      const lbOk = body.spec.type !== "LoadBalancer" || created >= LOAD_BALANCER_SECONDS;
      return lbOk && !selected.some((p) => !p.ready) && this.w.t - prev.since >= SETTLE_SECONDS;
    }
    return true;
  }
}
