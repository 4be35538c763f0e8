// What the model reads: the objects a program registered (as Pulumi mocks saw their inputs) and the
// apply plan the component recorded. Nothing here restates a decision of the component: every
// number, name and port below is read from these objects.
import type { Registered } from "../../offline/mock-runtime";
import { clone } from "./util";

/** One entry of `RobustMQCluster.plan`: apply order with dependencies (phases are only labels). */
export interface PlanStep {
  phase: string;
  name: string;
  kind: string;
  dependsOn: string[];
}

/** A desired state: Kubernetes objects by Pulumi logical name, and the apply plan. */
export interface Deployment {
  plan: PlanStep[];
  /** Pulumi logical name -> the object's inputs (a Kubernetes manifest), deep-copied. */
  objects: Map<string, any>;
  /** Pulumi logical name -> the resource's ignoreChanges option (absent: none). */
  ignoreChanges: Map<string, string[]>;
}

/** Builds a Deployment from a mock run. Copies, so a variant can mutate it freely. */
export function deploymentOf(resources: Registered[], plan: ReadonlyArray<PlanStep>): Deployment {
  const objects = new Map<string, any>();
  const ignoreChanges = new Map<string, string[]>();
  for (const r of resources) {
    if (r.type.startsWith("kubernetes:")) {
      objects.set(r.name, clone(r.inputs));
      if (r.ignoreChanges.length > 0) {
        ignoreChanges.set(r.name, [...r.ignoreChanges]);
      }
    }
  }
  return { plan: plan.map((p) => ({ ...p, dependsOn: [...p.dependsOn] })), objects, ignoreChanges };
}

export function copyDeployment(d: Deployment): Deployment {
  return {
    plan: d.plan.map((p) => ({ ...p, dependsOn: [...p.dependsOn] })),
    objects: new Map([...d.objects].map(([k, v]) => [k, clone(v)])),
    ignoreChanges: new Map([...d.ignoreChanges].map(([k, v]) => [k, [...v]])),
  };
}

export function objectsOfKind(d: Deployment, kind: string): Array<[string, any]> {
  return [...d.objects].filter(([, o]) => o?.kind === kind);
}

/** The init container that holds back a fresh meta pod (absent when the tier has none). */
export const GATE_CONTAINER = "bootstrap-gate";
/** The RobustMQ container of every tier. */
export const MAIN_CONTAINER = "robustmq";

export function mainContainer(podSpec: any): any {
  const c = (podSpec.containers ?? []).find((x: any) => x.name === MAIN_CONTAINER) ?? podSpec.containers?.[0];
  if (c === undefined) {
    throw new Error("pod template has no container");
  }
  return c;
}

/** The tier a StatefulSet runs: its ConfigMap item mapped to server.toml is `server-<tier>.toml`. */
export function serverTomlSource(podSpec: any): { configMap: string; key: string; tier: string } {
  for (const v of podSpec.volumes ?? []) {
    const item = (v.configMap?.items ?? []).find((i: any) => i.path === "server.toml");
    if (item !== undefined) {
      const m = /^server-(.+)\.toml$/.exec(item.key);
      return { configMap: v.configMap.name, key: item.key, tier: m ? m[1] : item.key };
    }
  }
  throw new Error("pod template mounts no server.toml");
}

/** Tier name of every StatefulSet, by Pulumi logical name. */
export function tiersOf(d: Deployment): Map<string, string> {
  return new Map(objectsOfKind(d, "StatefulSet").map(([name, o]) => [name, serverTomlSource(o.spec.template.spec).tier]));
}
