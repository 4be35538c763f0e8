import { strict as assert } from "assert";
import type { IVolume } from "kubernetes-models/v1/Volume";
import { ListenerTlsArgs } from "../../components/api/features";
import { KNOWN_CONFIG_KEYS } from "../../components/rmq/config/known-keys";
import {
  defaultListenerDnsNames,
  LISTENER_TLS_MOUNT_PATH,
  listenerCertificateManifest,
  listenerTlsPatch,
  resolveListenerTls,
  validateListenerTlsArgs,
} from "../../components/features/listener-tls";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { flattenConfig, validateConfigKeys } from "../../components/validate/config-keys";
import { RobustMQArgsError } from "../../components/validate/errors";
import { CONFIG_MOUNT_PATH, DATA_MOUNT_PATH, ROBUSTMQ_HOME } from "../../components/rmq/versions";
import { statefulSetManifest } from "../../components/workload/statefulset";
import { validateManifest } from "../schema";

const cluster = resolveClusterArgs("rmq", { namespace: "mq" });

/** resolveListenerTls takes only arguments validation accepted. */
function resolved(c: typeof cluster, args: ListenerTlsArgs) {
  assert.deepEqual(validateListenerTlsArgs(args), []);
  return resolveListenerTls(c, args);
}

describe("listener TLS", () => {
  it("an existing Secret: mounted read-only at /etc/robustmq-tls, no Certificate", () => {
    const tls = resolved(cluster, { secretName: "mqtt-tls" });
    assert.ok(tls);
    assert.equal(listenerCertificateManifest(cluster, tls), undefined);
    const { volumes, volumeMounts } = listenerTlsPatch(tls);
    assert.equal(volumes.length, 1);
    assert.equal(volumeMounts.length, 1);
    const [volume] = volumes;
    const [volumeMount] = volumeMounts;
    assert.deepEqual(volume, {
      name: "listener-tls",
      secret: {
        secretName: "mqtt-tls",
        defaultMode: 0o440,
        items: [
          { key: "tls.crt", path: "tls.crt" },
          { key: "tls.key", path: "tls.key" },
        ],
      },
    });
    assert.deepEqual(volumeMount, { name: "listener-tls", mountPath: "/etc/robustmq-tls", readOnly: true });
    assert.equal((volumeMount as { subPath?: string }).subPath, undefined, "no subPath: renewed Secrets reach the pod");
  });

  it("never mounts over the image's config dir, the generated config or the data volume", () => {
    const imageConfig = `${ROBUSTMQ_HOME}/config`;
    for (const other of [imageConfig, CONFIG_MOUNT_PATH, DATA_MOUNT_PATH, "/tmp"]) {
      const nested = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
      assert.ok(!nested(LISTENER_TLS_MOUNT_PATH, other) && !nested(other, LISTENER_TLS_MOUNT_PATH), `${LISTENER_TLS_MOUNT_PATH} vs ${other}`);
    }
    // Fits into the real StatefulSet: the volume name and mount path are free there.
    const sts = statefulSetManifest({ cluster, tier: cluster.tiers[0], configChecksum: "x", credentialsChecksum: "y" });
    const spec = sts.spec as any;
    const container = spec.template.spec.containers[0];
    const {
      volumes: [volume],
      volumeMounts: [volumeMount],
    } = listenerTlsPatch(resolved(cluster, { secretName: "s" }));
    assert.ok(!spec.template.spec.volumes.some((v: { name: string }) => v.name === volume.name));
    assert.ok(!spec.volumeClaimTemplates.some((v: { metadata: { name: string } }) => v.metadata.name === volume.name));
    assert.ok(!container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === volumeMount.mountPath));
    spec.template.spec.volumes.push(volume);
    container.volumeMounts.push(volumeMount);
    validateManifest({ apiVersion: "apps/v1", kind: "StatefulSet", ...sts });
  });

  it("points RobustMQ's [broker_network] tls_cert/tls_key at the mounted files", () => {
    const patch = listenerTlsPatch(resolved(cluster, { secretName: "s" })).config;
    assert.deepEqual(patch, { broker_network: { tls_cert: "/etc/robustmq-tls/tls.crt", tls_key: "/etc/robustmq-tls/tls.key" } });
    for (const [key] of flattenConfig(patch)) {
      assert.equal(KNOWN_CONFIG_KEYS[key], "string", `${key} is a RobustMQ string key`);
    }
    assert.deepEqual(validateConfigKeys("extraConfig", patch), []);
  });

  it("cert-manager: a Certificate for the client Service's in-cluster names by default", () => {
    const tls = resolved(cluster, { certManager: { issuerName: "internal-ca" } });
    assert.ok(tls);
    assert.equal(tls.secretName, "rmq-listener-tls");
    const cert = listenerCertificateManifest(cluster, tls);
    assert.ok(cert);
    validateManifest(cert);
    assert.equal(cert.metadata.name, "rmq-listener-tls");
    assert.equal(cert.metadata.namespace, "mq");
    assert.equal(cert.spec.secretName, "rmq-listener-tls");
    assert.deepEqual(cert.spec.dnsNames, ["rmq-client.mq.svc", "rmq-client.mq.svc.cluster.local"]);
    assert.deepEqual(defaultListenerDnsNames(cluster), cert.spec.dnsNames);
    assert.deepEqual(cert.spec.issuerRef, { name: "internal-ca", kind: "ClusterIssuer", group: "cert-manager.io" });
    assert.equal(cert.spec.privateKey.encoding, "PKCS8");
    assert.equal((listenerTlsPatch(tls).volumes[0] as IVolume).secret?.secretName, "rmq-listener-tls", "the pod mounts what cert-manager writes");
  });

  it("cert-manager: given dnsNames replace the default (public issuers refuse .svc names)", () => {
    const custom = resolveClusterArgs("rmq", { namespace: "mq", clusterDomain: "corp.internal" });
    assert.deepEqual(defaultListenerDnsNames(custom), ["rmq-client.mq.svc", "rmq-client.mq.svc.corp.internal"]);
    const tls = resolved(custom, { certManager: { issuerName: "le", issuerKind: "Issuer", dnsNames: ["mqtt.example.com"] } });
    const cert = listenerCertificateManifest(custom, tls!);
    assert.ok(cert);
    validateManifest(cert);
    assert.deepEqual(cert.spec.dnsNames, ["mqtt.example.com"]);
    assert.equal(cert.spec.issuerRef.kind, "Issuer");
  });

  it("refuses bad input, naming the field and what is accepted", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^listenerTls: needs a certificate source/],
      [{ secretName: "a", certManager: { issuerName: "b" } }, /^listenerTls: set secretName .* not both/],
      [{ secretName: "Bad Name" }, /^listenerTls\.secretName: must be a DNS-1123 subdomain/],
      [{ certManager: { issuerName: "ca", dnsNames: [] } }, /^listenerTls\.certManager\.dnsNames: must be a non-empty list/],
      [{ certManager: { issuerName: "ca", dnsNames: ["ok.example.com", "not valid"] } }, /^listenerTls\.certManager\.dnsNames\[1\]: must be a lower-case DNS name/],
      [{ certManager: { issuerName: "ca", mode: "annotation" } }, /^listenerTls\.certManager\.mode: unknown field/],
      [{ secretName: "a", port: 1885 }, /^listenerTls\.port: unknown field/],
      [[], /^listenerTls: must be an object/],
    ];
    for (const [args, expected] of cases) {
      const found = validateListenerTlsArgs(args);
      assert.ok(found.some((p) => expected.test(p)), `${JSON.stringify(args)}: expected ${expected}, got ${JSON.stringify(found)}`);
    }
    // The cluster validates the argument before resolving it, and has no listener TLS without one.
    assert.equal(cluster.listenerTls, undefined);
    assert.throws(
      () => resolveClusterArgs("rmq", { namespace: "mq", listenerTls: {} }),
      (e: unknown) => e instanceof RobustMQArgsError && e.problems.some((p) => p.startsWith("listenerTls: needs a certificate source")),
    );
  });
});
