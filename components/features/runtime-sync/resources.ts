// The runtime sync's objects: its plan and program (ConfigMap), the users' passwords (Secret), its
// ledger (a small claim), the Job of the current desired state and the periodic CronJob.
//
// Why a Job per desired state: the program usually cannot reach the cluster's network, a pod in
// the namespace can. The Job's name carries a digest of everything it applies, so a change makes a
// new Job (run and awaited by `pulumi up`, which fails with the sync's own message if it fails)
// and no change makes none. The digest is keyed with the cluster's JWT secret, so the name tells
// nothing about the passwords in it.
import { createHmac } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedCluster, ResolvedRuntimeSync } from "../../api/model";
import { objectLabels, runtimeSyncPodLabels } from "../../api/naming";
import { ADMIN_PATHS, LOGIN_PATH } from "../../rmq/admin-api";
import { CREDENTIALS } from "../../rmq/credentials";
import { serviceFqdn } from "../../rmq/identity";
import { CONTAINER_SECURITY_CONTEXT, jobPodSecurityContext } from "../../workload/security";
import { SKIP_AWAIT_ANNOTATION } from "../../workload/volumes";
import type { FeatureResource } from "../feature";
import { APPLIER_SCRIPT } from "./applier";
import { userPasswordProblems } from "./args";

/** The provider's annotation asking to replace the object on the next update when it is not ready. */
export const REPLACE_UNREADY_ANNOTATION = "pulumi.com/replaceUnready";
/** Size of the ledger claim: a few kilobytes per thousand entities. */
export const LEDGER_SIZE = "64Mi";
const PLAN_FILE = "plan.json";
const PROGRAM_FILE = "sync.js";
const MOUNTS = { program: "/sync", secrets: "/sync-secrets", admin: "/sync-admin", ledger: "/ledger" } as const;
const ADMIN_PASSWORD_KEY = (CREDENTIALS.find((c) => c.name === "adminPassword") as (typeof CREDENTIALS)[number]).secretKey;

/** The plan the sync reads: everything it applies but the passwords. */
export function syncPlan(cluster: ResolvedCluster, sync: ResolvedRuntimeSync): Record<string, unknown> {
  return {
    version: 1,
    cluster: cluster.clusterName,
    adminUrl: `http://${serviceFqdn(cluster.names.adminService, cluster.namespace, cluster.clusterDomain)}:${cluster.ports.http}`,
    adminUsername: cluster.adminUsername,
    credentialsSecret: cluster.names.secret,
    timeoutSeconds: sync.timeoutSeconds,
    paths: { login: LOGIN_PATH, ...ADMIN_PATHS },
    sections: sync.sections,
    topics: sync.topics,
    users: sync.users,
    acls: sync.acls,
    blacklist: sync.blacklist,
  };
}

/** The sync's pod: restricted profile, no service account token, only the files it needs. */
export function syncPodSpec(cluster: ResolvedCluster, sync: ResolvedRuntimeSync): k8s.types.input.core.v1.PodSpec {
  const names = cluster.names;
  return {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    securityContext: jobPodSecurityContext(cluster),
    ...(cluster.imagePullSecrets.length > 0 ? { imagePullSecrets: cluster.imagePullSecrets.map((name) => ({ name })) } : {}),
    containers: [
      {
        name: "sync",
        image: sync.image,
        imagePullPolicy: cluster.imagePullPolicy,
        command: ["node", `${MOUNTS.program}/${PROGRAM_FILE}`],
        env: [
          { name: "RMQ_PLAN", value: `${MOUNTS.program}/${PLAN_FILE}` },
          ...(sync.users.length > 0 ? [{ name: "RMQ_SECRETS", value: MOUNTS.secrets }] : []),
          { name: "RMQ_ADMIN_PASSWORD", value: `${MOUNTS.admin}/${ADMIN_PASSWORD_KEY}` },
          { name: "RMQ_LEDGER", value: MOUNTS.ledger },
        ],
        // The provider prints a failed container's termination message: the sync writes its
        // failures there. Its log keeps everything.
        terminationMessagePolicy: "FallbackToLogsOnError",
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        securityContext: CONTAINER_SECURITY_CONTEXT,
        volumeMounts: [
          { name: "program", mountPath: MOUNTS.program, readOnly: true },
          ...(sync.users.length > 0 ? [{ name: "secrets", mountPath: MOUNTS.secrets, readOnly: true }] : []),
          { name: "admin", mountPath: MOUNTS.admin, readOnly: true },
          { name: "ledger", mountPath: MOUNTS.ledger },
        ],
      },
    ],
    volumes: [
      { name: "program", configMap: { name: names.runtimeSync } },
      // The users' passwords: a Secret only when there are users (a stack's config declares none).
      ...(sync.users.length > 0 ? [{ name: "secrets", secret: { secretName: names.runtimeSync, defaultMode: 0o440 } }] : []),
      { name: "admin", secret: { secretName: names.secret, items: [{ key: ADMIN_PASSWORD_KEY, path: ADMIN_PASSWORD_KEY }], defaultMode: 0o440 } },
      { name: "ledger", persistentVolumeClaim: { claimName: names.runtimeLedger } },
    ],
  };
}

function jobSpec(cluster: ResolvedCluster, sync: ResolvedRuntimeSync, component: string): k8s.types.input.batch.v1.JobSpec {
  return {
    // One attempt: the sync retries what may pass on its own; what fails it needs a person.
    backoffLimit: 0,
    activeDeadlineSeconds: sync.timeoutSeconds + 60,
    template: {
      metadata: { labels: { ...objectLabels({ name: cluster.name, labels: cluster.podLabels }, component), ...runtimeSyncPodLabels(cluster) } },
      spec: syncPodSpec(cluster, sync),
    },
  };
}

/** A check of a password given as an Output, once its value is known. */
function checkedPassword(field: string, value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.output(value).apply((v) => {
      const problems = userPasswordProblems(field, v);
      if (problems.length > 0) {
        throw new Error(`Invalid arguments for RobustMQCluster: ${problems.join("; ")}`);
      }
      return v;
    }),
  );
}

/**
 * The sync's objects. `passwords`: the users' passwords in the order of sync.users; `digestKey`:
 * the secret the Job name's digest is keyed with.
 */
export function runtimeSyncResources(
  cluster: ResolvedCluster,
  sync: ResolvedRuntimeSync,
  passwords: pulumi.Input<string>[],
  digestKey: pulumi.Output<string>,
  retainLedger: boolean,
): FeatureResource[] {
  const names = cluster.names;
  const ns = cluster.namespace;
  const labels = objectLabels(cluster, "runtime-sync");
  const plan = JSON.stringify(syncPlan(cluster, sync), null, 2);
  const checked = passwords.map((p, i) => checkedPassword(`mqttUsers[${i}].password`, p));
  const secretData = Object.fromEntries(sync.users.map((u, i) => [u.secretKey, checked[i].apply((v) => Buffer.from(v).toString("base64"))]));
  // Undefined values (a generated key under Pulumi's stock mocks) count as empty.
  const digest = pulumi.unsecret(
    pulumi.all([digestKey, ...checked]).apply(([key, ...pw]) => {
      const h = createHmac("sha256", key ?? "");
      for (const part of [plan, APPLIER_SCRIPT, ...pw.map((p) => p ?? "")]) {
        h.update(part);
        h.update("\0");
      }
      return h.digest("hex");
    }),
  );
  const resources: FeatureResource[] = [
    {
      phase: "runtime",
      name: names.runtimeSync,
      kind: "ConfigMap",
      create: (opts) =>
        new k8s.core.v1.ConfigMap(names.runtimeSync, { metadata: { name: names.runtimeSync, namespace: ns, labels }, data: { [PLAN_FILE]: plan, [PROGRAM_FILE]: APPLIER_SCRIPT } }, { ...opts, protect: false }),
    },
    {
      phase: "runtime",
      name: names.runtimeLedger,
      kind: "PersistentVolumeClaim",
      create: (opts) =>
        new k8s.core.v1.PersistentVolumeClaim(
          names.runtimeLedger,
          {
            // The claim binds when the first sync pod mounts it (WaitForFirstConsumer classes):
            // the provider's claim await would wait for that and time out.
            metadata: { name: names.runtimeLedger, namespace: ns, labels, annotations: { [SKIP_AWAIT_ANNOTATION]: "true" } },
            spec: {
              accessModes: ["ReadWriteOnce"],
              ...(sync.ledgerStorageClassName === undefined ? {} : { storageClassName: sync.ledgerStorageClassName }),
              resources: { requests: { storage: LEDGER_SIZE } },
            },
          },
          // Losing the ledger makes the sync forget what it created (it then deletes nothing): it
          // is kept like the data volumes.
          { ...opts, retainOnDelete: retainLedger },
        ),
    },
    {
      phase: "sync",
      name: names.runtimeSyncJobResource,
      kind: "Job",
      create: (opts) =>
        new k8s.batch.v1.Job(
          names.runtimeSyncJobResource,
          {
            metadata: {
              name: digest.apply((d) => names.runtimeSyncJob(d)),
              namespace: ns,
              labels,
              // A failed sync is run again by the next `up`: the provider replaces a Job that is
              // not Complete. Without it the failed Job keeps its name (the desired state did not
              // change), the Job controller never runs it again, and every `up` reports the same
              // failure until someone deletes the Job and refreshes the state.
              annotations: { [REPLACE_UNREADY_ANNOTATION]: "true" },
            },
            spec: jobSpec(cluster, sync, "runtime-sync"),
          },
          // A new desired state is a new Job (its name is the digest): the provider creates it
          // before the old one goes, since the name differs. A change of the pod alone (labels,
          // image) keeps the name, and the provider asks to delete first; an explicit
          // deleteBeforeReplace: false would override that (the engine prefers the option), and
          // the "new" Job, applied onto the old one of the same name, would then be deleted as the
          // replaced one. Not protected: it holds nothing.
          { ...opts, protect: false, customTimeouts: { create: `${sync.timeoutSeconds + 120}s`, update: `${sync.timeoutSeconds + 120}s` } },
        ),
    },
  ];
  if (sync.users.length > 0) {
    resources.splice(1, 0, {
      phase: "runtime",
      name: names.runtimeSyncSecretResource,
      kind: "Secret",
      create: (opts) =>
        new k8s.core.v1.Secret(names.runtimeSyncSecretResource, { metadata: { name: names.runtimeSync, namespace: ns, labels }, type: "Opaque", data: secretData }, { ...opts, protect: false }),
    });
  }
  if (sync.reconcileSchedule !== undefined) {
    resources.push({
      phase: "sync",
      name: names.runtimeReconcile,
      kind: "CronJob",
      create: (opts) =>
        new k8s.batch.v1.CronJob(
          names.runtimeReconcile,
          {
            metadata: { name: names.runtimeReconcile, namespace: ns, labels },
            spec: {
              schedule: sync.reconcileSchedule as string,
              concurrencyPolicy: "Forbid",
              startingDeadlineSeconds: 300,
              successfulJobsHistoryLimit: 1,
              failedJobsHistoryLimit: 3,
              jobTemplate: { metadata: { labels }, spec: jobSpec(cluster, sync, "runtime-reconcile") },
            },
          },
          { ...opts, protect: false },
        ),
    });
  }
  return resources;
}
