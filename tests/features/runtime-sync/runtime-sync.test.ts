// The runtime sync's arguments, model and objects: validation naming every field, the enabled
// default, the dynamic sections' values, the restart checksum without the hot keys, the Job's
// digest, where passwords go (and where they never go), and the sync pods' network policies.
import { strict as assert } from "assert";
import type { RobustMQClusterArgs } from "../../../components";
import { resolveClusterArgs } from "../../../components/cluster/resolve";
import { RobustMQCluster } from "../../../components/cluster/cluster";
import { networkPolicyManifests } from "../../../components/features/network-policy";
import { APPLIER_SCRIPT } from "../../../components/features/runtime-sync/applier";
import { DEFAULT_RECONCILE_SCHEDULE, syncEnabled } from "../../../components/features/runtime-sync/args";
import { REPLACE_UNREADY_ANNOTATION, syncPlan } from "../../../components/features/runtime-sync/resources";
import { podLabels, runtimeSyncPodLabels } from "../../../components/api/naming";
import { DYNAMIC_SECTIONS, STARTUP_ONLY_DYNAMIC_KEYS, sectionKeys } from "../../../components/rmq/admin-api";
import { CONFIG_KEYS } from "../../../components/rmq/config/known-keys";
import { configFiles } from "../../../components/workload/config";
import { runWithMocks, valueOf } from "../../../offline/mock-runtime";
import { connectionAllowed, Endpoint, Policy, selects } from "../../network-policy-eval";
import { evaluateProgram, plan } from "../../preview/harness";
import { DEFAULT_PROVIDER_FLAGS } from "../../preview/k8s-rules";
import { problemsOf } from "../../problems";

const SECRETS = { adminPassword: "admin-password-0123", jwtSecret: "j".repeat(40), mqttUsername: "root", mqttPassword: "root-password-0123" };
const USER = { username: "alice", password: "alice-password-1" };

function checksum(args: RobustMQClusterArgs): string {
  const cluster = resolveClusterArgs("rmq", args);
  return configFiles(cluster).checksums.get("combined") as string;
}

async function registered(args: RobustMQClusterArgs) {
  const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { ...SECRETS, ...args }));
  return resources;
}

/** A secret-wrapped value as the mocks record it. */
function unwrapSecret(v: any): any {
  return v !== null && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? v.value : v;
}

describe("runtime sync: arguments", function () {
  it("refuses bad entities, naming each field and what is accepted, all at once", function () {
    const problems = problemsOf({
      mqttUsers: [{ username: "bob/x", password: "short" }, { username: "alice", password: "alice-password-1" }, { username: "alice", password: "alice-password-2" }],
      mqttAcls: [{ name: "r", resourceType: "Group" as never, resourceName: "", action: "Read" as never, permission: "Allow" }],
      mqttBlacklist: [{ name: "b", type: "Host" as never, resourceName: "x", endTime: 0 }],
      topics: [{ name: "a/+/b", storageType: "Disk" as never, partitions: 0, replicas: 2 }, { name: "$SYS/x" } as never],
      runtimeSync: { timeoutSeconds: 5, reconcileSchedule: "every minute", image: "node:latest", extra: 1 } as never,
    });
    const expect = [
      "mqttUsers[0].username: may hold only letters, digits",
      "mqttUsers[0].password: must be a string of 12 to 128 characters",
      "mqttUsers[2]: default/alice is declared twice (also mqttUsers[1])",
      "mqttAcls[0].resourceType",
      "mqttAcls[0].resourceName: must be a string of 1 to 256 characters",
      "mqttAcls[0].action",
      "mqttBlacklist[0].type",
      "mqttBlacklist[0].endTime",
      "topics[0].name: a topic name may not hold the MQTT wildcards",
      "topics[0].storageType",
      "topics[0].partitions",
      "topics[0].replicas",
      'topics[1].name: topics starting with "$" are RobustMQ\'s own',
      "topics[1].storageType: required",
      "runtimeSync.timeoutSeconds",
      "runtimeSync.reconcileSchedule: must be a five-field cron schedule",
      "runtimeSync.image",
      "runtimeSync.extra: unknown field",
    ];
    for (const e of expect) {
      assert.ok(problems.some((p) => p.includes(e)), `expected a problem "${e}" in:\n${problems.join("\n")}`);
    }
  });

  it("refuses entities declared with the sync turned off", function () {
    const problems = problemsOf({ runtimeSync: { enabled: false }, mqttUsers: [USER] });
    assert.deepEqual(problems, ["mqttUsers: declared while runtimeSync.enabled is false, so nothing would create them; remove them or turn the sync on"]);
  });

  it("is on when a hot key or an entity list is declared (an empty list too), off otherwise, and as told", function () {
    assert.equal(syncEnabled({}), false);
    assert.equal(syncEnabled({ extraConfig: { mqtt_runtime: { keep_alive: { max_time: 600 } } } }), false, "keep_alive is no dynamic section");
    assert.equal(syncEnabled({ extraConfig: { mqtt_runtime: { offline_message: { enable: false } } } }), true);
    assert.equal(syncEnabled({ extraConfig: { meta_runtime: { data_raft_group_num: 2 } } }), false, "a startup-only key is applied by a restart");
    assert.equal(syncEnabled({ mqttUsers: [] }), true);
    assert.equal(syncEnabled({ mqttAcls: [] , runtimeSync: { enabled: false } }), false);
    assert.equal(syncEnabled({ runtimeSync: { enabled: true } }), true);
  });
});

describe("runtime sync: dynamic sections", function () {
  it("covers every key of the ten tables config/set takes, KafkaDynamic's one key only", function () {
    assert.equal(DYNAMIC_SECTIONS.length, 10);
    const keys = Object.keys(CONFIG_KEYS);
    for (const s of DYNAMIC_SECTIONS) {
      assert.ok(sectionKeys(s, keys).length > 0, s.type);
    }
    assert.deepEqual(sectionKeys(DYNAMIC_SECTIONS.find((s) => s.type === "KafkaDynamic")!, keys), ["kafka_runtime.auto_create_topics_enable"]);
    for (const k of STARTUP_ONLY_DYNAMIC_KEYS) assert.ok(k in CONFIG_KEYS, k);
  });

  it("sends each section whole, as a node started from the same server.toml runs it (pinned table defaults included)", function () {
    const cluster = resolveClusterArgs("rmq", { extraConfig: { mqtt_runtime: { offline_message: { enable: false }, limit: { cluster: { max_topics: 7 } } }, kafka_runtime: { auto_create_topics_enable: false } } });
    const byType = Object.fromEntries(cluster.runtimeSync!.sections.map((s) => [s.type, s.value]));
    // Writing [mqtt_runtime.offline_message] pins expire_ms and max_messages_num to their table-absent 0.
    assert.deepEqual(byType.MqttOfflineMessage, { enable: false, expire_ms: 0, max_messages_num: 0 });
    assert.equal((byType.MqttLimit as any).cluster.max_topics, 7);
    // [mqtt_runtime.limit.tenant] is not written: its keys keep their defaults.
    assert.equal((byType.MqttLimit as any).tenant.max_topics, 500000);
    assert.deepEqual(byType.KafkaDynamic, { auto_create_topics_enable: false });
    assert.equal((byType.MetaRuntime as any).heartbeat_timeout_ms, 30000);
  });
});

describe("runtime sync: restarts", function () {
  const sync = { runtimeSync: { enabled: true } };
  it("a dynamic-section key changes the file but not the restart checksum", function () {
    const before = resolveClusterArgs("rmq", { ...sync, extraConfig: { mqtt_runtime: { protocol: { max_packet_size: 1000000 } } } });
    const after = resolveClusterArgs("rmq", { ...sync, extraConfig: { mqtt_runtime: { protocol: { max_packet_size: 2000000 } } } });
    const [b, a] = [configFiles(before), configFiles(after)];
    assert.notEqual(a.data["server-combined.toml"], b.data["server-combined.toml"], "the file carries the value for the next start");
    assert.ok(a.data["server-combined.toml"].includes("max_packet_size = 2000000"));
    assert.equal(a.checksums.get("combined"), b.checksums.get("combined"));
  });

  it("the same change restarts the pods when the sync is off (nothing else would apply it)", function () {
    const off = { runtimeSync: { enabled: false } };
    assert.notEqual(
      checksum({ ...off, extraConfig: { mqtt_runtime: { protocol: { max_packet_size: 1000000 } } } }),
      checksum({ ...off, extraConfig: { mqtt_runtime: { protocol: { max_packet_size: 2000000 } } } }),
    );
  });

  it("a startup-only key of a dynamic section still restarts", function () {
    assert.notEqual(checksum({ ...sync, extraConfig: { meta_runtime: { data_raft_group_num: 1 } } }), checksum({ ...sync, extraConfig: { meta_runtime: { data_raft_group_num: 2 } } }));
  });

  it("turning the sync on restarts nothing", function () {
    assert.equal(checksum({}), checksum(sync));
  });
});

describe("runtime sync: objects", function () {
  const args: RobustMQClusterArgs = {
    mqttUsers: [USER],
    mqttAcls: [{ name: "deny-x", resourceType: "User", resourceName: "alice", topic: "x/#", action: "Publish", permission: "Deny" }],
    mqttBlacklist: [{ name: "bad", type: "ClientIdMatch", resourceName: "bot-*" }],
    topics: [{ name: "sensors/a", storageType: "EngineSegment", partitions: 2 }],
  };

  it("registers plan, Secret and ledger, then the Job and the CronJob after every node and Service", async function () {
    const { resources, result } = await runWithMocks(() => new RobustMQCluster("rmq", { ...SECRETS, ...args }));
    const cluster = new Map(resources.map((r) => [`${r.type.split(":").pop()}/${r.name}`, r]));
    for (const k of ["ConfigMap/rmq-runtime-sync", "Secret/rmq-runtime-sync-secret", "PersistentVolumeClaim/rmq-runtime-ledger", "Job/rmq-runtime-sync-job", "CronJob/rmq-reconcile"]) {
      assert.ok([...cluster.keys()].some((x) => x.endsWith(k)), k);
    }
    const deps = result.plan.find((p) => p.name === "rmq-runtime-sync-job")!.dependsOn;
    for (const d of ["rmq-combined", "rmq-admin", "rmq-runtime-sync", "rmq-runtime-sync-secret", "rmq-runtime-ledger"]) {
      assert.ok(deps.includes(d), `the Job depends on ${d}: ${deps.join(", ")}`);
    }
    const cron = [...cluster.values()].find((r) => r.name === "rmq-reconcile")!;
    assert.equal(cron.inputs.spec.schedule, DEFAULT_RECONCILE_SCHEDULE);
    assert.equal(cron.inputs.spec.concurrencyPolicy, "Forbid");
  });

  it("keeps passwords out of the ConfigMap, the plan and the Job, and in the sync's Secret", async function () {
    const resources = await registered(args);
    const cm = resources.find((r) => r.name === "rmq-runtime-sync")!;
    const job = resources.find((r) => r.name === "rmq-runtime-sync-job")!;
    const secret = resources.find((r) => r.name === "rmq-runtime-sync-secret")!;
    assert.ok(!JSON.stringify(cm.inputs).includes(USER.password));
    assert.ok(!JSON.stringify(job.inputs).includes(USER.password));
    assert.equal(Buffer.from(unwrapSecret(secret.inputs.data)["user-0"], "base64").toString(), USER.password);
    assert.equal(cm.inputs.data["sync.js"], APPLIER_SCRIPT);
    const plan = JSON.parse(cm.inputs.data["plan.json"]);
    assert.deepEqual(plan.users, [{ tenant: "default", username: "alice", superuser: false, secretKey: "user-0" }]);
    assert.deepEqual(plan.topics, [{ tenant: "default", topic_name: "sensors/a", storage_type: "EngineSegment", source: "MQTT", partition: 2 }]);
    assert.equal(plan.adminUrl, "http://rmq-admin.rmq.svc.cluster.local:58080");
  });

  it("runs under the restricted profile, without a service account token, as a pod no cluster selector takes in", async function () {
    const job = (await registered(args)).find((r) => r.name === "rmq-runtime-sync-job")!;
    const pod = job.inputs.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
    const c = pod.containers[0];
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(job.inputs.spec.template.metadata.labels["app.kubernetes.io/name"], "robustmq-runtime-sync");
    assert.equal(job.inputs.spec.backoffLimit, 0);
  });

  it("names the Job by a keyed digest of what it applies: a new password or entity is a new Job, a log level is not", async function () {
    const name = async (a: RobustMQClusterArgs) => valueOf((await registered(a)).find((r) => r.name === "rmq-runtime-sync-job")!.inputs.metadata.name);
    const base = await name(args);
    assert.match(base, /^rmq-sync-[0-9a-f]{10}$/);
    assert.notEqual(await name({ ...args, mqttUsers: [{ ...USER, password: "alice-password-2" }] }), base);
    assert.notEqual(await name({ ...args, mqttAcls: [] }), base);
    assert.equal(await name({ ...args, logLevel: "debug" }), base);
  });

  it("replaces the Job creating first when its name (the digest) changes, deleting first when only its pod changes", async function () {
    // The provider's rules and the engine's (the program's deleteBeforeReplace option wins over
    // the provider's answer), as the preview model applies them.
    const snapshot = (a: RobustMQClusterArgs) => evaluateProgram(() => new RobustMQCluster("rmq", { ...SECRETS, ...a }));
    const jobPlan = async (after: RobustMQClusterArgs) => plan(await snapshot(args), await snapshot(after), DEFAULT_PROVIDER_FLAGS).find((p) => p.kind === "Job")!;
    const relabelled = await jobPlan({ ...args, podLabels: { team: "mq" } });
    assert.deepEqual([relabelled.action, relabelled.deleteBeforeReplace], ["replace", true], "same name: the old Job goes first, else the new one is applied onto it and then deleted");
    const newState = await jobPlan({ ...args, mqttAcls: [] });
    assert.deepEqual([newState.action, newState.deleteBeforeReplace], ["replace", false], "a new name: created before the old one goes");
  });

  it("asks the provider to replace a Job that did not complete, so the next `up` runs a failed sync again", async function () {
    const job = (await registered(args)).find((r) => r.name === "rmq-runtime-sync-job")!;
    assert.equal(job.inputs.metadata.annotations[REPLACE_UNREADY_ANNOTATION], "true");
    const cron = (await registered(args)).find((r) => r.name === "rmq-reconcile")!;
    assert.equal(cron.inputs.metadata.annotations, undefined, "not the CronJob: the provider supports it on Jobs only");
  });

  it("opens the admin port of the broker-role pods to the sync's pods, and nothing else to or from them", function () {
    const cluster = resolveClusterArgs("rmq", { ...args, networkPolicy: {} });
    const policies = networkPolicyManifests(cluster, cluster.networkPolicy!) as unknown as Policy[];
    const own = policies.find((p) => p.metadata?.name === "rmq-netpol-runtime-sync")!;
    assert.deepEqual(own.spec?.podSelector, { matchLabels: runtimeSyncPodLabels(cluster) });
    assert.deepEqual(own.spec?.policyTypes, ["Ingress", "Egress"]);
    assert.equal(own.spec?.ingress, undefined);
    // The cluster's own policies do not select the sync's pods.
    for (const p of policies.filter((x) => !String(x.metadata?.name).includes("runtime-sync"))) {
      assert.ok(!selects(p.spec?.podSelector, runtimeSyncPodLabels(cluster)), `${p.metadata?.name} selects the sync's pods`);
    }
    const ns = { "kubernetes.io/metadata.name": cluster.namespace };
    const pod = (labels: Record<string, string>): Endpoint => ({ pod: { namespace: cluster.namespace, labels }, namespaceLabels: ns });
    const sync = pod(runtimeSyncPodLabels(cluster));
    const node = pod(podLabels(cluster, cluster.tiers[0]));
    const dns: Endpoint = { pod: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }, namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" } };
    assert.ok(connectionAllowed(policies, sync, node, cluster.ports.http, "TCP"), "the sync reaches the admin port");
    assert.ok(connectionAllowed(policies, sync, dns, 53, "UDP") && connectionAllowed(policies, sync, dns, 53, "TCP"), "and DNS");
    for (const port of [cluster.ports.grpc, cluster.ports.mqttTcp]) {
      assert.ok(!connectionAllowed(policies, sync, node, port, "TCP"), `not port ${port} of the nodes`);
    }
    assert.ok(!connectionAllowed(policies, sync, { ip: "192.0.2.10" }, 443, "TCP"), "nor anything outside");
    assert.ok(!connectionAllowed(policies, node, sync, 8080, "TCP") && !connectionAllowed(policies, { ip: "192.0.2.10" }, sync, 8080, "TCP"), "nothing reaches the sync");
  });

  it("plans the admin API's own field names", function () {
    const cluster = resolveClusterArgs("rmq", args);
    const plan = syncPlan(cluster, cluster.runtimeSync!) as any;
    assert.deepEqual(plan.acls[0], { tenant: "default", name: "deny-x", desc: "", resource_type: "User", resource_name: "alice", topic: "x/#", ip: "", action: "Publish", permission: "Deny" });
    assert.deepEqual(plan.blacklist[0], { tenant: "default", name: "bad", blacklist_type: "ClientIdMatch", resource_name: "bot-*", end_time: 4102444800, desc: "" });
  });
});
