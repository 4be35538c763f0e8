// The StorageClass of the data volumes: created from a preset, or an existing class used by name.
//
// StorageClass parameters, provisioner and reclaimPolicy are immutable in Kubernetes: changing any
// of them makes Pulumi delete and re-create the class (same name). Bound volumes keep working (a PV
// records its own settings), but a protected stack (prod) refuses the replacement, which is the
// point: a changed disk type is a decision, not a side effect. See docs/OPERATIONS.md.
import * as k8s from "@pulumi/kubernetes";
import { StorageClassArgs } from "../api/features";
import { AzureDiskSku, GcePdType, ReclaimPolicy, StoragePreset, values } from "../api/enums";
import { ResolvedCluster, ResolvedStorageClass } from "../api/model";
import { objectLabels } from "../api/naming";
import { Feature } from "./feature";
import { Problems, isRecord, validateDnsSubdomain, validateFields, validateInteger, validateNonEmptyString, validateOneOf, validateStringMap } from "../validate/values";

export const STORAGE_PRESETS = values(StoragePreset);
export const RECLAIM_POLICIES = values(ReclaimPolicy);
export const GCE_PD_TYPES = values(GcePdType);
export const AZURE_DISK_SKUS = values(AzureDiskSku);

/** gp3 limits enforced by the EBS API (IOPS, MiB/s) and its throughput-per-IOPS ceiling. */
export const GP3_IOPS = { min: 3000, max: 16000, default: 3000 } as const;
export const GP3_THROUGHPUT = { min: 125, max: 1000, default: 125 } as const;
export const GP3_MAX_THROUGHPUT_PER_IOPS = 0.25;

export const PROVISIONERS: Record<Exclude<StoragePreset, "custom">, string> = {
  "aws-ebs": "ebs.csi.aws.com",
  "gce-pd": "pd.csi.storage.gke.io",
  "azure-disk": "disk.csi.azure.com",
  "local-path": "rancher.io/local-path",
};

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

/** The defaulted model of a storageClass argument validateStorageClassArgs accepted. */
export function resolveStorageClass(cluster: Pick<ResolvedCluster, "names">, args: StorageClassArgs): ResolvedStorageClass {
  if (args.existingClassName !== undefined) {
    return { mode: "existing", className: args.existingClassName };
  }
  const preset = args.preset as StoragePreset;
  return {
    mode: "create",
    className: args.name ?? cluster.names.storageClass(preset),
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

/** The StorageClass to create, complete with apiVersion and kind; undefined when none is created. Cluster-scoped. */
export function storageClassManifest(cluster: ResolvedCluster, sc: ResolvedStorageClass): k8s.types.input.storage.v1.StorageClass | undefined {
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

/** The storage class feature: a class created before the StatefulSets, or an existing one named. */
export const storageClassFeature: Feature<"storageClass"> = {
  arg: "storageClass",
  validate: (value) => validateStorageClassArgs(value),
  resolve: (value, cluster) => resolveStorageClass(cluster, value),
  resources(cluster, sc) {
    const manifest = storageClassManifest(cluster, sc);
    const name = cluster.names.storageClassResource;
    return manifest === undefined
      ? []
      : [{ phase: "storage", name, kind: "StorageClass", create: (opts) => new k8s.storage.v1.StorageClass(name, manifest, opts) }];
  },
};
