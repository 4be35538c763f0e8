// Maps stack configuration (robustmq:* keys) to RobustMQCluster arguments. Type errors name the key;
// value errors are left to the component, whose messages name the argument.
import * as pulumi from "@pulumi/pulumi";
import { RobustMQClusterArgs, TierArgs } from "../components";
import type { RobustMQImageArgs } from "../components/image";

export const CONFIG_NAMESPACE = "robustmq";

export class StackConfigError extends Error {
  constructor(key: string, expected: string, got: string) {
    super(`stack config ${CONFIG_NAMESPACE}:${key}: expected ${expected}, got ${got}`);
    this.name = "StackConfigError";
  }
}

/** Typed reads over pulumi.Config: every failure names the key and the expected type. */
class Reader {
  constructor(private readonly config: pulumi.Config) {}

  private raw(key: string): string | undefined {
    return this.config.get(key);
  }

  private json(key: string): unknown {
    const raw = this.raw(key);
    if (raw === undefined) {
      return undefined;
    }
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }

  string(key: string): string | undefined {
    const raw = this.raw(key);
    if (raw !== undefined && raw.trim() === "") {
      throw new StackConfigError(key, "a non-empty string", JSON.stringify(raw));
    }
    return raw;
  }

  integer(key: string): number | undefined {
    const raw = this.raw(key);
    if (raw === undefined) {
      return undefined;
    }
    if (!/^-?\d+$/.test(raw.trim())) {
      throw new StackConfigError(key, "an integer", JSON.stringify(raw));
    }
    return Number(raw);
  }

  boolean(key: string): boolean | undefined {
    const raw = this.raw(key);
    if (raw === undefined) {
      return undefined;
    }
    if (raw !== "true" && raw !== "false") {
      throw new StackConfigError(key, "true or false", JSON.stringify(raw));
    }
    return raw === "true";
  }

  stringList(key: string): string[] | undefined {
    const v = this.json(key);
    if (v === undefined) {
      return undefined;
    }
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
      throw new StackConfigError(key, "a list of strings", JSON.stringify(v));
    }
    return v;
  }

  object<T>(key: string): T | undefined {
    const v = this.json(key);
    if (v === undefined) {
      return undefined;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new StackConfigError(key, "an object (a YAML map)", JSON.stringify(v));
    }
    return v as T;
  }

  secret(key: string): pulumi.Output<string> | undefined {
    return this.raw(key) === undefined ? undefined : this.config.requireSecret(key);
  }
}

export interface StackSettings {
  /** Name of the component, and base of every object name. */
  name: string;
  args: RobustMQClusterArgs;
  /** Build the image from source into the stack's registry instead of running a prebuilt one. */
  imageBuild?: RobustMQImageArgs;
  /** Protect the component and its children from deletion (prod). */
  protect: boolean;
}

function tier(r: Reader, prefix: string, resources: Record<string, TierArgs["resources"]> | undefined): TierArgs {
  const pick = (k: string) => (prefix === "" ? k : `${prefix}${k[0].toUpperCase()}${k.slice(1)}`);
  const t: TierArgs = {
    replicas: r.integer(pick("replicas")),
    storageSize: r.string(pick("storageSize")),
    resources: resources?.[prefix === "" ? "combined" : prefix],
    hostSpread: r.string("hostSpread") as TierArgs["hostSpread"],
    zoneSpread: r.string("zoneSpread") as TierArgs["zoneSpread"],
  };
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as TierArgs;
}

/** Keys typed in Pulumi.yaml's config schema. */
export const TYPED_KEYS = [
  "name", "namespace", "topology", "protocols", "image", "replicas", "metaReplicas", "brokerReplicas", "engineReplicas",
  "storageSize", "metaStorageSize", "brokerStorageSize", "engineStorageSize", "hostSpread",
  "zoneSpread", "serviceType", "loadBalancerSourceRanges", "retainVolumes", "protect", "logLevel", "adminUsername",
  "imageRegistryUsername",
] as const;
/** Object-valued keys: Pulumi.yaml cannot type them, readStackSettings checks them. */
export const OBJECT_KEYS = [
  "resources", "serviceAnnotations", "extraConfig", "storageClass", "ingress", "listenerTls", "networkPolicy", "imageBuild",
] as const;
/** Secret keys, set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["adminPassword", "jwtSecret", "mqttUsername", "mqttPassword", "imageRegistryPassword"] as const;
export const STACK_CONFIG_KEYS: readonly string[] = [...TYPED_KEYS, ...OBJECT_KEYS, ...SECRET_KEYS];

/**
 * Rejects robustmq:* keys the program does not read: Pulumi accepts any key, so a misspelt one
 * would otherwise be ignored without a word.
 */
export function checkKnownKeys(allConfig: Record<string, string>): void {
  const unknown = Object.keys(allConfig)
    .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))
    .map((k) => k.slice(CONFIG_NAMESPACE.length + 1))
    .filter((k) => !STACK_CONFIG_KEYS.includes(k));
  if (unknown.length > 0) {
    throw new Error(
      `stack config: unknown key(s) ${unknown.map((k) => `${CONFIG_NAMESPACE}:${k}`).join(", ")} ` +
        `(accepted: ${STACK_CONFIG_KEYS.join(", ")})`,
    );
  }
}

export function readStackSettings(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): StackSettings {
  checkKnownKeys(pulumi.runtime.allConfig());
  const r = new Reader(config);
  const topology = r.string("topology") ?? "combined";
  const resources = r.object<Record<string, TierArgs["resources"]>>("resources");
  const tiers: Partial<RobustMQClusterArgs> =
    topology === "split"
      ? { meta: tier(r, "meta", resources), broker: tier(r, "broker", resources), engine: tier(r, "engine", resources) }
      : { combined: tier(r, "", resources) };
  const args: RobustMQClusterArgs = {
    namespace: r.string("namespace"),
    topology: topology as RobustMQClusterArgs["topology"],
    ...tiers,
    protocols: r.stringList("protocols") as RobustMQClusterArgs["protocols"],
    image: r.string("image"),
    clientService: {
      type: r.string("serviceType") as NonNullable<RobustMQClusterArgs["clientService"]>["type"],
      annotations: r.object<Record<string, string>>("serviceAnnotations"),
      loadBalancerSourceRanges: r.stringList("loadBalancerSourceRanges"),
    },
    retainVolumes: r.boolean("retainVolumes"),
    storageClass: r.object("storageClass"),
    ingress: r.object("ingress"),
    listenerTls: r.object("listenerTls"),
    networkPolicy: r.object("networkPolicy"),
    logLevel: r.string("logLevel"),
    extraConfig: r.object<Record<string, unknown>>("extraConfig"),
    adminUsername: r.string("adminUsername"),
    adminPassword: r.secret("adminPassword"),
    jwtSecret: r.secret("jwtSecret"),
    mqttUsername: r.secret("mqttUsername"),
    mqttPassword: r.secret("mqttPassword"),
  };
  const imageBuild = r.object<RobustMQImageArgs>("imageBuild");
  const registryUser = r.string("imageRegistryUsername");
  const registryPassword = r.secret("imageRegistryPassword");
  if (imageBuild !== undefined && args.image !== undefined) {
    throw new Error(`stack config: set ${CONFIG_NAMESPACE}:image (a prebuilt image) or ${CONFIG_NAMESPACE}:imageBuild (build one), not both`);
  }
  if (imageBuild === undefined && (registryUser !== undefined || registryPassword !== undefined)) {
    throw new Error(`stack config: ${CONFIG_NAMESPACE}:imageRegistryUsername/imageRegistryPassword only apply with ${CONFIG_NAMESPACE}:imageBuild`);
  }
  return {
    name: r.string("name") ?? "robustmq",
    args: prune(args as unknown as Record<string, unknown>) as RobustMQClusterArgs,
    imageBuild:
      imageBuild === undefined
        ? undefined
        : { ...imageBuild, registry: { ...imageBuild.registry, username: registryUser, password: registryPassword } },
    protect: r.boolean("protect") ?? false,
  };
}

/** Drops unset values so the component applies its own defaults. */
function prune(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) {
      continue;
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !pulumi.Output.isInstance(v)) {
      const inner = prune(v as Record<string, unknown>);
      if (Object.keys(inner).length > 0 || k === "extraConfig") {
        out[k] = inner;
      }
      continue;
    }
    out[k] = v;
  }
  return out;
}
