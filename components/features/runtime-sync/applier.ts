// The sync's program, run by Node.js (20 or later) in the sync's Job and CronJob pods, and by the
// tests against a stand-in of RobustMQ's admin API: one plain CommonJS file using only Node's own
// modules, so any Node image runs it and nothing is installed at run time.
//
// Inputs (environment):
//   RMQ_PLAN           the plan the component wrote (plan.json in the sync's ConfigMap)
//   RMQ_SECRETS        directory of the users' passwords, one file per user (the sync's Secret)
//   RMQ_ADMIN_PASSWORD file holding the admin password (the cluster's credentials Secret)
//   RMQ_LEDGER         directory of the ledger: what this sync created, so it deletes only that
//   RMQ_TERMINATION_LOG where the outcome goes for `pulumi up` to show (default /dev/termination-log)
//   RMQ_REQUEST_TIMEOUT_MS  one request's budget (default 10000)
//
// What it does, in order: take the ledger's lock; log in; set every dynamic config section
// (reporting each key that differed: a change behind the program's back); create or re-create
// topics, users, ACLs and blacklist entries; delete what the ledger holds and the plan no longer
// declares. An entity that exists but is not in the ledger was not created here and is refused,
// never changed. The ledger records an entity before its create is sent, so a crash leaves the
// ledger a superset of what exists and the next run finishes the job; every step is idempotent,
// so a failed sync is retried by running it again.
//
// Failures: a refused login stops everything; any other failure is recorded with the object it
// concerned and RobustMQ's own message, the remaining steps still run, and the run ends with exit
// code 1 and the list of failures as the container's termination message, which the Kubernetes
// provider prints when the Job fails. Connection errors, timeouts, 429 and 5xx are retried with
// back-off until the plan's deadline.

import { JOB_PROGRAM_PRELUDE } from "../job-program";

/** The program. Kept free of backticks and dollar-brace sequences: it lives in a raw string. */
export const APPLIER_SCRIPT =
  JOB_PROGRAM_PRELUDE +
  String.raw`
const path = require("path");
const crypto = require("crypto");

const plan = JSON.parse(fs.readFileSync(env.RMQ_PLAN, "utf8"));
const startedAt = Date.now();
const deadline = startedAt + plan.timeoutSeconds * 1000;
const requestTimeoutMs = Number(env.RMQ_REQUEST_TIMEOUT_MS || 10000);
const ledgerDir = env.RMQ_LEDGER;
const ledgerFile = path.join(ledgerDir, "ledger.json");
const lockDir = path.join(ledgerDir, "lock");
const paths = plan.paths;

const applied = [];
const drift = [];
const failures = [];
let token;

function log(line) {
  process.stdout.write(line + "\n");
}

class ApiError extends Error {
  constructor(message, retryable, fatal) {
    super(message);
    this.retryable = retryable;
    this.fatal = fatal;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function shorten(text) {
  const t = String(text).replace(/\s+/g, " ").trim();
  return t.length > 300 ? t.slice(0, 300) + "..." : t;
}

function messageOf(json, text) {
  if (json && typeof json === "object") {
    if (typeof json.error === "string" && json.error !== "") return json.error;
    if (typeof json.message === "string" && json.message !== "") return json.message;
  }
  return text === "" ? "(empty body)" : shorten(text);
}

// One request, no retry. RobustMQ answers 200 with {code, data, error} for its own failures (code
// 100), and other statuses for the web framework's (400 validation, 401, 405, 422, 429).
async function call(method, p, body, query) {
  const url = new URL(p, plan.adminUrl);
  for (const [k, v] of Object.entries(query || {})) url.searchParams.set(k, String(v));
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token !== undefined) headers.authorization = "Bearer " + token;
  const budget = Math.max(1, Math.min(requestTimeoutMs, deadline - Date.now()));
  const what = method + " " + p;
  let res;
  let text;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(budget) });
    text = await res.text();
  } catch (e) {
    const timedOut = e && (e.name === "TimeoutError" || e.name === "AbortError");
    const cause = e && e.cause && e.cause.code ? e.cause.code : e && e.message;
    throw new ApiError(what + ": " + (timedOut ? "no answer within " + Math.round(budget / 1000) + " s" : "cannot reach " + plan.adminUrl + " (" + cause + ")"), true, false);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    json = undefined;
  }
  if (res.status === 401) {
    throw new ApiError(what + ": HTTP 401: " + messageOf(json, text), false, true);
  }
  if (res.status === 429 || res.status >= 500) {
    throw new ApiError(what + ": HTTP " + res.status + ": " + messageOf(json, text), true, false);
  }
  if (res.status !== 200) {
    throw new ApiError(what + ": HTTP " + res.status + ": " + messageOf(json, text), false, false);
  }
  if (!json || typeof json !== "object" || typeof json.code !== "number") {
    throw new ApiError(what + ": not an answer of RobustMQ's admin API: " + shorten(text), false, false);
  }
  if (json.code !== 0) {
    throw new ApiError(what + ": RobustMQ refused it: " + messageOf(json, text), false, false);
  }
  return json.data;
}

// Retries what may pass on its own (the API not up yet, a 5xx, the rate limit) until the deadline.
async function retrying(label, action) {
  let wait = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action(attempt);
    } catch (e) {
      if (!(e instanceof ApiError) || !e.retryable || Date.now() + wait >= deadline) throw e;
      log("retrying " + label + " in " + wait / 1000 + " s: " + e.message);
      await sleep(wait);
      wait = Math.min(wait * 2, 15000);
    }
  }
}

// Every row of a paged list (the API returns 10 rows unless told otherwise).
async function listAll(p, query) {
  const rows = [];
  for (let page = 1; ; page++) {
    const data = await call("GET", p, undefined, Object.assign({}, query, { limit: 500, page }));
    if (!data || !Array.isArray(data.data) || typeof data.total_count !== "number") {
      throw new ApiError("GET " + p + ": the list has no data/total_count: " + shorten(JSON.stringify(data)), false, false);
    }
    rows.push(...data.data);
    if (data.data.length === 0 || rows.length >= data.total_count) return rows;
  }
}

// The ledger: what this sync created (and may therefore change or delete).
function emptyLedger() {
  return { version: 1, cluster: plan.cluster, salt: crypto.randomBytes(16).toString("hex"), users: {}, acls: {}, blacklist: {}, topics: [] };
}

function loadLedger() {
  if (!fs.existsSync(ledgerFile)) return emptyLedger();
  const l = JSON.parse(fs.readFileSync(ledgerFile, "utf8"));
  if (l.version !== 1) throw new ApiError("ledger " + ledgerFile + " has version " + l.version + "; this sync reads version 1", false, true);
  if (l.cluster !== plan.cluster) {
    throw new ApiError("ledger " + ledgerFile + " belongs to cluster " + l.cluster + ", not " + plan.cluster + ": refusing to touch entities another cluster created", false, true);
  }
  return l;
}

let ledger;
function saveLedger() {
  const tmp = ledgerFile + ".tmp";
  fs.writeFileSync(tmp, JSON.stringify(ledger, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, ledgerFile);
}

async function lock() {
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, "owner"), String(process.pid) + " " + new Date().toISOString() + "\n");
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      const age = Date.now() - fs.statSync(lockDir).mtimeMs;
      // A sync never outlives its own deadline: an older lock was left by a killed pod.
      if (age > 2 * plan.timeoutSeconds * 1000) {
        log("taking over a lock left " + Math.round(age / 1000) + " s ago by a sync that did not finish");
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() + 2000 >= deadline) throw new ApiError("another sync of this cluster holds " + lockDir + " and did not finish in time", false, true);
      await sleep(2000);
    }
  }
}

function unlock() {
  fs.rmSync(lockDir, { recursive: true, force: true });
}

async function step(object, action) {
  try {
    await retrying(object, action);
  } catch (e) {
    if (e instanceof ApiError && e.fatal) throw e;
    failures.push(object + ": " + (e && e.message ? e.message : String(e)));
    log("FAILED " + object + ": " + (e && e.message ? e.message : String(e)));
  }
}

function done(line) {
  applied.push(line);
  log(line);
}

function drifted(line) {
  drift.push(line);
  log("drift: " + line);
}

function key(tenant, name) {
  return tenant + "/" + name;
}

// Differences between what the plan declares and what the cluster runs, as dotted keys.
function differences(prefix, want, have, out) {
  for (const [k, w] of Object.entries(want)) {
    const h = have === null || typeof have !== "object" ? undefined : have[k];
    const at = prefix + "." + k;
    if (w !== null && typeof w === "object" && !Array.isArray(w)) {
      differences(at, w, h, out);
    } else if (!(typeof w === "number" && typeof h === "number" ? Math.abs(w - h) <= 1e-6 * Math.max(1, Math.abs(w)) : JSON.stringify(w) === JSON.stringify(h))) {
      out.push(at + " is " + JSON.stringify(h) + " in the cluster, the program declares " + JSON.stringify(w));
    }
  }
  return out;
}

function lookup(doc, dotted) {
  let node = doc;
  for (const part of dotted.split(".")) node = node === null || typeof node !== "object" ? undefined : node[part];
  return node;
}

async function syncConfig() {
  let live;
  await step("config (read)", async () => {
    live = await call("GET", paths.configGet);
  });
  for (const s of plan.sections) {
    const object = "config " + s.type + " [" + s.table + "]";
    if (live !== undefined) {
      for (const d of differences(s.table, s.value, lookup(live, s.table), [])) drifted(d);
    }
    // Set every time: the API replaces the section in the meta service and in every node's
    // cache, which also repairs a node whose cache missed an earlier update.
    await step(object, async () => {
      await call("POST", paths.configSet, { config_type: s.type, config: JSON.stringify(s.value) });
      done("set " + object);
    });
  }
}

async function syncTopics() {
  const desired = new Set(plan.topics.map((t) => key(t.tenant, t.topic_name)));
  let rows;
  await step("topics (list)", async () => {
    rows = await listAll(paths.topicList, {});
  });
  if (rows === undefined) return;
  // A deleted topic may stay listed, marked, until RobustMQ removes it.
  const live = new Map(rows.filter((r) => r.mark_delete !== true).map((r) => [key(r.tenant, r.topic_name), r]));
  for (const t of plan.topics) {
    const k = key(t.tenant, t.topic_name);
    const object = "topic " + k;
    const owned = ledger.topics.includes(k);
    await step(object, async (attempt) => {
      // A retried create may have been applied before its answer was lost: look again.
      const have = attempt === 1 ? live.get(k) : (await listAll(paths.topicList, { tenant: t.tenant, topic_name: t.topic_name })).find((r) => key(r.tenant, r.topic_name) === k && r.mark_delete !== true);
      if (have === undefined) {
        if (owned) drifted(object + " was deleted outside the program: creating it again");
        if (!owned) {
          ledger.topics.push(k);
          saveLedger();
        }
        await call("POST", paths.topicCreate, t);
        done("created " + object);
        return;
      }
      if (!owned) {
        if (attempt > 1) return done("created " + object);
        throw new ApiError("exists and was not created by this sync: it is left alone; delete it or declare another name", false, false);
      }
      const differs = [];
      if (have.storage_type !== undefined && have.storage_type !== t.storage_type) differs.push("storage type " + have.storage_type + " (declared " + t.storage_type + ")");
      if (t.partition !== undefined && have.partition !== undefined && have.partition !== t.partition) differs.push("partitions " + have.partition + " (declared " + t.partition + ")");
      if (t.replication !== undefined && have.replication !== undefined && have.replication !== t.replication) differs.push("replicas " + have.replication + " (declared " + t.replication + ")");
      if (differs.length > 0) {
        throw new ApiError("exists with " + differs.join(", ") + "; RobustMQ cannot change a topic in place: declare the existing values, or remove the topic from the program (deleting its messages) and add it again", false, false);
      }
    });
  }
  for (const k of [...ledger.topics]) {
    if (desired.has(k)) continue;
    const object = "topic " + k;
    await step(object, async () => {
      if (live.has(k)) {
        const [tenant, ...name] = k.split("/");
        await call("POST", paths.topicDelete, { tenant, topic_name: name.join("/") });
        done("deleted " + object);
      } else {
        drifted(object + " was already deleted outside the program");
      }
      ledger.topics = ledger.topics.filter((x) => x !== k);
      saveLedger();
    });
  }
}

function fingerprint(password, superuser) {
  return crypto.createHash("sha256").update(ledger.salt + "\0" + password + "\0" + String(superuser)).digest("hex");
}

// A user's password cannot be read back. The ledger keeps a salted fingerprint of what was last
// written and the user's create_time: a new create_time means someone deleted and re-created the
// user (with another password, maybe), which is reverted like any drift.
async function syncUsers() {
  const desired = new Set(plan.users.map((u) => key(u.tenant, u.username)));
  let rows;
  await step("users (list)", async () => {
    rows = await listAll(paths.userList, {});
  });
  if (rows === undefined) return;
  const live = new Map(rows.map((r) => [key(r.tenant, r.username), r]));
  const lookup = async (u) => (await listAll(paths.userList, { tenant: u.tenant, user_name: u.username })).find((r) => key(r.tenant, r.username) === key(u.tenant, u.username));
  const remember = async (u, k) => {
    const row = await lookup(u);
    ledger.users[k].created = row === undefined ? null : row.create_time;
    saveLedger();
  };
  const recreating = new Set();
  for (const u of plan.users) {
    const k = key(u.tenant, u.username);
    const object = "user " + k;
    await step(object, async (attempt) => {
      const password = fs.readFileSync(path.join(env.RMQ_SECRETS, u.secretKey), "utf8");
      const fp = fingerprint(password, u.superuser);
      const body = { tenant: u.tenant, username: u.username, password, is_superuser: u.superuser };
      // A retried create or delete may have been applied before its answer was lost: look again.
      const have = attempt === 1 ? live.get(k) : await lookup(u);
      const rec = ledger.users[k];
      if (have === undefined) {
        if (rec !== undefined && !recreating.has(k)) drifted(object + " was deleted outside the program: creating it again");
        ledger.users[k] = { fp, created: null };
        saveLedger();
        await call("POST", paths.userCreate, body);
        await remember(u, k);
        done((recreating.has(k) ? "re-created " : "created ") + object);
        return;
      }
      if (rec === undefined) throw new ApiError("exists and was not created by this sync: it is left alone; delete it or declare another name", false, false);
      let changed = rec.fp !== fp;
      if (!changed && rec.created !== null && have.create_time !== rec.created) {
        drifted(object + " was deleted and created again outside the program (its password may differ): creating it again");
        changed = true;
      } else if (!changed && have.is_superuser !== u.superuser) {
        drifted(object + " has is_superuser " + have.is_superuser + " in the cluster, the program declares " + u.superuser);
        changed = true;
      }
      if (!changed) {
        if (rec.created === null) await remember(u, k);
        return;
      }
      // RobustMQ has no user update and refuses to create an existing user: re-create it.
      recreating.add(k);
      await call("POST", paths.userDelete, { tenant: u.tenant, username: u.username });
      live.delete(k);
      ledger.users[k] = { fp, created: null };
      saveLedger();
      await call("POST", paths.userCreate, body);
      await remember(u, k);
      done("re-created " + object + (rec.fp !== fp ? " (new password or superuser flag)" : ""));
    });
  }
  for (const k of Object.keys(ledger.users)) {
    if (desired.has(k)) continue;
    const object = "user " + k;
    await step(object, async () => {
      if (live.has(k)) {
        const [tenant, ...name] = k.split("/");
        await call("POST", paths.userDelete, { tenant, username: name.join("/") });
        live.delete(k);
        done("deleted " + object);
      } else {
        drifted(object + " was already deleted outside the program");
      }
      delete ledger.users[k];
      saveLedger();
    });
  }
}

// ACLs and blacklist entries: create is an upsert and deleting a missing one succeeds. Their lists
// come from a broker's cache, which an upsert appends to (an ACL changed in place is listed twice,
// old and new, until the broker restarts; a blacklist pattern entry once per create), while a
// delete drops every cached row of that name. So an entry is changed by delete-then-create, which
// leaves one row, and is written only when the plan changed it (the ledger holds what was last
// written: the list cannot show a blacklist entry's end time) or when the list does not show
// exactly one row with the declared values (a change behind the program's back).
async function syncUpserted(kind, listPath, createPath, deletePath, entries, comparable, ledgerField) {
  const desired = new Set(entries.map((e) => key(e.tenant, e.name)));
  let rows;
  await step(kind + "s (list)", async () => {
    rows = await listAll(listPath, {});
  });
  if (rows === undefined) return;
  const live = new Map();
  for (const r of rows) {
    const k = key(r.tenant, r.name);
    live.set(k, [...(live.get(k) || []), r]);
  }
  const same = (row, e) => comparable.every((f) => String(row[f]) === String(e[f]));
  for (const e of entries) {
    const k = key(e.tenant, e.name);
    const object = kind + " " + k;
    const record = JSON.stringify(e);
    await step(object, async () => {
      const listed = live.get(k) || [];
      const owned = Object.prototype.hasOwnProperty.call(ledger[ledgerField], k);
      if (listed.length > 0 && !owned) throw new ApiError("exists and was not created by this sync: it is left alone; delete it or declare another name", false, false);
      if (owned && ledger[ledgerField][k] === record) {
        if (listed.length === 0) {
          drifted(object + " was deleted outside the program: creating it again");
        } else if (listed.length > 1) {
          drifted(object + " is listed " + listed.length + " times (changed outside the program, or rows RobustMQ keeps cached until the broker restarts): writing it again");
        } else if (!same(listed[0], e)) {
          for (const f of comparable.filter((f) => String(listed[0][f]) !== String(e[f]))) {
            drifted(object + " has " + f + " " + JSON.stringify(listed[0][f]) + " in the cluster, the program declares " + JSON.stringify(e[f]));
          }
        } else {
          return;
        }
      }
      // Recorded before the write: the ledger may name more than exists, never less.
      ledger[ledgerField][k] = record;
      saveLedger();
      if (listed.length > 0) await call("POST", deletePath, { tenant: e.tenant, name: e.name });
      await call("POST", createPath, e);
      done((listed.length === 0 ? "created " : "re-created ") + object);
    });
  }
  for (const k of Object.keys(ledger[ledgerField])) {
    if (desired.has(k)) continue;
    const object = kind + " " + k;
    await step(object, async () => {
      const [tenant, ...name] = k.split("/");
      await call("POST", deletePath, { tenant, name: name.join("/") });
      done("deleted " + object);
      delete ledger[ledgerField][k];
      saveLedger();
    });
  }
}

function finish(fatal) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const lines = [];
  if (fatal !== undefined) lines.push("runtime sync of " + plan.cluster + " stopped: " + fatal);
  if (failures.length > 0) {
    lines.push("runtime sync of " + plan.cluster + ": " + failures.length + " failed, " + applied.length + " applied (a retry is safe: the next pulumi up runs the sync again, as does the periodic sync):");
    for (const f of failures) lines.push("- " + f);
  }
  const ok = fatal === undefined && failures.length === 0;
  const summary = "runtime sync of " + plan.cluster + ": " + applied.length + " applied, " + drift.length + " drifted value(s) reverted, " + failures.length + " failed, in " + seconds + " s";
  log(summary);
  if (!ok) writeTermination(lines.join("\n"));
  return ok ? 0 : 1;
}

async function main() {
  let locked = false;
  try {
    await lock();
    locked = true;
    ledger = loadLedger();
    saveLedger();
    const password = fs.readFileSync(env.RMQ_ADMIN_PASSWORD, "utf8");
    await retrying("login", async () => {
      let data;
      try {
        data = await call("POST", paths.login, { username: plan.adminUsername, password });
      } catch (e) {
        if (e instanceof ApiError && e.fatal) {
          throw new ApiError("the admin API refused the login of " + plan.adminUsername + " with the password of Secret " + plan.credentialsSecret + " (" + e.message + ")", false, true);
        }
        throw e;
      }
      if (!data || typeof data.token !== "string") throw new ApiError("POST " + paths.login + ": no token in the answer", false, true);
      token = data.token;
    });
    await syncConfig();
    await syncTopics();
    await syncUsers();
    await syncUpserted("acl", paths.aclList, paths.aclCreate, paths.aclDelete, plan.acls, ["resource_type", "resource_name", "topic", "ip", "action", "permission", "desc"], "acls");
    await syncUpserted("blacklist entry", paths.blacklistList, paths.blacklistCreate, paths.blacklistDelete, plan.blacklist, ["blacklist_type", "resource_name", "desc"], "blacklist");
    return finish(undefined);
  } catch (e) {
    return finish(e && e.message ? e.message : String(e));
  } finally {
    if (locked) unlock();
  }
}

main().then((code) => process.exit(code));
`;
