// The sync's own program (APPLIER_SCRIPT, exactly what the Job runs) run by real Node against the
// stand-in of RobustMQ v0.4.11's admin API (standin.ts, shapes read from the source at the tag):
// create, change, remove, drift, the ledger's protection of what the program did not create, and
// every failure `pulumi up` must show (refused login, 5xx, RobustMQ's own refusals, a request
// the web framework refuses, a hang), each with the object it concerned.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RobustMQClusterArgs } from "../../../components";
import { resolveClusterArgs } from "../../../components/cluster/resolve";
import { APPLIER_SCRIPT } from "../../../components/features/runtime-sync/applier";
import { syncPlan } from "../../../components/features/runtime-sync/resources";
import { defaultBrokerConfig, StandIn, startStandIn } from "./standin";

const ADMIN = { adminUsername: "admin", adminPassword: "admin-password-0123" };

interface Run {
  code: number;
  stdout: string;
  termination: string;
}

interface World {
  dir: string;
  api: StandIn;
  /** Runs the sync for these arguments (passwords from the users' entries). */
  sync(args: RobustMQClusterArgs, opts?: { timeoutSeconds?: number; requestTimeoutMs?: number; adminPassword?: string; cluster?: string; editPlan?: (plan: any) => void }): Promise<Run>;
  ledger(): any;
}

/**
 * The config the nodes run with after starting from the server.toml of `args`: the sections as
 * the package computes them over RobustMQ's defaults (what a real node reads from that file).
 */
function startedFrom(args: RobustMQClusterArgs): Record<string, any> {
  const config = defaultBrokerConfig();
  for (const s of resolveClusterArgs("rmq", { ...args, runtimeSync: { enabled: true } }).runtimeSync!.sections) {
    const parts = s.table.split(".");
    const parent = parts.slice(0, -1).reduce((node, p) => node[p], config);
    parent[parts[parts.length - 1]] = { ...parent[parts[parts.length - 1]], ...s.value };
  }
  return config;
}

async function world(startArgs: RobustMQClusterArgs = FULL): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-sync-"));
  const api = await startStandIn({ ...ADMIN, config: startedFrom(startArgs) });
  const ledgerDir = path.join(dir, "ledger");
  fs.mkdirSync(ledgerDir);
  return {
    dir,
    api,
    ledger: () => JSON.parse(fs.readFileSync(path.join(ledgerDir, "ledger.json"), "utf8")),
    async sync(args, opts = {}) {
      const cluster = resolveClusterArgs(opts.cluster ?? "rmq", { ...args, runtimeSync: { ...(args.runtimeSync ?? {}), enabled: true, timeoutSeconds: Math.max(30, opts.timeoutSeconds ?? 30) } });
      const plan = { ...syncPlan(cluster, cluster.runtimeSync!), adminUrl: api.url, timeoutSeconds: opts.timeoutSeconds ?? 30 };
      opts.editPlan?.(plan);
      const run = fs.mkdtempSync(path.join(dir, "run-"));
      const secrets = path.join(run, "secrets");
      fs.mkdirSync(secrets);
      (args.mqttUsers ?? []).forEach((u, i) => fs.writeFileSync(path.join(secrets, cluster.runtimeSync!.users[i].secretKey), u.password as string));
      fs.writeFileSync(path.join(run, "plan.json"), JSON.stringify(plan));
      fs.writeFileSync(path.join(run, "sync.js"), APPLIER_SCRIPT);
      fs.writeFileSync(path.join(run, "admin-password"), opts.adminPassword ?? ADMIN.adminPassword);
      const termination = path.join(run, "termination-log");
      const child = spawn(process.execPath, [path.join(run, "sync.js")], {
        env: {
          PATH: process.env.PATH,
          RMQ_PLAN: path.join(run, "plan.json"),
          RMQ_SECRETS: secrets,
          RMQ_ADMIN_PASSWORD: path.join(run, "admin-password"),
          RMQ_LEDGER: ledgerDir,
          RMQ_TERMINATION_LOG: termination,
          ...(opts.requestTimeoutMs === undefined ? {} : { RMQ_REQUEST_TIMEOUT_MS: String(opts.requestTimeoutMs) }),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", () => undefined);
      const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
      return { code, stdout, termination: fs.existsSync(termination) ? fs.readFileSync(termination, "utf8") : "" };
    },
  };
}

/** Every row of one of the API's lists, as a client reads it. */
async function listed(api: StandIn, p: string): Promise<any[]> {
  const login = await fetch(new URL("/api/v1/login", api.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: ADMIN.adminUsername, password: ADMIN.adminPassword }) });
  const { data } = (await login.json()) as { data: { token: string } };
  const res = await fetch(new URL(`${p}?limit=1000`, api.url), { headers: { authorization: `Bearer ${data.token}` } });
  return ((await res.json()) as { data: { data: any[] } }).data.data;
}

/** A change made through the admin API by someone else (the dashboard). */
async function dashboard(api: StandIn, p: string, body: unknown): Promise<void> {
  const login = await fetch(new URL("/api/v1/login", api.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: ADMIN.adminUsername, password: ADMIN.adminPassword }) });
  const { data } = (await login.json()) as { data: { token: string } };
  const res = await fetch(new URL(p, api.url), { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${data.token}` }, body: JSON.stringify(body) });
  assert.equal(((await res.json()) as { code: number }).code, 0);
}

const ALICE = { username: "alice", password: "alice-password-1" };
const BOB = { username: "bob", password: "bob-password-0001", superuser: true };
const ACL = { name: "deny-x", resourceType: "User", resourceName: "alice", topic: "x/#", action: "Publish", permission: "Deny" } as const;
const BAN = { name: "bots", type: "ClientIdMatch", resourceName: "bot-*" } as const;
const TOPIC = { name: "sensors/a", storageType: "EngineRocksDB", partitions: 2 } as const;
const FULL: RobustMQClusterArgs = {
  mqttUsers: [ALICE, BOB],
  mqttAcls: [ACL],
  mqttBlacklist: [BAN],
  topics: [TOPIC],
  extraConfig: { mqtt_runtime: { offline_message: { enable: false }, protocol: { max_packet_size: 2097152 } } },
};

describe("runtime sync: the Job's program against RobustMQ's admin API (stand-in)", function () {
  this.timeout(60000);
  let w: World;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await w.api.close();
    fs.rmSync(w.dir, { recursive: true, force: true });
  });

  it("creates what is declared, sets every dynamic section, and records it in the ledger", async function () {
    const r = await w.sync(FULL);
    assert.equal(r.code, 0, r.stdout);
    const s = w.api.state;
    assert.deepEqual([...s.users.keys()].sort(), ["default/alice", "default/bob"]);
    assert.equal(s.users.get("default/alice")!.password, ALICE.password);
    assert.equal(s.users.get("default/bob")!.is_superuser, true);
    assert.equal(s.acls.get("default/deny-x")!.permission, "Deny");
    assert.equal(s.blacklist.get("default/bots")!.blacklist_type, "ClientIdMatch");
    assert.equal(s.topics.get("default/sensors/a")!.partition, 2);
    assert.equal(s.stored.size, 10, "every section is stored in the meta service");
    assert.equal(JSON.parse(s.stored.get("MqttOfflineMessage")!).enable, false);
    assert.equal(s.config.mqtt_runtime.protocol.max_packet_size, 2097152);
    const l = w.ledger();
    assert.deepEqual(Object.keys(l.users).sort(), ["default/alice", "default/bob"]);
    assert.deepEqual([Object.keys(l.acls), Object.keys(l.blacklist), l.topics], [["default/deny-x"], ["default/bots"], ["default/sensors/a"]]);
    // The users' passwords appear nowhere but in the API's create requests.
    assert.ok(!r.stdout.includes(ALICE.password) && !JSON.stringify(l).includes(ALICE.password));
    // The nodes started from the same server.toml: nothing to revert.
    assert.match(r.stdout, /runtime sync of rmq: \d+ applied, 0 drifted value\(s\) reverted, 0 failed/);
  });

  it("a second run with nothing changed creates nothing and finds no drift", async function () {
    await w.sync(FULL);
    const before = w.api.requests.length;
    const r = await w.sync(FULL);
    assert.equal(r.code, 0, r.stdout);
    const writes = w.api.requests.slice(before).filter((q) => q.method === "POST" && !q.path.endsWith("/login"));
    // Only the ten sections: an entity's create would add a row to the broker's cached list again.
    assert.deepEqual(writes.map((q) => q.path), Array(10).fill("/api/cluster/config/set"));
    assert.doesNotMatch(r.stdout, /drift:/);
    assert.match(r.stdout, /0 drifted value\(s\) reverted, 0 failed/);
  });

  it("applies changes: a new password re-creates the user, an ACL is rewritten, a section key is set", async function () {
    await w.sync(FULL);
    const changed: RobustMQClusterArgs = {
      ...FULL,
      mqttUsers: [{ ...ALICE, password: "alice-password-2" }, BOB],
      mqttAcls: [{ ...ACL, permission: "Allow" }],
      extraConfig: { mqtt_runtime: { offline_message: { enable: true }, protocol: { max_packet_size: 2097152 } } },
    };
    const r = await w.sync(changed);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(w.api.state.users.get("default/alice")!.password, "alice-password-2");
    assert.match(r.stdout, /re-created user default\/alice/);
    assert.doesNotMatch(r.stdout, /user default\/bob/);
    assert.equal(w.api.state.acls.get("default/deny-x")!.permission, "Allow");
    assert.equal(w.api.state.config.mqtt_runtime.offline_message.enable, true);
  });

  it("removes what the program no longer declares, and only that", async function () {
    await w.sync(FULL);
    // Made behind the program's back (the dashboard): never the sync's to delete.
    w.api.state.users.set("default/carol", { tenant: "default", username: "carol", password: "x", is_superuser: false, create_time: 1 });
    w.api.state.acls.set("default/theirs", { ...w.api.state.acls.get("default/deny-x")!, name: "theirs" });
    const r = await w.sync({ mqttUsers: [BOB] });
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual([...w.api.state.users.keys()].sort(), ["default/bob", "default/carol"]);
    assert.deepEqual([...w.api.state.acls.keys()], ["default/theirs"]);
    assert.equal(w.api.state.blacklist.size, 0);
    assert.equal(w.api.state.topics.size, 0);
    const l = w.ledger();
    assert.deepEqual([Object.keys(l.users), l.acls, l.blacklist, l.topics], [["default/bob"], {}, {}, []]);
  });

  it("refuses to take over an entity it did not create, and still applies the rest", async function () {
    w.api.state.users.set("default/alice", { tenant: "default", username: "alice", password: "theirs", is_superuser: false, create_time: 1 });
    const r = await w.sync(FULL);
    assert.equal(r.code, 1);
    assert.match(r.termination, /user default\/alice: exists and was not created by this sync: it is left alone/);
    assert.equal(w.api.state.users.get("default/alice")!.password, "theirs");
    assert.ok(w.api.state.users.has("default/bob"), "the other user is still created");
    assert.match(r.termination, /1 failed, \d+ applied/);
    assert.ok(!("default/alice" in w.ledger().users));
  });

  it("detects and reverts changes made behind the program's back", async function () {
    await w.sync(FULL);
    w.api.state.config.mqtt_runtime.protocol.max_packet_size = 1;
    w.api.state.users.delete("default/bob");
    await dashboard(w.api, "/api/cluster/acl/create", { ...w.api.state.acls.get("default/deny-x")!, permission: "Allow" });
    const r = await w.sync(FULL);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /drift: mqtt_runtime\.protocol\.max_packet_size is 1 in the cluster, the program declares 2097152/);
    assert.match(r.stdout, /drift: user default\/bob was deleted outside the program: creating it again/);
    // The dashboard's upsert left the old row cached beside the new one.
    assert.match(r.stdout, /drift: acl default\/deny-x is listed 2 times/);
    assert.equal(w.api.state.config.mqtt_runtime.protocol.max_packet_size, 2097152);
    assert.ok(w.api.state.users.has("default/bob"));
    assert.equal(w.api.state.acls.get("default/deny-x")!.permission, "Deny");
    assert.deepEqual((await listed(w.api, "/api/cluster/acl/list")).filter((x: any) => x.name === "deny-x").map((x: any) => x.permission), ["Deny"]);
  });

  it("changes an ACL by delete-then-create, so the broker's cache lists it once; the next run writes nothing", async function () {
    await w.sync(FULL);
    const changed = { ...FULL, mqttAcls: [{ ...ACL, topic: "y/#" }] };
    const r1 = await w.sync(changed);
    assert.equal(r1.code, 0, r1.stdout);
    assert.doesNotMatch(r1.stdout, /drift:/);
    const rows = (await listed(w.api, "/api/cluster/acl/list")).filter((r: any) => r.name === "deny-x");
    assert.deepEqual(rows.map((r: any) => r.topic), ["y/#"]);
    const before = w.api.requests.length;
    const r2 = await w.sync(changed);
    assert.equal(r2.code, 0, r2.stdout);
    assert.doesNotMatch(r2.stdout, /drift:|acl default/);
    assert.ok(!w.api.requests.slice(before).some((q) => q.path.startsWith("/api/cluster/acl/") && q.method === "POST"));
  });

  it("a blacklist entry is written once, and again only when the program changes it (its end time too)", async function () {
    await w.sync(FULL);
    let before = w.api.requests.length;
    await w.sync(FULL);
    assert.ok(!w.api.requests.slice(before).some((q) => q.path === "/api/cluster/blacklist/create"));
    before = w.api.requests.length;
    const r = await w.sync({ ...FULL, mqttBlacklist: [{ ...BAN, endTime: 1900000000 }] });
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(w.api.requests.slice(before).filter((q) => q.path === "/api/cluster/blacklist/create").map((q) => (q.body as any).end_time), [1900000000]);
    assert.equal(w.api.state.blacklist.get("default/bots")!.end_time, 1900000000);
  });

  it("finds a user re-created outside the program (its password cannot be read back) and re-creates it with the declared password", async function () {
    await w.sync(FULL);
    const created = w.ledger().users["default/alice"].created;
    assert.equal(typeof created, "number");
    await dashboard(w.api, "/api/cluster/user/delete", { tenant: "default", username: "alice" });
    await new Promise((r) => setTimeout(r, 1100));
    await dashboard(w.api, "/api/cluster/user/create", { tenant: "default", username: "alice", password: "someone-elses", is_superuser: false });
    const r = await w.sync(FULL);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /drift: user default\/alice was deleted and created again outside the program/);
    assert.equal(w.api.state.users.get("default/alice")!.password, ALICE.password);
  });

  it("fails a topic whose storage differs, naming it and what to do (RobustMQ cannot change a topic in place)", async function () {
    await w.sync(FULL);
    const r = await w.sync({ ...FULL, topics: [{ ...TOPIC, partitions: 4 }] });
    assert.equal(r.code, 1);
    assert.match(r.termination, /topic default\/sensors\/a: exists with partitions 2 \(declared 4\); RobustMQ cannot change a topic in place/);
  });

  it("a refused login stops at once with the Secret it used", async function () {
    const r = await w.sync(FULL, { adminPassword: "wrong-password-000" });
    assert.equal(r.code, 1);
    assert.match(r.termination, /stopped: the admin API refused the login of admin with the password of Secret rmq-credentials \(POST \/api\/v1\/login: HTTP 401: Invalid username or password\)/);
    assert.equal(w.api.state.users.size, 0);
  });

  it("RobustMQ's own refusal is reported with its message and the object; the rest is applied (half-applied, reported)", async function () {
    w.api.fault("POST", "/api/cluster/topic/create", { kind: "code100", error: "Storage engine is not available" });
    const r = await w.sync(FULL);
    assert.equal(r.code, 1);
    assert.match(r.termination, /topic default\/sensors\/a: POST \/api\/cluster\/topic\/create: RobustMQ refused it: Storage engine is not available/);
    assert.equal(w.api.state.users.size, 2);
    // The ledger names the topic (its create was attempted): a retry creates it, a removal skips it.
    const again = await w.sync(FULL);
    assert.equal(again.code, 0, again.stdout);
    assert.ok(w.api.state.topics.has("default/sensors/a"));
  });

  it("retries a 5xx and a dropped connection, and succeeds", async function () {
    w.api.fault("POST", "/api/cluster/user/create", { kind: "status", status: 503, body: "busy" });
    w.api.fault("GET", "/api/cluster/config/get", { kind: "reset" });
    const r = await w.sync(FULL);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /retrying user default\/alice in 1 s: POST \/api\/cluster\/user\/create: HTTP 503/);
    assert.equal(w.api.state.users.size, 2);
  });

  it("a 5xx that lasts fails once the deadline is near, with RobustMQ's status and body", async function () {
    this.timeout(60000);
    w.api.fault("POST", "/api/cluster/acl/create", { kind: "status", status: 500, body: "internal error" }, 1000);
    const r = await w.sync(FULL, { timeoutSeconds: 4 });
    assert.equal(r.code, 1);
    assert.match(r.termination, /acl default\/deny-x: POST \/api\/cluster\/acl\/create: HTTP 500: internal error/);
  });

  it("RobustMQ's refusal of a config type or a section it cannot read is reported per section", async function () {
    const r = await w.sync(
      { runtimeSync: { enabled: true } },
      {
        editPlan: (plan) => {
          plan.sections[0].type = "MqttProtocolV2";
          plan.sections[1].value.record_time = "1s";
        },
      },
    );
    assert.equal(r.code, 1);
    assert.match(r.termination, /config MqttProtocolV2 \[mqtt_runtime\.protocol\]: POST \/api\/cluster\/config\/set: RobustMQ refused it: Unknown config_type: MqttProtocolV2/);
    assert.match(r.termination, /config MqttSlowSubscribeConfig \[mqtt_runtime\.slow_subscribe\]: POST \/api\/cluster\/config\/set: RobustMQ refused it: Failed to update in-memory config: invalid type: string "1s", expected u64/);
    assert.match(r.termination, /2 failed/);
  });

  it("a request the web framework refuses (HTTP 422) fails with its message", async function () {
    const cluster = resolveClusterArgs("rmq", { runtimeSync: { enabled: true } });
    assert.ok(cluster.runtimeSync!.sections.some((s) => s.type === "MqttProtocol"));
    w.api.fault("POST", "/api/cluster/config/set", { kind: "status", status: 422, body: "Failed to deserialize the JSON body into the target type: missing field `config`" });
    const r = await w.sync({ runtimeSync: { enabled: true } });
    assert.equal(r.code, 1);
    assert.match(r.termination, /config MqttProtocol \[mqtt_runtime\.protocol\]: POST \/api\/cluster\/config\/set: HTTP 422: Failed to deserialize/);
  });

  it("a request that gets no answer fails as a timeout", async function () {
    w.api.fault("GET", "/api/cluster/user/list", { kind: "hang" }, 100);
    const r = await w.sync(FULL, { timeoutSeconds: 3, requestTimeoutMs: 1000 });
    assert.equal(r.code, 1);
    assert.match(r.termination, /users \(list\): GET \/api\/cluster\/user\/list: no answer within 1 s/);
  });

  it("refuses a ledger of another cluster", async function () {
    await w.sync(FULL);
    const r = await w.sync(FULL, { cluster: "other" });
    assert.equal(r.code, 1);
    assert.match(r.termination, /belongs to cluster rmq, not other/);
  });

  it("two syncs at once take turns on the ledger", async function () {
    const [a, b] = await Promise.all([w.sync(FULL), w.sync(FULL)]);
    assert.deepEqual([a.code, b.code], [0, 0], a.stdout + b.stdout);
    assert.equal(w.api.state.users.size, 2);
    assert.equal(fs.existsSync(path.join(w.dir, "ledger", "lock")), false);
  });
});
