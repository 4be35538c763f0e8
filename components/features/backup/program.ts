// The backup's program, run by Node.js (20 or later) in the backup CronJob's pod, and by the
// end-to-end test against the real kube-apiserver: one plain CommonJS file using only Node's own
// modules, so any Node image runs it and nothing is installed at run time.
//
// Inputs (environment):
//   RMQ_PLAN             the plan the component wrote (plan.json in the backup's ConfigMap)
//   RMQ_KUBE_API         the API server's URL (default https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT)
//   RMQ_KUBE_TOKEN_FILE  bearer token (default: the pod's service account token)
//   RMQ_KUBE_CA_FILE     CA bundle of the API server (default: the pod's service account CA)
//   RMQ_TERMINATION_LOG  where the outcome goes for `kubectl describe` to show (default /dev/termination-log)
//
// What it does: check that every claim exists; create one VolumeSnapshot per claim, all before
// waiting for any (the set is then as close to one instant as the API allows); wait until each is
// readyToUse, or one reports status.error, or the plan's timeout; then keep the newest `retain`
// complete sets of this cluster and delete the snapshots of older sets. A failed set is deleted
// and the run exits 1 with the reason as the container's termination message. Calls made, and so
// the Role's rules: get persistentvolumeclaims; create, list, delete volumesnapshots (the wait
// and the retention list by label, nothing reads a snapshot by name).

/** The program. Kept free of backticks and dollar-brace sequences: it lives in a raw string. */
import { JOB_PROGRAM_PRELUDE } from "../job-program";

export const BACKUP_SCRIPT =
  JOB_PROGRAM_PRELUDE +
  String.raw`
const https = require("https");

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
const plan = JSON.parse(fs.readFileSync(env.RMQ_PLAN, "utf8"));
const api = env.RMQ_KUBE_API || ("https://" + env.KUBERNETES_SERVICE_HOST + ":" + env.KUBERNETES_SERVICE_PORT);
const token = fs.readFileSync(env.RMQ_KUBE_TOKEN_FILE || SA + "/token", "utf8").trim();
const ca = fs.readFileSync(env.RMQ_KUBE_CA_FILE || SA + "/ca.crt");
const ns = plan.namespace;
const SNAPSHOTS = "/apis/snapshot.storage.k8s.io/v1/namespaces/" + ns + "/volumesnapshots";
const L = plan.labels;
const startedAt = Date.now();

function log(line) {
  process.stdout.write(new Date().toISOString() + " " + line + "\n");
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, api);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      {
        method,
        ca,
        headers: Object.assign({ Authorization: "Bearer " + token, Accept: "application/json" }, payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }),
        timeout: 30000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          let json;
          try {
            json = text === "" ? undefined : JSON.parse(text);
          } catch (e) {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, text });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(method + " " + path + ": no answer in 30 s")));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function call(method, path, body, allow) {
  const r = await request(method, path, body);
  if (r.status >= 200 && r.status < 300) return r.json;
  if (allow && allow.includes(r.status)) return undefined;
  const message = r.json && r.json.message ? r.json.message : r.text.slice(0, 300);
  throw new Error(method + " " + path + ": " + r.status + " " + message);
}

function setId(now) {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.[0-9]+Z$/, "z").toLowerCase();
}

function selector(pairs) {
  return encodeURIComponent(pairs.join(","));
}

async function listSnapshots(pairs) {
  const list = await call("GET", SNAPSHOTS + "?labelSelector=" + selector(pairs));
  return list.items || [];
}

async function remove(name) {
  await call("DELETE", SNAPSHOTS + "/" + name, undefined, [404]);
  log("deleted VolumeSnapshot " + name);
}

function snapshotName(set, claim) {
  return plan.cluster + "-" + set + "-" + claim.tier + "-" + claim.ordinal;
}

function fail(text) {
  writeTermination("backup of " + plan.cluster + " failed: " + text);
  return 1;
}

// Waits until every snapshot of the set is readyToUse; throws naming the claim and the driver's
// message when one reports an error, or the ones still not ready at the deadline.
async function awaitSet(set, byName) {
  const deadline = startedAt + plan.timeoutSeconds * 1000;
  for (;;) {
    const items = await listSnapshots([L.instance + "=" + plan.cluster, L.set + "=" + set]);
    const seen = new Map(items.map((s) => [s.metadata.name, s]));
    const pending = [];
    for (const [name, claim] of byName) {
      const s = seen.get(name);
      const status = (s && s.status) || {};
      if (status.error && status.error.message) {
        throw new Error("the snapshot " + name + " of claim " + claim.claim + " failed: " + status.error.message);
      }
      if (s === undefined) throw new Error("the snapshot " + name + " of claim " + claim.claim + " disappeared");
      if (status.readyToUse !== true) pending.push(claim.claim);
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error("not readyToUse after " + plan.timeoutSeconds + " s: the snapshots of " + pending.join(", "));
    }
    await sleep(2000);
  }
}

function manifestOf(s) {
  try {
    return JSON.parse(s.metadata.annotations[plan.manifestAnnotation]);
  } catch (e) {
    return undefined;
  }
}

// Keeps the newest plan.retain complete sets; deletes every snapshot of the sets older than the
// oldest one kept. Newer incomplete sets are left alone. Only snapshots carrying this cluster's
// instance label and a set label are looked at.
async function retention() {
  const items = await listSnapshots([L.instance + "=" + plan.cluster, L.set]);
  const sets = new Map();
  for (const s of items) {
    const id = s.metadata.labels[L.set];
    if (!sets.has(id)) sets.set(id, []);
    sets.get(id).push(s);
  }
  const ids = [...sets.keys()].sort().reverse();
  const complete = ids.filter((id) => {
    const snaps = sets.get(id);
    const m = manifestOf(snaps[0]);
    const expected = m && m.tiers ? Object.values(m.tiers).reduce((n, t) => n + t.replicas, 0) : -1;
    return snaps.length === expected && snaps.every((s) => s.status && s.status.readyToUse === true);
  });
  log(ids.length + " set(s) of " + plan.cluster + ", " + complete.length + " complete; keeping " + Math.min(plan.retain, complete.length));
  if (complete.length <= plan.retain) return;
  const oldestKept = complete[plan.retain - 1];
  for (const id of ids.filter((i) => i < oldestKept)) {
    log("retention: deleting set " + id + (complete.includes(id) ? "" : " (incomplete)"));
    for (const s of sets.get(id)) await remove(s.metadata.name);
  }
}

async function main() {
  const set = setId(new Date());
  const manifest = JSON.stringify(plan.manifest);
  log("backup of " + plan.cluster + " in " + ns + ": set " + set + ", " + plan.claims.length + " claim(s), class " + plan.volumeSnapshotClassName);
  for (const c of plan.claims) {
    const pvc = await call("GET", "/api/v1/namespaces/" + ns + "/persistentvolumeclaims/" + c.claim, undefined, [404]);
    if (pvc === undefined) return fail("claim " + c.claim + " does not exist: nothing was snapshotted");
    log("claim " + c.claim + " (" + c.tier + " " + c.ordinal + "): " + ((pvc.status && pvc.status.phase) || "no phase"));
  }
  const byName = new Map(plan.claims.map((c) => [snapshotName(set, c), c]));
  const created = [];
  try {
    for (const [name, c] of byName) {
      await call("POST", SNAPSHOTS, {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshot",
        metadata: {
          name,
          namespace: ns,
          labels: { [L.instance]: plan.cluster, [L.set]: set, [L.tier]: c.tier, [L.ordinal]: String(c.ordinal) },
          annotations: { [plan.manifestAnnotation]: manifest },
        },
        spec: { volumeSnapshotClassName: plan.volumeSnapshotClassName, source: { persistentVolumeClaimName: c.claim } },
      });
      created.push(name);
      log("created VolumeSnapshot " + name + " of claim " + c.claim);
    }
    await awaitSet(set, byName);
    log("set " + set + ": every snapshot readyToUse after " + ((Date.now() - startedAt) / 1000).toFixed(1) + " s");
  } catch (e) {
    log("set " + set + " failed: " + e.message + "; deleting its snapshots");
    for (const name of created) {
      try {
        await remove(name);
      } catch (d) {
        log("cannot delete " + name + ": " + d.message);
      }
    }
    return fail("set " + set + ": " + e.message);
  }
  await retention();
  log("backup of " + plan.cluster + ": set " + set + " complete");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => process.exit(fail(e && e.message ? e.message : String(e))),
);
`;
