// The runtime sync (components/features/runtime-sync) through the real CLI, provider and control
// plane: dev with an MQTT user, an ACL, a topic and a dynamic config key, in its own stack and
// namespace (prod stays up until 99-teardown, which expects nothing of this file's).
//
// kwok runs no container, so no sync.js runs and no RobustMQ answers it: kwok's pod-complete stage
// ends the Job's pod Succeeded, and the harness's e2e-sync-fail stage ends it Failed with the
// sync's own kind of termination message. What is real: admission of the Job's pod under the
// namespace's restricted Pod Security profile, the Job controller, the claim binding, the engine's
// plan and awaits, and the provider's handling of a Job that completes or fails.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { RobustMQClusterArgs } from "../../components";
import { AclAction, AclPermission, AclResourceType, TopicStorageType } from "../../components/api/enums";
import { APPLIER_SCRIPT } from "../../components/features/runtime-sync/applier";
import { DEFAULT_RECONCILE_SCHEDULE } from "../../components/features/runtime-sync/args";
import { LEDGER_SIZE, REPLACE_UNREADY_ANNOTATION } from "../../components/features/runtime-sync/resources";
import { connectionAllowed, Endpoint, Policy } from "../network-policy-eval";
import { e2e } from "./context";
import { SYNC_FAILURE_MESSAGE, SYNC_OUTCOME_LABEL } from "./harness/kwok-stages";
import { changes, E2EStack, RunResult } from "./harness/pulumi";
import { waitFor } from "./harness/processes";
import { e2eStackConfig, programWith, SECRETS } from "./stacks";

const STACK = "sync-dev";
const NAMESPACE = "sync-dev";
const CLUSTER = "robustmq";
const SECTION = "Runtime sync";
const USER = "e2e-sync-user";
const USER_PASSWORD = "e2e-sync-user-password-0001";
// Outside the project's namespace: the project declares only keys with a default (Pulumi.yaml).
const PASSWORD_KEY = "e2e:syncUserPassword";
const CONFIG = e2eStackConfig("dev", (d) => {
  d.namespace = NAMESPACE;
});
const STACK_SECRETS = { ...SECRETS, [PASSWORD_KEY]: USER_PASSWORD };
const JOB_NAME = new RegExp(`^${CLUSTER}-sync-[0-9a-f]{10}$`);
const SYNC_POD_LABELS = { "app.kubernetes.io/name": "robustmq-runtime-sync", "app.kubernetes.io/instance": CLUSTER };

interface Variant {
  offlineMessages: boolean;
  topics?: string[];
  podLabels?: Record<string, string>;
}

const program = (v: Variant) =>
  programWith(
    (a: RobustMQClusterArgs): RobustMQClusterArgs => ({
      ...a,
      networkPolicy: {},
      ...(v.podLabels === undefined ? {} : { podLabels: { ...a.podLabels, ...v.podLabels } }),
      mqttUsers: [{ username: USER, password: new pulumi.Config("e2e").requireSecret("syncUserPassword") }],
      mqttAcls: [{ name: "e2e-deny-x", resourceType: AclResourceType.User, resourceName: USER, topic: "x", action: AclAction.Publish, permission: AclPermission.Deny }],
      topics: (v.topics ?? ["x"]).map((name) => ({ name, storageType: TopicStorageType.EngineMemory })),
      extraConfig: { ...a.extraConfig, mqtt_runtime: { offline_message: { enable: v.offlineMessages } } },
    }),
  );
const BASE: Variant = { offlineMessages: true };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const summary = (r: RunResult) =>
  Object.entries(r.summary)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
const kubectl = () => e2e().cp.kubectl;

async function syncJobs(): Promise<any[]> {
  return (await kubectl().list("jobs", NAMESPACE)).filter((j) => JOB_NAME.test(j.metadata.name));
}

const condition = (job: any, type: string) => (job.status?.conditions ?? []).find((c: any) => c.type === type && c.status === "True");

/** The RobustMQ pods' uids by name. */
async function nodePods(): Promise<Map<string, string>> {
  return new Map((await kubectl().list("pods", NAMESPACE, "app.kubernetes.io/name=robustmq")).map((p) => [p.metadata.name, p.metadata.uid]));
}

/** The one sync Job in the namespace (the CronJob's are named apart). */
async function theJob(): Promise<any> {
  const jobs = await syncJobs();
  assert.equal(jobs.length, 1, `one sync Job, got ${jobs.map((j) => j.metadata.name).join(", ")}`);
  return jobs[0];
}

describe("runtime sync: dev with a user, an ACL, a topic and a dynamic key, on the real control plane", function () {
  this.timeout(10 * 60 * 1000);
  let stack: E2EStack;
  const rows: string[] = [];

  before(async () => {
    stack = await E2EStack.create(e2e().pulumi, STACK, program(BASE));
    await stack.configure(CONFIG, STACK_SECRETS);
  });

  after(async () => {
    e2e().report.add(SECTION, ...rows.map((r) => `- ${r}`));
    // A failed step may leave the stack up: what the stack still holds goes with the namespace.
    await kubectl().ok(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
    await waitFor(`namespace ${NAMESPACE} gone`, 180_000, async () => ((await kubectl().getOrUndefined("namespace", NAMESPACE)) === undefined ? true : undefined));
  });

  it("`up` runs the sync Job to completion under the restricted profile, with its ConfigMap, Secret, ledger and CronJob as written", async () => {
    const t = Date.now();
    const up = await stack.up();
    rows.push(`first up: ${seconds(Date.now() - t)} (${summary(up)})`);

    const ns = await kubectl().get("namespace", NAMESPACE);
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const job = await theJob();
    assert.ok(condition(job, "Complete"), `Job ${job.metadata.name} Complete: ${JSON.stringify(job.status)}`);
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(job.metadata.annotations[REPLACE_UNREADY_ANNOTATION], "true");
    // The profile is enforced (a pod without the restricted settings is refused), so a pod of the
    // Job's is one the profile admitted.
    const bare = { apiVersion: "v1", kind: "Pod", metadata: { name: "e2e-unrestricted", namespace: NAMESPACE }, spec: { containers: [{ name: "c", image: "busybox" }] } };
    const refused = await kubectl().run(["create", "--dry-run=server", "-f", "-"], JSON.stringify(bare));
    assert.match(refused.stderr, /violates PodSecurity "restricted/, "the namespace enforces the restricted profile");
    const pods = await kubectl().list("pods", NAMESPACE, `job-name=${job.metadata.name}`);
    assert.equal(pods.length, 1, "the Job's pod was admitted");
    assert.equal(pods[0].status.phase, "Succeeded");
    for (const [k, v] of Object.entries(SYNC_POD_LABELS)) {
      assert.equal(pods[0].metadata.labels[k], v, `the sync pod's label ${k}`);
    }

    const cm = await kubectl().get("configmap", `${CLUSTER}-runtime-sync`, NAMESPACE);
    assert.deepEqual(Object.keys(cm.data).sort(), ["plan.json", "sync.js"]);
    assert.equal(cm.data["sync.js"], APPLIER_SCRIPT);
    const plan = JSON.parse(cm.data["plan.json"]);
    assert.deepEqual(plan.users, [{ tenant: "default", username: USER, superuser: false, secretKey: "user-0" }]);
    assert.deepEqual(plan.acls.map((a: any) => [a.name, a.resource_type, a.resource_name, a.topic, a.action, a.permission]), [["e2e-deny-x", "User", USER, "x", "Publish", "Deny"]]);
    assert.deepEqual(plan.topics, [{ tenant: "default", topic_name: "x", storage_type: "EngineMemory", source: "MQTT" }]);
    const offline = plan.sections.find((s: any) => s.table === "mqtt_runtime.offline_message");
    assert.equal(offline?.value.enable, true, "the dynamic section carries the key as declared");
    assert.equal(plan.credentialsSecret, `${CLUSTER}-credentials`);
    assert.match(plan.adminUrl, new RegExp(`^http://[a-z0-9-]+\\.${NAMESPACE}\\.svc\\.cluster\\.local:58080$`));

    const secret = await kubectl().get("secret", `${CLUSTER}-runtime-sync`, NAMESPACE);
    assert.deepEqual(Object.keys(secret.data), ["user-0"]);
    assert.equal(Buffer.from(secret.data["user-0"], "base64").toString(), USER_PASSWORD);
    assert.ok(!cm.data["plan.json"].includes(USER_PASSWORD), "the password is in the Secret only");

    const pvc = await kubectl().get("persistentvolumeclaim", `${CLUSTER}-runtime-ledger`, NAMESPACE);
    assert.equal(pvc.status.phase, "Bound", "bound by the CSI stand-in once the sync pod was scheduled");
    assert.equal(pvc.spec.resources.requests.storage, LEDGER_SIZE);
    assert.equal(pvc.status.capacity.storage, LEDGER_SIZE);
    assert.equal(pvc.metadata.annotations["pulumi.com/skipAwait"], "true");
    const sts = (await kubectl().list("statefulsets", NAMESPACE))[0];
    assert.equal(pvc.spec.storageClassName, sts.spec.volumeClaimTemplates[0].spec.storageClassName, "the ledger on the nodes' class");

    const cron = await kubectl().get("cronjob", `${CLUSTER}-reconcile`, NAMESPACE);
    assert.equal(cron.spec.schedule, DEFAULT_RECONCILE_SCHEDULE);
    assert.equal(cron.spec.concurrencyPolicy, "Forbid");
    assert.equal(cron.spec.jobTemplate.spec.backoffLimit, 0);
    // The reconcile runs the Job's pod, so it is the same pod the profile admitted.
    assert.deepEqual(cron.spec.jobTemplate.spec.template.spec, job.spec.template.spec);
    rows.push(`Job \`${job.metadata.name}\` Complete (its pod admitted under enforce=restricted, Succeeded by kwok's pod-complete); ledger claim Bound at ${LEDGER_SIZE}; CronJob \`${cron.metadata.name}\` (${cron.spec.schedule}) running the same pod spec`);
  });

  it("a second preview plans no change", async () => {
    const r = await stack.preview();
    assert.deepEqual(changes(r.steps).map((s) => `${s.op} ${s.urn} ${s.diffs.join(",")}`), []);
    rows.push(`second preview: ${summary(r)}`);
  });

  it("a dynamic key's change replaces two ConfigMaps and the Job, and no StatefulSet changes: no pod restarts", async () => {
    const changed = program({ offlineMessages: false });
    const preview = await stack.preview(changed);
    const planned = changes(preview.steps)
      .filter((s) => !s.type.startsWith("pulumi:"))
      .map((s) => `${s.op} ${s.type.split(":").pop()} ${s.name}`);
    // The provider replaces a ConfigMap whose data changes (no enableConfigMapMutable), deleting
    // first since it is named (docs/HOW-IT-WORKS.md); the Job is new by its name, so created first
    // and the old one deleted after the new one has run.
    assert.deepEqual(planned, [
      `delete-replaced ConfigMap ${CLUSTER}-config`,
      `replace ConfigMap ${CLUSTER}-config`,
      `create-replacement ConfigMap ${CLUSTER}-config`,
      `delete-replaced ConfigMap ${CLUSTER}-runtime-sync`,
      `replace ConfigMap ${CLUSTER}-runtime-sync`,
      `create-replacement ConfigMap ${CLUSTER}-runtime-sync`,
      `create-replacement Job ${CLUSTER}-runtime-sync-job`,
      `replace Job ${CLUSTER}-runtime-sync-job`,
      `delete-replaced Job ${CLUSTER}-runtime-sync-job`,
    ]);
    rows.push(`dynamic key \`mqtt_runtime.offline_message.enable\` true -> false, preview: ${planned.join("; ")}`);

    const oldJob = (await theJob()).metadata.name;
    const before = await nodePods();
    const t = Date.now();
    const up = await stack.up(changed);
    const took = Date.now() - t;
    const after = await nodePods();
    assert.ok(before.size > 0);
    assert.deepEqual([...after.entries()].sort(), [...before.entries()].sort(), "every RobustMQ pod kept its uid");

    const job = await theJob();
    assert.notEqual(job.metadata.name, oldJob, "a new Job, by its digest");
    assert.ok(condition(job, "Complete"), `Job ${job.metadata.name} Complete`);
    assert.equal(await kubectl().getOrUndefined("job", oldJob, NAMESPACE), undefined, "the old Job deleted after the new one ran");

    // What the kubelet mounts into the nodes: the StatefulSet's own ConfigMap volume.
    const sts = (await kubectl().list("statefulsets", NAMESPACE))[0];
    const volume = sts.spec.template.spec.volumes.find((v: any) => v.configMap !== undefined && v.configMap.name === `${CLUSTER}-config`);
    assert.ok(volume, "the nodes mount the cluster's ConfigMap");
    const toml = (await kubectl().get("configmap", volume.configMap.name, NAMESPACE)).data["server-combined.toml"] as string;
    const table = /\[mqtt_runtime\.offline_message\]\n([^[]*)/.exec(toml)?.[1] ?? "";
    assert.match(table, /^enable = false$/m, `server-combined.toml: ${toml}`);
    rows.push(`up ${seconds(took)} (${summary(up)}): ${after.size}/${before.size} RobustMQ pods kept their uid; Job \`${oldJob}\` replaced by \`${job.metadata.name}\` (Complete); server-combined.toml holds \`enable = false\``);
  });

  it("the admitted policies let the sync pod reach the broker pods' admin port and DNS, nothing else, and nothing reach it", async () => {
    // No CNI runs here: what is proven is what the NetworkPolicy objects the API server admitted
    // allow, by the API's semantics (tests/network-policy-eval.ts), not what a dataplane does.
    const policies = (await kubectl().list("networkpolicies", NAMESPACE)) as Policy[];
    const job = await theJob();
    const [syncPod] = await kubectl().list("pods", NAMESPACE, `job-name=${job.metadata.name}`);
    const brokers = await kubectl().list("pods", NAMESPACE, "robustmq.io/broker=true");
    assert.ok(brokers.length > 0);
    const nsLabels = (await kubectl().get("namespace", NAMESPACE)).metadata.labels;
    const systemLabels = (await kubectl().get("namespace", "kube-system")).metadata.labels;
    const pod = (p: any, labels: Record<string, string>): Endpoint => ({ pod: { namespace: p.metadata.namespace, labels: p.metadata.labels }, namespaceLabels: labels });
    const sync = pod(syncPod, nsLabels);
    const dns: Endpoint = { pod: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }, namespaceLabels: systemLabels };
    const outside: Endpoint = { ip: "192.0.2.10" };
    for (const b of brokers) {
      const broker = pod(b, nsLabels);
      assert.ok(connectionAllowed(policies, sync, broker, 58080, "TCP"), `sync -> ${b.metadata.name}:58080`);
      for (const port of [1228, 1883, 9092]) {
        assert.ok(!connectionAllowed(policies, sync, broker, port, "TCP"), `sync -/-> ${b.metadata.name}:${port}`);
      }
      assert.ok(!connectionAllowed(policies, broker, sync, 58080, "TCP"), `${b.metadata.name} -/-> sync`);
    }
    assert.ok(connectionAllowed(policies, sync, dns, 53, "UDP") && connectionAllowed(policies, sync, dns, 53, "TCP"), "sync -> DNS");
    assert.ok(!connectionAllowed(policies, sync, dns, 443, "TCP"), "sync -/-> kube-system:443");
    assert.ok(!connectionAllowed(policies, sync, outside, 443, "TCP"), "sync -/-> outside");
    assert.ok(!connectionAllowed(policies, outside, sync, 8080, "TCP"), "outside -/-> sync");
    rows.push(`network policy (${policies.length} admitted, evaluated without a CNI): sync pod -> ${brokers.length} broker pod(s) :58080 allowed, :1228/:1883/:9092 denied; DNS :53 allowed; nothing reaches the sync pod`);
  });

  it("a Job whose pod fails fails `up` with the sync's termination message; what the next `up`s do", async () => {
    // Last: podLabels reach the StatefulSets' pods too, which rolls them.
    const failing = program({ offlineMessages: false, topics: ["x", "y"], podLabels: { [SYNC_OUTCOME_LABEL]: "fail" } });
    const attempt = async (p: ReturnType<typeof program>) => {
      const t = Date.now();
      try {
        const r = await stack.up(p);
        return { took: Date.now() - t, error: "", result: r };
      } catch (e) {
        return { took: Date.now() - t, error: (e as Error).message, result: undefined };
      }
    };
    // The Diagnostics' lines (the CLI's output holds them twice: its stdout and its error).
    const diagnostics = (error: string) => [...new Set(error.slice(error.indexOf("Diagnostics:")).split("\n").filter((l) => /^\s*(\*|error:)/.test(l)).map((l) => l.trim()))];
    const jobState = async () =>
      Promise.all(
        (await syncJobs()).map(async (j) => {
          const pods = await kubectl().list("pods", NAMESPACE, `job-name=${j.metadata.name}`);
          return { name: j.metadata.name, uid: j.metadata.uid, outcome: condition(j, "Complete") ? "Complete" : condition(j, "Failed") ? "Failed" : "running", pods: pods.map((p) => p.metadata.uid) };
        }),
      );

    const failed = await attempt(failing);
    assert.ok(failed.error !== "", "`up` fails");
    assert.ok(diagnostics(failed.error).some((l) => l.includes(SYNC_FAILURE_MESSAGE)), `the diagnostics hold the termination message: ${failed.error}`);
    const afterFailure = await jobState();
    const failedJob = afterFailure.find((j) => j.outcome === "Failed");
    assert.ok(failedJob !== undefined && failedJob.pods.length === 1, `one Failed Job of one pod: ${JSON.stringify(afterFailure)}`);
    assert.deepEqual(afterFailure.filter((j) => j !== failedJob).map((j) => j.outcome), ["Complete"], "the Job before it stays until a new one runs");
    rows.push(`failing sync: \`up\` failed after ${seconds(failed.took)}; its diagnostics: ${diagnostics(failed.error).map((l) => `\`${l}\``).join(" / ")}`);

    // The same program again, nothing changed: the provider replaces the Job that did not
    // complete (pulumi.com/replaceUnready), deleting first since its name stays, so the sync runs
    // again (and fails again here, the label being still there).
    const again = await attempt(failing);
    const afterAgain = await jobState();
    const sameJob = afterAgain.find((j) => j.name === failedJob.name);
    assert.ok(diagnostics(again.error).some((l) => l.includes(SYNC_FAILURE_MESSAGE)), `the same up fails again, with the message: ${again.error}`);
    assert.ok(sameJob !== undefined && sameJob.uid !== failedJob.uid && sameJob.outcome === "Failed", "a new Job object of the same name ran and failed");
    assert.equal(sameJob.pods.filter((u) => !failedJob.pods.includes(u)).length, 1, "with a new pod");
    rows.push(
      `the same \`up\` again: ${again.error === "" ? `succeeded (${summary(again.result!)})` : `failed after ${seconds(again.took)}: ${diagnostics(again.error).map((l) => `\`${l}\``).join(" / ")}`}; Job \`${failedJob.name}\` ${sameJob?.uid === failedJob.uid ? "the same object" : "a new object"}, ${sameJob?.outcome}, pods ${sameJob?.pods.filter((u) => !failedJob.pods.includes(u)).length} new`,
    );

    // The label removed, nothing else changed.
    const retry = program({ offlineMessages: false, topics: ["x", "y"] });
    const preview = await stack.preview(retry);
    const planned = changes(preview.steps)
      .filter((s) => !s.type.startsWith("pulumi:"))
      .map((s) => `${s.op} ${s.type.split(":").pop()} ${s.name}`);
    const fixed = await attempt(retry);
    const afterFix = await jobState();
    rows.push(
      `label removed, nothing else: preview ${planned.join("; ")}; \`up\` ${fixed.error === "" ? `succeeded after ${seconds(fixed.took)} (${summary(fixed.result!)})` : `failed after ${seconds(fixed.took)}: ${diagnostics(fixed.error).map((l) => `\`${l}\``).join(" / ")}`}; Jobs after: ${afterFix.map((j) => `${j.name} ${j.uid === failedJob.uid ? "(the failed object)" : "(new object)"} ${j.outcome}`).join(", ")}`,
    );
    assert.equal(fixed.error, "", "the up without the failure succeeds");
    assert.deepEqual(afterFix.map((j) => [j.name, j.outcome]), [[failedJob.name, "Complete"]], "one Job, of the same name (same digest), Complete; the one before the failure deleted");
    assert.ok(![failedJob.uid, sameJob.uid].includes(afterFix[0].uid), "a new Job object ran");
    assert.deepEqual(changes((await stack.preview(retry)).steps).map((s) => `${s.op} ${s.urn}`), [], "and nothing is planned after it");
  });

  it("`pulumi destroy` removes everything, the ledger claim and the namespace included (dev does not retain volumes)", async () => {
    // With retainVolumes the ledger claim would be kept (retainOnDelete), like the data claims.
    const t = Date.now();
    const r = await stack.destroy();
    rows.push(`destroy: ${seconds(Date.now() - t)} (${summary(r)})`);
    await waitFor(`namespace ${NAMESPACE} deleted with the cluster`, 180_000, async () => ((await kubectl().getOrUndefined("namespace", NAMESPACE)) === undefined ? true : undefined));
  });
});
