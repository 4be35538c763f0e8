// The deployments the scenarios run: the three stacks as their config renders them, and shapes
// built directly with RobustMQCluster. Each renders through Pulumi mocks, so the model reads the
// objects the component registers; re-rendering with other replica counts is how a scale-out is
// applied (the component recomputes meta_addrs and everything derived from it).
import { RobustMQCluster } from "../../components";
import type { RobustMQClusterArgs } from "../../components";
import { runWithMocks } from "../../offline/mock-runtime";
import { loadStackConfig } from "../../offline/render";
import { deployStack } from "../../stacks/program";
import { copyDeployment, Deployment, deploymentOf } from "./objects";
import type { NodeSpec } from "./world";

export interface Shape {
  label: string;
  nodes: NodeSpec[];
  /** Tier names, to name the tests; a test checks them against the rendered objects. */
  tiers: string[];
  /** Renders the shape, with replica counts per tier ("combined", "meta", ...) overridden. */
  render(replicas?: Record<string, number>, rollout?: Rollout): Promise<Deployment>;
}

/** What a roll-out changes, through the component's own arguments (or the stack's config keys). */
export interface Rollout {
  /** TierArgs.partition per tier. */
  partition?: Record<string, number>;
  /** The RobustMQ image (a pod template change). */
  image?: string;
  /** TierArgs.storageSize per tier (stack keys storageSize / <tier>StorageSize). */
  storage?: Record<string, string>;
  /**
   * TierArgs.autoscaling per tier (stack key robustmq:<tier>Autoscaling), or false to switch it
   * off; a tier switched off runs the `replicas` given for it, else its count in the stack file.
   */
  autoscaling?: Record<string, Record<string, unknown> | false>;
}

/** `zones` zones (a, b, c, ...) of `perZone` nodes each. */
export function nodesInZones(zones: number, perZone: number): NodeSpec[] {
  const out: NodeSpec[] = [];
  for (let z = 0; z < zones; z++) {
    const zone = `zone-${String.fromCharCode(97 + z)}`;
    for (let n = 1; n <= perZone; n++) {
      out.push({ name: `${zone}-node-${n}`, zone });
    }
  }
  return out;
}

function cached(render: (replicas: Record<string, number>, rollout: Rollout) => Promise<Deployment>): Shape["render"] {
  const cache = new Map<string, Promise<Deployment>>();
  return async (replicas = {}, rollout = {}) => {
    const key = JSON.stringify([Object.entries(replicas).sort(), Object.entries(rollout.partition ?? {}).sort(), rollout.image ?? null, Object.entries(rollout.storage ?? {}).sort(), Object.entries(rollout.autoscaling ?? {}).sort()]);
    if (!cache.has(key)) {
      cache.set(key, render(replicas, rollout));
    }
    return copyDeployment(await (cache.get(key) as Promise<Deployment>));
  };
}

/** A stack of stacks/, rendered from its Pulumi.<stack>.yaml like `npm run render` does. */
export function stackShape(stack: string, nodes: NodeSpec[], tiers: string[]): Shape {
  return {
    label: `stack:${stack}`,
    nodes,
    tiers,
    render: cached(async (replicas, rollout) => {
      const { config, secretKeys } = loadStackConfig(stack);
      for (const [tier, a] of Object.entries(rollout.autoscaling ?? {})) {
        if (a === false) {
          delete config[`robustmq:${tier}Autoscaling`];
        } else {
          config[`robustmq:${tier}Autoscaling`] = JSON.stringify(a);
          delete config[`robustmq:${tier}Replicas`];
        }
      }
      for (const [tier, n] of Object.entries(replicas)) {
        const autoscaling = config[`robustmq:${tier}Autoscaling`];
        if (autoscaling !== undefined) {
          // An autoscaled tier is scaled through its floor: the autoscaler then brings the count up.
          const a = JSON.parse(autoscaling);
          config[`robustmq:${tier}Autoscaling`] = JSON.stringify({ ...a, minReplicas: n, maxReplicas: Math.max(n, a.maxReplicas) });
        } else {
          config[tier === "combined" ? "robustmq:replicas" : `robustmq:${tier}Replicas`] = String(n);
        }
      }
      // The keys of the canary procedure (docs/DAY-2.md): robustmq:<tier>Partition and robustmq:image.
      for (const [tier, n] of Object.entries(rollout.partition ?? {})) {
        config[tier === "combined" ? "robustmq:partition" : `robustmq:${tier}Partition`] = String(n);
      }
      for (const [tier, size] of Object.entries(rollout.storage ?? {})) {
        config[tier === "combined" ? "robustmq:storageSize" : `robustmq:${tier}StorageSize`] = size;
      }
      if (rollout.image !== undefined) {
        // A stack that builds its image (staging, prod) switches to the prebuilt one: robustmq:image
        // and robustmq:imageBuild exclude each other.
        for (const key of ["robustmq:imageBuild", "robustmq:imageRegistryUsername", "robustmq:imageRegistryPassword"]) {
          delete config[key];
        }
        config["robustmq:image"] = rollout.image;
      }
      const { resources, result } = await runWithMocks(() => deployStack(), { config, secretKeys, stack });
      return deploymentOf(resources, result.cluster.plan);
    }),
  };
}

/** `new RobustMQCluster("rmq", args)` with replicas per tier. */
export function directShape(label: string, args: RobustMQClusterArgs, replicas: Record<string, number>, nodes: NodeSpec[]): Shape {
  return {
    label,
    nodes,
    tiers: Object.keys(replicas),
    render: cached(async (override, rollout) => {
      const tiers: Record<string, unknown> = {};
      for (const [tier, n] of Object.entries({ ...replicas, ...override })) {
        const partition = rollout.partition?.[tier];
        const storageSize = rollout.storage?.[tier];
        tiers[tier] = {
          ...((args as Record<string, any>)[tier] ?? {}),
          replicas: n,
          ...(partition === undefined ? {} : { partition }),
          ...(storageSize === undefined ? {} : { storageSize }),
        };
      }
      const image = rollout.image === undefined ? {} : { image: rollout.image };
      const { resources, result } = await runWithMocks(() => new RobustMQCluster("rmq", { ...args, ...tiers, ...image }));
      return deploymentOf(resources, result.plan);
    }),
  };
}

const SPLIT = ["meta", "engine", "broker"];

export const SHAPES = {
  dev: stackShape("dev", nodesInZones(1, 1), ["combined"]),
  staging: stackShape("staging", nodesInZones(3, 2), SPLIT),
  // prod: hard host anti-affinity and hard zone spread; 3 nodes per zone so a +2 meta scale-out fits.
  prod: stackShape("prod", nodesInZones(3, 3), SPLIT),
  combined1: directShape("combined-1", { topology: "combined" }, { combined: 1 }, nodesInZones(3, 2)),
  combined3: directShape("combined-3", { topology: "combined" }, { combined: 3 }, nodesInZones(3, 2)),
  split111: directShape("split-1/1/1", { topology: "split" }, { meta: 1, engine: 1, broker: 1 }, nodesInZones(3, 2)),
  split312: directShape("split-3/1/2", { topology: "split" }, { meta: 3, engine: 2, broker: 1 }, nodesInZones(3, 2)),
};
