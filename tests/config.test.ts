import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "smol-toml";
import { COMMENTED_TEMPLATE_KEYS, KNOWN_CONFIG_KEYS, TEMPLATE_KEYS } from "../components/config/known-keys";
import { ENV_OVERRIDES, envVarForKey, renderLoggerToml, renderServerToml } from "../components/config/server-toml";
import { tomlString } from "../components/credentials";
import { resolveClusterArgs } from "../components/resolve";
import { flattenConfig } from "../components/validation";
import { CREDENTIAL_ENV } from "../components/workload";

const SHARED = path.resolve(__dirname, "..", "..", "shared", "robustmq");
const template = fs.readFileSync(path.join(SHARED, "server.toml.template"), "utf8");

/**
 * RobustMQ's env override (src/common/config/src/common.rs, override_default_by_env), re-stated:
 * a line "key = value" inside [section] is replaced by "key=<raw env text>" when
 * ROBUST_MQ_SERVER_<SECTION>_<KEY> (upper case, dots -> _) is set.
 */
function applyEnvOverrides(toml: string, env: Record<string, string>): string {
  let section = "";
  return toml
    .split("\n")
    .map((line) => {
      const t = line.trim().replace(/ /g, "");
      if (t === "" || t.startsWith("#")) {
        return line;
      }
      if (t.startsWith("[")) {
        section = t.endsWith("]") ? t.slice(1, -1) : t.slice(1);
        return line;
      }
      const eq = t.indexOf("=");
      if (eq < 0) {
        return line;
      }
      const key = t.slice(0, eq).toUpperCase().replace(/\./g, "_");
      const name = section === "" ? `ROBUST_MQ_SERVER_${key}` : `ROBUST_MQ_SERVER_${section.toUpperCase().replace(/\./g, "_")}_${key}`;
      return name in env ? `${line.split("=")[0].trim()}=${env[name]}` : line;
    })
    .join("\n");
}

function leafTypes(doc: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of flattenConfig(doc)) {
    if (k.startsWith("meta_addrs.")) {
      out.meta_addrs = "object";
      continue;
    }
    out[k] = Array.isArray(v) ? "string[]" : typeof v;
  }
  return out;
}

describe("config: RobustMQ's known keys", () => {
  it("match upstream's server.toml.template exactly, key by key and type by type", () => {
    const fromTemplate = leafTypes(parse(template) as Record<string, unknown>);
    assert.deepEqual(Object.keys(TEMPLATE_KEYS).sort(), Object.keys(fromTemplate).sort());
    for (const [key, type] of Object.entries(TEMPLATE_KEYS)) {
      const t = fromTemplate[key];
      const expected = type === "integer" || type === "number" ? "number" : type === "table" ? "object" : type;
      assert.equal(t, expected, key);
    }
  });

  it("list optional keys only where the template documents them in comments", () => {
    for (const key of Object.keys(COMMENTED_TEMPLATE_KEYS)) {
      const [section, leaf] = key.includes(".") ? key.split(".") : ["", key];
      const re = new RegExp(`^#[#\\s]*${leaf}\\s*=`, "m");
      const scope = section === "" ? template : template.slice(template.indexOf(`# [${section}]`));
      assert.ok(re.test(scope), `${key} not documented in the template`);
    }
  });
});

describe("config: generated server.toml", () => {
  const variants = [
    resolveClusterArgs("dev", {}),
    resolveClusterArgs("trio", { combined: { replicas: 3 }, protocols: ["mqtt", "kafka", "amqp", "nats"] }),
    resolveClusterArgs("split", {
      topology: "split",
      meta: { replicas: 5 },
      protocols: ["kafka"],
      extraConfig: { mqtt_runtime: { keep_alive: { max_time: 600 } }, runtime: { default_topic_replica_num: 3 } },
    }),
  ];

  for (const cluster of variants) {
    for (const tier of cluster.tiers) {
      describe(`${cluster.name}/${tier.name}`, () => {
        const toml = renderServerToml(cluster, tier);
        const doc = parse(toml) as Record<string, any>;

        it("uses only keys RobustMQ knows, with the right types", () => {
          for (const [key, value] of flattenConfig(doc)) {
            const known = key.startsWith("meta_addrs.") ? "table" : KNOWN_CONFIG_KEYS[key];
            assert.ok(known, `unknown key ${key}`);
            if (known === "integer") {
              assert.ok(Number.isInteger(value), key);
            }
          }
        });

        it("carries the tier's roles and a meta_addrs entry for every meta pod", () => {
          assert.deepEqual(doc.roles, tier.roles);
          const meta = cluster.tiers.find((t) => t.roles.includes("meta"))!;
          assert.equal(Object.keys(doc.meta_addrs).length, meta.replicas);
          Object.entries(doc.meta_addrs).forEach(([id, addr], i) => {
            assert.equal(id, `${meta.idPrefix}${i}`);
            assert.equal(addr, `${meta.statefulSetName}-${i}.${meta.headlessServiceName}.${cluster.namespace}.svc.cluster.local:1228`);
          });
        });

        it("leaves broker_ip to the pod IP and writes no credential", () => {
          assert.equal(doc.broker_ip, undefined);
          assert.equal(doc.admin.password, "");
          assert.equal(doc.admin.jwt_secret, "");
          assert.equal(doc.mqtt_runtime.auth.default_password, "");
          assert.equal(doc.mqtt_runtime.auth.default_user, "");
          assert.equal(doc.broker_id, 0, "broker_id placeholder must be invalid if the override ever failed");
        });

        it("becomes the pod's real config once RobustMQ applies the pod's env overrides", () => {
          const env: Record<string, string> = {
            ROBUST_MQ_SERVER_BROKER_ID: `${tier.idPrefix}2`,
            [ENV_OVERRIDES.adminPassword.env]: tomlString('pa"ss\\word'),
            [ENV_OVERRIDES.jwtSecret.env]: tomlString("j".repeat(40)),
            [ENV_OVERRIDES.mqttUsername.env]: tomlString("mqtt-user"),
            [ENV_OVERRIDES.mqttPassword.env]: tomlString("mqtt-pass-123"),
          };
          const effective = parse(applyEnvOverrides(toml, env)) as Record<string, any>;
          assert.equal(effective.broker_id, Number(`${tier.idPrefix}2`));
          assert.equal(effective.admin.password, 'pa"ss\\word');
          assert.equal(effective.admin.jwt_secret, "j".repeat(40));
          assert.equal(effective.mqtt_runtime.auth.default_user, "mqtt-user");
          assert.equal(effective.mqtt_runtime.auth.default_password, "mqtt-pass-123");
        });

        it("logs to stdout only", () => {
          assert.equal(doc.log.log_config, "/etc/robustmq/logger.toml");
          const logger = parse(renderLoggerToml(cluster.logLevel)) as Record<string, any>;
          assert.deepEqual(Object.keys(logger), ["stdout"]);
          assert.equal(logger.stdout.kind, "console");
        });
      });
    }
  }

  it("names each override env var the way RobustMQ derives it", () => {
    for (const o of Object.values(ENV_OVERRIDES)) {
      assert.equal(envVarForKey(o.key), o.env);
    }
    assert.deepEqual(CREDENTIAL_ENV.map((c) => c.env).sort(), Object.values(ENV_OVERRIDES).filter((o) => o.key !== "broker_id").map((o) => o.env).sort());
  });

  it("merges extraConfig over the generated settings", () => {
    const cluster = variants[2];
    const doc = parse(renderServerToml(cluster, cluster.tiers[1])) as Record<string, any>;
    assert.equal(doc.mqtt_runtime.keep_alive.max_time, 600);
    assert.equal(doc.runtime.default_topic_replica_num, 3);
    assert.equal(doc.mqtt_runtime.server.tcp_port, 1883, "sibling keys survive the merge");
  });
});
