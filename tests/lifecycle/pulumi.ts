// `pulumi up` over the plan: a resource's step starts once every resource it dependsOn has
// finished (created or updated AND ready by Pulumi's await rules); a failed step blocks its
// dependents and fails the update. Await rules modelled (pulumi-kubernetes provider/pkg/await):
// - StatefulSet: spec.replicas == status.replicas == readyReplicas == currentReplicas and
//   currentRevision == updateRevision; 10 min timeout (annotation pulumi.com/timeoutSeconds).
// - Service with a selector and not headless: its endpoints have no not-ready address and have
//   settled (10 s without change); a LoadBalancer also needs an address (assumed after 30 s).
// - anything else: ready once applied. pulumi.com/skipAwait: "true" skips any await.
// - pulumi.com/waitFor (provider 4.18.0+, RFC 9535 JSONPath since 4.24.0) replaces the built-in
//   await: its conditions are evaluated against the live object (jsonpath.ts; for a StatefulSet
//   the status the controller model reports); an expression the provider would refuse fails the
//   step. skipAwait still wins over it.
// Patches (PersistentVolumeClaimPatch): applied to the claim they name, done once the API server
// takes them (World.applyClaimPatch refuses what it refuses). ignoreChanges as the engine applies it.
// Diffs: a ConfigMap whose data changes is replaced (the provider's default without
// enableConfigMapMutable), delete-before-replace since it is named; a StatefulSet whose immutable
// fields change is replaced the same way (its pods go with it); everything else is updated.
import { copyDeployment, Deployment, isPatchType, PlanStep } from "./objects";
import type { World } from "./world";
import { parseWaitFor, waitForSatisfied } from "./jsonpath";
import { clone, selects, stableJson } from "./util";

export const DEFAULT_AWAIT_SECONDS = 600;
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
}

const STS_IMMUTABLE = ["selector", "serviceName", "podManagementPolicy", "volumeClaimTemplates"];

function diff(kind: string, before: any, after: any): Op {
  if (before === undefined) {
    return "create";
  }
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

/**
 * The engine's ignoreChanges (pulumi/pkg/resource/deploy/step_generator.go processIgnoreChanges):
 * an ignored path keeps the old inputs' value, so it neither shows in the diff nor reaches the
 * cluster (the provider's SSA update also sends the live value back: await.go handleSSAIgnoreFields).
 */
function withIgnoredChanges(desired: Deployment, previous: Deployment | undefined): Deployment {
  if (previous === undefined) {
    return desired;
  }
  const out = copyDeployment(desired);
  for (const [name, r] of out.resources) {
    const before = previous.objects.get(name);
    const after = out.objects.get(name);
    if (before === undefined || after === undefined) {
      continue;
    }
    for (const path of r.options.ignoreChanges) {
      const keys = path.split(".");
      const last = keys.pop() as string;
      const parentOf = (o: any) => keys.reduce((x, k) => (x === undefined ? undefined : x[k]), o);
      const oldParent = parentOf(before);
      const newParent = parentOf(after);
      if (oldParent !== undefined && newParent !== undefined) {
        newParent[last] = clone(oldParent[last]);
      }
    }
  }
  return out;
}

export class PulumiUp {
  readonly steps: ApplyStep[];
  private readonly endpointSig = new Map<string, { sig: string; since: number }>();
  /** StatefulSets whose await finished before the roll-out their spec asks for was done (model truth). */
  readonly premature: string[] = [];

  readonly desired: Deployment;

  constructor(private readonly w: World, desired: Deployment, previous?: Deployment) {
    this.desired = withIgnoredChanges(desired, previous);
    this.steps = this.desired.plan.map((entry) => ({
      entry,
      op: diff(entry.kind, previous?.objects.get(entry.name), this.desired.objects.get(entry.name)),
      state: "pending",
    }));
    w.onTick(() => this.tick());
  }

  get finished(): boolean {
    return this.steps.every((s) => s.state === "done" || s.state === "failed" || (s.state === "pending" && this.blocked(s)));
  }
  get succeeded(): boolean {
    return this.steps.every((s) => s.state === "done");
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
        if (isPatchType(this.desired.resources.get(s.entry.name)?.type)) {
          // A patch is applied to the object it names; the API server may refuse it.
          try {
            this.w.applyClaimPatch(body);
            s.state = "done";
          } catch (e) {
            s.state = "failed";
            s.error = (e as Error).message;
          }
          s.finishedAt = this.w.t;
          continue;
        }
        this.w.putObject(body);
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
  }

  private timeout(body: any): number {
    const t = body.metadata?.annotations?.["pulumi.com/timeoutSeconds"];
    return t === undefined ? DEFAULT_AWAIT_SECONDS : Number(t);
  }

  private ready(s: ApplyStep, body: any): boolean {
    if (body.metadata?.annotations?.["pulumi.com/skipAwait"] === "true") {
      return true;
    }
    const ns = body.metadata?.namespace;
    const waitFor = body.metadata?.annotations?.["pulumi.com/waitFor"];
    if (waitFor !== undefined) {
      if (body.kind !== "StatefulSet") {
        throw new Error(`pulumi.com/waitFor on a ${body.kind} is not modelled`);
      }
      const live = this.w.statefulSets.get(`${ns}/${body.metadata.name}`)?.liveObject();
      return live !== undefined && waitForSatisfied(parseWaitFor(waitFor), live);
    }
    if (body.kind === "StatefulSet") {
      return this.w.statefulSets.get(`${ns}/${body.metadata.name}`)?.pulumiReady() ?? false;
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
