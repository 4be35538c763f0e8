// Routine changes to a prod-shaped stack, each as "before" and "after" stack configs (or args).
import { loadStackConfig } from "../../offline/render";
import type { RobustMQClusterArgs } from "../../components";
import { CONFIG_NAMESPACE } from "../../stacks/config";
import type { Evaluation } from "./harness";

/** The robustmq:* keys of a stack, values parsed (objects, lists, numbers, booleans). */
export type ConfigDoc = Record<string, any>;

export interface Side {
  edit?: (c: ConfigDoc) => void;
  /** Secret keys (robustmq:<key>) with their values. */
  secrets?: Record<string, string>;
  args?: (a: RobustMQClusterArgs) => RobustMQClusterArgs;
}

/** "before" and "after" are each applied to the base stack's config. */
export interface Change {
  name: string;
  /** One of the routine changes (counted in the restart budget). */
  listed: boolean;
  before?: Side;
  after: Side;
  /**
   * Pod counts of StatefulSets (by object name) that differ live from the program, as a `pulumi
   * refresh` before the preview records them in the state: what the autoscaler set.
   */
  liveReplicas?: Record<string, number>;
  /** The objects ("Kind/name", "Kind/prefix*" for a name ending in a digest) the plan changes, exactly; unset: at least one. */
  only?: string[];
}

export const BASE_STACK = "prod";

export const CHANGES: Change[] = [
  {
    // What Pulumi.prod.yaml says to do next: move to the next release's tag (no commit pin).
    name: "version bump",
    listed: true,
    after: {
      edit: (c) => {
        c.imageBuild.version = "v0.4.12";
        c.imageBuild.context = "https://github.com/robustmq/robustmq.git#v0.4.12";
        delete c.imageBuild.gitSha;
      },
    },
  },
  {
    // prod's broker count is the autoscaler's: a scale-out is asked for by raising its floor, and
    // only the HPA changes (the StatefulSet's count is no longer applied).
    name: "broker scale-out",
    listed: true,
    after: { edit: (c) => (c.brokerAutoscaling.minReplicas += 1) },
    // The new floor's pod gets its claim patch (workload/volumes.ts: up to the autoscaler's floor).
    only: ["PersistentVolumeClaimPatch/data-robustmq-broker-3", "HorizontalPodAutoscaler/robustmq-broker"],
  },
  { name: "engine scale-out", listed: true, after: { edit: (c) => (c.engineReplicas += 1) } },
  { name: "meta scale-out", listed: true, after: { edit: (c) => (c.metaReplicas += 2) } },
  {
    name: "broker-only config key",
    listed: true,
    after: { edit: (c) => (c.extraConfig = { ...(c.extraConfig ?? {}), mqtt_runtime: { keep_alive: { max_time: 600 } } }) },
  },
  { name: "CPU request (broker)", listed: true, after: { edit: (c) => (c.resources.broker.requests.cpu = "3") } },
  { name: "engine storage growth", listed: true, after: { edit: (c) => (c.engineStorageSize = "300Gi") } },
  {
    name: "enable Kafka",
    listed: true,
    before: { edit: (c) => (c.protocols = (c.protocols as string[]).filter((p) => p !== "kafka")) },
    after: { edit: (c) => (c.protocols = [...new Set([...(c.protocols ?? ["mqtt"]), "kafka"])]) },
  },
  {
    name: "rotate admin password",
    listed: true,
    before: { secrets: { adminPassword: "before-rotation-0123456789" } },
    after: { secrets: { adminPassword: "after-rotation-9876543210" } },
  },
  { name: "add a label", listed: true, after: { args: (a) => ({ ...a, labels: { ...(a.labels ?? {}), "example.com/team": "messaging" } }) } },
  {
    name: "enable network policy",
    listed: true,
    // The base (prod) has one: "before" is the base without it, "after" the base.
    before: { edit: (c) => delete c.networkPolicy },
    after: {},
  },
  { name: "log level", listed: true, after: { edit: (c) => (c.logLevel = c.logLevel === "debug" ? "info" : "debug") } },
  { name: "ingress host", listed: true, after: { edit: (c) => (c.ingress.host = `new-${c.ingress.host}`) } },
  {
    name: "version bump (commit pinned)",
    listed: false,
    after: {
      edit: (c) => {
        const sha = "0123456789abcdef0123456789abcdef01234567";
        c.imageBuild.version = "v0.4.12";
        c.imageBuild.context = `https://github.com/robustmq/robustmq.git#${sha}`;
        c.imageBuild.gitSha = sha;
      },
    },
  },
  // Added: volume growth together with a scale-out (the new pod's claim starts at the template's
  // first size and gets its own patch), and a scale-in after growth (the patch leaves the stack).
  {
    name: "engine storage growth with scale-out",
    listed: false,
    after: {
      edit: (c) => {
        c.engineStorageSize = "300Gi";
        c.engineReplicas += 1;
      },
    },
  },
  { name: "engine scale-in", listed: false, after: { edit: (c) => (c.engineReplicas -= 1) } },
  // Added: monitoring on, and from ServiceMonitors to PodMonitors, must restart no pod (the pods
  // keep their prometheus.io annotations in every mode).
  {
    name: "enable monitoring",
    listed: false,
    // The base (prod) has it: "before" is the base without it, "after" the base.
    before: { edit: (c) => delete c.monitoring },
    after: {},
  },
  { name: "monitoring with PodMonitors", listed: false, after: { edit: (c) => (c.monitoring = { ...c.monitoring, scrape: "PodMonitor" }) } },
  // Added: the autoscaler at work, and a change of its bounds.
  { name: "autoscaler changed the broker replicas", listed: false, after: {}, liveReplicas: { "robustmq-broker": 7 }, only: [] },
  {
    name: "user changes autoscaling max",
    listed: false,
    after: { edit: (c) => (c.brokerAutoscaling.maxReplicas = 12) },
    only: ["HorizontalPodAutoscaler/robustmq-broker"],
  },
  {
    // The StatefulSet is updated for another reason while the autoscaler holds 7 brokers: the
    // apply must keep 7 (pulumi/pulumi-kubernetes#2542 was this case).
    name: "version bump, autoscaler at 7 brokers",
    listed: false,
    liveReplicas: { "robustmq-broker": 7 },
    after: {
      edit: (c) => {
        c.imageBuild.version = "v0.4.12";
        c.imageBuild.context = "https://github.com/robustmq/robustmq.git#v0.4.12";
        delete c.imageBuild.gitSha;
      },
    },
  },
  // Added: what the runtime sync applies through the admin API (a dynamic-section key, an ACL, a
  // user's password) restarts no pod: the file keeps the key for the next start, a new Job applies it.
  {
    name: "dynamic config key (runtime sync)",
    listed: false,
    before: { edit: (c) => offlineMessages(c, true) },
    after: { edit: (c) => offlineMessages(c, false) },
    only: ["ConfigMap/robustmq-config", "ConfigMap/robustmq-runtime-sync", "Job/robustmq-sync-*"],
  },
  {
    name: "add an ACL (runtime sync)",
    listed: false,
    before: { edit: (c) => (c.mqttAcls = []) },
    after: { edit: (c) => (c.mqttAcls = [{ name: "deny-guest-publish", resourceType: "User", resourceName: "guest", action: "Publish", permission: "Deny" }]) },
    only: ["ConfigMap/robustmq-runtime-sync", "Job/robustmq-sync-*"],
  },
  {
    name: "rotate an MQTT user's password (runtime sync)",
    listed: false,
    before: { args: (a) => ({ ...a, mqttUsers: [{ username: "ingest", password: "ingest-password-0001" }] }) },
    after: { args: (a) => ({ ...a, mqttUsers: [{ username: "ingest", password: "ingest-password-0002" }] }) },
    only: ["Secret/robustmq-runtime-sync", "Job/robustmq-sync-*"],
  },
  // Added: routine edits of serving objects and of the other credential.
  { name: "LB source range added", listed: false, after: { edit: (c) => (c.loadBalancerSourceRanges = [...(c.loadBalancerSourceRanges ?? []), "198.51.100.0/24"]) } },
  {
    name: "rotate JWT secret",
    listed: false,
    before: { secrets: { jwtSecret: "before-rotation-jwt-0123456789abcdefghij" } },
    after: { secrets: { jwtSecret: "after-rotation-jwt-9876543210zyxwvutsrqp" } },
  },
];

/** The runtime sync on, with [mqtt_runtime.offline_message] enable set, beside prod's own extraConfig. */
function offlineMessages(c: ConfigDoc, enable: boolean): void {
  c.runtimeSync = {};
  const extra = c.extraConfig ?? {};
  c.extraConfig = { ...extra, mqtt_runtime: { ...(extra.mqtt_runtime ?? {}), offline_message: { enable } } };
}

function parse(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The stack's config with one side of a change applied, as runWithMocks takes it. */
export function evaluation(side: Side | undefined, stack = BASE_STACK): Evaluation {
  const loaded = loadStackConfig(stack);
  const prefix = `${CONFIG_NAMESPACE}:`;
  const doc: ConfigDoc = {};
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(loaded.config)) {
    if (k.startsWith(prefix) && !loaded.secretKeys.includes(k)) {
      doc[k.slice(prefix.length)] = parse(v);
    } else {
      other[k] = v;
    }
  }
  side?.edit?.(doc);
  const config: Record<string, string> = { ...other };
  for (const [k, v] of Object.entries(doc)) {
    if (v !== undefined) {
      config[prefix + k] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  const secretKeys = [...loaded.secretKeys];
  for (const [k, v] of Object.entries(side?.secrets ?? {})) {
    config[prefix + k] = v;
    secretKeys.push(prefix + k);
  }
  return { config, secretKeys, stack, mutateArgs: side?.args };
}
