// What a consumer meets who tests their own program the way Pulumi's unit-testing guide shows
// (https://www.pulumi.com/docs/iac/guides/testing/unit/): these exact mocks, which echo every
// resource's inputs as its state, so provider-computed values (a RandomPassword's `result`, a
// docker-build Index's `ref`) come back absent. setMocks is process-global: every case sets the
// guide's mocks itself and drains its registrations before the next file's runWithMocks sets its own.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster, RobustMQClusterArgs } from "../../components";
import { loadStackConfig } from "../../offline/render";
import { runWithMocks } from "../../offline/mock-runtime";
import { deployStack } from "../../stacks/program";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

const GIVEN = {
  adminPassword: "admin-password-0001",
  jwtSecret: "jwt-secret-0001-jwt-secret-0001-jwt",
  mqttUsername: "devices",
  mqttPassword: "mqtt-password-0001",
};

interface Case {
  title: string;
  program: () => RobustMQCluster;
  config?: Record<string, string>;
  secretKeys?: string[];
  /** Credentials given, so their outputs must be these values. */
  given?: typeof GIVEN;
}

const stackCase = (stack: string): Case => ({
  title: `the ${stack} stack's program (${stack === "dev" ? "combined" : "split, image build, monitoring, TLS, policies"})`,
  program: () => deployStack().cluster,
  ...loadStackConfig(stack),
});

const args = (title: string, a: RobustMQClusterArgs, given?: typeof GIVEN): Case => ({ title, program: () => new RobustMQCluster("mq", a), given });

const CASES: Case[] = [
  args("combined, every default", {}),
  args("split, every default", { topology: "split" }),
  args("split with every credential given", { topology: "split", ...GIVEN }, GIVEN),
  args(
    "split with every option: autoscaled brokers, built image, storage class, ingress, listener TLS, policies, monitoring, runtime sync",
    {
      topology: "split",
      protocols: ["mqtt", "kafka", "amqp", "nats"],
      broker: { autoscaling: { maxReplicas: 5, connectionsPerPod: 1000 } },
      imageBuild: { version: "v0.4.11", context: "https://github.com/robustmq/robustmq.git#v0.4.11", registry: { address: "registry.example.com" }, repository: "team/robustmq" },
      storageClass: { preset: "aws-ebs" },
      ingress: { host: "mq.example.com", mqttWebsocket: true, tls: { certManager: { issuerName: "letsencrypt" } } },
      listenerTls: { certManager: { issuerName: "internal-ca" } },
      networkPolicy: { admin: { namespaces: ["monitoring"] } },
      monitoring: { scrape: "PodMonitor" },
      extraConfig: { mqtt_runtime: { offline_message: { enable: false } } },
      mqttUsers: [{ username: "ingest", password: "ingest-password-0001" }],
      mqttAcls: [{ name: "ingest", resourceType: "User", resourceName: "ingest", action: "Publish", permission: "Allow" }],
      topics: [{ name: "telemetry", storageType: "EngineSegment" }],
    },
  ),
  stackCase("dev"),
  stackCase("staging"),
  stackCase("prod"),
];

/** The mocks exactly as the guide writes them, recording what was registered. */
function guideMocks(registered: string[]): pulumi.runtime.Mocks {
  return {
    newResource: function (args: pulumi.runtime.MockResourceArgs): { id: string; state: any } {
      registered.push(`${args.type}::${args.name}`);
      return { id: args.inputs.name + "_id", state: args.inputs };
    },
    call: function (args: pulumi.runtime.MockCallArgs) {
      return args.inputs;
    },
  };
}

/** Resolves with the output's value, or fails after a while: an output that never settles is a bug here. */
function settled<T>(o: pulumi.Output<T>, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} never resolved`)), 10000);
    o.apply((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

const OUTPUTS = [
  "namespace",
  "statefulSetNames",
  "headlessServiceNames",
  "clientServiceName",
  "adminServiceName",
  "endpoints",
  "mqttUrl",
  "kafkaBootstrap",
  "adminUrl",
  "brokerIds",
  "image",
  "adminUsername",
  "adminPassword",
  "mqttUsername",
  "mqttPassword",
] as const;

describe("consumer: the component under the stock mocks of Pulumi's unit-testing guide", () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  before(() => process.on("unhandledRejection", onRejection));
  after(() => process.off("unhandledRejection", onRejection));

  for (const c of CASES) {
    it(`${c.title}: registers every object our own mocks see, resolves every output, rejects nothing`, async () => {
      const { resources } = await runWithMocks(c.program, { config: c.config, secretKeys: c.secretKeys });
      const expected = resources.map((r) => `${r.type}::${r.name}`).sort();

      rejections.length = 0;
      const registered: string[] = [];
      await pulumi.runtime.setMocks(guideMocks(registered));
      pulumi.runtime.setAllConfig(c.config ?? {}, c.secretKeys ?? []);
      const cluster = c.program();
      const values = Object.fromEntries(await Promise.all(OUTPUTS.map(async (o) => [o, await settled(cluster[o] as pulumi.Output<unknown>, o)])));
      await settings.waitForRPCs();
      await new Promise((r) => setImmediate(r));

      assert.deepEqual(rejections.map(String), []);
      assert.deepEqual(registered.sort(), expected);
      assert.ok(registered.some((r) => r.startsWith("kubernetes:apps/v1:StatefulSet::")));
      assert.ok(registered.some((r) => r.startsWith("kubernetes:core/v1:Service::")));
      for (const o of OUTPUTS) {
        assert.ok(!JSON.stringify(values[o] ?? null).includes("undefined"), `${o}: ${JSON.stringify(values[o])}`);
      }
      if (c.given !== undefined) {
        for (const k of ["adminPassword", "mqttUsername", "mqttPassword"] as const) {
          assert.equal(values[k], c.given[k], k);
        }
      }
    });
  }
});
