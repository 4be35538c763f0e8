import { strict as assert } from "assert";
import { defaultBrokerConfig, localDateTime, metaServiceError, RATE_LIMITED_BODY, StandIn, startStandIn } from "./standin";

const ADMIN = { adminUsername: "root", adminPassword: "s3cret" };

interface Answer {
  status: number;
  type: string | null;
  text: string;
  json: any;
  allow: string | null;
}

async function call(si: StandIn, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; contentType?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) {
    headers.authorization = `Bearer ${opts.token}`;
  }
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (payload !== undefined && opts.contentType !== null) {
    headers["content-type"] = opts.contentType ?? "application/json";
  }
  const res = await fetch(si.url + path, { method, headers, body: payload });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get("content-type"), text, json, allow: res.headers.get("allow") };
}

async function login(si: StandIn): Promise<string> {
  const r = await call(si, "POST", "/api/v1/login", { body: { username: "root", password: "s3cret" } });
  assert.equal(r.status, 200);
  return r.json.data.token;
}

const ok = (r: Answer, data: unknown = "success"): void => {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.type, "text/plain; charset=utf-8");
  assert.deepEqual(r.json, { code: 0, data, error: null });
};

const code100 = (r: Answer, error: string, status = 200): void => {
  assert.equal(r.status, status, r.text);
  assert.equal(r.type, "text/plain; charset=utf-8");
  assert.deepEqual(r.json, { code: 100, data: "", error });
};

describe("runtime-sync stand-in of RobustMQ v0.4.11's admin API", () => {
  let si: StandIn;
  let token: string;
  beforeEach(async () => {
    si = await startStandIn(ADMIN);
    token = await login(si);
  });
  afterEach(async () => {
    await si.close();
  });

  describe("login and auth (src/admin-server/src/auth.rs)", () => {
    it("issues a token with expires_in = token_ttl_hours * 3600", async () => {
      const r = await call(si, "POST", "/api/v1/login", { body: { username: "root", password: "s3cret" } });
      assert.equal(r.type, "application/json");
      assert.equal(r.json.code, 0);
      assert.equal(r.json.message, "success");
      assert.equal(r.json.data.expires_in, 8 * 3600);
      assert.equal(typeof r.json.data.token, "string");
      assert.notEqual(r.json.data.token, token);
    });

    it("refuses wrong credentials with 401", async () => {
      const r = await call(si, "POST", "/api/v1/login", { body: { username: "root", password: "nope" } });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { code: 401, data: null, message: "Invalid username or password" });
    });

    it("answers a malformed login the way axum's Json extractor does", async () => {
      let r = await call(si, "POST", "/api/v1/login", { body: { username: "root" } });
      assert.equal(r.status, 422);
      assert.equal(r.text, "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 19");
      r = await call(si, "POST", "/api/v1/login", { raw: "{", contentType: "application/json" });
      assert.equal(r.status, 400);
      assert.equal(r.text, "Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 1");
      r = await call(si, "POST", "/api/v1/login", { body: { username: "root", password: "s3cret" }, contentType: null });
      assert.equal(r.status, 415);
      assert.equal(r.text, "Expected request with `Content-Type: application/json`");
      r = await call(si, "GET", "/api/v1/login");
      assert.equal(r.status, 405);
    });

    it("requires a bearer token on /api, even from loopback", async () => {
      let r = await call(si, "GET", "/api/cluster/user/list");
      assert.equal(r.status, 401);
      assert.equal(r.type, "application/json");
      assert.deepEqual(r.json, { code: 401, data: null, message: "Missing Authorization header" });
      r = await call(si, "GET", "/api/cluster/user/list", { token: "forged" });
      assert.deepEqual(r.json, { code: 401, data: null, message: "Invalid or expired token" });
      assert.equal(r.status, 401);
      // A wrong method without a token is refused by the auth layer first.
      r = await call(si, "GET", "/api/cluster/user/create");
      assert.equal(r.status, 401);
      assert.deepEqual(
        si.requests.map((q) => q.authorized),
        [false, false, false, false],
      );
    });

    it("answers 405 with Allow on a known path, 404 on an unknown one, and serves health", async () => {
      let r = await call(si, "GET", "/api/cluster/user/create", { token });
      assert.equal(r.status, 405);
      assert.equal(r.allow, "POST");
      r = await call(si, "POST", "/api/cluster/user/list", { token, body: {} });
      assert.equal(r.status, 405);
      assert.equal(r.allow, "GET,HEAD");
      r = await call(si, "GET", "/api/cluster/nothing", { token });
      assert.equal(r.status, 404);
      assert.equal(r.text, "");
      r = await call(si, "GET", "/api/health/ready", { token });
      ok(r, { status: "ok", check_type: "ready", message: "all configured ports are ready" });
    });
  });

  describe("users (cluster/user.rs, meta-service mqtt/user.rs)", () => {
    const user = (username: string, is_superuser = false) => ({ tenant: "default", username, password: "pw", is_superuser });

    it("creates, lists without the password, refuses a duplicate, deletes, refuses a missing one", async () => {
      ok(await call(si, "POST", "/api/cluster/user/create", { token, body: user("alice", true) }));
      const list = await call(si, "GET", "/api/cluster/user/list", { token });
      assert.equal(list.json.data.total_count, 1);
      const row = list.json.data.data[0];
      assert.deepEqual(Object.keys(row), ["tenant", "username", "is_superuser", "create_time"]);
      assert.equal(row.is_superuser, true);
      assert.ok(Math.abs(row.create_time - Date.now() / 1000) < 5);
      assert.equal(si.state.users.get("default/alice")?.password, "pw");

      code100(await call(si, "POST", "/api/cluster/user/create", { token, body: user("alice") }), metaServiceError("User [alice] already exist"));
      ok(await call(si, "POST", "/api/cluster/user/delete", { token, body: { tenant: "default", username: "alice" } }));
      const missing = await call(si, "POST", "/api/cluster/user/delete", { token, body: { tenant: "default", username: "alice" } });
      code100(missing, "Grpc call of the node failed,Grpc status was code: 'Internal error', message: \"User alice does not exist\"");
    });

    it("pages by 10 when limit is absent or 0, and by limit/page otherwise", async () => {
      for (let k = 0; k < 12; k++) {
        si.state.users.set(`default/u${k}`, { tenant: "default", username: `u${String(k).padStart(2, "0")}`, password: "p", is_superuser: false, create_time: 1 });
      }
      let r = await call(si, "GET", "/api/cluster/user/list", { token });
      assert.equal(r.json.data.data.length, 10);
      assert.equal(r.json.data.total_count, 12);
      r = await call(si, "GET", "/api/cluster/user/list?limit=0&page=2", { token });
      assert.deepEqual(r.json.data.data.map((u: any) => u.username), ["u10", "u11"]);
      r = await call(si, "GET", "/api/cluster/user/list?limit=5&page=3", { token });
      assert.deepEqual(r.json.data.data.map((u: any) => u.username), ["u10", "u11"]);
      r = await call(si, "GET", "/api/cluster/user/list?limit=3&sort_field=username", { token });
      assert.deepEqual(r.json.data.data.map((u: any) => u.username), ["u11", "u10", "u09"], "descending unless sort_by=asc");
      r = await call(si, "GET", "/api/cluster/user/list?limit=x", { token });
      assert.equal(r.status, 400);
      assert.equal(r.text, "Failed to deserialize query string: limit: invalid digit found in string");
    });

    it("validates like ValidatedJson: parse failures and rule messages, both 400 + code 100", async () => {
      code100(
        await call(si, "POST", "/api/cluster/user/create", { token, body: { tenant: "", username: "x".repeat(65), password: "", is_superuser: false } }),
        "Parameter validation failed: Tenant length must be between 1-64; Username length must be between 1-64; Password length must be between 1-128",
        400,
      );
      code100(
        await call(si, "POST", "/api/cluster/user/create", { token, raw: '{"tenant":"t","username":"u","password":"p"}' }),
        "JSON parsing failed: Failed to deserialize the JSON body into the target type: missing field `is_superuser` at line 1 column 44",
        400,
      );
      code100(
        await call(si, "POST", "/api/cluster/user/create", { token, raw: '{"tenant":"t","username":5,"password":"p","is_superuser":true}' }),
        "JSON parsing failed: Failed to deserialize the JSON body into the target type: username: invalid type: integer `5`, expected a string at line 1 column 26",
        400,
      );
      code100(
        await call(si, "POST", "/api/cluster/user/create", { token, body: user("bob"), contentType: "text/plain" }),
        "JSON parsing failed: Expected request with `Content-Type: application/json`",
        400,
      );
      // Unknown fields are ignored (no deny_unknown_fields).
      ok(await call(si, "POST", "/api/cluster/user/create", { token, body: { ...user("bob"), extra: [1, { a: null }] } }));
      assert.equal(si.state.users.size, 1);
    });
  });

  describe("ACLs (cluster/acl.rs, meta-service mqtt/acl.rs)", () => {
    const acl = { tenant: "default", name: "a1", resource_type: "User", resource_name: "alice", action: "Publish", permission: "Deny" };

    it("creates as an upsert in the store, lists all-string rows, deletes a missing one without error", async () => {
      ok(await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, topic: "t/#" } }));
      const r = await call(si, "GET", "/api/cluster/acl/list", { token });
      assert.deepEqual(r.json.data, {
        data: [{ tenant: "default", name: "a1", desc: "", resource_type: "User", resource_name: "alice", topic: "t/#", ip: "", action: "Publish", permission: "Deny" }],
        total_count: 1,
      });
      ok(await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, permission: "Allow" } }));
      assert.equal(si.state.acls.size, 1);
      assert.equal(si.state.acls.get("default/a1")?.permission, "Allow");
      ok(await call(si, "POST", "/api/cluster/acl/delete", { token, body: { tenant: "default", name: "a1" } }));
      ok(await call(si, "POST", "/api/cluster/acl/delete", { token, body: { tenant: "default", name: "a1" } }));
      assert.equal(si.state.acls.size, 0);
      assert.equal((await call(si, "GET", "/api/cluster/acl/list", { token })).json.data.total_count, 0);
    });

    it("lists the broker's cache: a re-created ACL shows twice, a moved one leaves a stale row until the broker restarts", async () => {
      ok(await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, topic: "t/#" } }));
      ok(await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, permission: "Allow" } }));
      let r = await call(si, "GET", "/api/cluster/acl/list", { token });
      // get_all_acl's order: (resource_type, resource_name, topic, ip, action, permission).
      assert.deepEqual(r.json.data.data.map((a: any) => [a.name, a.topic, a.permission]), [["a1", "", "Allow"], ["a1", "t/#", "Deny"]]);
      ok(await call(si, "POST", "/api/cluster/acl/delete", { token, body: { tenant: "default", name: "a1" } }));
      assert.equal((await call(si, "GET", "/api/cluster/acl/list", { token })).json.data.total_count, 0);

      ok(await call(si, "POST", "/api/cluster/acl/create", { token, body: acl }));
      ok(await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, resource_name: "bob" } }));
      ok(await call(si, "POST", "/api/cluster/acl/delete", { token, body: { tenant: "default", name: "a1" } }));
      r = await call(si, "GET", "/api/cluster/acl/list", { token });
      assert.deepEqual(r.json.data.data.map((a: any) => a.resource_name), ["alice"], "the stale row under the old resource");
      si.restartBroker();
      assert.equal((await call(si, "GET", "/api/cluster/acl/list", { token })).json.data.total_count, 0);

      // Entries put into the store directly are what the broker loaded at start.
      si.state.acls.set("default/seeded", { ...acl, name: "seeded", desc: "", topic: "", ip: "" });
      r = await call(si, "GET", "/api/cluster/acl/list?name=seed", { token });
      assert.deepEqual(r.json.data.data.map((a: any) => a.name), ["seeded"]);
    });

    it("validates the enums, and refuses resource_type Ip after validation lets it through", async () => {
      code100(
        await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, resource_type: "", action: "PubSub", permission: "allow" } }),
        "Parameter validation failed: Resource type length must be between 1-50; Resource type must be ClientId, User or Ip; Action must be Publish, Subscribe or All; Permission must be Allow or Deny",
        400,
      );
      code100(await call(si, "POST", "/api/cluster/acl/create", { token, body: { ...acl, resource_type: "Ip" } }), "invalid variant: Ip");
      code100(
        await call(si, "POST", "/api/cluster/acl/delete", { token, body: { tenant: "default", name: "" } }),
        "Parameter validation failed: Name length must be between 1-128",
        400,
      );
    });
  });

  describe("blacklist (cluster/blacklist.rs)", () => {
    const entry = { name: "b1", tenant: "default", blacklist_type: "ClientId", resource_name: "c1", end_time: 1893456000, desc: "d" };

    it("creates as an upsert in the store, lists end_time as a local datetime string, deletes a missing one without error", async () => {
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: entry }));
      const r = await call(si, "GET", "/api/cluster/blacklist/list", { token });
      assert.deepEqual(r.json.data.data, [{ name: "b1", tenant: "default", blacklist_type: "ClientId", resource_name: "c1", end_time: localDateTime(1893456000), desc: "d" }]);
      assert.match(r.json.data.data[0].end_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...entry, desc: "e" } }));
      assert.equal(si.state.blacklist.get("default/b1")?.desc, "e");
      ok(await call(si, "POST", "/api/cluster/blacklist/delete", { token, body: { tenant: "default", name: "b1" } }));
      ok(await call(si, "POST", "/api/cluster/blacklist/delete", { token, body: { tenant: "default", name: "b1" } }));
      assert.equal(si.state.blacklist.size, 0);
    });

    it("lists the broker's cache: one ClientId entry per resource, a re-created Match entry twice", async () => {
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: entry }));
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...entry, name: "b2" } }));
      let r = await call(si, "GET", "/api/cluster/blacklist/list", { token });
      assert.deepEqual(r.json.data.data.map((b: any) => b.name), ["b2"], "b2 replaced b1 in the ClientId map");
      ok(await call(si, "POST", "/api/cluster/blacklist/delete", { token, body: { tenant: "default", name: "b2" } }));
      assert.equal((await call(si, "GET", "/api/cluster/blacklist/list", { token })).json.data.total_count, 0);
      assert.deepEqual([...si.state.blacklist.keys()], ["default/b1"]);
      si.restartBroker();
      r = await call(si, "GET", "/api/cluster/blacklist/list", { token });
      assert.deepEqual(r.json.data.data.map((b: any) => b.name), ["b1"]);

      const match = { ...entry, name: "m1", blacklist_type: "ClientIdMatch", resource_name: "c*" };
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: match }));
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...match, desc: "again" } }));
      r = await call(si, "GET", "/api/cluster/blacklist/list", { token });
      // get_all_blacklist's order: (blacklist_type, resource_name, end_time, desc).
      assert.deepEqual(r.json.data.data.map((b: any) => [b.name, b.desc]), [["b1", "d"], ["m1", "again"], ["m1", "d"]]);
    });

    it("writes years past 9999 with chrono's sign, and drops the connection past chrono's range (the handler panics)", async () => {
      assert.match(localDateTime(253402300800 + 2 * 86400), /^\+10000-01-0\d \d\d:\d\d:\d\d$/);
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...entry, end_time: 8210266876799 } }));
      const r = await call(si, "GET", "/api/cluster/blacklist/list", { token });
      assert.match(r.json.data.data[0].end_time, /^\+26214[23]-/);
      ok(await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...entry, end_time: 8210266876800 } }));
      await assert.rejects(call(si, "GET", "/api/cluster/blacklist/list", { token }), /fetch failed/);
    });

    it("validates type and end_time", async () => {
      code100(
        await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...entry, blacklist_type: "Host", end_time: 0 } }),
        "Parameter validation failed: Blacklist type must be ClientId, User, Ip, ClientIdMatch, UserMatch or IPCIDR; End time must be greater than 0",
        400,
      );
      code100(
        await call(si, "POST", "/api/cluster/blacklist/create", { token, body: { ...entry, end_time: -1 } }),
        "JSON parsing failed: Failed to deserialize the JSON body into the target type: end_time: invalid value: integer `-1`, expected u64 at line 1 column 94",
        400,
      );
    });
  });

  describe("topics (cluster/topic.rs, meta-service mqtt/topic.rs)", () => {
    it("creates (answering the Topic), is idempotent on an existing one, deletes, refuses a missing one", async () => {
      const r = await call(si, "POST", "/api/cluster/topic/create", { token, body: { tenant: "default", topic_name: "t1", storage_type: "EngineMemory", source: "MQTT", partition: 2 } });
      assert.equal(r.json.code, 0);
      const t = r.json.data;
      assert.deepEqual(Object.keys(t), ["topic_id", "tenant", "topic_name", "storage_type", "source", "partition", "replication", "storage_name_list", "config", "mark_delete", "create_time"]);
      assert.match(t.topic_id, /^[0-9a-v]{20}$/);
      assert.deepEqual(t.storage_name_list, { "0": `${t.topic_id}-0`, "1": `${t.topic_id}-1` });
      assert.equal(t.replication, 1);
      assert.deepEqual(t.config, { max_segment_size: 1073741824, max_record_num: null, retention_sec: 604800 });

      const again = await call(si, "POST", "/api/cluster/topic/create", { token, body: { tenant: "default", topic_name: "t1", storage_type: "EngineSegment", source: "MQTT" } });
      assert.equal(again.json.code, 0);
      assert.notEqual(again.json.data.topic_id, t.topic_id);
      const list = await call(si, "GET", "/api/cluster/topic/list", { token });
      assert.deepEqual(list.json.data, { data: [t], total_count: 1 });

      ok(await call(si, "POST", "/api/cluster/topic/delete", { token, body: { tenant: "default", topic_name: "t1" } }));
      code100(await call(si, "POST", "/api/cluster/topic/delete", { token, body: { tenant: "default", topic_name: "t1" } }), metaServiceError("Topic [t1] does not exist"));
    });

    it("validates, and refuses unknown storage types and sources in the handler", async () => {
      code100(
        await call(si, "POST", "/api/cluster/topic/create", { token, body: { tenant: "", topic_name: "", storage_type: "", source: "" } }),
        "Parameter validation failed: Tenant length must be between 1-128; Topic name length must be between 1-256; storage_type must not be empty; source must not be empty",
        400,
      );
      code100(
        await call(si, "POST", "/api/cluster/topic/create", { token, body: { tenant: "d", topic_name: "t", storage_type: "Disk", source: "MQTT" } }),
        "Invalid storage_type 'Disk', must be one of: EngineMemory, EngineRocksDB, EngineSegment",
      );
      code100(
        await call(si, "POST", "/api/cluster/topic/create", { token, body: { tenant: "d", topic_name: "t", storage_type: "S3", source: "mqtt" } }),
        "Invalid source 'mqtt', must be one of: MQTT, NATS, MQ9, Kafka, AMQP, SystemInner",
      );
      // TopicDeleteRep does not validate the tenant.
      code100(await call(si, "POST", "/api/cluster/topic/delete", { token, body: { tenant: "", topic_name: "x" } }), metaServiceError("Topic [x] does not exist"));
    });
  });

  describe("dynamic config (cluster/config.rs, broker-core dynamic_config.rs)", () => {
    it("serves the BrokerConfig and reflects a set; a partial section takes field defaults", async () => {
      let r = await call(si, "GET", "/api/cluster/config/get", { token });
      assert.equal(r.json.code, 0);
      assert.deepEqual(r.json.data, JSON.parse(JSON.stringify(defaultBrokerConfig())));
      assert.match(r.text, /"os_cpu_high_watermark":70\.0/);

      si.state.config.mqtt_runtime.protocol.receive_max = 10;
      ok(await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttProtocol", config: JSON.stringify({ topic_alias_max: 7 }) } }));
      r = await call(si, "GET", "/api/cluster/config/get", { token });
      assert.equal(r.json.data.mqtt_runtime.protocol.topic_alias_max, 7);
      assert.equal(r.json.data.mqtt_runtime.protocol.receive_max, 65535, "absent keys take the serde field default");
      assert.equal(si.state.stored.get("MqttProtocol"), '{"topic_alias_max":7}');

      ok(await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttSystemMonitor", config: '{"os_cpu_high_watermark":0.1234567891,"os_memory_high_watermark":90}' } }));
      r = await call(si, "GET", "/api/cluster/config/get", { token });
      assert.match(r.text, /"os_cpu_high_watermark":0\.12345679,"os_memory_high_watermark":90\.0,/, "f32 as serde_json writes it");
      ok(await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "KafkaDynamic", config: '{"auto_create_topics_enable":false}' } }));
      r = await call(si, "GET", "/api/cluster/config/get", { token });
      assert.equal(r.json.data.kafka_runtime.auto_create_topics_enable, false);
      ok(await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttLimit", config: '{"tenant":{"max_topics":3}}' } }));
      assert.equal(si.state.config.mqtt_runtime.limit.tenant.max_topics, 3);
      assert.equal(si.state.config.mqtt_runtime.limit.cluster.max_topics, 5000000, "an absent nested table takes its table-absent default");
    });

    it("refuses an unknown config_type without storing it", async () => {
      code100(await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "Nope", config: "{}" } }), "Unknown config_type: Nope");
      assert.equal(si.state.stored.size, 0);
    });

    it("stores a bad value BEFORE failing to apply it", async () => {
      const before = JSON.stringify(si.state.config);
      code100(
        await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttSchema", config: '{"strategy":"Some"}' } }),
        "Failed to update in-memory config: unknown variant `Some`, expected `ALL` or `Any` at line 1 column 18",
      );
      assert.equal(si.state.stored.get("MqttSchema"), '{"strategy":"Some"}');
      assert.equal(JSON.stringify(si.state.config), before);
      code100(
        await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "KafkaDynamic", config: "{}" } }),
        "Failed to update in-memory config: missing field `auto_create_topics_enable` at line 1 column 2",
      );
      code100(
        await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttProtocol", config: '{"receive_max":70000}' } }),
        "Failed to update in-memory config: invalid value: integer `70000`, expected u16 at line 1 column 20",
      );
      code100(
        await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "ClusterLimit", config: "" } }),
        "Failed to update in-memory config: EOF while parsing a value at line 1 column 0",
      );
    });

    it("rejects a malformed set body the way the plain Json extractor does (plain text, axum statuses)", async () => {
      let r = await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttSchema" } });
      assert.equal(r.status, 422);
      assert.equal(r.type, "text/plain; charset=utf-8");
      assert.equal(r.text, "Failed to deserialize the JSON body into the target type: missing field `config` at line 1 column 28");
      r = await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttSchema", config: { enable: true } } });
      assert.equal(r.status, 422);
      assert.equal(r.text, "Failed to deserialize the JSON body into the target type: config: invalid type: map, expected a string at line 1 column 37");
      r = await call(si, "POST", "/api/cluster/config/set", { token, raw: '{"config_type":"MqttSchema",}' });
      assert.equal(r.status, 400);
      assert.equal(r.text, "Failed to parse the request body as JSON: trailing comma at line 1 column 29");
      r = await call(si, "POST", "/api/cluster/config/set", { token, body: { config_type: "MqttSchema", config: "{}" }, contentType: null });
      assert.equal(r.status, 415);
    });
  });

  describe("faults", () => {
    it("answers an injected status, then serves normally", async () => {
      si.fault("GET", "/api/cluster/user/list", { kind: "status", status: 502, body: "bad gateway" }, 2);
      for (let k = 0; k < 2; k++) {
        const r = await call(si, "GET", "/api/cluster/user/list?limit=1", { token });
        assert.equal(r.status, 502);
        assert.equal(r.text, "bad gateway");
      }
      si.fault("GET", "/api/cluster/user/list", { kind: "status", status: 429, body: RATE_LIMITED_BODY });
      const limited = await call(si, "GET", "/api/cluster/user/list", { token });
      assert.equal(limited.status, 429);
      assert.equal(limited.type, "text/plain; charset=utf-8");
      ok(await call(si, "GET", "/api/cluster/user/list", { token }), { data: [], total_count: 0 });
      assert.deepEqual(si.requests.at(-3)?.query, { limit: "1" });
    });

    it("answers an injected error_response without touching state", async () => {
      si.fault("POST", "/api/cluster/acl/create", { kind: "code100", error: "meta service unavailable" });
      code100(await call(si, "POST", "/api/cluster/acl/create", { token, body: { tenant: "t" } }), "meta service unavailable");
      assert.equal(si.state.acls.size, 0);
      assert.deepEqual(si.requests.at(-1), { method: "POST", path: "/api/cluster/acl/create", query: {}, body: { tenant: "t" }, authorized: true });
    });

    it("hangs until the client gives up", async () => {
      si.fault("GET", "/api/cluster/config/get", { kind: "hang" });
      await assert.rejects(fetch(si.url + "/api/cluster/config/get", { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) }), /abort|timeout/i);
    });

    it("resets the connection", async () => {
      si.fault("POST", "/api/cluster/topic/create", { kind: "reset" });
      await assert.rejects(call(si, "POST", "/api/cluster/topic/create", { token, body: {} }), /fetch failed/);
      assert.equal(si.state.topics.size, 0);
    });
  });
});
