// Every name the component gives comes from api/naming.ts, and with the longest accepted component
// name every one of them still fits Kubernetes' limits.
import { strict as assert } from "assert";
import { RobustMQCluster, RobustMQClusterArgs } from "../../components";
import { clusterNames, dataClaimName, MAX_NAME_LENGTH, tierNames } from "../../components/api/naming";
import { TierName } from "../../components/rmq/topology";
import { runWithMocks } from "../../offline/mock-runtime";

const LONGEST = "a".repeat(MAX_NAME_LENGTH - 10) + "-robustmq0";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every feature on, so every kind of object is registered. */
function everything(topology: "split" | "combined"): RobustMQClusterArgs {
  return {
    topology,
    namespace: "mq",
    ...(topology === "split"
      ? { meta: { replicas: 99 }, broker: { autoscaling: { minReplicas: 99, maxReplicas: 99 } }, engine: { replicas: 99 } }
      : { combined: { replicas: 99 } }),
    storageClass: { preset: "azure-disk" },
    ingress: { host: "mq.example.com", mqttWebsocket: true, tls: { certManager: { issuerName: "le" } } },
    listenerTls: { certManager: { issuerName: "internal" } },
    networkPolicy: { admin: { namespaces: ["monitoring"] } },
    monitoring: {},
    imageBuild: { version: "v0.4.11", target: "release", registry: { address: "r.example.com" }, repository: "t/rmq", releaseChecksums: { amd64: "a".repeat(64), arm64: "b".repeat(64) } },
  };
}

describe("naming", () => {
  it(`keeps every object name within Kubernetes' limits at the longest component name (${MAX_NAME_LENGTH} characters)`, async () => {
    assert.equal(LONGEST.length, MAX_NAME_LENGTH);
    for (const topology of ["split", "combined"] as const) {
      const { resources } = await runWithMocks(() => new RobustMQCluster(LONGEST, everything(topology)));
      const kube = resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.ok(kube.length > 15);
      for (const r of kube) {
        const kind = r.inputs.kind as string;
        const name = r.inputs.metadata.name as string;
        // Services and Namespaces are DNS labels; a StatefulSet's name goes into its pods' names
        // (<name>-<ordinal>, a host name) and into their controller-revision-hash label
        // (<name>-<10 characters>, at most 63), hence 52.
        const limit = kind === "StatefulSet" ? 52 : kind === "Service" || kind === "Namespace" ? 63 : 253;
        assert.ok(name.length <= limit, `${kind} ${name}: ${name.length} > ${limit}`);
        assert.match(name, limit === 253 ? DNS_SUBDOMAIN : DNS_LABEL, `${kind} ${name}`);
        if (kind === "StatefulSet") {
          assert.ok(`${name}-${r.inputs.spec.replicas - 1}`.length <= 63, `${name}'s last pod name is a host name`);
        }
      }
    }
  });

  it("gives every registered resource a name from api/naming.ts", async () => {
    for (const topology of ["split", "combined"] as const) {
      const name = "rmq";
      const n = clusterNames(name);
      const tiers: TierName[] = topology === "split" ? ["meta", "broker", "engine"] : ["combined"];
      const expected = new Set<string>([
        name,
        n.namespaceResource, n.secret, n.configMap, n.clientService, n.adminService, n.storageClassResource,
        n.ingress, n.ingressCertificateResource, n.listenerCertificateResource, n.image, n.prometheusRule, n.dashboard, n.metaScaleInGuard, n.metaScaleInGuardBinding,
        ...["default-deny", "internal", "clients", "admin", "egress"].map(n.networkPolicy),
        ...["admin-password", "jwt-secret", "mqtt-username", "mqtt-password"].map(n.random),
        ...tiers.flatMap((t) => {
          const tn = tierNames(name, t);
          return [tn.statefulSet, tn.headlessService, tn.pdbResource, n.monitor(t), ...(t === "broker" ? [tn.autoscalerResource] : []), ...Array.from({ length: 99 }, (_, i) => dataClaimName(tn.statefulSet, i))];
        }),
      ]);
      const { resources } = await runWithMocks(() => new RobustMQCluster(name, everything(topology)));
      // The image component's own children are named by it, after its name.
      const ours = resources.filter((r) => !r.type.startsWith("docker-build:"));
      assert.deepEqual(ours.map((r) => r.name).filter((x) => !expected.has(x)), []);
      assert.deepEqual([...expected].filter((x) => !ours.some((r) => r.name === x)), [], "every name is used");
    }
  });
});
