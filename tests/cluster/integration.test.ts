// The cluster with its add-ons: image build, StorageClass, NetworkPolicy, listener TLS and Ingress.
import { strict as assert } from "assert";
import { parse } from "smol-toml";
import { RobustMQCluster } from "../../components";
import { RobustMQClusterArgs } from "../../components/api/args";
import { RobustMQImage, RobustMQImageArgs } from "../../components/image";
import { PHASES } from "../../components/cluster/plan";
import { Registered, runWithMocks, valueOf } from "../../offline/mock-runtime";

const IMAGE_ARGS: RobustMQImageArgs = {
  version: "v0.4.11",
  context: "https://github.com/robustmq/robustmq.git#v0.4.11",
  registry: { address: "registry.example.com" },
  repository: "platform/robustmq",
};

const FULL: RobustMQClusterArgs = {
  topology: "split",
  protocols: ["mqtt", "kafka"],
  storageClass: { preset: "gce-pd", diskType: "pd-balanced", reclaimPolicy: "Retain" },
  networkPolicy: { admin: { namespaces: ["monitoring"] }, ingressControllerNamespaces: ["ingress-nginx"] },
  listenerTls: { certManager: { issuerName: "internal-ca" } },
  ingress: { host: "mq.example.com", ingressClassName: "nginx", mqttWebsocket: true, tls: { secretName: "mq-example-tls" } },
};

/** The cluster, building its own image (its child "rmq-image", first in its apply order) when imageArgs are given. */
async function deploy(args: RobustMQClusterArgs, imageArgs?: RobustMQImageArgs) {
  return runWithMocks(() => new RobustMQCluster("rmq", imageArgs === undefined ? args : { ...args, imageBuild: imageArgs }));
}

const sts = (resources: Registered[], name: string) => resources.find((r) => r.type.endsWith("StatefulSet") && r.name === name)!;

describe("integration: apply order with every add-on", () => {
  it("builds the image first, the StorageClass before the tiers, policies and certificates before pods, the Ingress last", async () => {
    const { result } = await deploy(FULL, IMAGE_ARGS);
    const phase = Object.fromEntries(result.plan.map((p) => [p.name, p.phase]));
    assert.equal(result.plan[0].name, "rmq-image");
    assert.equal(phase["rmq-image"], "image");
    assert.equal(phase["rmq-storage-class"], "storage");
    for (const n of ["rmq-netpol-default-deny", "rmq-netpol-internal", "rmq-netpol-clients", "rmq-netpol-admin", "rmq-netpol-egress", "rmq-listener-certificate"]) {
      assert.equal(phase[n], "config", n);
    }
    assert.equal(phase["rmq-ingress"], "ingress");
    assert.equal(result.plan[result.plan.length - 1].name, "rmq-ingress");
    const deps = Object.fromEntries(result.plan.map((p) => [p.name, p.dependsOn]));
    for (const tier of ["rmq-meta", "rmq-broker", "rmq-engine"]) {
      for (const before of ["rmq-image", "rmq-storage-class", "rmq-netpol-default-deny", "rmq-listener-certificate"]) {
        assert.ok(deps[tier].includes(before), `${tier} depends on ${before}`);
      }
    }
    for (const svc of ["rmq-client", "rmq-admin"]) {
      assert.ok(deps["rmq-ingress"].includes(svc), "the Ingress comes after the Services it routes to");
    }
    const index = (n: string) => PHASES.indexOf(phase[n]);
    for (const p of result.plan) {
      assert.ok(p.dependsOn.every((d) => index(d) < index(p.name)), p.name);
    }
  });
});

describe("integration: image", () => {
  it("runs the built image by digest", async () => {
    const { resources, result } = await deploy({ topology: "split" }, IMAGE_ARGS);
    for (const name of ["rmq-meta", "rmq-broker", "rmq-engine"]) {
      assert.match(sts(resources, name).inputs.spec.template.spec.containers[0].image, /^registry\.example\.com\/platform\/robustmq@sha256:[a-f0-9]{64}$/);
    }
    assert.equal(result.plan.find((p) => p.name === "rmq-image")!.kind, "RobustMQImage");
    assert.match(await valueOf(result.image), /^registry\.example\.com\/platform\/robustmq@sha256:[a-f0-9]{64}$/);
  });

  it("runs a RobustMQImage built beside it through its ref", async () => {
    const { resources, result } = await runWithMocks(() => {
      const image = new RobustMQImage("img", IMAGE_ARGS);
      return { image, cluster: new RobustMQCluster("rmq", { topology: "split", image: image.ref }) };
    });
    const ref = await valueOf(result.image.ref);
    assert.match(ref, /^registry\.example\.com\/platform\/robustmq@sha256:[a-f0-9]{64}$/);
    for (const name of ["rmq-meta", "rmq-broker", "rmq-engine"]) {
      assert.equal(sts(resources, name).inputs.spec.template.spec.containers[0].image, ref);
    }
    assert.equal(await valueOf(result.cluster.image), ref);
  });

  it("leaves the pods untouched when a rebuild yields the same digest, and rolls them when it does not", async () => {
    const podTemplate = async (args: RobustMQImageArgs) =>
      JSON.stringify(sts((await deploy({}, args)).resources, "rmq-combined").inputs.spec.template);
    const first = await podTemplate(IMAGE_ARGS);
    assert.equal(await podTemplate({ ...IMAGE_ARGS, extraTags: ["rc1"] }), first, "a new tag on the same digest changes nothing");
    assert.notEqual(await podTemplate({ ...IMAGE_ARGS, platforms: ["linux/amd64"] }), first, "another digest rolls the pods");
  });

  it("refuses a RobustMQImage instance as image (image takes a reference: its ref, or imageBuild)", async () => {
    const { resources } = await runWithMocks(() => {
      const image = new RobustMQImage("img", IMAGE_ARGS);
      assert.throws(() => new RobustMQCluster("rmq", { image: image as never }), /^ {2}- image: takes an image reference; for a RobustMQImage pass its ref \(image: img.ref\)/m);
    });
    assert.deepEqual(resources.filter((r) => !r.name.startsWith("img")), [], "nothing of the cluster is registered");
  });

  it("accepts a prebuilt image pinned by digest", async () => {
    const digest = `sha256:${"c".repeat(64)}`;
    const { resources } = await deploy({ image: `ghcr.io/robustmq/robustmq:v0.4.11@${digest}` });
    assert.equal(sts(resources, "rmq-combined").inputs.spec.template.spec.containers[0].image, `ghcr.io/robustmq/robustmq:v0.4.11@${digest}`);
  });
});

describe("integration: add-ons in the workload", () => {
  it("mounts the listener certificate on broker-role pods only and points RobustMQ at it", async () => {
    const { resources } = await deploy(FULL);
    const cm = resources.find((r) => r.type.endsWith("ConfigMap"))!.inputs.data;
    const broker = parse(cm["server-broker.toml"]) as Record<string, any>;
    assert.equal(broker.broker_network.tls_cert, "/etc/robustmq-tls/tls.crt");
    assert.equal(broker.broker_network.tls_key, "/etc/robustmq-tls/tls.key");
    assert.equal((parse(cm["server-meta.toml"]) as Record<string, any>).broker_network, undefined);
    const mounts = (n: string) => sts(resources, n).inputs.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath);
    assert.ok(mounts("rmq-broker").includes("/etc/robustmq-tls"));
    assert.ok(!mounts("rmq-meta").includes("/etc/robustmq-tls"));
    const cert = resources.find((r) => r.name === "rmq-listener-certificate")!.inputs;
    const volume = sts(resources, "rmq-broker").inputs.spec.template.spec.volumes.find((v: any) => v.name === "listener-tls");
    assert.equal(volume.secret.secretName, cert.spec.secretName);
  });

  it("gives every tier the StorageClass it creates, unless a tier names its own", async () => {
    const { resources } = await deploy({ ...FULL, engine: { storageClassName: "fast-nvme" } });
    const cls = (n: string) => sts(resources, n).inputs.spec.volumeClaimTemplates[0].spec.storageClassName;
    assert.equal(cls("rmq-meta"), "rmq-gce-pd");
    assert.equal(cls("rmq-broker"), "rmq-gce-pd");
    assert.equal(cls("rmq-engine"), "fast-nvme");
  });

  it("publishes the Ingress endpoints", async () => {
    const { result } = await deploy(FULL);
    const endpoints = await valueOf(result.endpoints);
    assert.equal(endpoints.ingressAdmin, "https://mq.example.com/");
    assert.equal(endpoints.ingressMqttWebsocket, "wss://mq.example.com/mqtt");
  });
});

describe("integration: bad add-on input is rejected before anything is registered", () => {
  const cases: Array<[string, RobustMQClusterArgs, RegExp]> = [
    ["unknown preset", { storageClass: { preset: "nfs" as never } }, /storageClass\.preset: must be one of/],
    ["ingress without host", { ingress: {} as never }, /ingress\.host: required/],
    ["TLS without a source", { ingress: { host: "mq.example.com", tls: {} } }, /ingress\.tls: /],
    ["CIDR not a CIDR", { networkPolicy: { clients: { cidrs: ["10.0.0.1"] } } }, /networkPolicy\.clients\.cidrs\[0\]: must be a CIDR/],
    ["WebSocket route without MQTT", { protocols: ["kafka"], ingress: { host: "mq.example.com", mqttWebsocket: true } }, /ingress\.mqttWebsocket: /],
    [
      "TLS paths in extraConfig while listenerTls manages them",
      { listenerTls: { secretName: "mine" }, extraConfig: { broker_network: { tls_cert: "/x.pem" } } },
      /extraConfig\.broker_network\.tls_cert: set by the listenerTls argument/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const { resources } = await runWithMocks(() => {
        assert.throws(() => new RobustMQCluster("rmq", args), message);
      });
      assert.deepEqual(resources, []);
    });
  }

  it("reports add-on problems together with the cluster's own", async () => {
    assert.throws(
      () => new RobustMQCluster("rmq", { logLevel: "loud" as never, storageClass: { preset: "nfs" as never } }),
      (e: Error) => /logLevel/.test(e.message) && /storageClass\.preset/.test(e.message),
    );
  });
});
