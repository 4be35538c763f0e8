import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "smol-toml";
import * as pulumi from "@pulumi/pulumi";
import { RobustMQCluster } from "../../components";
import { CONTAINER_NAME } from "../../components/workload/statefulset";
import { PHASES } from "../../components/cluster/plan";
import { quorum } from "../../components/rmq/topology";
import { MOCK_RANDOM_PREFIX, Registered, runWithMocks, valueOf } from "../../offline/mock-runtime";
import { evaluateStack } from "../../offline/render";

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
    "robustmq:index:RobustMQCluster": ["robustmq"],
    "random:index/randomPassword:RandomPassword": [
      "robustmq-admin-password",
      "robustmq-jwt-secret",
      "robustmq-mqtt-password",
    ],
    "random:index/randomString:RandomString": ["robustmq-mqtt-username"],
    "kubernetes:core/v1:Namespace": ["robustmq-namespace"],
    "kubernetes:core/v1:Secret": ["robustmq-credentials"],
    "kubernetes:core/v1:ConfigMap": ["robustmq-config"],
    "kubernetes:storage.k8s.io/v1:StorageClass": ["robustmq-storage-class"],
  };
  const split = {
    ...common,
    // dev has none: on a plain kind cluster nothing would give it an address.
    "kubernetes:networking.k8s.io/v1:Ingress": ["robustmq-ingress"],
    // More than one meta pod: the meta scale-in guard (dev's one pod has nothing to guard).
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy": ["robustmq-meta-scale-in"],
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding": ["robustmq-meta-scale-in-binding"],
    "robustmq:index:RobustMQImage": ["robustmq-image"],
    "docker-build:index:Image": ["robustmq-image-amd64", "robustmq-image-arm64"],
    // staging and prod build a pinned main commit (gitSha): the "<version>-<sha7>" tag gets its own index.
    "docker-build:index:Index": ["robustmq-image-commit", "robustmq-image-index"],
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
    // staging and prod turn monitoring on: a ServiceMonitor per tier and the alert rules.
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": ["robustmq-broker-monitor", "robustmq-engine-monitor", "robustmq-meta-monitor"],
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule": ["robustmq-alerts"],
  };
  // One data claim patch per pod (workload/volumes.ts), named like the claim it grows.
  const claims = (tiers: Record<string, number>) =>
    Object.entries(tiers).flatMap(([sts, n]) => Array.from({ length: n }, (_, i) => `data-${sts}-${i}`)).sort();
  const PVC_PATCH = "kubernetes:core/v1:PersistentVolumeClaimPatch";
  const expected: Record<string, Record<string, string[]>> = {
    dev: {
      ...common,
      "kubernetes:core/v1:Service": ["robustmq-admin", "robustmq-client", "robustmq-combined-headless"],
      [STS]: ["robustmq-combined"],
      "kubernetes:policy/v1:PodDisruptionBudget": ["robustmq-combined-pdb"],
      [PVC_PATCH]: claims({ "robustmq-combined": 1 }),
    },
    staging: { ...split, "kubernetes:core/v1:ConfigMap": ["robustmq-config", "robustmq-dashboard"], [PVC_PATCH]: claims({ "robustmq-meta": 3, "robustmq-broker": 2, "robustmq-engine": 3 }) },
    prod: {
      ...split,
      // prod backs up: the backup's plan and program, its ServiceAccount and rights, its CronJob.
      "kubernetes:core/v1:ConfigMap": ["robustmq-backup", "robustmq-config", "robustmq-dashboard"],
      "kubernetes:core/v1:ServiceAccount": ["robustmq-backup-sa"],
      "kubernetes:rbac.authorization.k8s.io/v1:Role": ["robustmq-backup-role"],
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": ["robustmq-backup-rolebinding"],
      "kubernetes:batch/v1:CronJob": ["robustmq-backup-cronjob"],
      "kubernetes:cert-manager.io/v1:Certificate": ["robustmq-ingress-certificate", "robustmq-listener-certificate"],
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": ["robustmq-broker-hpa"],
      [PVC_PATCH]: claims({ "robustmq-meta": 5, "robustmq-broker": 3, "robustmq-engine": 3 }),
    },
  };
  const replicas: Record<string, Record<string, number>> = {
    dev: { "robustmq-combined": 1 },
    staging: { "robustmq-meta": 3, "robustmq-broker": 2, "robustmq-engine": 3 },
    // prod's brokers start at the autoscaler's minReplicas.
    prod: { "robustmq-meta": 5, "robustmq-broker": 3, "robustmq-engine": 3 },
  };

  for (const stack of ["dev", "staging", "prod"]) {
    it(stack, async () => {
      const { resources } = await evaluateStack(stack);
      assert.deepEqual(byType(resources), expected[stack]);
      for (const sts of resources.filter((r) => r.type === STS)) {
        assert.equal(sts.inputs.spec.replicas, replicas[stack][sts.name], sts.name);
      }
    });
  }

  it("differ the way environments do", async () => {
    const dev = await evaluateStack("dev");
    const staging = await evaluateStack("staging");
    const prod = await evaluateStack("prod");
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
    // Exposure: ClusterIP and no Ingress in dev, LoadBalancer + TLS Ingress elsewhere.
    assert.equal(find(dev, "robustmq-client").inputs.spec.type, "ClusterIP");
    assert.equal(find(prod, "robustmq-client").inputs.spec.type, "LoadBalancer");
    assert.deepEqual(find(prod, "robustmq-client").inputs.spec.loadBalancerSourceRanges, ["203.0.113.0/24"]);
    // dev asks nothing of the cluster that plain kind lacks: no object waits for an address (no
    // Ingress, no LoadBalancer), no custom resource, no admission policy (its one pod has no guard).
    const devKinds = new Set(dev.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type.split(":")[2]));
    assert.deepEqual([...devKinds].filter((k) => !["Namespace", "Secret", "ConfigMap", "StorageClass", "Service", "StatefulSet", "PodDisruptionBudget", "PersistentVolumeClaimPatch"].includes(k)), []);
    assert.equal(dev.resources.some((r) => r.type === "kubernetes:core/v1:Service" && r.inputs.spec.type === "LoadBalancer"), false);
    assert.equal(find(staging, "robustmq-ingress").inputs.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-staging");
    assert.ok(find(prod, "robustmq-ingress").inputs.spec.tls[0].secretName);
    // Network policy and listener TLS only where asked.
    assert.equal(dev.resources.some((r) => r.type.endsWith("NetworkPolicy")), false);
    const brokerMounts = container(find(prod, "robustmq-broker")).volumeMounts.map((m: any) => m.mountPath);
    assert.ok(brokerMounts.includes("/etc/robustmq-tls"));
    assert.equal(container(find(prod, "robustmq-meta")).volumeMounts.some((m: any) => m.mountPath === "/etc/robustmq-tls"), false);
    // Monitoring: none in dev; staging and prod are selected by kube-prometheus-stack's release label.
    assert.equal(dev.resources.some((r) => r.type.startsWith("kubernetes:monitoring.coreos.com")), false);
    for (const r of [staging, prod]) {
      assert.equal(find(r, "robustmq-alerts").inputs.metadata.labels.release, "kube-prometheus-stack");
      assert.equal(find(r, "robustmq-meta-monitor").inputs.metadata.labels.release, "kube-prometheus-stack");
    }
    // Autoscaling: prod's brokers between 3 and 9 pods, a fixed count elsewhere.
    const hpa = find(prod, "robustmq-broker-hpa").inputs.spec;
    assert.deepEqual([hpa.minReplicas, hpa.maxReplicas, hpa.scaleTargetRef.name], [3, 9, "robustmq-broker"]);
    assert.equal([...dev.resources, ...staging.resources].some((r) => r.inputs.kind === "HorizontalPodAutoscaler"), false);
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
        // Every meta pod, then the address slots of pods a scale-out may add (up to 7 in all).
        assert.deepEqual(listed.map((m) => Number(m[1])).slice(0, metaIds.length), metaIds, key);
        assert.equal(listed.length, metaIds.length === 1 ? 1 : Math.max(7, metaIds.length), key);
        assert.deepEqual(listed.map((m) => Number(m[3])), listed.map((_, i) => i), key);
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
  it("starts every tier in Parallel, meta-carrying tiers of more than one pod behind the bootstrap gate", async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split" }));
    const sts = resources.filter((r) => r.type === STS);
    assert.deepEqual(
      Object.fromEntries(sts.map((s) => [s.name, s.inputs.spec.podManagementPolicy])),
      { "rmq-meta": "Parallel", "rmq-broker": "Parallel", "rmq-engine": "Parallel" },
    );
    const gates = Object.fromEntries(sts.map((s) => [s.name, podSpec(s).initContainers.map((c: any) => c.name)]));
    assert.deepEqual(gates, { "rmq-meta": ["bootstrap-gate"], "rmq-broker": [], "rmq-engine": [] });
    const combined = await runWithMocks(() => new RobustMQCluster("rmq", { combined: { replicas: 3 } }));
    assert.deepEqual(podSpec(combined.resources.find((r) => r.type === STS)!).initContainers.map((c: any) => c.name), ["bootstrap-gate"]);
    // A single meta pod has no peer to wait for.
    for (const args of [{}, { topology: "split" as const, meta: { replicas: 1 } }]) {
      const single = await runWithMocks(() => new RobustMQCluster("one", args));
      for (const s of single.resources.filter((r) => r.type === STS)) {
        assert.equal(podSpec(s).initContainers.length, 0, s.name);
      }
    }
  });

  it("points the gate at the membership log RobustMQ writes, and lists every meta pod", async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split", ports: { bootstrapGate: 1300 } }));
    const gate = podSpec(resources.find((r) => r.name === "rmq-meta")!).initContainers[0];
    const env = Object.fromEntries(gate.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    assert.equal(env.ROBUSTMQ_GATE_MARKER, "/robustmq/data/logs/raft-membership.log");
    assert.equal(env.ROBUSTMQ_GATE_MARKER_TEXT, "Multi-Raft started");
    assert.equal(env.ROBUSTMQ_GATE_PORT, "1300");
    assert.deepEqual(gate.ports, [{ name: "gate", containerPort: 1300, protocol: "TCP" }]);
    assert.equal(env.ROBUSTMQ_META_PEERS.split(" ").length, 3);
    assert.ok(gate.volumeMounts.every((m: any) => m.readOnly));
    assert.equal((gate.command[2] as string).includes("$("), false, "no $( which Kubernetes would expand");
    // The file the gate reads is one RobustMQ writes: logger.toml sends the Raft manager's info
    // lines to it, and the data volume holds it.
    const logger = parse(resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!.inputs.data["logger.toml"]) as any;
    const file = Object.values(logger).find((a: any) => a.kind === "rolling_file") as any;
    assert.equal(file.rotation, "never");
    assert.equal(`/robustmq/${file.directory.replace(/^\.\//, "")}/${file.prefix}.${file.suffix}`, env.ROBUSTMQ_GATE_MARKER);
    assert.ok(file.targets.some((t: any) => t.path === "meta_service::raft::manager" && t.level === "info"));
  });
});

/**
 * The gate's shell script, run for real by /bin/sh with `hostname`, `nc` and `sleep` replaced by
 * stubs: `nc -w 2 HOST PORT` succeeds when "HOST:PORT" is listed in $UP, `nc -l` records that the
 * pod answers on the gate port, `sleep` counts rounds and gives up after a few.
 */
describe("cluster: the bootstrap gate script", () => {
  const peers = [0, 1, 2].map((i) => `rmq-meta-${i}.rmq-meta-headless.ns.svc.cluster.local:1228`);
  const host = (i: number) => peers[i].split(":")[0];
  let script = "";
  let dir = "";
  before(async () => {
    const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split", namespace: "ns" }));
    script = podSpec(resources.find((r) => r.name === "rmq-meta")!).initContainers[0].command[2];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
    const stub = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    stub("hostname", 'echo "$POD"');
    stub("nc", [
      'if [ "$1" = "-l" ]; then echo listening >> "$STATE/listened"; exit 1; fi',
      'for up in $UP; do [ "$up" = "$3:$4" ] && exit 0; done',
      "exit 1",
    ].join("\n"));
    // The gate's own 2 s pause counts a round; after three rounds the whole process group (the
    // script and its background listener, started under setsid) is killed: the pod was held.
    stub("sleep", [
      'if [ "$1" != 2 ]; then exec /bin/sleep 0.05; fi',
      'n=$(cat "$STATE/rounds" 2>/dev/null || echo 0); echo $((n+1)) > "$STATE/rounds"',
      '[ "$n" -ge 2 ] && kill -9 0',
      "exit 0",
    ].join("\n"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(pod: number, up: string[], marker?: string): { passed: boolean; out: string; listened: boolean } {
    const state = fs.mkdtempSync(path.join(dir, "run-"));
    const markerFile = path.join(state, "raft-membership.log");
    if (marker !== undefined) {
      fs.writeFileSync(markerFile, marker);
    }
    const r = spawnSync("setsid", ["/bin/sh", "-c", script], {
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        POD: `rmq-meta-${pod}`,
        STATE: state,
        UP: up.join(" "),
        ROBUSTMQ_POD_INDEX: String(pod),
        ROBUSTMQ_META_PEERS: peers.join(" "),
        ROBUSTMQ_GATE_PORT: "1229",
        ROBUSTMQ_GATE_MARKER: markerFile,
        ROBUSTMQ_GATE_MARKER_TEXT: "Multi-Raft started",
      },
      encoding: "utf8",
      timeout: 20000,
    });
    return { passed: r.status === 0, out: r.stdout + r.stderr, listened: fs.existsSync(path.join(state, "listened")) };
  }

  it("lets a node that has joined a cluster through at once, pod 0 or not, with nobody answering", () => {
    for (const pod of [0, 2]) {
      const r = run(pod, [], "2026-01-01T00:00:00Z INFO meta_service::raft::manager: Multi-Raft started\n");
      assert.ok(r.passed, r.out);
    }
  });

  it("holds a node whose volume has only an empty membership log (RobustMQ died before joining)", () => {
    assert.equal(run(1, [], "").passed, false);
    assert.equal(run(0, [], "").passed, false, "pod 0 too, while a peer is silent");
  });

  it("lets an empty pod through as soon as another meta pod answers on gRPC", () => {
    assert.ok(run(1, [`${host(0)}:1228`]).passed);
    assert.ok(run(0, [`${host(2)}:1228`]).passed, "pod 0 on an empty volume joins the existing cluster");
  });

  it("holds an empty pod other than 0 while no meta pod answers, answering on the gate port meanwhile", () => {
    const r = run(2, [`${host(0)}:1229`, `${host(1)}:1229`]);
    assert.equal(r.passed, false, "the gate port of peers does not count: only pod 0 may bootstrap");
    assert.ok(r.listened);
    assert.equal(run(0, []).listened, false, "pod 0 never claims to be held");
  });

  it("lets pod 0 bootstrap only when every other meta pod is empty and held", () => {
    assert.ok(run(0, [`${host(1)}:1229`, `${host(2)}:1229`]).passed);
    assert.equal(run(0, [`${host(1)}:1229`]).passed, false, "pod 2 is silent: it may hold the cluster's state");
    assert.equal(run(0, [`${host(0)}:1229`, `${host(1)}:1229`]).passed, false, "its own gate port does not count");
  });
});

describe("cluster: probes and security per tier", () => {
  it("probes what RobustMQ really does", async () => {
    const { resources } = await runWithMocks(() =>
      new RobustMQCluster("rmq", { topology: "split", protocols: ["kafka", "mqtt"], meta: { startupTimeoutSeconds: 600 } }),
    );
    // Meta pods are engine nodes too: their storage port opens once they registered through a leader.
    const expectReady: Record<string, string> = { "rmq-meta": "storage", "rmq-broker": "mqtt", "rmq-engine": "storage" };
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

describe("cluster: volumes on scale-in", () => {
  it("never deletes a meta-carrying tier's volumes on scale-in, whatever retainVolumes says", async () => {
    for (const retainVolumes of [true, false]) {
      for (const topology of ["split", "combined"] as const) {
        const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology, retainVolumes }));
        const policy = Object.fromEntries(
          resources.filter((r) => r.type === STS).map((s) => [s.name, s.inputs.spec.persistentVolumeClaimRetentionPolicy]),
        );
        const keep = retainVolumes ? "Retain" : "Delete";
        const meta = topology === "split" ? "rmq-meta" : "rmq-combined";
        assert.deepEqual(policy[meta], { whenDeleted: keep, whenScaled: "Retain" }, `${meta}, retainVolumes ${retainVolumes}`);
        for (const other of ["rmq-broker", "rmq-engine"].filter((n) => n in policy)) {
          assert.deepEqual(policy[other], { whenDeleted: keep, whenScaled: keep }, other);
        }
      }
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
  it("follows namespace -> Secret/ConfigMap -> meta and engine tiers together -> broker tier -> client Services", async () => {
    const { result } = await runWithMocks(() => new RobustMQCluster("rmq", { topology: "split" }));
    const phaseOf = Object.fromEntries(result.plan.map((p) => [p.name, p.phase]));
    assert.deepEqual(phaseOf, {
      "rmq-namespace": "namespace",
      "rmq-credentials": "config",
      "rmq-config": "config",
      "rmq-meta-headless": "config",
      "rmq-broker-headless": "config",
      "rmq-engine-headless": "config",
      "rmq-meta-scale-in": "config",
      "rmq-meta-scale-in-binding": "config",
      "rmq-meta": "core",
      "rmq-meta-pdb": "core",
      "rmq-engine": "core",
      "rmq-engine-pdb": "core",
      "rmq-broker": "brokers",
      "rmq-broker-pdb": "brokers",
      ...Object.fromEntries(
        [["meta", 3], ["broker", 2], ["engine", 3]].flatMap(([t, n]) => Array.from({ length: n as number }, (_, i) => [`data-rmq-${t}-${i}`, "volumes"])),
      ),
      "rmq-client": "services",
      "rmq-admin": "services",
    });
    const deps = Object.fromEntries(result.plan.map((p) => [p.name, p.dependsOn]));
    assert.deepEqual(deps["rmq-namespace"], []);
    assert.deepEqual(deps["rmq-config"], ["rmq-namespace"]);
    // Every node exits at start-up while no engine node is registered: the engine tier must not
    // wait for the meta tier (nor the other way round), the brokers wait for both.
    assert.ok(!deps["rmq-engine"].includes("rmq-meta") && !deps["rmq-meta"].includes("rmq-engine"));
    assert.ok(deps["rmq-broker"].includes("rmq-meta") && deps["rmq-broker"].includes("rmq-engine"));
    for (const tier of ["rmq-meta", "rmq-broker", "rmq-engine"]) {
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
