// A real Kubernetes control plane on loopback, started for one test run: etcd, kube-apiserver
// (default admission plugins: PodSecurity, ValidatingAdmissionPolicy, PersistentVolumeClaimResize,
// ...), kube-controller-manager (every default controller: StatefulSet, PV binder and expander,
// HPA, disruption, garbage collector, namespace, ...), kube-scheduler, and kwok as the nodes'
// kubelets (kwok-stages.ts). Certificates and keys are made for the run, ports are picked free.
import * as fs from "fs";
import * as path from "path";
import { kwokConfigFiles } from "./kwok-stages";
import { Kubectl } from "./kubectl";
import { makePki, Pki, writeKubeconfig } from "./pki";
import { freePort, Processes, waitFor } from "./processes";
import { Tools } from "./tools";

/** The simulated nodes: three zones of three, roomy enough for prod at its largest (9 brokers, 7 meta). */
export const ZONES = ["zone-a", "zone-b", "zone-c"];
export const NODES_PER_ZONE = 3;
export const SERVICE_CIDR = "10.96.0.0/12";
export const POD_CIDR = "10.244.0.0/16";

export interface ControlPlane {
  server: string;
  /** Admin (system:masters) kubeconfig: what a deployer with cluster-admin rights uses. */
  kubeconfig: string;
  kubectl: Kubectl;
  /** The run's CA and certificates, to issue more users (signUser). */
  pki: Pki;
  logDir: string;
  stop(): Promise<void>;
}

export async function startControlPlane(tools: Tools, workDir: string): Promise<ControlPlane> {
  const logDir = path.join(workDir, "logs");
  const procs = new Processes(logDir);
  try {
    return await start(tools, workDir, procs, logDir);
  } catch (e) {
    await procs.stopAll();
    throw e;
  }
}

async function start(tools: Tools, workDir: string, procs: Processes, logDir: string): Promise<ControlPlane> {
  const pki = makePki(path.join(workDir, "pki"));
  const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfigs = {
    admin: writeKubeconfig(path.join(workDir, "admin.kubeconfig"), server, pki, "admin"),
    controllerManager: writeKubeconfig(path.join(workDir, "controller-manager.kubeconfig"), server, pki, "controllerManager"),
    scheduler: writeKubeconfig(path.join(workDir, "scheduler.kubeconfig"), server, pki, "scheduler"),
    kwok: writeKubeconfig(path.join(workDir, "kwok.kubeconfig"), server, pki, "kwok"),
  };

  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  procs.start("etcd", tools.bin("etcd"), [
    "--name=e2e",
    `--data-dir=${path.join(workDir, "etcd")}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
    // A test cluster's data need not survive a machine crash; fsync would dominate the run.
    "--unsafe-no-fsync",
    "--log-level=warn",
  ]);

  procs.start("kube-apiserver", tools.bin("kube-apiserver"), [
    `--etcd-servers=${etcdUrl}`,
    "--bind-address=127.0.0.1",
    // Without a default route kube-apiserver cannot pick an address to advertise by itself.
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.serviceAccountKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    "--authorization-mode=Node,RBAC",
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--cert-dir=${path.join(workDir, "apiserver-certs")}`,
    // Admission: the defaults (PodSecurity, ValidatingAdmissionPolicy, PersistentVolumeClaimResize
    // among them); nothing is switched on or off.
  ]);
  const kubectl = new Kubectl(tools.bin("kubectl"), kubeconfigs.admin);
  await waitFor("kube-apiserver /readyz", 60_000, async () => {
    procs.assertAlive("etcd");
    procs.assertAlive("kube-apiserver");
    return (await kubectl.raw("/readyz")) === "ok" ? true : undefined;
  });

  const componentAuth = (kc: string) => [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`];
  procs.start("kube-controller-manager", tools.bin("kube-controller-manager"), [
    ...componentAuth(kubeconfigs.controllerManager),
    "--controllers=*",
    "--use-service-account-credentials=true",
    `--root-ca-file=${pki.caCert}`,
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    "--leader-elect=false",
    "--bind-address=127.0.0.1",
    `--secure-port=${kcmPort}`,
  ]);
  procs.start("kube-scheduler", tools.bin("kube-scheduler"), [...componentAuth(kubeconfigs.scheduler), "--leader-elect=false", "--bind-address=127.0.0.1", `--secure-port=${schedPort}`]);

  const stagesDir = path.join(workDir, "kwok");
  fs.mkdirSync(stagesDir, { recursive: true });
  procs.start("kwok", tools.bin("kwok"), [
    `--kubeconfig=${kubeconfigs.kwok}`,
    "--manage-all-nodes=true",
    // kwok's lease stage renews node leases; without a duration it writes none and the node
    // lifecycle controller would taint every node not-ready.
    "--node-lease-duration-seconds=40",
    `--cidr=${POD_CIDR}`,
    ...kwokConfigFiles(tools.kwokModuleDir, stagesDir).map((f) => `--config=${f}`),
  ]);

  for (const zone of ZONES) {
    for (let i = 1; i <= NODES_PER_ZONE; i++) {
      const name = `${zone}-node-${i}`;
      await kubectl.apply({
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name,
          annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" },
          labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": zone, type: "kwok" },
        },
        status: { allocatable: { cpu: "32", memory: "128Gi", pods: "110" }, capacity: { cpu: "32", memory: "128Gi", pods: "110" } },
      });
    }
  }
  const nodeCount = ZONES.length * NODES_PER_ZONE;
  await waitFor(`${nodeCount} Ready nodes without taints`, 90_000, async () => {
    for (const p of ["kube-controller-manager", "kube-scheduler", "kwok"]) {
      procs.assertAlive(p);
    }
    const nodes = await kubectl.list("nodes");
    const ready = nodes.filter((n) => n.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True") && (n.spec?.taints ?? []).length === 0);
    return ready.length === nodeCount ? true : undefined;
  });
  // The ServiceAccount admission plugin refuses pods until the namespace's default account exists.
  await waitFor("the default ServiceAccount (kube-controller-manager running)", 60_000, async () => ((await kubectl.getOrUndefined("serviceaccount", "default", "default")) ? true : undefined));

  return { server, kubeconfig: kubeconfigs.admin, kubectl, pki, logDir, stop: () => procs.stopAll() };
}
