// The runtime sync's arguments: validation (every problem at once, naming the field) and the
// resolved model the resources are built from. The entities travel in the admin API's own field
// names (rmq/admin-api.ts), so the plan the sync reads is exactly what it sends.
import * as pulumi from "@pulumi/pulumi";
import type { RobustMQClusterArgs } from "../../api/args";
import { AclAction, AclPermission, AclResourceType, BlacklistType, TopicSource, TopicStorageType, values } from "../../api/enums";
import type { ResolvedRuntimeSync } from "../../api/model";
import { DEFAULT_TENANT, FIELD_LIMITS, Length } from "../../rmq/admin-api";
import { hotKeysIn, sectionValues } from "../../rmq/config/dynamic";
import { pinTableDefaults } from "../../rmq/config/table-defaults";
import { show } from "../../validate/problems";
import { Problems, isRecord, validateBoolean, validateDnsSubdomain, validateFields, validateImageReference, validateInteger, validateOneOf } from "../../validate/values";

/** Node.js 20 (the sync uses its fetch and AbortSignal.timeout), the release line the package's own tests run on. */
export const DEFAULT_SYNC_IMAGE = "docker.io/library/node:20.18.1-alpine";
export const DEFAULT_SYNC_TIMEOUT_SECONDS = 300;
export const DEFAULT_RECONCILE_SCHEDULE = "*/10 * * * *";
/** Blacklist entries without an end: 2100-01-01T00:00:00Z (the API requires an end time). */
export const NO_END_TIME = 4102444800;
/** Shorter passwords are refused, as for the admin password. */
export const MIN_USER_PASSWORD = 12;

/** The entity lists the sync manages. */
export const ENTITY_ARGS = ["mqttUsers", "mqttAcls", "mqttBlacklist", "topics"] as const satisfies ReadonlyArray<keyof RobustMQClusterArgs>;

// Names go into the sync's ledger as "<tenant>/<name>" and into its log: no "/" in a tenant, and
// nothing that needs quoting in a name.
const TENANT = /^[A-Za-z0-9._-]+$/;
const NAME = /^[A-Za-z0-9._@:-]+$/;
// Five fields of digits, *, /, ',' and '-' (names of months and days are not needed here).
const CRON = /^(\S+\s+){4}\S+$/;
const CRON_FIELD = /^[0-9*/,-]+$/;

/** A five-field cron schedule of digits, '*', '/', ',' and '-' (what the CronJob controller takes). */
export function isCronSchedule(schedule: unknown): boolean {
  return typeof schedule === "string" && CRON.test(schedule.trim()) && schedule.trim().split(/\s+/).every((f) => CRON_FIELD.test(f));
}

function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || (value !== null && typeof value === "object" && "then" in value);
}

function validateText(field: string, value: unknown, length: Length, pattern?: RegExp, patternText?: string): Problems {
  if (typeof value !== "string" || value.length < length.min || value.length > length.max) {
    return [`${field}: must be a string of ${length.min} to ${length.max} characters, got ${show(value)}`];
  }
  if (pattern !== undefined && !pattern.test(value)) {
    return [`${field}: may hold only ${patternText}, got ${show(value)}`];
  }
  return [];
}

function optional(value: unknown, check: () => Problems): Problems {
  return value === undefined ? [] : check();
}

/** Problems of one user's password, once its value is known. */
export function userPasswordProblems(field: string, value: unknown): Problems {
  return validateText(field, value, { min: MIN_USER_PASSWORD, max: FIELD_LIMITS.user.password.max });
}

function tenantProblems(field: string, value: unknown, max: number): Problems {
  return optional(value, () => validateText(field, value, { min: 1, max }, TENANT, "letters, digits, '.', '_' and '-'"));
}

function nameProblems(field: string, value: unknown, length: Length): Problems {
  return validateText(field, value, length, NAME, "letters, digits, '.', '_', '-', '@' and ':'");
}

function listProblems(field: string, value: unknown, item: (field: string, v: Record<string, unknown>) => Problems, identity: (v: Record<string, unknown>) => string): Problems {
  if (!Array.isArray(value)) {
    return [`${field}: must be a list, got ${show(value)}`];
  }
  const problems: Problems = [];
  const seen = new Map<string, number>();
  value.forEach((v, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(v)) {
      problems.push(`${at}: must be an object, got ${show(v)}`);
      return;
    }
    problems.push(...item(at, v));
    const id = identity(v);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push(`${at}: ${id} is declared twice (also ${field}[${first}])`);
    } else {
      seen.set(id, i);
    }
  });
  return problems;
}

const tenantOf = (v: Record<string, unknown>) => (typeof v.tenant === "string" ? v.tenant : DEFAULT_TENANT);

const USER_FIELDS = ["tenant", "username", "password", "superuser"];
const ACL_FIELDS = ["tenant", "name", "resourceType", "resourceName", "topic", "ip", "action", "permission", "description"];
const BLACKLIST_FIELDS = ["tenant", "name", "type", "resourceName", "endTime", "description"];
const TOPIC_FIELDS = ["tenant", "name", "storageType", "source", "partitions", "replicas"];
const SYNC_FIELDS = ["enabled", "image", "timeoutSeconds", "reconcileSchedule", "ledgerStorageClassName"];

function userProblems(at: string, u: Record<string, unknown>): Problems {
  const L = FIELD_LIMITS.user;
  return [
    ...validateFields(at, u, USER_FIELDS),
    ...tenantProblems(`${at}.tenant`, u.tenant, L.tenant.max),
    ...nameProblems(`${at}.username`, u.username, L.username),
    ...(u.password === undefined
      ? [`${at}.password: required (a Pulumi secret of ${MIN_USER_PASSWORD} to ${L.password.max} characters)`]
      : isPending(u.password)
        ? []
        : userPasswordProblems(`${at}.password`, u.password)),
    ...validateBoolean(`${at}.superuser`, u.superuser),
  ];
}

function aclProblems(at: string, a: Record<string, unknown>): Problems {
  const L = FIELD_LIMITS.acl;
  return [
    ...validateFields(at, a, ACL_FIELDS),
    ...tenantProblems(`${at}.tenant`, a.tenant, L.tenant.max),
    ...nameProblems(`${at}.name`, a.name, L.name),
    ...validateOneOf(`${at}.resourceType`, a.resourceType, values(AclResourceType)),
    ...validateText(`${at}.resourceName`, a.resourceName, L.resourceName),
    ...optional(a.topic, () => validateText(`${at}.topic`, a.topic, L.topic)),
    ...optional(a.ip, () => validateText(`${at}.ip`, a.ip, L.ip)),
    ...validateOneOf(`${at}.action`, a.action, values(AclAction)),
    ...validateOneOf(`${at}.permission`, a.permission, values(AclPermission)),
    ...optional(a.description, () => validateText(`${at}.description`, a.description, L.desc)),
  ];
}

function blacklistProblems(at: string, b: Record<string, unknown>): Problems {
  const L = FIELD_LIMITS.blacklist;
  return [
    ...validateFields(at, b, BLACKLIST_FIELDS),
    ...tenantProblems(`${at}.tenant`, b.tenant, L.tenant.max),
    ...nameProblems(`${at}.name`, b.name, L.name),
    ...validateOneOf(`${at}.type`, b.type, values(BlacklistType)),
    ...validateText(`${at}.resourceName`, b.resourceName, L.resourceName),
    ...optional(b.endTime, () => validateInteger(`${at}.endTime`, b.endTime, 1)),
    ...optional(b.description, () => validateText(`${at}.description`, b.description, L.desc)),
  ];
}

function topicProblems(at: string, t: Record<string, unknown>, maxReplicas: number): Problems {
  const L = FIELD_LIMITS.topic;
  const name = typeof t.name === "string" && /[+#]/.test(t.name) ? [`${at}.name: a topic name may not hold the MQTT wildcards + or #, got ${show(t.name)}`] : [];
  const system = typeof t.name === "string" && t.name.startsWith("$") ? [`${at}.name: topics starting with "$" are RobustMQ's own, got ${show(t.name)}`] : [];
  return [
    ...validateFields(at, t, TOPIC_FIELDS),
    ...tenantProblems(`${at}.tenant`, t.tenant, L.tenant.max),
    ...validateText(`${at}.name`, t.name, L.name),
    ...name,
    ...system,
    ...(t.storageType === undefined ? [`${at}.storageType: required, one of ${values(TopicStorageType).join(", ")}`] : validateOneOf(`${at}.storageType`, t.storageType, values(TopicStorageType))),
    ...optional(t.source, () => validateOneOf(`${at}.source`, t.source, values(TopicSource))),
    ...optional(t.partitions, () => validateInteger(`${at}.partitions`, t.partitions, 1, 1024)),
    ...optional(t.replicas, () =>
      validateInteger(`${at}.replicas`, t.replicas, 1, maxReplicas).map((p) => `${p} (a partition needs that many live engine-role pods, and one may be down)`),
    ),
  ];
}

function syncProblems(s: unknown): Problems {
  if (!isRecord(s)) {
    return [`runtimeSync: must be an object, got ${show(s)}`];
  }
  const schedule = s.reconcileSchedule;
  return [
    ...validateFields("runtimeSync", s, SYNC_FIELDS),
    ...validateBoolean("runtimeSync.enabled", s.enabled),
    ...optional(s.image, () => validateImageReference("runtimeSync.image", s.image)),
    ...optional(s.timeoutSeconds, () => validateInteger("runtimeSync.timeoutSeconds", s.timeoutSeconds, 30, 3600)),
    ...optional(schedule, () =>
      schedule === "" || isCronSchedule(schedule)
        ? []
        : [`runtimeSync.reconcileSchedule: must be a five-field cron schedule of digits, '*', '/', ',' and '-' (e.g. "*/10 * * * *"), or "" for none, got ${show(schedule)}`],
    ),
    ...optional(s.ledgerStorageClassName, () => validateDnsSubdomain("runtimeSync.ledgerStorageClassName", s.ledgerStorageClassName)),
  ];
}

/**
 * Problems of the runtime sync's arguments. `maxTopicReplicas`: the most replicas a topic may ask
 * for with the cluster's engine-role pods.
 */
export function validateRuntimeArgs(args: Record<string, unknown>, maxTopicReplicas: number): Problems {
  const problems: Problems = [];
  if (args.runtimeSync !== undefined) {
    problems.push(...syncProblems(args.runtimeSync));
  }
  const ident = (field: string) => (v: Record<string, unknown>) => `${tenantOf(v)}/${String(v[field])}`;
  if (args.mqttUsers !== undefined) problems.push(...listProblems("mqttUsers", args.mqttUsers, userProblems, ident("username")));
  if (args.mqttAcls !== undefined) problems.push(...listProblems("mqttAcls", args.mqttAcls, aclProblems, ident("name")));
  if (args.mqttBlacklist !== undefined) problems.push(...listProblems("mqttBlacklist", args.mqttBlacklist, blacklistProblems, ident("name")));
  if (args.topics !== undefined) problems.push(...listProblems("topics", args.topics, (at, t) => topicProblems(at, t, maxTopicReplicas), ident("name")));
  if (isRecord(args.runtimeSync) && args.runtimeSync.enabled === false) {
    for (const field of ENTITY_ARGS.filter((f) => Array.isArray(args[f]) && (args[f] as unknown[]).length > 0)) {
      problems.push(`${field}: declared while runtimeSync.enabled is false, so nothing would create them; remove them or turn the sync on`);
    }
  }
  return problems;
}

/** Whether the sync runs: as asked, else when something it applies is declared. */
export function syncEnabled(args: RobustMQClusterArgs): boolean {
  if (args.runtimeSync?.enabled !== undefined) {
    return args.runtimeSync.enabled;
  }
  return ENTITY_ARGS.some((f) => args[f] !== undefined) || hotKeysIn(args.extraConfig ?? {}).length > 0;
}

/** The secret key (file name in the sync's Secret) of the i-th user's password. */
export function userSecretKey(index: number): string {
  return `user-${index}`;
}

/** The resolved sync, or undefined when it is off. Arguments already validated. */
export function resolveRuntimeSync(args: RobustMQClusterArgs, defaultLedgerClass: string | undefined): ResolvedRuntimeSync | undefined {
  if (!syncEnabled(args)) {
    return undefined;
  }
  const s = args.runtimeSync ?? {};
  return {
    image: s.image ?? DEFAULT_SYNC_IMAGE,
    timeoutSeconds: s.timeoutSeconds ?? DEFAULT_SYNC_TIMEOUT_SECONDS,
    reconcileSchedule: (s.reconcileSchedule ?? DEFAULT_RECONCILE_SCHEDULE).trim() || undefined,
    ledgerStorageClassName: s.ledgerStorageClassName ?? defaultLedgerClass,
    // The file's tables as the nodes read them (pinned defaults included), so the sections set at
    // runtime equal what a node starting from this server.toml runs with.
    sections: sectionValues(pinTableDefaults(args.extraConfig ?? {})).map(({ section, value }) => ({ type: section.type, table: section.table, value })),
    users: (args.mqttUsers ?? []).map((u, i) => ({ tenant: u.tenant ?? DEFAULT_TENANT, username: u.username, superuser: u.superuser ?? false, secretKey: userSecretKey(i) })),
    acls: (args.mqttAcls ?? []).map((a) => ({
      tenant: a.tenant ?? DEFAULT_TENANT,
      name: a.name,
      desc: a.description ?? "",
      resource_type: a.resourceType,
      resource_name: a.resourceName,
      topic: a.topic ?? "",
      ip: a.ip ?? "",
      action: a.action,
      permission: a.permission,
    })),
    blacklist: (args.mqttBlacklist ?? []).map((b) => ({
      tenant: b.tenant ?? DEFAULT_TENANT,
      name: b.name,
      blacklist_type: b.type,
      resource_name: b.resourceName,
      end_time: b.endTime ?? NO_END_TIME,
      desc: b.description ?? "",
    })),
    topics: (args.topics ?? []).map((t) => ({
      tenant: t.tenant ?? DEFAULT_TENANT,
      topic_name: t.name,
      storage_type: t.storageType,
      source: t.source ?? "MQTT",
      ...(t.partitions === undefined ? {} : { partition: t.partitions }),
      ...(t.replicas === undefined ? {} : { replication: t.replicas }),
    })),
  };
}
