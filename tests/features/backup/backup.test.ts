// Backup and restore: validation naming every field, the claims that hold state, the set manifest
// and each refusal of a restore, the backup's objects and rights, the restored claims (phase,
// dataSource, kept when removed), and the deployer's rights for a stack with a backup.
import { strict as assert } from "assert";
import * as vm from "vm";
import type { RobustMQClusterArgs } from "../../../components";
import { RobustMQCluster } from "../../../components/cluster/cluster";
import { resolveClusterArgs } from "../../../components/cluster/resolve";
import { PHASES } from "../../../components/api/model";
import { DEFAULT_BACKUP_RETAIN, DEFAULT_BACKUP_SCHEDULE, DEFAULT_BACKUP_TIMEOUT_SECONDS, setManifest, snapshottedClaims } from "../../../components/features/backup/args";
import { BACKUP_SCRIPT } from "../../../components/features/backup/program";
import { backupPlan, backupRules, MANIFEST_ANNOTATION } from "../../../components/features/backup/resources";
import { DEFAULT_SYNC_IMAGE } from "../../../components/features/runtime-sync/args";
import { CONTAINER_SECURITY_CONTEXT } from "../../../components/workload/security";
import { runWithMocks } from "../../../offline/mock-runtime";
import { deployerRights, SubjectKind } from "../../../offline/rights";
import { deployedObjects } from "../../../offline/rights-stacks";
import { problemsOf } from "../../problems";

const SECRETS = { adminPassword: "admin-password-0123", jwtSecret: "j".repeat(40), mqttUsername: "root", mqttPassword: "root-password-0123" };
const BACKUP = { volumeSnapshotClassName: "snapclass" };
const SPLIT: RobustMQClusterArgs = { topology: "split" as never, meta: { replicas: 3 }, broker: { replicas: 2 }, engine: { replicas: 2 } };

const manifestOf = (name: string, args: RobustMQClusterArgs) => JSON.stringify(setManifest(resolveClusterArgs(name, args)));

async function registered(args: RobustMQClusterArgs, name = "rmq") {
  return runWithMocks(() => new RobustMQCluster(name, { ...SECRETS, ...args }));
}

describe("backup: arguments", function () {
  it("refuses bad values, naming each field, all at once", function () {
    const problems = problemsOf({
      backup: { schedule: "hourly", retain: 0, timeoutSeconds: 5, image: "node:latest", extra: 1 } as never,
      restore: { snapshotSet: "yesterday", manifest: "{not json" },
    });
    for (const e of [
      "backup.volumeSnapshotClassName: required",
      "backup.schedule: must be a five-field cron schedule",
      "backup.retain: must be an integer from 1 to 100",
      "backup.timeoutSeconds",
      "backup.image",
      "backup.extra: unknown field",
      "restore.snapshotSet: required, a set id",
      "restore.manifest: is not a JSON object",
    ]) {
      assert.ok(problems.some((p) => p.includes(e)), `expected a problem "${e}" in:\n${problems.join("\n")}`);
    }
  });

  it("defaults: every six hours, seven sets, ten minutes, the runtime sync's image", function () {
    const b = resolveClusterArgs("rmq", { backup: BACKUP }).backup!;
    assert.deepEqual(b, { volumeSnapshotClassName: "snapclass", schedule: DEFAULT_BACKUP_SCHEDULE, retain: DEFAULT_BACKUP_RETAIN, timeoutSeconds: DEFAULT_BACKUP_TIMEOUT_SECONDS, image: DEFAULT_SYNC_IMAGE });
    assert.equal(DEFAULT_BACKUP_SCHEDULE, "0 */6 * * *");
    assert.equal(DEFAULT_BACKUP_RETAIN, 7);
    assert.equal(DEFAULT_BACKUP_TIMEOUT_SECONDS, 600);
  });
});

describe("backup: the claims and the manifest", function () {
  it("takes every meta and engine claim, no broker-only claim", function () {
    const claims = snapshottedClaims(resolveClusterArgs("rmq", SPLIT)).map((c) => `${c.tier}/${c.ordinal}/${c.claim}`);
    assert.deepEqual(claims, ["meta/0/data-rmq-meta-0", "meta/1/data-rmq-meta-1", "meta/2/data-rmq-meta-2", "engine/0/data-rmq-engine-0", "engine/1/data-rmq-engine-1"]);
    const combined = snapshottedClaims(resolveClusterArgs("rmq", { combined: { replicas: 3 } })).map((c) => c.claim);
    assert.deepEqual(combined, ["data-rmq-combined-0", "data-rmq-combined-1", "data-rmq-combined-2"]);
  });

  it("holds the identity a restore must find again: names, ids, meta_addrs as server.toml writes them, the Raft group counts as the nodes run them", function () {
    const cluster = resolveClusterArgs("rmq", { ...SPLIT, namespace: "mq", extraConfig: { meta_runtime: { data_raft_group_num: 3 } } });
    const m = setManifest(cluster);
    assert.equal(m.version, 1);
    assert.equal(m.cluster, "rmq");
    assert.equal(m.namespace, "mq");
    assert.equal(m.clusterName, "rmq");
    assert.equal(m.clusterDomain, "cluster.local");
    assert.equal(m.topology, "split");
    assert.equal(m.grpcPort, cluster.ports.grpc);
    assert.deepEqual(m.tiers, {
      meta: { statefulSet: "rmq-meta", replicas: 3, ids: [10, 11, 12] },
      engine: { statefulSet: "rmq-engine", replicas: 2, ids: [30, 31] },
    });
    assert.equal(m.metaAddrs["10"], `rmq-meta-0.rmq-meta-headless.mq.svc.cluster.local:${cluster.ports.grpc}`);
    // Seven address slots, as server.toml lists them for a three-pod meta tier.
    assert.equal(Object.keys(m.metaAddrs).length, 7);
    assert.deepEqual(m.raftGroups, { offset: 1, data: 3 });
  });
});

describe("restore: refusals", function () {
  const taken = manifestOf("rmq", { ...SPLIT, meta: { replicas: 5 }, namespace: "mq" });
  const restore = (manifest: string) => ({ restore: { snapshotSet: "20261205t100000z", manifest } });

  it("accepts the manifest its own arguments produce", function () {
    assert.deepEqual(problemsOf({ ...SPLIT, meta: { replicas: 5 }, namespace: "mq", ...restore(taken) }), []);
  });

  it("refuses other replicas, naming the tier and both counts", function () {
    const problems = problemsOf({ ...SPLIT, namespace: "mq", ...restore(taken) });
    assert.deepEqual(problems, ["restore.manifest: the snapshot set was taken of meta replicas 5, these arguments have 3: a restore needs the same pods"]);
  });

  it("refuses another namespace or name: the stored Raft addresses are the old DNS names", function () {
    for (const [name, args] of [["rmq", { namespace: "other" }], ["rmq2", { namespace: "mq" }]] as const) {
      const problems = problemsOf({ ...SPLIT, meta: { replicas: 5 }, ...args, ...restore(taken) }, name);
      // A new name also changes the default clusterName, reported on its own line; the pods'
      // names follow from the rename and are not reported again.
      assert.equal(problems.length, name === "rmq" ? 1 : 2, problems.join("\n"));
      assert.match(problems[0], /^restore\.manifest: the snapshot set was taken of cluster "rmq" in namespace "mq", these arguments make/);
      assert.match(problems[0], /cannot be restored beside the old one under another name or namespace/);
    }
  });

  it("refuses other Raft group counts, another topology, clusterName, domain and gRPC port, each named", function () {
    const problems = problemsOf({
      combined: { replicas: 5 },
      namespace: "mq",
      clusterName: "other",
      clusterDomain: "corp.local",
      ports: { grpc: 1999 },
      extraConfig: { meta_runtime: { offset_raft_group_num: 2 } },
      ...restore(taken),
    });
    for (const e of [
      'clusterName "rmq", these arguments have "other"',
      'clusterDomain "cluster.local", these arguments have "corp.local"',
      "gRPC port (ports.grpc) 1228, these arguments have 1999",
      'topology "split", these arguments have "combined"',
      "a meta tier, these arguments have none",
      "a engine tier, these arguments have none",
      "no combined tier, these arguments have one",
      "meta_runtime.offset_raft_group_num 1, these arguments have 2",
    ]) {
      assert.ok(problems.some((p) => p.includes(e)), `expected "${e}" in:\n${problems.join("\n")}`);
    }
  });

  it("refuses before anything is registered", async function () {
    await assert.rejects(registered({ ...SPLIT, namespace: "mq", ...restore(taken) }), /meta replicas 5, these arguments have 3/);
  });
});

describe("backup: objects", function () {
  it("a ConfigMap with the plan and program, a ServiceAccount, the smallest Role, its binding and a CronJob under the restricted profile", async function () {
    const { resources } = await registered({ ...SPLIT, backup: { ...BACKUP, retain: 2, schedule: "15 * * * *" } });
    const by = (type: string, name: string) => resources.find((r) => r.type === type && r.name === name)!.inputs;
    const cm = by("kubernetes:core/v1:ConfigMap", "rmq-backup");
    assert.equal(cm.data["backup.js"], BACKUP_SCRIPT);
    const plan = JSON.parse(cm.data["plan.json"]);
    assert.deepEqual(plan, JSON.parse(JSON.stringify(backupPlan(resolveClusterArgs("rmq", { ...SPLIT, backup: { ...BACKUP, retain: 2, schedule: "15 * * * *" } }), resolveClusterArgs("rmq", { ...SPLIT, backup: { ...BACKUP, retain: 2 } }).backup!))));
    assert.equal(plan.retain, 2);
    assert.equal(plan.claims.length, 5);
    assert.equal(plan.manifestAnnotation, MANIFEST_ANNOTATION);
    const sa = by("kubernetes:core/v1:ServiceAccount", "rmq-backup-sa");
    assert.equal(sa.automountServiceAccountToken, false);
    const role = by("kubernetes:rbac.authorization.k8s.io/v1:Role", "rmq-backup-role");
    assert.deepEqual(role.rules, backupRules());
    assert.deepEqual(role.rules, [
      { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], verbs: ["create", "delete", "list"] },
      { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get"] },
    ]);
    const binding = by("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "rmq-backup-rolebinding");
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "rmq-backup", namespace: "rmq" }]);
    assert.equal(binding.roleRef.name, "rmq-backup");
    const cron = by("kubernetes:batch/v1:CronJob", "rmq-backup-cronjob");
    assert.equal(cron.metadata.name, "rmq-backup");
    assert.equal(cron.spec.schedule, "15 * * * *");
    assert.equal(cron.spec.concurrencyPolicy, "Forbid");
    const job = cron.spec.jobTemplate.spec;
    assert.equal(job.backoffLimit, 0);
    assert.ok(job.activeDeadlineSeconds > DEFAULT_BACKUP_TIMEOUT_SECONDS);
    const pod = job.template.spec;
    assert.equal(pod.serviceAccountName, "rmq-backup");
    assert.equal(pod.automountServiceAccountToken, true);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
    assert.deepEqual(pod.containers[0].securityContext, CONTAINER_SECURITY_CONTEXT);
    assert.equal(pod.containers[0].image, DEFAULT_SYNC_IMAGE);
    assert.notEqual(job.template.metadata.labels["app.kubernetes.io/name"], "robustmq", "not selected by the cluster's Services");
  });

  it("the program is plain JavaScript (parses as a script) using only Node's own modules", function () {
    new vm.Script(BACKUP_SCRIPT);
    const required = [...BACKUP_SCRIPT.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(required, ["fs", "https"]);
    // Each call it makes is one the Role grants.
    assert.match(BACKUP_SCRIPT, /call\("POST", SNAPSHOTS/);
    assert.match(BACKUP_SCRIPT, /call\("DELETE", SNAPSHOTS/);
    assert.match(BACKUP_SCRIPT, /call\("GET", SNAPSHOTS \+ "\?labelSelector=/);
    assert.match(BACKUP_SCRIPT, /call\("GET", "\/api\/v1\/namespaces\/" \+ ns \+ "\/persistentvolumeclaims\//);
    assert.equal([...BACKUP_SCRIPT.matchAll(/call\("(GET|POST|DELETE|PUT|PATCH)"/g)].length, 4);
  });

  it("snapshot names and label values fit Kubernetes' limits with the longest component name", function () {
    const name = "a".repeat(40);
    const c = resolveClusterArgs(name, { combined: { replicas: 3 } });
    const snapshot = c.names.volumeSnapshot("20261205t100000z", "combined", 999);
    assert.ok(snapshot.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(snapshot), snapshot);
    assert.ok(name.length <= 63 && "20261205t100000z".length <= 63);
    assert.ok(c.names.backup.length <= 52, "a CronJob name");
  });
});

describe("restore: the claims", function () {
  const args: RobustMQClusterArgs = { ...SPLIT, retainVolumes: false };
  const restore = { snapshotSet: "20261205t100000z", manifest: manifestOf("rmq", args) };

  it("one claim per snapshotted claim, before the StatefulSets, named as they claim it, from its snapshot, kept and never updated", async function () {
    const { resources, result } = await registered({ ...args, storageClass: { existingClassName: "fast" }, engine: { replicas: 2, storageSize: "20Gi" }, restore });
    const claims = resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim");
    assert.deepEqual(claims.map((c) => c.inputs.metadata.name), ["data-rmq-meta-0", "data-rmq-meta-1", "data-rmq-meta-2", "data-rmq-engine-0", "data-rmq-engine-1"]);
    const engine1 = claims.find((c) => c.inputs.metadata.name === "data-rmq-engine-1")!;
    assert.deepEqual(engine1.inputs.spec.dataSource, { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "rmq-20261205t100000z-engine-1" });
    assert.equal(engine1.inputs.spec.storageClassName, "fast");
    assert.equal(engine1.inputs.spec.resources.requests.storage, "20Gi");
    assert.equal(engine1.inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
    assert.deepEqual(engine1.options, { protect: false, retainOnDelete: true, ignoreChanges: ["spec"] });
    const plan = result.plan;
    const restored = plan.filter((p) => p.feature === "restore");
    assert.equal(restored.length, 5);
    assert.ok(restored.every((p) => p.phase === "restore"));
    const sts = plan.filter((p) => p.kind === "StatefulSet");
    for (const s of sts) {
      for (const r of restored) assert.ok(s.dependsOn.includes(r.name), `${s.name} after ${r.name}`);
    }
    assert.ok(PHASES.indexOf("restore") < PHASES.indexOf("core"));
  });

  it("stays unprotected on a protected stack: removing `restore` only drops the claims from the state", async function () {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { ...SECRETS, ...args, restore }, { protect: true }));
    const claim = resources.find((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim")!;
    assert.equal(claim.options.protect, false);
    assert.equal(claim.options.retainOnDelete, true);
  });
});

describe("backup: deployer rights", function () {
  it("hold the backup Role's own rules (RBAC refuses to create a Role granting more than its creator holds)", async function () {
    const { resources } = await registered({ ...SPLIT, backup: BACKUP, createNamespace: false, metaScaleInGuard: false });
    const rights = deployerRights(deployedObjects(resources), { kind: SubjectKind.User, name: "ci" });
    const rules = rights.manifests[0].rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
    const verbs = (group: string, resource: string) => rules.filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r) => r.verbs);
    for (const v of ["create", "delete", "list"]) assert.ok(verbs("snapshot.storage.k8s.io", "volumesnapshots").includes(v), v);
    assert.ok(verbs("", "persistentvolumeclaims").includes("get"));
    for (const [group, resource] of [["", "serviceaccounts"], ["rbac.authorization.k8s.io", "roles"], ["rbac.authorization.k8s.io", "rolebindings"], ["batch", "cronjobs"]]) {
      assert.deepEqual(verbs(group, resource).sort(), ["create", "delete", "get", "list", "patch", "watch"], `${group}/${resource}`);
    }
  });
});
