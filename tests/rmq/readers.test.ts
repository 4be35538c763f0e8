import { strict as assert } from "assert";
import { configReadBy, ROLE_ONLY_KEYS } from "../../components/rmq/config/readers";
import { RobustMQCluster } from "../../components";
import { runWithMocks } from "../../offline/mock-runtime";
import { parse } from "smol-toml";

describe("config keys routed to the roles that read them", () => {
  const doc = { mqtt_runtime: { keep_alive: { max_time: 600 }, protocol: { max_qos: 1 } }, runtime: { tls_cert: "x" } };

  it("keeps a broker-only key away from a node without the broker role, and everything else everywhere", () => {
    assert.deepEqual(configReadBy(doc, ["meta", "engine"]), { mqtt_runtime: { protocol: { max_qos: 1 } }, runtime: { tls_cert: "x" } });
    assert.deepEqual(configReadBy(doc, ["broker"]), doc);
  });

  it("writes no table that routing emptied (its keys would be pinned to field defaults)", () => {
    assert.deepEqual(configReadBy({ mqtt_runtime: { keep_alive: { enable: false } } }, ["engine"]), {});
    // A table the user wrote empty on purpose stays.
    assert.deepEqual(configReadBy({ runtime: {} }, ["engine"]), { runtime: {} });
  });

  it("names the source of every routed key", () => {
    for (const k of ROLE_ONLY_KEYS) {
      assert.match(k.source, /src\/.+\.rs/, k.path);
      assert.ok(k.roles.length > 0, k.path);
    }
  });

  it("writes a broker-only extraConfig key into broker-role tiers' server.toml only", async () => {
    const extraConfig = { mqtt_runtime: { keep_alive: { max_time: 600 } } };
    for (const topology of ["split", "combined"] as const) {
      const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology, extraConfig }));
      const cm = resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
      const files = Object.entries<string>(cm.inputs.data).filter(([k]) => k.startsWith("server-"));
      assert.ok(files.length > 0);
      for (const [key, toml] of files) {
        const roles = parse(toml).roles as string[];
        const keepAlive = (parse(toml) as any).mqtt_runtime?.keep_alive?.max_time;
        assert.equal(keepAlive, roles.includes("broker") ? 600 : undefined, key);
      }
    }
  });
});
