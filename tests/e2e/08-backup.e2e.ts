// Backup and restore (components/features/backup) on the real control plane: dev (three combined
// pods) with `backup`, in its own stacks and namespace. The backup program itself (backup.js, read
// back from the ConfigMap the stack created) runs for real with Node against the real
// kube-apiserver, as the backup ServiceAccount (a token from `kubectl create token`), so the
// Role's rules are the ones it is held to.
//
// What this harness lacks: a snapshot controller and a CSI driver that takes snapshots. The test
// plays the snapshot controller's one part the program waits for: it sets status.readyToUse (or
// status.error) of each VolumeSnapshot through the status subresource, as the controller would.
// The CSI provisioner stand-in (harness/kwok-stages.ts) binds a claim whatever its dataSource: it
// copies no data, so the restore is seen up to the claims the StatefulSet adopts and its pods use.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RobustMQClusterArgs } from "../../components";
import { BACKUP_SCRIPT } from "../../components/features/backup/program";
import { MANIFEST_ANNOTATION, PLAN_FILE, PROGRAM_FILE, SNAPSHOT_LABELS } from "../../components/features/backup/resources";
import { e2e } from "./context";
import { E2EStack } from "./harness/pulumi";
import { waitFor } from "./harness/processes";
import { e2eStackConfig, programWith, SECRETS } from "./stacks";

const NAMESPACE = "backup-dev";
const CLUSTER = "robustmq";
const SECTION = "Backup and restore";
const SNAPSHOT_CLASS = "e2e-snapclass";
const SNAPSHOT_PROVISIONER = "rancher.io/local-path";
const CLAIMS = [0, 1, 2].map((i) => `data-${CLUSTER}-combined-${i}`);
const CONFIG = e2eStackConfig("dev", (d) => {
  d.namespace = NAMESPACE;
  d.replicas = 3;
});
const BACKUP = { volumeSnapshotClassName: SNAPSHOT_CLASS, retain: 2, timeoutSeconds: 60, schedule: "0 0 1 1 *" };

// The namespace is the test's, not the stack's: destroying the stack must leave the snapshots.
const program = (extra: RobustMQClusterArgs) => programWith((a) => ({ ...a, createNamespace: false, ...extra }));
const kubectl = () => e2e().cp.kubectl;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface RunOutcome {
  code: number;
  stdout: string;
  stderr: string;
  termination: string;
}

/** The snapshots of this cluster, by set. */
async function sets(): Promise<Map<string, any[]>> {
  const items = await kubectl().list("volumesnapshots.snapshot.storage.k8s.io", NAMESPACE, `${SNAPSHOT_LABELS.instance}=${CLUSTER},${SNAPSHOT_LABELS.set}`);
  const out = new Map<string, any[]>();
  for (const s of items) {
    const id = s.metadata.labels[SNAPSHOT_LABELS.set];
    out.set(id, [...(out.get(id) ?? []), s]);
  }
  return out;
}

describe("backup and restore: dev with backup on the real control plane, backup.js run against the real kube-apiserver", function () {
  this.timeout(15 * 60 * 1000);
  const rows: string[] = [];
  let dir: string;
  let first: E2EStack;
  let second: E2EStack | undefined;
  let env: NodeJS.ProcessEnv;

  /** Runs backup.js as the backup ServiceAccount; `status` plays the snapshot controller for each new snapshot. */
  async function runBackup(status: (name: string, claim: string) => Record<string, unknown>): Promise<RunOutcome> {
    const termination = path.join(dir, `termination-${Date.now()}`);
    const child = spawn(process.execPath, [path.join(dir, PROGRAM_FILE)], { env: { ...env, RMQ_TERMINATION_LOG: termination } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const done = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
    let exited = false;
    void done.then(() => (exited = true));
    const handled = new Set<string>();
    while (!exited) {
      for (const s of await kubectl().list("volumesnapshots.snapshot.storage.k8s.io", NAMESPACE, `${SNAPSHOT_LABELS.instance}=${CLUSTER}`)) {
        if (handled.has(s.metadata.name) || s.status !== undefined) continue;
        handled.add(s.metadata.name);
        const patch = JSON.stringify({ status: status(s.metadata.name, s.spec.source.persistentVolumeClaimName) });
        await kubectl().ok(["patch", "volumesnapshot.snapshot.storage.k8s.io", s.metadata.name, "-n", NAMESPACE, "--subresource=status", "--type=merge", "-p", patch]);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const code = await done;
    return { code, stdout, stderr, termination: fs.existsSync(termination) ? fs.readFileSync(termination, "utf8") : "" };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-backup-"));
    await kubectl().apply({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    await kubectl().apply({ apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshotClass", metadata: { name: SNAPSHOT_CLASS }, driver: SNAPSHOT_PROVISIONER, deletionPolicy: "Delete" });
    first = await E2EStack.create(e2e().pulumi, "backup-dev", program({ backup: BACKUP }));
    await first.configure(CONFIG, SECRETS);
  });

  after(async () => {
    e2e().report.add(SECTION, ...rows.map((r) => `- ${r}`));
    await kubectl().ok(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
    await kubectl().ok(["delete", "volumesnapshotclass.snapshot.storage.k8s.io", SNAPSHOT_CLASS, "--ignore-not-found"]);
    await waitFor(`namespace ${NAMESPACE} gone`, 180_000, async () => ((await kubectl().getOrUndefined("namespace", NAMESPACE)) === undefined ? true : undefined));
  });

  it("`up` creates the backup's ConfigMap, ServiceAccount, Role, RoleBinding and CronJob as written", async () => {
    const t = Date.now();
    await first.up();
    rows.push(`up of dev (3 pods) with backup: ${seconds(Date.now() - t)}`);
    const cm = await kubectl().get("configmap", `${CLUSTER}-backup`, NAMESPACE);
    assert.equal(cm.data[PROGRAM_FILE], BACKUP_SCRIPT);
    const plan = JSON.parse(cm.data[PLAN_FILE]);
    assert.deepEqual(plan.claims.map((c: any) => c.claim), CLAIMS);
    fs.writeFileSync(path.join(dir, PLAN_FILE), cm.data[PLAN_FILE]);
    fs.writeFileSync(path.join(dir, PROGRAM_FILE), cm.data[PROGRAM_FILE]);
    const cron = await kubectl().get("cronjob", `${CLUSTER}-backup`, NAMESPACE);
    assert.equal(cron.spec.concurrencyPolicy, "Forbid");
    assert.equal(cron.spec.jobTemplate.spec.template.spec.serviceAccountName, `${CLUSTER}-backup`);
    // Admission of the pod under the restricted profile, at dry run (no Job of the schedule runs here).
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "e2e-backup-pod", namespace: NAMESPACE }, spec: cron.spec.jobTemplate.spec.template.spec };
    const admitted = await kubectl().run(["create", "--dry-run=server", "-f", "-"], JSON.stringify(pod));
    assert.equal(admitted.code, 0, `the backup pod is admitted under the restricted profile: ${admitted.stderr}`);

    const sa = `${CLUSTER}-backup`;
    const token = (await kubectl().ok(["create", "token", sa, "-n", NAMESPACE, "--duration=1h"])).trim();
    fs.writeFileSync(path.join(dir, "token"), token);
    env = {
      PATH: process.env.PATH,
      RMQ_PLAN: path.join(dir, PLAN_FILE),
      RMQ_KUBE_API: e2e().cp.server,
      RMQ_KUBE_TOKEN_FILE: path.join(dir, "token"),
      // The CA that signed the API server's serving certificate, as a pod's ca.crt would hold it.
      RMQ_KUBE_CA_FILE: e2e().cp.pki.caCert,
    };
    // The ServiceAccount holds exactly the program's rights.
    const can = async (verb: string, resource: string) =>
      (await kubectl().run(["auth", "can-i", verb, resource, "-n", NAMESPACE, `--as=system:serviceaccount:${NAMESPACE}:${sa}`])).stdout.trim();
    assert.equal(await can("create", "volumesnapshots.snapshot.storage.k8s.io"), "yes");
    assert.equal(await can("get", "volumesnapshots.snapshot.storage.k8s.io"), "no");
    assert.equal(await can("get", "persistentvolumeclaims"), "yes");
    assert.equal(await can("delete", "persistentvolumeclaims"), "no");
  });

  let setIds: string[] = [];
  let manifest = "";

  it("backup.js takes a set of every claim, labelled and annotated, and keeps the newest two complete sets over three runs", async () => {
    const runs: RunOutcome[] = [];
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      const r = await runBackup(() => ({ readyToUse: true, restoreSize: "2Gi" }));
      assert.equal(r.code, 0, `run ${i + 1}: ${r.stdout}\n${r.stderr}`);
      runs.push(r);
      rows.push(`backup.js run ${i + 1} (3 claims, readyToUse set by the test): ${seconds(Date.now() - t)}`);
      const now = await sets();
      assert.equal(now.size, Math.min(i + 1, 2), `after run ${i + 1}: sets ${[...now.keys()].join(", ")}`);
      // Set ids carry the second: the next run must start in another one.
      await new Promise((r) => setTimeout(r, 1100));
    }
    const taken = runs.map((r) => (/: set ([0-9]{8}t[0-9]{6}z),/.exec(r.stdout) as RegExpExecArray)[1]);
    assert.equal(new Set(taken).size, 3);
    const left = await sets();
    assert.deepEqual([...left.keys()].sort(), taken.slice(1).sort(), "the oldest set deleted");
    assert.match(runs[2].stdout, new RegExp(`retention: deleting set ${taken[0]}`));
    for (const [id, snaps] of left) {
      assert.deepEqual(snaps.map((s) => s.spec.source.persistentVolumeClaimName).sort(), CLAIMS);
      for (const s of snaps) {
        const ordinal = CLAIMS.indexOf(s.spec.source.persistentVolumeClaimName);
        assert.equal(s.metadata.name, `${CLUSTER}-${id}-combined-${ordinal}`);
        assert.deepEqual(
          { ...s.metadata.labels },
          { [SNAPSHOT_LABELS.instance]: CLUSTER, [SNAPSHOT_LABELS.set]: id, [SNAPSHOT_LABELS.tier]: "combined", [SNAPSHOT_LABELS.ordinal]: String(ordinal) },
        );
        assert.equal(s.spec.volumeSnapshotClassName, SNAPSHOT_CLASS);
        const m = JSON.parse(s.metadata.annotations[MANIFEST_ANNOTATION]);
        assert.equal(m.namespace, NAMESPACE);
        assert.deepEqual(m.tiers, { combined: { statefulSet: `${CLUSTER}-combined`, replicas: 3, ids: [10, 11, 12] } });
      }
    }
    setIds = taken.slice(1);
    manifest = left.get(setIds[1])![0].metadata.annotations[MANIFEST_ANNOTATION];
    // Snapshots without this cluster's labels are never touched.
    const foreign = await kubectl().run(
      ["create", "-f", "-"],
      JSON.stringify({ apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", metadata: { name: "e2e-foreign", namespace: NAMESPACE, labels: { [SNAPSHOT_LABELS.set]: "20200101t000000z" } }, spec: { volumeSnapshotClassName: SNAPSHOT_CLASS, source: { persistentVolumeClaimName: CLAIMS[0] } } }),
    );
    assert.equal(foreign.code, 0, foreign.stderr);
    await new Promise((r) => setTimeout(r, 1100));
    const again = await runBackup(() => ({ readyToUse: true }));
    assert.equal(again.code, 0, again.stderr);
    assert.ok((await kubectl().getOrUndefined("volumesnapshot.snapshot.storage.k8s.io", "e2e-foreign", NAMESPACE)) !== undefined, "a snapshot of no cluster kept");
    setIds = [...(await sets()).keys()].sort();
    assert.equal(setIds.length, 2);
    await kubectl().ok(["delete", "volumesnapshot.snapshot.storage.k8s.io", "e2e-foreign", "-n", NAMESPACE]);
  });

  it("a snapshot reporting status.error fails the run with the claim and the driver's message, and the set is deleted", async () => {
    const before = [...(await sets()).keys()].sort();
    const r = await runBackup((_, claim) => (claim === CLAIMS[1] ? { readyToUse: false, error: { message: "e2e driver: out of snapshot quota", time: new Date().toISOString() } } : { readyToUse: true }));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.termination, new RegExp(`^backup of ${CLUSTER} failed: set [0-9]{8}t[0-9]{6}z: the snapshot ${CLUSTER}-[0-9]{8}t[0-9]{6}z-combined-1 of claim ${CLAIMS[1]} failed: e2e driver: out of snapshot quota`));
    rows.push(`a snapshot with status.error: exit 1, termination message "${r.termination.trim()}"`);
    assert.deepEqual([...(await sets()).keys()].sort(), before, "the failed set deleted, the complete ones kept");
  });

  it("a restore with another manifest is refused at preview, naming the difference", async () => {
    second = await E2EStack.create(e2e().pulumi, "backup-restore", program({ restore: { snapshotSet: setIds[1], manifest } }));
    await second.configure(
      e2eStackConfig("dev", (d) => {
        d.namespace = NAMESPACE;
        d.replicas = 1;
      }),
      SECRETS,
    );
    const r = await second.previewOrError();
    assert.ok("error" in r, "the preview fails");
    assert.match(r.error, /restore\.manifest: the snapshot set was taken of combined replicas 3, these arguments have 1: a restore needs the same pods/);
    rows.push("restore with 1 replica of a 3-pod set: preview refused with \"restore.manifest: the snapshot set was taken of combined replicas 3, these arguments have 1: a restore needs the same pods\"");
  });

  it("after `destroy` (claims deleted, snapshots kept), a second stack restores: the claims are created from the set before the StatefulSet, Bound, and its pods use them", async () => {
    await first.destroy();
    await waitFor("the first cluster's claims deleted", 180_000, async () => {
      const left = (await kubectl().list("persistentvolumeclaims", NAMESPACE)).filter((c) => CLAIMS.includes(c.metadata.name));
      return left.length === 0 ? true : undefined;
    });
    assert.equal((await sets()).size, 2, "the snapshots outlive the cluster");
    await second!.configure(CONFIG, SECRETS);
    const t = Date.now();
    await second!.up();
    rows.push(`restore up (3 claims from set ${setIds[1]}): ${seconds(Date.now() - t)}`);
    const claims = await Promise.all(CLAIMS.map((c) => kubectl().get("persistentvolumeclaim", c, NAMESPACE)));
    for (const [i, c] of claims.entries()) {
      assert.deepEqual(c.spec.dataSource, { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: `${CLUSTER}-${setIds[1]}-combined-${i}` });
      assert.equal(c.metadata.annotations["pulumi.com/skipAwait"], "true", "the claim the component created, not one of the StatefulSet's");
    }
    await waitFor("the restored claims Bound", 180_000, async () => {
      const phases = await Promise.all(CLAIMS.map(async (c) => (await kubectl().get("persistentvolumeclaim", c, NAMESPACE)).status?.phase));
      return phases.every((p) => p === "Bound") ? true : undefined;
    });
    const pods = await kubectl().list("pods", NAMESPACE, "app.kubernetes.io/name=robustmq");
    assert.equal(pods.length, 3);
    for (const p of pods) {
      const ordinal = Number(p.metadata.labels["apps.kubernetes.io/pod-index"]);
      const data = p.spec.volumes.find((v: any) => v.name === "data");
      assert.equal(data.persistentVolumeClaim.claimName, CLAIMS[ordinal]);
      const claim = claims[ordinal];
      assert.equal((await kubectl().get("persistentvolumeclaim", CLAIMS[ordinal], NAMESPACE)).metadata.uid, claim.metadata.uid, "the same claim, adopted");
    }
    // Dropping `restore` keeps the claims (retainOnDelete): they are the cluster's volumes now.
    await second!.up(program({}));
    for (const c of CLAIMS) {
      assert.ok((await kubectl().getOrUndefined("persistentvolumeclaim", c, NAMESPACE)) !== undefined, `${c} kept after restore is removed`);
    }
    await second!.destroy();
  });
});
