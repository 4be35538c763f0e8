import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster } from "../components";
import { CONTAINER_NAME } from "../components/workload";
import { PHASES } from "../components/order";
import { quorum } from "../components/topology";
import { MOCK_RANDOM_PREFIX, Registered, runWithMocks, valueOf } from "../scripts/mock-runtime";
import { renderStack } from "../scripts/render-lib";

const STS = "kubernetes:apps/v1:StatefulSet";

function byType(resources: Registered[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of resources) {
    (out[r.type] ??= []).push(r.name);
  }
  for (const names of Object.values(out)) {
    names.sort();
  }
  return out;
}

function podSpec(sts: Registered): any {
  return sts.inputs.spec.template.spec;
}

function container(sts: Registered): any {
  return podSpec(sts).containers.find((c: any) => c.name === CONTAINER_NAME);
}

describe("stacks: the exact resources each stack produces", () => {
  const common = {
    "robustmq:index:Cluster": ["robustmq"],
    "random:index/randomPassword:RandomPassword": ["robustmq-admin-password", "robustmq-jwt-secret", "robustmq-mqtt-password"],
    "random:index/randomString:RandomString": ["robustmq-mqtt-username"],
    "kubernetes:core/v1:Namespace": ["robustmq-namespace"],
    "kubernetes:core/v1:Secret": ["robustmq-credentials"],
    "kubernetes:core/v1:ConfigMap": ["robustmq-config"],
    "kubernetes:storage.k8s.io/v1:StorageClass": ["robustmq-storage-class"],
    "kubernetes:networking.k8s.io/v1:Ingress": ["robustmq-ingress"],
  };
  const split = {
    ...common,
    "robustmq:index:Image": ["robustmq-image"],
    "docker-build:index:Image": ["robustmq-image-amd64", "robustmq-image-arm64"],
    "docker-build:index:Index": ["robustmq-image-index"],
    "kubernetes:core/v1:Service": ["robustmq-admin", "robustmq-broker-headless", "robustmq-client", "robustmq-engine-headless", "robustmq-meta-headless"],
    [STS]: ["robustmq-broker", "robustmq-engine", "robustmq-meta"],
    "kubernetes:policy/v1:PodDisruptionBudget": ["robustmq-broker-pdb", "robustmq-engine-pdb", "robustmq-meta-pdb"],
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": [
      "robustmq-netpol-admin",
      "robustmq-netpol-clients",
      "robustmq-netpol-default-deny",
      "robustmq-netpol-egress",
      "robustmq-netpol-internal",
    ],
  };
  const expected: Record<string, Record<string, string[]>> = {
    dev: {
      ...common,
      "kubernetes:core/v1:Service": ["robustmq-admin", "robustmq-client", "robustmq-combined-headless"],
      [STS]: ["robustmq-combined"],
      "kubernetes:policy/v1:PodDisruptionBudget": ["robustmq-combined-pdb"],
    },
    staging: split,
    prod: { ...split, "kubernetes:cert-manager.io/v1:Certificate": ["robustmq-ingress-certificate", "robustmq-listener-certificate"] },
  };
  const replicas: Record<string, Record<string, number>> = {
    dev: { "robustmq-combined": 1 },
    staging: { "robustmq-meta": 3, "robustmq-broker": 2, "robustmq-engine": 2 },
    prod: { "robustmq-meta": 5, "robustmq-broker": 3, "robustmq-engine": 3 },
  };

  for (const stack of ["dev", "staging", "prod"]) {
    it(stack, async () => {
      const { resources } = await renderStack(stack);
      assert.deepEqual(byType(resources), expected[stack]);
      for (const sts of resources.filter((r) => r.type === STS)) {
        assert.equal(sts.inputs.spec.replicas, replicas[stack][sts.name], sts.name);
      }
    });
  }

  it("differ the way environments do", async () => {
    const dev = await renderStack("dev");
    const staging = await renderStack("staging");
    const prod = await renderStack("prod");
    const find = (r: typeof dev, name: string) => r.resources.find((x) => x.name === name)!;
    const claim = (s: Registered) => s.inputs.spec.volumeClaimTemplates[0].spec;
    // Sizes and retention: dev small and disposable, prod large and kept.
    assert.equal(container(find(dev, "robustmq-combined")).resources.requests.cpu, "100m");
    assert.equal(find(dev, "robustmq-combined").inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Delete");
    assert.equal(claim(find(prod, "robustmq-engine")).resources.requests.storage, "200Gi");
    assert.equal(claim(find(staging, "robustmq-engine")).resources.requests.storage, "20Gi");
    assert.equal(find(prod, "robustmq-meta").inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Retain");
    // Storage: local-path in dev, gp3 elsewhere; every tier's volumes name the created class.
    const sc = (r: typeof dev) => find(r, "robustmq-storage-class").inputs;
    assert.deepEqual([sc(dev).provisioner, sc(dev).reclaimPolicy], ["rancher.io/local-path", "Delete"]);
    assert.deepEqual([sc(prod).provisioner, sc(prod).parameters.type, sc(prod).parameters.iops, sc(prod).reclaimPolicy], ["ebs.csi.aws.com", "gp3", "6000", "Retain"]);
    for (const r of [dev, staging, prod]) {
      for (const s of r.resources.filter((x) => x.type === STS)) {
        assert.equal(claim(s).storageClassName, sc(r).metadata.name, s.name);
      }
    }
    // Spread: soft in dev/staging, one pod per node and a hard zone spread in prod.
    const prodMeta = podSpec(find(prod, "robustmq-meta"));
    assert.ok(prodMeta.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
    assert.equal(prodMeta.topologySpreadConstraints[0].whenUnsatisfiable, "DoNotSchedule");
    assert.equal(podSpec(find(staging, "robustmq-meta")).topologySpreadConstraints[0].whenUnsatisfiable, "ScheduleAnyway");
    assert.equal(podSpec(find(dev, "robustmq-combined")).topologySpreadConstraints.length, 0);
    // Exposure: ClusterIP + plain Ingress in dev, LoadBalancer + TLS Ingress elsewhere.
    assert.equal(find(dev, "robustmq-client").inputs.spec.type, "ClusterIP");
    assert.equal(find(prod, "robustmq-client").inputs.spec.type, "LoadBalancer");
    assert.deepEqual(find(prod, "robustmq-client").inputs.spec.loadBalancerSourceRanges, ["203.0.113.0/24"]);
    assert.equal(find(dev, "robustmq-ingress").inputs.spec.tls, undefined);
    assert.equal(find(staging, "robustmq-ingress").inputs.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-staging");
    assert.ok(find(prod, "robustmq-ingress").inputs.spec.tls[0].secretName);
    // Network policy and listener TLS only where asked.
    assert.equal(dev.resources.some((r) => r.type.endsWith("NetworkPolicy")), false);
    const brokerMounts = container(find(prod, "robustmq-broker")).volumeMounts.map((m: any) => m.mountPath);
    assert.ok(brokerMounts.includes("/etc/robustmq-tls"));
    assert.equal(container(find(prod, "robustmq-meta")).volumeMounts.some((m: any) => m.mountPath === "/etc/robustmq-tls"), false);
    // Images: dev runs the official release, staging/prod the digest they built.
    assert.equal(container(find(dev, "robustmq-combined")).image, "ghcr.io/robustmq/robustmq:v0.4.11");
    assert.match(container(find(prod, "robustmq-broker")).image, /^registry\.example\.com\/platform\/robustmq@sha256:[a-f0-9]{64}$/);
  });
});

describe("cluster: identity", () => {
  for (const args of [
    { topology: "split" as const, meta: { replicas: 5 }, broker: { replicas: 4 }, engine: { replicas: 3 } },
    { combined: { replicas: 3 } },
  ]) {
    it(`gives unique ids across tiers and lists every meta pod (${args.topology ?? "combined"})`, async () => {
      const { resources, result } = await runWithMocks(() => new RobustMQCluster("rmq", args));
      const ids = await valueOf(result.brokerIds);
      const all = Object.values(ids).flat() as number[];
      assert.equal(new Set(all).size, all.length, `duplicate ids in ${JSON.stringify(ids)}`);
      assert.ok(all.every((id) => id >= 1));
      const cm = resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
      const metaIds = (ids.meta ?? ids.combined) as number[];
      for (const [key, toml] of Object.entries<string>(cm.inputs.data)) {
        if (!key.startsWith("server-")) {
          continue;
        }
        const listed = [...toml.matchAll(/^(\d+) = "rmq-(meta|combined)-(\d+)\.rmq-(meta|combined)-headless\.rmq\.svc\.cluster\.local:1228"$/gm)];
        assert.deepEqual(listed.map((m) => Number(m[1])), metaIds, key);
        assert.deepEqual(listed.map((m) => Number(m[3])), metaIds.map((_, i) => i), key);
      }
      for (const sts of resources.filter((r) => r.type === STS)) {
        const env = container(sts).env;
        const tier = sts.name.replace("rmq-", "");
        const idEnv = env.find((e: any) => e.name === "ROBUST_MQ_SERVER_BROKER_ID").value;
        const tierIds = (ids as any)[tier] as number[];
        tierIds.forEach((id, ordinal) => assert.equal(Number(idEnv.replace("$(ROBUSTMQ_POD_INDEX)", String(ordinal))), id));
        const idx = env.findIndex((e: any) => e.name === "ROBUSTMQ_POD_INDEX");
        assert.ok(idx >= 0 && idx < env.findIndex((e: any) => e.name === "ROBUST_MQ_SERVER_BROKER_ID"), "index defined before use");
        assert.equal(env[idx].valueFrom.fieldRef.fieldPath, "metadata.labels['apps.kubernetes.io/pod-index']");
        assert.equal(env.find((e: any) => e.name === "ROBUSTMQ_BROKER_IP").valueFrom.fieldRef.fieldPath, "status.podIP");
        // No shell in the main container: the binary itself is the command.
        assert.deepEqual(container(sts).command, ["/robustmq/libs/broker-server"]);
      }
    });
  }
});

describe("cluster: start-up safety", () => {
  it("creates the split meta tier OrderedReady and the other tiers Parallel", async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split" }));
    const policy = Object.fromEntries(resources.filter((r) => r.type === STS).map((s) => [s.name, s.inputs.spec.podManagementPolicy]));
    assert.deepEqual(policy, { "rmq-meta": "OrderedReady", "rmq-broker": "Parallel", "rmq-engine": "Parallel" });
    for (const s of resources.filter((r) => r.type === STS)) {
      assert.equal(podSpec(s).initContainers.length, 0, `${s.name} needs no gate`);
    }
  });

  it("starts a multi-node combined tier in Parallel, behind the bootstrap gate", async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { combined: { replicas: 3 } }));
    const sts = resources.find((r) => r.type === STS)!;
    assert.equal(sts.inputs.spec.podManagementPolicy, "Parallel");
    const [gate] = podSpec(sts).initContainers;
    assert.equal(gate.name, "bootstrap-gate");
    const script = gate.command[2] as string;
    assert.match(script, /"\$ROBUSTMQ_POD_INDEX" = "0"/, "pod 0 passes");
    assert.match(script, /-e "\/robustmq\/data\/rocksdb"/, "restarts with state pass");
    assert.equal(script.includes("$("), false, "no $( which Kubernetes would expand");
    const peers = gate.env.find((e: any) => e.name === "ROBUSTMQ_META_PEERS").value.split(" ");
    assert.equal(peers.length, 3);
    assert.ok(gate.volumeMounts.every((m: any) => m.readOnly));
    // A single combined node has no peer to wait for.
    const single = await runWithMocks(() => new RobustMQCluster("one", {}));
    assert.equal(podSpec(single.resources.find((r) => r.type === STS)!).initContainers.length, 0);
  });
});

describe("cluster: probes and security per tier", () => {
  it("probes what RobustMQ really does", async () => {
    const { resources } = await runWithMocks(() =>
      new RobustMQCluster("rmq", { topology: "split", protocols: ["kafka", "mqtt"], meta: { startupTimeoutSeconds: 600 } }),
    );
    const expectReady: Record<string, string> = { "rmq-meta": "grpc", "rmq-broker": "mqtt", "rmq-engine": "storage" };
    for (const s of resources.filter((r) => r.type === STS)) {
      const c = container(s);
      assert.equal(c.readinessProbe.tcpSocket.port, expectReady[s.name], s.name);
      assert.equal(c.livenessProbe.tcpSocket.port, "http", "liveness only needs the admin port, open before quorum");
      assert.equal(c.startupProbe.tcpSocket.port, "http");
      for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        assert.equal(p.httpGet, undefined, "v0.4.11 serves /health/* behind auth: no HTTP health probe");
      }
      const names = c.ports.map((p: any) => p.name);
      assert.ok(names.includes(c.readinessProbe.tcpSocket.port), `${s.name} declares its readiness port`);
    }
    const meta = container(resources.find((r) => r.name === "rmq-meta")!);
    assert.equal(meta.startupProbe.periodSeconds * meta.startupProbe.failureThreshold, 600);
    const kafkaOnly = await runWithMocks(() => new RobustMQCluster("k", { protocols: ["kafka"] }));
    assert.equal(container(kafkaOnly.resources.find((r) => r.type === STS)!).readinessProbe.tcpSocket.port, "kafka");
  });

  it("meets the restricted Pod Security profile, with writable volumes only where RobustMQ writes", async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split", security: { runAsUser: 2000 } }));
    for (const s of resources.filter((r) => r.type === STS)) {
      const spec = podSpec(s);
      assert.equal(spec.securityContext.runAsNonRoot, true);
      assert.equal(spec.securityContext.runAsUser, 2000);
      assert.equal(typeof spec.securityContext.fsGroup, "number");
      assert.equal(spec.securityContext.seccompProfile.type, "RuntimeDefault");
      assert.equal(spec.automountServiceAccountToken, false);
      assert.equal(spec.enableServiceLinks, false);
      for (const c of [...spec.containers, ...spec.initContainers]) {
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      }
      const mounts = Object.fromEntries(container(s).volumeMounts.map((m: any) => [m.mountPath, m]));
      assert.deepEqual(Object.keys(mounts).sort(), ["/etc/robustmq", "/robustmq/data", "/tmp"]);
      assert.equal(mounts["/etc/robustmq"].readOnly, true);
      assert.ok(!Object.keys(mounts).some((p) => p === "/robustmq/config" || p.startsWith("/robustmq/config/")), "image's config/ stays visible");
      assert.ok(s.inputs.spec.template.spec.terminationGracePeriodSeconds >= 30);
    }
  });
});

describe("cluster: disruption budgets keep quorum", () => {
  for (const [voters, minAvailable] of [[1, 1], [3, 2], [5, 3], [7, 4]]) {
    it(`${voters} voters -> minAvailable ${minAvailable}`, async () => {
      const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split", meta: { replicas: voters } }));
      const pdbs = Object.fromEntries(resources.filter((r) => r.type.endsWith("PodDisruptionBudget")).map((p) => [p.name, p.inputs.spec]));
      assert.equal(pdbs["rmq-meta-pdb"].minAvailable, minAvailable);
      assert.equal(quorum(voters), minAvailable);
      assert.ok(voters - minAvailable < quorum(voters), "evictions allowed never outnumber the majority");
      assert.equal(pdbs["rmq-broker-pdb"].maxUnavailable, 1);
      assert.equal(pdbs["rmq-engine-pdb"].maxUnavailable, 1);
    });
  }
});

describe("cluster: apply order", () => {
  it("follows namespace -> Secret/ConfigMap -> meta tier -> broker and engine tiers -> client Services", async () => {
    const { result } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split" }));
    const phaseOf = Object.fromEntries(result.plan.map((p) => [p.name, p.phase]));
    assert.deepEqual(phaseOf, {
      "rmq-namespace": "namespace",
      "rmq-credentials": "config",
      "rmq-config": "config",
      "rmq-meta-headless": "config",
      "rmq-broker-headless": "config",
      "rmq-engine-headless": "config",
      "rmq-meta": "meta",
      "rmq-meta-pdb": "meta",
      "rmq-broker": "tiers",
      "rmq-broker-pdb": "tiers",
      "rmq-engine": "tiers",
      "rmq-engine-pdb": "tiers",
      "rmq-client": "services",
      "rmq-admin": "services",
    });
    const deps = Object.fromEntries(result.plan.map((p) => [p.name, p.dependsOn]));
    assert.deepEqual(deps["rmq-namespace"], []);
    assert.deepEqual(deps["rmq-config"], ["rmq-namespace"]);
    for (const tier of ["rmq-broker", "rmq-engine"]) {
      assert.ok(deps[tier].includes("rmq-meta"), `${tier} waits for the meta StatefulSet to be ready`);
      assert.ok(deps[tier].includes("rmq-config") && deps[tier].includes("rmq-credentials"));
    }
    assert.ok(deps["rmq-client"].includes("rmq-broker") && deps["rmq-client"].includes("rmq-engine"));
    // Every dependency comes from an earlier phase.
    const index = (n: string) => PHASES.indexOf(phaseOf[n]);
    for (const p of result.plan) {
      assert.ok(p.dependsOn.every((d) => index(d) < index(p.name)), p.name);
    }
  });

  it("leaves out the namespace when asked, without breaking the order", async () => {
    const { resources, result } = await runWithMocks(() => new RobustMQCluster("rmq", { createNamespace: false, namespace: "shared" }));
    assert.equal(resources.some((r) => r.type.endsWith("Namespace")), false);
    assert.deepEqual(result.plan.find((p) => p.name === "rmq-config")!.dependsOn, []);
  });
});

describe("cluster: services and outputs", () => {
  it("exposes only enabled protocols on the client Service, and the admin port on the admin Service", async () => {
    const { resources, result } = await runWithMocks(() =>
      new RobustMQCluster("rmq", {
        topology: "split",
        protocols: ["mqtt", "kafka"],
        clientService: { type: "LoadBalancer", annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } },
      }),
    );
    const client = resources.find((r) => r.name === "rmq-client")!.inputs;
    assert.equal(client.spec.type, "LoadBalancer");
    assert.equal(client.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
    assert.deepEqual(client.spec.ports.map((p: any) => p.port), [1883, 1885, 8083, 8085, 9092]);
    assert.equal(client.spec.selector["robustmq.io/broker"], "true");
    const admin = resources.find((r) => r.name === "rmq-admin")!.inputs;
    assert.deepEqual(admin.spec.ports.map((p: any) => p.port), [58080]);
    for (const name of ["rmq-meta-headless", "rmq-broker-headless", "rmq-engine-headless"]) {
      const svc = resources.find((r) => r.name === name)!.inputs.spec;
      assert.equal(svc.clusterIP, "None");
      assert.equal(svc.publishNotReadyAddresses, true);
    }
    const endpoints = await valueOf(result.endpoints);
    assert.deepEqual(endpoints, {
      mqtt: "mqtt://rmq-client.rmq.svc.cluster.local:1883",
      kafka: "rmq-client.rmq.svc.cluster.local:9092",
      amqp: undefined,
      nats: undefined,
      admin: "http://rmq-admin.rmq.svc.cluster.local:58080",
    });
    assert.deepEqual(await valueOf(result.statefulSetNames), { meta: "rmq-meta", broker: "rmq-broker", engine: "rmq-engine" });
  });

  it("returns credentials as secret outputs", async () => {
    const { result } = await runWithMocks(() => new RobustMQCluster("rmq", {}));
    for (const out of [result.adminPassword, result.mqttPassword, result.mqttUsername]) {
      assert.equal(await pulumi.isSecret(out), true);
    }
    assert.ok((await valueOf(result.adminPassword)).startsWith(MOCK_RANDOM_PREFIX));
  });

  it("rolls pods on config change only", async () => {
    const checksum = async (args: object) => {
      const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", args));
      return resources.find((r) => r.type === STS)!.inputs.spec.template.metadata.annotations["checksum/config"];
    };
    const base = await checksum({});
    assert.equal(await checksum({}), base, "same args, same pod template");
    assert.notEqual(await checksum({ logLevel: "debug" }), base);
  });
});
