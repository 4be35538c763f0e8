// The StorageClass of the data volumes: created from a preset, or an existing class used by name.
//
// StorageClass parameters, provisioner and reclaimPolicy are immutable in Kubernetes: changing any
// of them makes Pulumi delete and re-create the class (same name). Bound volumes keep working (a PV
// records its own settings), but a protected stack (prod) refuses the replacement, which is the
// point: a changed disk type is a decision, not a side effect. See docs/OPERATIONS.md.
import type * as k8s from "@pulumi/kubernetes";
import { isRecord, throwIfProblems, validateFields } from "../validate/lists";
import { objectLabels } from "../api/labels";
import { ResolvedCluster, ResolvedTier } from "../cluster/resolve";
import {
  Problems,
  validateDnsSubdomain,
  validateInteger,
  validateNonEmptyString,
  validateOneOf,
  validateStringMap,
} from "../validate/values";

export const STORAGE_PRESETS = ["aws-ebs", "gce-pd", "azure-disk", "local-path", "custom"] as const;
export type StoragePreset = (typeof STORAGE_PRESETS)[number];
export const RECLAIM_POLICIES = ["Retain", "Delete"] as const;
export type ReclaimPolicy = (typeof RECLAIM_POLICIES)[number];

/** gp3 limits enforced by the EBS API (IOPS, MiB/s) and its throughput-per-IOPS ceiling. */
export const GP3_IOPS = { min: 3000, max: 16000, default: 3000 } as const;
export const GP3_THROUGHPUT = { min: 125, max: 1000, default: 125 } as const;
export const GP3_MAX_THROUGHPUT_PER_IOPS = 0.25;
export const GCE_PD_TYPES = ["pd-ssd", "pd-balanced"] as const;
export const AZURE_DISK_SKUS = ["Premium_LRS", "Premium_ZRS", "StandardSSD_LRS", "StandardSSD_ZRS"] as const;

export const PROVISIONERS: Record<Exclude<StoragePreset, "custom">, string> = {
  "aws-ebs": "ebs.csi.aws.com",
  "gce-pd": "pd.csi.storage.gke.io",
  "azure-disk": "disk.csi.azure.com",
  "local-path": "rancher.io/local-path",
};

/**
 * StorageClass of the cluster's data volumes. Either `preset` (a class is created) or
 * `existingClassName` (an existing class is used, nothing is created). Leaving the whole argument
 * unset keeps the Kubernetes cluster's default class.
 */
export interface StorageClassArgs {
  /** Create a class: "aws-ebs" (gp3), "gce-pd", "azure-disk", "local-path" (kind, k3d) or "custom". */
  preset?: StoragePreset;
  /** Use this existing StorageClass; refused together with `preset`. */
  existingClassName?: string;
  /** Name of the created class. Default "<cluster>-<preset>". StorageClasses are cluster-wide. */
  name?: string;
  /**
   * What happens to a volume when its claim is deleted: "Retain" (default; use it in prod) or
   * "Delete" (dev). Immutable: changing it replaces the class.
   */
  reclaimPolicy?: ReclaimPolicy;
  /** aws-ebs: provisioned IOPS of gp3, 3000 to 16000. Default 3000. */
  iops?: number;
  /** aws-ebs: throughput of gp3 in MiB/s, 125 to 1000 and at most iops / 4. Default 125. */
  throughput?: number;
  /** aws-ebs: KMS key (ARN) encrypting the volumes; the account's default EBS key when unset. */
  kmsKeyId?: string;
  /** gce-pd: "pd-ssd" (default) or "pd-balanced". */
  diskType?: (typeof GCE_PD_TYPES)[number];
  /** azure-disk: "Premium_LRS" (default), "Premium_ZRS", "StandardSSD_LRS" or "StandardSSD_ZRS". */
  skuName?: (typeof AZURE_DISK_SKUS)[number];
  /** custom: the CSI provisioner (required). */
  provisioner?: string;
  /** custom: the provisioner's parameters, string values. */
  parameters?: Record<string, string>;
}

const COMMON_FIELDS = ["preset", "existingClassName", "name", "reclaimPolicy"] as const;
/** Fields that only mean something with one preset. */
const PRESET_FIELDS: Record<StoragePreset, ReadonlyArray<keyof StorageClassArgs>> = {
  "aws-ebs": ["iops", "throughput", "kmsKeyId"],
  "gce-pd": ["diskType"],
  "azure-disk": ["skuName"],
  "local-path": [],
  custom: ["provisioner", "parameters"],
};
const ALL_FIELDS: string[] = [...COMMON_FIELDS, ...Object.values(PRESET_FIELDS).flat()];

export type ResolvedStorageClass =
  /** Nothing set: the tiers' own storageClassName, else the Kubernetes cluster's default class. */
  | { mode: "cluster-default" }
  | { mode: "existing"; className: string }
  | {
      mode: "create";
      className: string;
      preset: StoragePreset;
      provisioner: string;
      parameters: Record<string, string>;
      reclaimPolicy: ReclaimPolicy;
      allowVolumeExpansion: boolean;
      volumeBindingMode: "WaitForFirstConsumer";
    };

function validateAwsEbs(field: string, args: Record<string, unknown>): Problems {
  const problems: Problems = [];
  if (args.iops !== undefined) {
    problems.push(...validateInteger(`${field}.iops`, args.iops, GP3_IOPS.min, GP3_IOPS.max).map((p) => `${p} (gp3 limits)`));
  }
  if (args.throughput !== undefined) {
    problems.push(
      ...validateInteger(`${field}.throughput`, args.throughput, GP3_THROUGHPUT.min, GP3_THROUGHPUT.max).map((p) => `${p} (gp3 limits, MiB/s)`),
    );
  }
  if (args.kmsKeyId !== undefined) {
    problems.push(...validateNonEmptyString(`${field}.kmsKeyId`, args.kmsKeyId));
  }
  if (problems.length === 0) {
    const iops = (args.iops as number | undefined) ?? GP3_IOPS.default;
    const throughput = (args.throughput as number | undefined) ?? GP3_THROUGHPUT.default;
    if (throughput > iops * GP3_MAX_THROUGHPUT_PER_IOPS) {
      problems.push(
        `${field}.throughput: ${throughput} MiB/s needs at least ${Math.ceil(throughput / GP3_MAX_THROUGHPUT_PER_IOPS)} IOPS ` +
          `(gp3 allows at most ${GP3_MAX_THROUGHPUT_PER_IOPS} MiB/s per IOPS; iops is ${iops})`,
      );
    }
  }
  return problems;
}

function validateCustom(field: string, args: Record<string, unknown>): Problems {
  const problems: Problems = [];
  if (args.provisioner === undefined) {
    problems.push(`${field}.provisioner: required with preset "custom" (the CSI driver name, e.g. "ebs.csi.aws.com")`);
  } else {
    problems.push(...validateDnsSubdomain(`${field}.provisioner`, args.provisioner));
  }
  problems.push(...validateStringMap(`${field}.parameters`, args.parameters));
  if (isRecord(args.parameters)) {
    for (const key of Object.keys(args.parameters)) {
      if (key.trim() === "") {
        problems.push(`${field}.parameters: keys must be non-empty`);
      }
    }
  }
  return problems;
}

/** Checks the storageClass argument; every problem names its field. */
export function validateStorageClassArgs(args: unknown, field = "storageClass"): Problems {
  if (args === undefined) {
    return [];
  }
  const problems = validateFields(field, args, ALL_FIELDS);
  if (!isRecord(args)) {
    return problems;
  }
  if (args.existingClassName !== undefined) {
    problems.push(...validateDnsSubdomain(`${field}.existingClassName`, args.existingClassName));
    for (const other of ALL_FIELDS.filter((f) => f !== "existingClassName" && args[f] !== undefined)) {
      problems.push(`${field}.${other}: not used with existingClassName (an existing class is used as it is; set preset instead to create one)`);
    }
    return problems;
  }
  if (args.preset === undefined) {
    problems.push(`${field}: set preset (${STORAGE_PRESETS.map((p) => `"${p}"`).join(", ")}) or existingClassName`);
    return problems;
  }
  problems.push(...validateOneOf(`${field}.preset`, args.preset, STORAGE_PRESETS));
  if (!(STORAGE_PRESETS as readonly unknown[]).includes(args.preset)) {
    return problems;
  }
  const preset = args.preset as StoragePreset;
  for (const [owner, fields] of Object.entries(PRESET_FIELDS)) {
    for (const f of fields.filter((f) => owner !== preset && args[f] !== undefined)) {
      problems.push(`${field}.${f}: only used with preset "${owner}" (preset is "${preset}")`);
    }
  }
  if (args.name !== undefined) {
    problems.push(...validateDnsSubdomain(`${field}.name`, args.name));
  }
  if (args.reclaimPolicy !== undefined) {
    problems.push(...validateOneOf(`${field}.reclaimPolicy`, args.reclaimPolicy, RECLAIM_POLICIES));
  }
  if (preset === "aws-ebs") {
    problems.push(...validateAwsEbs(field, args));
  } else if (preset === "gce-pd" && args.diskType !== undefined) {
    problems.push(...validateOneOf(`${field}.diskType`, args.diskType, GCE_PD_TYPES));
  } else if (preset === "azure-disk" && args.skuName !== undefined) {
    problems.push(...validateOneOf(`${field}.skuName`, args.skuName, AZURE_DISK_SKUS));
  } else if (preset === "custom") {
    problems.push(...validateCustom(field, args));
  }
  return problems;
}

function presetParameters(preset: StoragePreset, args: StorageClassArgs): Record<string, string> {
  switch (preset) {
    case "aws-ebs":
      return {
        type: "gp3",
        iops: String(args.iops ?? GP3_IOPS.default),
        throughput: String(args.throughput ?? GP3_THROUGHPUT.default),
        encrypted: "true",
        ...(args.kmsKeyId !== undefined ? { kmsKeyId: args.kmsKeyId } : {}),
      };
    case "gce-pd":
      return { type: args.diskType ?? "pd-ssd" };
    case "azure-disk":
      return { skuName: args.skuName ?? "Premium_LRS" };
    case "local-path":
      return {};
    case "custom":
      return { ...(args.parameters ?? {}) };
  }
}

/** Validates, then returns the defaulted model; throws RobustMQArgsError listing every problem. */
export function resolveStorageClass(
  cluster: Pick<ResolvedCluster, "name">,
  args: StorageClassArgs | undefined,
  field = "storageClass",
): ResolvedStorageClass {
  throwIfProblems(cluster.name, validateStorageClassArgs(args, field));
  if (args === undefined) {
    return { mode: "cluster-default" };
  }
  if (args.existingClassName !== undefined) {
    return { mode: "existing", className: args.existingClassName };
  }
  const preset = args.preset as StoragePreset;
  return {
    mode: "create",
    className: args.name ?? `${cluster.name}-${preset}`,
    preset,
    provisioner: preset === "custom" ? (args.provisioner as string) : PROVISIONERS[preset],
    parameters: presetParameters(preset, args),
    reclaimPolicy: args.reclaimPolicy ?? "Retain",
    // rancher.io/local-path has no resizer: a resize would be accepted and never done (and it does
    // not enforce sizes anyway). Every CSI preset, and custom, allows expansion.
    allowVolumeExpansion: preset !== "local-path",
    // Bind where the pod lands: a zonal disk is created in the zone the scheduler picked for the
    // pod (zone spread stays possible), and local-path needs it to know the node.
    volumeBindingMode: "WaitForFirstConsumer",
  };
}

/**
 * The StorageClass to create, complete with apiVersion and kind; undefined when none is created.
 * Cluster-scoped: no namespace.
 */
export function storageClassManifest(
  cluster: ResolvedCluster,
  sc: ResolvedStorageClass,
): k8s.types.input.storage.v1.StorageClass | undefined {
  if (sc.mode !== "create") {
    return undefined;
  }
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: sc.className, labels: objectLabels(cluster, "storage") },
    provisioner: sc.provisioner,
    parameters: sc.parameters,
    reclaimPolicy: sc.reclaimPolicy,
    allowVolumeExpansion: sc.allowVolumeExpansion,
    volumeBindingMode: sc.volumeBindingMode,
  };
}

/** The class name the storageClass argument gives every tier; undefined keeps the cluster default. */
export function storageClassName(sc: ResolvedStorageClass): string | undefined {
  return sc.mode === "cluster-default" ? undefined : sc.className;
}

/**
 * The class a tier's volumeClaimTemplate should name: the tier's own storageClassName wins (e.g.
 * faster disks for the engine tier), else the storageClass argument's class, else the default.
 */
export function tierStorageClassName(tier: Pick<ResolvedTier, "storageClassName">, sc: ResolvedStorageClass): string | undefined {
  return tier.storageClassName ?? storageClassName(sc);
}
