import { strict as assert } from "assert";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IService } from "kubernetes-models/v1/Service";
import { IngressArgs } from "../../components/api/features";
import {
  ingressAnnotations,
  ingressCertificateManifest,
  ingressEndpoints,
  ingressManifest,
  MQTT_WEBSOCKET_PATH,
  resolveIngress,
  validateIngressArgs,
} from "../../components/features/ingress";
import { adminServiceManifest, clientServiceManifest } from "../../components/workload/services";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { RobustMQArgsError } from "../../components/validate/errors";
import { validateManifest } from "../schema";

const mqtt = resolveClusterArgs("rmq", { namespace: "mq", protocols: ["mqtt", "kafka"] });
const kafkaOnly = resolveClusterArgs("rmq", { namespace: "mq", protocols: ["kafka"] });

function build(args: IngressArgs, cluster = mqtt) {
  // resolveIngress takes only arguments validation accepted.
  assert.deepEqual(validateIngressArgs(args, cluster), []);
  const ing = resolveIngress(cluster, args);
  assert.ok(ing);
  const manifest = ingressManifest(cluster, ing) as unknown as IIngress;
  validateManifest(manifest);
  const certificate = ingressCertificateManifest(cluster, ing);
  if (certificate !== undefined) {
    validateManifest(certificate);
  }
  return { ing, manifest, certificate, paths: manifest.spec?.rules?.[0].http?.paths ?? [] };
}

describe("ingress", () => {
  it("routes the admin API at / by default, to the admin Service's http port", () => {
    const { manifest, paths } = build({ host: "mq.example.com" });
    assert.equal(manifest.metadata?.name, "rmq-ingress");
    assert.equal(manifest.metadata?.namespace, "mq");
    assert.equal(manifest.spec?.ingressClassName, "nginx");
    assert.equal(manifest.spec?.rules?.[0].host, "mq.example.com");
    assert.deepEqual(paths, [{ path: "/", pathType: "Prefix", backend: { service: { name: "rmq-admin", port: { name: "http" } } } }]);
    assert.equal(manifest.spec?.tls, undefined);
    assert.deepEqual(manifest.metadata?.annotations, {}, "no WebSocket route: no timeout annotations");
  });

  it("adds MQTT over WebSocket at /mqtt to the client Service, with long ingress-nginx timeouts", () => {
    const { manifest, paths, ing } = build({ host: "mq.example.com", adminPath: "/api", mqttWebsocket: true });
    assert.deepEqual(paths, [
      { path: MQTT_WEBSOCKET_PATH, pathType: "Exact", backend: { service: { name: "rmq-client", port: { name: "mqtt-ws" } } } },
      { path: "/api", pathType: "Prefix", backend: { service: { name: "rmq-admin", port: { name: "http" } } } },
    ]);
    assert.deepEqual(manifest.metadata?.annotations, {
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
      "nginx.ingress.kubernetes.io/proxy-http-version": "1.1",
    });
    assert.ok(!Object.keys(manifest.metadata?.annotations ?? {}).some((k) => k.endsWith("configuration-snippet")));
    assert.deepEqual(ingressEndpoints(ing), { admin: "http://mq.example.com/api", mqttWebsocket: "ws://mq.example.com/mqtt" });
  });

  it("routes to Services and port names that really exist", () => {
    const { manifest } = build({ host: "mq.example.com", mqttWebsocket: true });
    const services = [clientServiceManifest(mqtt), adminServiceManifest(mqtt)] as unknown as IService[];
    for (const p of manifest.spec?.rules?.[0].http?.paths ?? []) {
      const backend = (p.backend as { service: { name: string; port: { name: string } } }).service;
      const svc = services.find((s) => s.metadata?.name === backend.name);
      assert.ok(svc, `Service ${backend.name} exists`);
      const ports = (svc.spec?.ports ?? []) as Array<{ name: string }>;
      assert.ok(ports.some((sp) => sp.name === backend.port.name), `${backend.name} has a port named ${backend.port.name}`);
    }
  });

  it("other controllers get no nginx annotations; user annotations win", () => {
    const { manifest } = build({
      host: "mq.example.com",
      controller: "other",
      mqttWebsocket: true,
      annotations: { "traefik.ingress.kubernetes.io/router.entrypoints": "websecure" },
    });
    assert.equal(manifest.spec?.ingressClassName, undefined, "the cluster's default IngressClass");
    assert.deepEqual(manifest.metadata?.annotations, { "traefik.ingress.kubernetes.io/router.entrypoints": "websecure" });
    const overridden = build({
      host: "mq.example.com",
      mqttWebsocket: true,
      annotations: { "nginx.ingress.kubernetes.io/proxy-read-timeout": "7200" },
    });
    assert.equal(overridden.manifest.metadata?.annotations?.["nginx.ingress.kubernetes.io/proxy-read-timeout"], "7200");
  });

  it("TLS from an existing Secret", () => {
    const { manifest, certificate, ing } = build({ host: "mq.example.com", mqttWebsocket: true, tls: { secretName: "mq-example-tls" } });
    assert.deepEqual(manifest.spec?.tls, [{ hosts: ["mq.example.com"], secretName: "mq-example-tls" }]);
    assert.equal(certificate, undefined);
    assert.deepEqual(ingressEndpoints(ing), { admin: "https://mq.example.com/", mqttWebsocket: "wss://mq.example.com/mqtt" });
  });

  it("cert-manager, annotation mode: issuer annotation, cert-manager's shim makes the Certificate", () => {
    const shim = build({ host: "mq.example.com", tls: { certManager: { issuerName: "letsencrypt", mode: "annotation" } } });
    assert.equal(shim.manifest.metadata?.annotations?.["cert-manager.io/cluster-issuer"], "letsencrypt");
    assert.deepEqual(shim.manifest.spec?.tls, [{ hosts: ["mq.example.com"], secretName: "rmq-ingress-tls" }]);
    assert.equal(shim.certificate, undefined);
    const ns = build({ host: "mq.example.com", tls: { certManager: { issuerName: "local-ca", issuerKind: "Issuer", mode: "annotation" } } });
    assert.equal(ns.manifest.metadata?.annotations?.["cert-manager.io/issuer"], "local-ca");
    assert.equal(ns.manifest.metadata?.annotations?.["cert-manager.io/cluster-issuer"], undefined);
  });

  it("cert-manager, certificate mode (default): a Certificate for the host into the TLS Secret", () => {
    const { manifest, certificate } = build({ host: "*.mq.example.com", tls: { certManager: { issuerName: "letsencrypt-dns" } } });
    assert.equal(manifest.metadata?.annotations?.["cert-manager.io/cluster-issuer"], undefined);
    assert.deepEqual(manifest.spec?.tls, [{ hosts: ["*.mq.example.com"], secretName: "rmq-ingress-tls" }]);
    assert.ok(certificate);
    assert.equal(certificate.apiVersion, "cert-manager.io/v1");
    assert.equal(certificate.kind, "Certificate");
    assert.equal(certificate.metadata.namespace, "mq");
    assert.equal(certificate.spec.secretName, "rmq-ingress-tls");
    assert.deepEqual(certificate.spec.dnsNames, ["*.mq.example.com"]);
    assert.deepEqual(certificate.spec.issuerRef, { name: "letsencrypt-dns", kind: "ClusterIssuer", group: "cert-manager.io" });
  });

  it("MQTT over WebSocket alone, without the admin API", () => {
    const { paths } = build({ host: "mq.example.com", adminApi: false, mqttWebsocket: true });
    assert.deepEqual(paths.map((p) => p.path), ["/mqtt"]);
    assert.equal(ingressAnnotations(resolveIngress(mqtt, { host: "mq.example.com", adminApi: false, mqttWebsocket: true })!)[
      "nginx.ingress.kubernetes.io/proxy-http-version"
    ], "1.1");
  });

  it("refuses bad input, naming the field and what is accepted", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^ingress\.host: required/],
      [{ host: "MQ.example.com" }, /^ingress\.host: must be a lower-case DNS name/],
      [{ host: "mq.*.example.com" }, /^ingress\.host: must be .*wildcard as the first label only/],
      [{ host: "*" }, /^ingress\.host: must be/],
      [{ host: "10.0.0.1" }, /^ingress\.host: must be/],
      [{ host: "mq_1.example.com" }, /^ingress\.host: must be/],
      [{ host: "mq.example.com", tls: {} }, /^ingress\.tls: needs a certificate source: secretName .* or certManager/],
      [{ host: "mq.example.com", tls: { secretName: "a", certManager: { issuerName: "b" } } }, /^ingress\.tls: set secretName .* or certManager .*, not both/],
      [{ host: "mq.example.com", tls: { certManager: {} } }, /^ingress\.tls\.certManager\.issuerName: must be a DNS-1123 subdomain/],
      [{ host: "mq.example.com", tls: { certManager: { issuerName: "x", issuerKind: "CA" } } }, /^ingress\.tls\.certManager\.issuerKind: must be one of "Issuer", "ClusterIssuer"/],
      [{ host: "mq.example.com", tls: { certManager: { issuerName: "x", mode: "shim" } } }, /^ingress\.tls\.certManager\.mode: must be one of "annotation", "certificate"/],
      [{ host: "mq.example.com", adminPath: "api" }, /^ingress\.adminPath: must start with "\/"/],
      [{ host: "mq.example.com", adminPath: "/a b" }, /^ingress\.adminPath: must start with "\/"/],
      [{ host: "mq.example.com", adminPath: "/mqtt", mqttWebsocket: true }, /^ingress\.adminPath: "\/mqtt" is the MQTT WebSocket route/],
      [{ host: "mq.example.com", adminApi: false }, /^ingress: routes nothing/],
      [{ host: "mq.example.com", controller: "haproxy" }, /^ingress\.controller: must be one of "ingress-nginx", "other"/],
      [{ host: "mq.example.com", websocketTimeoutSeconds: 5 }, /^ingress\.websocketTimeoutSeconds: must be an integer from 60 to 86400/],
      [{ host: "mq.example.com", paths: [] }, /^ingress\.paths: unknown field/],
    ];
    for (const [args, expected] of cases) {
      const found = validateIngressArgs(args, mqtt);
      assert.ok(found.some((p) => expected.test(p)), `${JSON.stringify(args)}: expected ${expected}, got ${JSON.stringify(found)}`);
    }
    assert.deepEqual(validateIngressArgs({ host: "mq.example.com", mqttWebsocket: true }, kafkaOnly), [
      'ingress.mqttWebsocket: needs "mqtt" in protocols (protocols are "kafka")',
    ]);
    assert.deepEqual(validateIngressArgs({ host: "*.example.com", tls: { secretName: "wild" } }, mqtt), []);
    // The cluster validates the argument before resolving it, and has no Ingress without one.
    assert.throws(
      () => resolveClusterArgs("rmq", { namespace: "mq", protocols: ["kafka"], ingress: { host: "x", mqttWebsocket: true } }),
      (e: unknown) => e instanceof RobustMQArgsError && e.problems.some((p) => p.startsWith("ingress.mqttWebsocket: ")),
    );
    assert.equal(mqtt.ingress, undefined);
  });
});
