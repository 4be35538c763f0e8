// The preview-noise model (tests/preview) fed the very config a real run applies, so the two can be
// compared: what it says `pulumi preview` plans, and how many pods the `up` rolls.
import { evaluate, ObjectPlan, plan, restarts, Restart, Snapshot } from "../preview/harness";
import { DEFAULT_PROVIDER_FLAGS } from "../preview/k8s-rules";
import type { RobustMQClusterArgs } from "../../components";
import type { StackConfig, StepRecord } from "./harness/pulumi";
import { SECRETS } from "./stacks";

export async function modelSnapshot(stack: string, config: StackConfig, secrets: Record<string, string> = SECRETS, mutateArgs?: (a: RobustMQClusterArgs) => RobustMQClusterArgs): Promise<Snapshot> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    flat[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return evaluate({ config: { ...flat, ...secrets }, secretKeys: Object.keys(secrets), stack, mutateArgs });
}

export type Action = "update" | "replace" | "create" | "delete";

/** "type::pulumi-name" for a model key (its last segment) or a real step's URN. */
export const identity = (type: string, name: string) => `${type}::${name}`;

export function modelActions(plans: ObjectPlan[]): Map<string, Action> {
  const out = new Map<string, Action>();
  for (const p of plans) {
    if (p.action !== "same") {
      const last = p.key.split("$").pop() as string;
      out.set(last, p.action);
    }
  }
  return out;
}

/** The engine's step ops, as the four actions (a replacement shows as several steps). */
export function realActions(steps: StepRecord[]): Map<string, Action> {
  const out = new Map<string, Action>();
  for (const s of steps) {
    const id = identity(s.type, s.name);
    switch (s.op) {
      case "update":
        out.set(id, "update");
        break;
      case "replace":
      case "create-replacement":
      case "delete-replaced":
      case "discard-replaced":
        out.set(id, "replace");
        break;
      case "create":
        if (out.get(id) !== "replace") {
          out.set(id, "create");
        }
        break;
      case "delete":
        out.set(id, "delete");
        break;
      default:
        break;
    }
  }
  // The stack itself and the component are not objects of the cluster.
  for (const id of [...out.keys()]) {
    if (id.startsWith("pulumi:pulumi:Stack::") || id.startsWith("robustmq:index:")) {
      out.delete(id);
    }
  }
  return out;
}

export interface ModelPrediction {
  actions: Map<string, Action>;
  plans: ObjectPlan[];
  restarts: Restart[];
  /** Pods rolled per tier, as the model counts them. */
  rolledByTier: Record<string, number>;
  refused: ObjectPlan[];
}

export function predict(before: Snapshot, after: Snapshot): ModelPrediction {
  const plans = plan(before, after, DEFAULT_PROVIDER_FLAGS);
  const r = restarts(before, after, plans);
  const rolledByTier: Record<string, number> = {};
  for (const x of r) {
    rolledByTier[x.tier] = (rolledByTier[x.tier] ?? 0) + x.pods;
  }
  return { actions: modelActions(plans), plans, restarts: r, rolledByTier, refused: plans.filter((p) => p.refused !== undefined) };
}

export function describeActions(a: Map<string, Action>): string {
  if (a.size === 0) {
    return "-";
  }
  return [...a.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([id, action]) => {
      const [type, name] = id.split("::");
      return `${action} ${type.split(":").pop()}/${name}`;
    })
    .join(", ");
}
