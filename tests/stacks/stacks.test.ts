import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { deployStack } from "../../stacks/program";
import { CONFIG_NAMESPACE, ConfigKind, projectConfigSchema, STACK_CONFIG, STACK_CONFIG_KEYS, StackConfigKey } from "../../stacks/config";
import { runWithMocks, valueOf } from "../../offline/mock-runtime";
import { loadStackConfig } from "../../offline/render";
import { setManifest } from "../../components/features/backup/args";
import { resolveClusterArgs } from "../../components/cluster/resolve";

const ROOT = path.join(__dirname, "..", "..");

async function deployWith(config: Record<string, string>, secretKeys: string[] = []): Promise<unknown> {
  try {
    await runWithMocks(() => deployStack(), { config, secretKeys });
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A value as the Pulumi CLI hands it to the program: strings as they are, anything else as JSON. */
const asConfig = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

const BUILD = {
  version: "v0.4.11",
  target: "source",
  context: "https://github.com/robustmq/robustmq.git#v0.4.11",
  registry: { address: "r.example.com" },
  repository: "t/rmq",
};
const SPLIT = { topology: "split" };
/** The manifest of a set taken of what the stack makes with no key set (a combined "robustmq"). */
const SAMPLE_MANIFEST = JSON.stringify(setManifest(resolveClusterArgs("robustmq", { topology: "combined" })));

/**
 * A valid sample value for every table key, with the other keys it needs (`with`) for the component
 * to accept it. A key added to the table without a sample fails the test below.
 */
const SAMPLES: Record<string, { value: unknown; with?: Record<string, unknown> }> = {
  name: { value: "mq-sample" },
  namespace: { value: "ns-sample" },
  topology: { value: "split" },
  protocols: { value: ["mqtt", "nats"] },
  image: { value: "ghcr.io/robustmq/robustmq:v0.4.10" },
  replicas: { value: 3 },
  metaReplicas: { value: 5, with: SPLIT },
  brokerReplicas: { value: 4, with: SPLIT },
  engineReplicas: { value: 4, with: SPLIT },
  brokerAutoscaling: { value: { minReplicas: 2, maxReplicas: 5, connectionsPerPod: 8000 }, with: SPLIT },
  storageSize: { value: "7Gi" },
  metaStorageSize: { value: "31Gi", with: SPLIT },
  brokerStorageSize: { value: "3Gi", with: SPLIT },
  engineStorageSize: { value: "33Gi", with: SPLIT },
  partition: { value: 2, with: { replicas: 3 } },
  metaPartition: { value: 2, with: SPLIT },
  brokerPartition: { value: 1, with: SPLIT },
  enginePartition: { value: 3, with: SPLIT },
  hostSpread: { value: "hard", with: SPLIT },
  zoneSpread: { value: "soft", with: SPLIT },
  resources: {
    value: {
      meta: { requests: { cpu: "1", memory: "1Gi" } },
      broker: { requests: { cpu: "2", memory: "1Gi" } },
      engine: { limits: { memory: "3Gi" } },
    },
    with: SPLIT,
  },
  serviceType: { value: "NodePort" },
  serviceAnnotations: { value: { "example.com/sample": "yes" } },
  loadBalancerSourceRanges: { value: ["10.0.0.0/8"], with: { serviceType: "LoadBalancer" } },
  retainVolumes: { value: false },
  metaScaleInGuard: { value: false },
  protect: { value: true },
  storageClass: { value: { preset: "local-path", reclaimPolicy: "Delete" } },
  ingress: { value: { host: "mq.sample.example.com", ingressClassName: "nginx" } },
  listenerTls: { value: { certManager: { issuerName: "internal-ca" } } },
  networkPolicy: { value: { admin: { namespaces: ["monitoring"] }, ingressControllerNamespaces: ["ingress-nginx"] } },
  monitoring: { value: { scrape: "PodMonitor", selectorLabels: { release: "kps" } } },
  logLevel: { value: "trace" },
  extraConfig: { value: { mqtt_runtime: { keep_alive: { max_time: 600 } } } },
  runtimeSync: { value: { reconcileSchedule: "*/30 * * * *", timeoutSeconds: 120 } },
  backup: { value: { volumeSnapshotClassName: "csi-snapclass", schedule: "0 3 * * *", retain: 3 } },
  // Taken of a cluster with these samples' arguments: a restore refuses any other manifest.
  restore: { value: { snapshotSet: "20261205t100000z", manifest: SAMPLE_MANIFEST } },
  mqttAcls: { value: [{ name: "deny-all-publish", resourceType: "User", resourceName: "guest", action: "Publish", permission: "Deny" }] },
  mqttBlacklist: { value: [{ name: "scanners", type: "IPCIDR", resourceName: "203.0.113.0/24", endTime: 1893456000 }] },
  topics: { value: [{ name: "telemetry/in", storageType: "EngineRocksDB", partitions: 3 }] },
  adminUsername: { value: "operator" },
  adminPassword: { value: "sample-admin-password-0001" },
  jwtSecret: { value: "sample-jwt-secret-0001-sample-jwt-secret" },
  mqttUsername: { value: "sample-mqtt-user" },
  mqttPassword: { value: "sample-mqtt-password-0001" },
  imageBuild: { value: BUILD },
  // The image build takes both registry credentials or neither.
  imageRegistryUsername: { value: "bot", with: { imageBuild: BUILD, imageRegistryPassword: "sample-registry-token" } },
  imageRegistryPassword: { value: "sample-registry-token", with: { imageBuild: BUILD, imageRegistryUsername: "bot" } },
};

function at(root: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, k) => (v === undefined || v === null ? undefined : (v as Record<string, unknown>)[k]), root);
}

/** Where the table says a key's value lands, for a run whose topology has `tiers`: [path, expected value]. */
function landings(entry: StackConfigKey, value: unknown, tiers: string[]): Array<[string, unknown]> {
  const to = entry.to;
  if ("arg" in to) {
    return [[`args.${to.arg}`, value]];
  }
  if ("eachTier" in to) {
    return tiers.map((t) => [`args.${t}.${to.eachTier}`, value]);
  }
  if ("byTier" in to) {
    return tiers.map((t) => [`args.${t}.${to.byTier}`, (value as Record<string, unknown>)[t]]);
  }
  return [[to.setting, value]];
}

const SCHEMA_KINDS: ConfigKind[] = ["string", "integer", "boolean", "stringList"];

describe("stack configuration", () => {
  it("has one table entry per key, each with a known kind, a destination and a description", () => {
    assert.equal(new Set(STACK_CONFIG_KEYS).size, STACK_CONFIG.length);
    for (const e of STACK_CONFIG) {
      assert.ok(["string", "integer", "boolean", "stringList", "object", "objectList", "secret"].includes(e.kind), `${e.key}: kind ${e.kind}`);
      assert.ok(e.description.trim().length > 0, `${e.key} has a description`);
    }
  });

  it("types in Pulumi.yaml exactly the table's typed keys that have a default, with the table's types, descriptions and defaults", () => {
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    const expected = projectConfigSchema();
    const typedKeys = STACK_CONFIG.filter((e) => SCHEMA_KINDS.includes(e.kind) && e.default !== undefined).map((e) => e.key);
    assert.deepEqual(Object.keys(expected).sort(), [...typedKeys].sort());
    assert.deepEqual(Object.keys(project.config).sort(), Object.keys(expected).sort(), "keys typed in Pulumi.yaml");
    for (const key of Object.keys(expected)) {
      assert.deepEqual(project.config[key], expected[key], `Pulumi.yaml config.${key}`);
      // The CLI refuses a stack that leaves a declared key without a default unset.
      assert.notEqual(project.config[key].default, undefined, `Pulumi.yaml config.${key} has a default`);
    }
    assert.equal(project.main, "stacks/index.ts");
    assert.equal(project.stackConfigDir, "stacks");
  });

  it("stack files use only known keys and pass the schema", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const { config } = loadStackConfig(stack);
      for (const key of Object.keys(config)) {
        assert.ok(STACK_CONFIG_KEYS.includes(key.replace(/^robustmq:/, "")), `${stack}: ${key}`);
      }
    }
  });

  it("names the key of a wrongly typed value", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ "robustmq:replicas": "three" }, /stack config robustmq:replicas: expected an integer, got "three"/],
      [{ "robustmq:retainVolumes": "yes" }, /stack config robustmq:retainVolumes: expected true or false/],
      [{ "robustmq:protocols": "mqtt" }, /stack config robustmq:protocols: expected a list of strings/],
      [{ "robustmq:resources": "[1]" }, /stack config robustmq:resources: expected an object/],
      [{ "robustmq:namespace": "" }, /stack config robustmq:namespace: expected a non-empty string/],
    ];
    for (const [config, message] of cases) {
      assert.match(String(await deployWith(config)), message);
    }
  });

  it("refuses a misspelt key instead of ignoring it, and suggests the closest accepted key", async () => {
    const err = String(await deployWith({ "robustmq:metaReplica": "3" }));
    assert.match(err, /unknown key\(s\) robustmq:metaReplica \(did you mean robustmq:metaReplicas\?\)/);
    assert.match(err, /\(accepted: name, namespace, topology,/);
    assert.match(String(await deployWith({ "robustmq:StorageSize": "1Gi" })), /did you mean robustmq:storageSize\?/);
    const far = String(await deployWith({ "robustmq:colour": "blue" }));
    assert.match(far, /unknown key\(s\) robustmq:colour \(accepted:/);
    assert.doesNotMatch(far, /did you mean/);
  });

  it("refuses a prebuilt image and an image build at once, and registry credentials without a build", async () => {
    const build = JSON.stringify(BUILD);
    assert.match(String(await deployWith({ "robustmq:image": "ghcr.io/robustmq/robustmq:v0.4.11", "robustmq:imageBuild": build })), /robustmq:image .* or robustmq:imageBuild .*not both/);
    assert.match(String(await deployWith({ "robustmq:imageRegistryUsername": "bot" })), /robustmq:imageRegistryUsername\/imageRegistryPassword only apply with robustmq:imageBuild/);
    assert.match(
      String(await deployWith({ "robustmq:imageRegistryPassword": "token" }, ["robustmq:imageRegistryPassword"])),
      /only apply with robustmq:imageBuild/,
    );
  });

  it("passes values to the component, whose errors name the argument", async () => {
    const err = await deployWith({ "robustmq:topology": "split", "robustmq:metaReplicas": "4" });
    assert.match(String(err), /meta\.replicas: must be odd/);
  });

  it("has a valid sample for every table key", () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...STACK_CONFIG_KEYS].sort());
  });

  for (const entry of STACK_CONFIG) {
    it(`brings robustmq:${entry.key} (${entry.kind}) to ${JSON.stringify(entry.to)}`, async () => {
      const sample = SAMPLES[entry.key];
      const values = { ...(sample.with ?? {}), [entry.key]: sample.value };
      const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, asConfig(v)]));
      const secretKeys = STACK_CONFIG.filter((e) => e.kind === "secret" && e.key in values).map((e) => `${CONFIG_NAMESPACE}:${e.key}`);
      const { result } = await runWithMocks(() => deployStack(), { config, secretKeys });
      // What the component was given (args) and what the program made of the config (settings).
      const received = { args: result.args, name: result.settings.name, protect: result.settings.protect, imageBuild: result.settings.imageBuild };
      const tiers = values.topology === "split" ? ["meta", "broker", "engine"] : ["combined"];
      for (const [where, expected] of landings(entry, sample.value, tiers)) {
        const got = at(received, where);
        if (entry.kind === "secret") {
          assert.ok(pulumi.Output.isInstance(got), `${where} is an Output`);
          assert.equal(await valueOf(got as pulumi.Output<string>), expected, where);
          assert.equal(await pulumi.isSecret(got as pulumi.Output<string>), true, `${where} stays secret`);
        } else {
          // JSON drops unset fields: imageBuild's registry credentials are there, unset, when their keys are.
          assert.deepEqual(JSON.parse(JSON.stringify(got)), expected, where);
        }
      }
    });
  }

  it("places the per-tier keys on the tiers of the topology only", async () => {
    const resources = { combined: { requests: { cpu: "1" } }, meta: { requests: { cpu: "2" } } };
    const config = { "robustmq:hostSpread": "hard", "robustmq:zoneSpread": "soft", "robustmq:resources": JSON.stringify(resources) };
    const { result } = await runWithMocks(() => deployStack(), { config });
    assert.deepEqual(result.args, {
      topology: "combined",
      combined: { hostSpread: "hard", zoneSpread: "soft", resources: resources.combined },
    });
    assert.deepEqual(result.settings, { name: "robustmq", protect: false, imageBuild: undefined, args: result.args });
  });

  it("leaves unset keys to the component's defaults", async () => {
    const { result } = await runWithMocks(() => deployStack(), { config: {} });
    assert.deepEqual(result.args, { topology: "combined" });
  });

  it("refuses a stack file value of the wrong type, as the CLI would", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "robustmq-stacks-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.typetest.yaml"), "config:\n  robustmq:protect: maybe\n");
      assert.throws(() => loadStackConfig("typetest", dir), /robustmq:protect: expected boolean, got "maybe"/);
      assert.throws(() => loadStackConfig("typetest"), /unknown stack "typetest"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(!fs.readdirSync(path.join(ROOT, "stacks")).some((f) => f.includes("typetest")));
  });
});
