import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster } from "../../components";
import { RobustMQClusterArgs } from "../../components/api/args";
import { validateConfigKeys } from "../../components/validate/config-keys";
import {
  validateCidr,
  validateImageReference,
  validatePorts,
  validateQuantity,
  validateReplicas,
  validateResources,
} from "../../components/validate/values";
import { parseQuantity } from "../../components/validate/quantity";
import { discardPendingOutputs, runWithMocks } from "../../offline/mock-runtime";
import { problemsOf } from "../problems";

/** Asserts one problem starts with `field:` and mentions every fragment. */
function rejects(args: RobustMQClusterArgs, field: string, ...fragments: string[]): void {
  const problems = problemsOf(args);
  const hit = problems.find((p) => p.startsWith(`${field}:`));
  assert.ok(hit, `no problem for ${field}; got:\n${problems.join("\n")}`);
  for (const f of fragments) {
    assert.ok(hit.includes(f), `problem "${hit}" does not mention "${f}"`);
  }
}

describe("validation: pure validators", () => {
  it("parses Kubernetes quantities and refuses what is not one", () => {
    assert.equal(parseQuantity("500m"), 0.5);
    assert.equal(parseQuantity("2Gi"), 2 * 2 ** 30);
    assert.equal(parseQuantity("1e3"), 1000);
    assert.equal(parseQuantity("1.5"), 1.5);
    for (const bad of ["", "10 Gi", "10GB", "abc", "-1Gi", "1Gi ", "Gi"]) {
      assert.equal(parseQuantity(bad), undefined, bad);
    }
    assert.deepEqual(validateQuantity("x", "0", { positive: true }), ["x: must be greater than zero, got \"0\""]);
  });

  it("accepts only odd voter counts for Raft tiers, any count >= 1 otherwise", () => {
    assert.deepEqual(validateReplicas("meta.replicas", 3, true), []);
    assert.match(validateReplicas("meta.replicas", 4, true)[0], /must be odd/);
    assert.match(validateReplicas("meta.replicas", 0, true)[0], /odd integer from 1/);
    assert.deepEqual(validateReplicas("broker.replicas", 4, false), []);
    assert.match(validateReplicas("broker.replicas", 0, false)[0], /integer from 1 to 99/);
    assert.match(validateReplicas("broker.replicas", 1.5, false)[0], /integer/);
  });

  it("refuses a limit below its request, after unit conversion", () => {
    assert.deepEqual(validateResources("t", { requests: { memory: "1Gi" }, limits: { memory: "1024Mi" } }), []);
    const p = validateResources("t", { requests: { cpu: "2" }, limits: { cpu: "1500m" } });
    assert.equal(p.length, 1);
    assert.match(p[0], /^t\.limits\.cpu: "1500m" is below the request "2"/);
  });

  it("refuses port clashes and out-of-range ports, naming both listeners", () => {
    const p = validatePorts("ports", { mqttTcp: 1883, kafka: 1883, amqp: 70000 });
    assert.ok(p.some((x) => x.startsWith("ports.kafka: port 1883 is already used by ports.mqttTcp")));
    assert.ok(p.some((x) => x.startsWith("ports.amqp: must be an integer from 1 to 65535")));
  });

  it("wants a pinned image: tag or digest, never latest", () => {
    assert.deepEqual(validateImageReference("image", "ghcr.io/robustmq/robustmq:v0.4.11"), []);
    assert.deepEqual(validateImageReference("image", `localhost:5000/rmq@sha256:${"a".repeat(64)}`), []);
    assert.match(validateImageReference("image", "ghcr.io/robustmq/robustmq")[0], /must pin a tag or a digest/);
    assert.match(validateImageReference("image", "localhost:5000/rmq")[0], /must pin a tag or a digest/);
    assert.match(validateImageReference("image", "robustmq:latest")[0], /"latest" tag is not accepted/);
    assert.match(validateImageReference("image", "rmq@sha256:abc")[0], /64 hex digits/);
    assert.match(validateImageReference("image", "")[0], /non-empty/);
  });

  it("checks CIDRs", () => {
    for (const ok of ["10.0.0.0/8", "0.0.0.0/0", "192.168.1.7/32", "2001:db8::/32", "::/0"]) {
      assert.deepEqual(validateCidr("c", ok), [], ok);
    }
    for (const bad of ["10.0.0.0", "300.1.1.1/8", "10.0.0.0/33", "example.com/8", "2001:db8::/129"]) {
      assert.equal(validateCidr("c", bad).length, 1, bad);
    }
  });

  it("names each unknown config key with the closest known one, and checks the types of known ones", () => {
    const p = validateConfigKeys("extraConfig", {
      mqtt_runtime: { keep_alive: { max_time: "600", maxtime: 1 } },
      kafka: { port: 1 },
    });
    assert.ok(p.some((x) => x === 'extraConfig.mqtt_runtime.keep_alive.max_time: must be a TOML integer, got "600"'), p.join("\n"));
    assert.ok(p.some((x) => x.startsWith("extraConfig.mqtt_runtime.keep_alive.maxtime: unknown key") && x.includes('did you mean "mqtt_runtime.keep_alive.max_time"')), p.join("\n"));
    assert.ok(p.some((x) => x.startsWith("extraConfig.kafka.port: unknown key")), p.join("\n"));
  });
});

describe("validation: RobustMQCluster arguments", () => {
  it("accepts the defaults", () => {
    assert.deepEqual(problemsOf({}), []);
  });

  it("rejects even or < 1 meta replicas, and 2 in combined", () => {
    rejects({ topology: "split", meta: { replicas: 4 } }, "meta.replicas", "odd");
    rejects({ topology: "split", meta: { replicas: 0 } }, "meta.replicas", "odd integer");
    rejects({ topology: "combined", combined: { replicas: 2 } }, "combined.replicas", "odd");
    rejects({ topology: "split", broker: { replicas: 0 } }, "broker.replicas");
  });

  it("rejects sizes that are not quantities and limits below requests", () => {
    rejects({ combined: { storageSize: "10GB" } }, "combined.storageSize", "Kubernetes quantity");
    rejects({ topology: "split", engine: { resources: { requests: { memory: "lots" } } } }, "engine.resources.requests.memory", "quantity");
    rejects({ combined: { resources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } } }, "combined.resources.limits.memory", "below the request");
    // The default limit (2Gi) under a raised request is caught too.
    rejects({ combined: { resources: { requests: { memory: "4Gi" } } } }, "combined.resources.limits.memory", "below the request");
  });

  it("rejects port clashes", () => {
    rejects({ ports: { kafka: 1883 } }, "ports.kafka", "already used by ports.mqttTcp");
    rejects({ ports: { http: 1228 } }, "ports.http", "already used by ports.grpc");
  });

  it("rejects names and namespaces that are not DNS-1123 labels", () => {
    assert.ok(problemsOf({}, "My_Cluster").some((p) => p.startsWith("name:") && p.includes("DNS-1123")));
    assert.ok(problemsOf({}, "a".repeat(41)).some((p) => p.startsWith("name:") && p.includes("at most 40")));
    rejects({ namespace: "Prod!" }, "namespace", "DNS-1123 label");
  });

  it("rejects unknown topology and protocols", () => {
    rejects({ topology: "mesh" as never }, "topology", '"combined", "split"');
    rejects({ protocols: ["mqtt", "coap" as never] }, "protocols[1]", '"mqtt", "kafka", "amqp", "nats"');
    rejects({ protocols: [] }, "protocols", "non-empty");
    rejects({ protocols: ["mqtt", "mqtt"] }, "protocols", "more than once");
  });

  it("rejects tiers that do not belong to the topology", () => {
    rejects({ topology: "combined", meta: { replicas: 3 } }, "meta", 'only used with topology "split"');
    rejects({ topology: "split", combined: { replicas: 3 } }, "combined", 'only used with topology "combined"');
  });

  it("rejects unknown config keys, managed keys and secrets in extraConfig", () => {
    rejects({ extraConfig: { mqtt_runtime: { keepalive: { enable: true } } } }, "extraConfig.mqtt_runtime.keepalive.enable", "does not read it", 'did you mean "mqtt_runtime.keep_alive.enable"');
    rejects({ extraConfig: { rocksdb: { max_open_files: 100 } } }, "extraConfig.rocksdb.max_open_files", "does not read it");
    rejects({ extraConfig: { broker_id: 7 } }, "extraConfig.broker_id", "derived per pod");
    rejects({ extraConfig: { meta_addrs: { "1": "x:1228" } } }, "extraConfig.meta_addrs.1", "meta tier");
    rejects({ extraConfig: { admin: { password: "hunter2hunter2" } } }, "extraConfig.admin.password", "adminPassword argument");
    rejects({ extraConfig: { mqtt_runtime: { server: { tcp_port: 1 } } } }, "extraConfig.mqtt_runtime.server.tcp_port", "ports.mqttTcp");
    assert.deepEqual(problemsOf({ extraConfig: { mqtt_runtime: { keep_alive: { max_time: 600 } } } }), []);
  });

  it("rejects empty required strings and RobustMQ's published default credentials", () => {
    rejects({ clusterName: " " }, "clusterName", "non-empty");
    rejects({ adminUsername: "" }, "adminUsername", "non-empty");
    rejects({ image: "" }, "image", "non-empty");
    rejects({ adminPassword: "admin" }, "adminPassword", "published default");
    rejects({ mqttPassword: "robustmq" }, "mqttPassword", "published default");
    rejects({ jwtSecret: "robustmq-change-me-in-production" }, "jwtSecret", "published default");
    rejects({ jwtSecret: "short" }, "jwtSecret", "at least 32");
    rejects({ mqttUsername: "" }, "mqttUsername", "non-empty");
  });

  it("rejects other bad values with the field named", () => {
    rejects({ clientService: { type: "Ingress" as never } }, "clientService.type", '"ClusterIP", "NodePort", "LoadBalancer"');
    rejects({ clientService: { type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0"] } }, "clientService.loadBalancerSourceRanges[0]", "CIDR");
    rejects({ security: { runAsUser: 0 } }, "security.runAsUser", "non-root");
    rejects({ logLevel: "verbose" as never }, "logLevel", '"info"');
    rejects({ combined: { hostSpread: "maybe" as never } }, "combined.hostSpread", '"soft", "hard"');
    rejects({ combined: { zoneSpread: "always" as never } }, "combined.zoneSpread", '"none", "soft", "hard"');
    rejects({ combined: { startupTimeoutSeconds: 1 } }, "combined.startupTimeoutSeconds", "from 10 to 3600");
    rejects({ combined: { storageClassName: "Fast SSD" } }, "combined.storageClassName", "DNS-1123 subdomain");
    rejects({ labels: { "app.kubernetes.io/instance": "x" } }, "labels.app.kubernetes.io/instance", "reserved");
    rejects({ ports: { mqtt: 1 } as never }, "ports.mqtt", "unknown field", "accepted: grpc, http, storage, mqttTcp,");
    rejects({ combined: { replica: 3 } as never }, "combined.replica", "unknown field");
    rejects({ extraconfig: {} } as never, "extraconfig", "unknown argument");
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ topology: "split", meta: { replicas: 2 }, ports: { kafka: 1883 }, logLevel: "loud" as never });
    assert.equal(problems.length, 3, problems.join("\n"));
  });

  it("registers no resource at all when arguments are invalid", async () => {
    const { resources } = await runWithMocks(() => {
      assert.throws(() => new RobustMQCluster("rmq", { topology: "split", meta: { replicas: 2 } }), /meta\.replicas: must be odd/);
    });
    assert.deepEqual(resources, []);
  });

  it("checks secret credentials once their value is known", async () => {
    const failure = await new Promise<unknown>((resolve) => {
      process.once("unhandledRejection", (reason) => resolve(reason));
      void runWithMocks(() => new RobustMQCluster("rmq", { adminPassword: pulumi.secret("admin") }), { failsDuringDeployment: true });
    });
    assert.match(String(failure), /adminPassword: is RobustMQ's published default/);
    discardPendingOutputs();
  });
});
