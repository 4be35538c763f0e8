import { strict as assert } from "assert";
import { NetworkPolicyArgs } from "../../components/api/features";
import { ResolvedCluster } from "../../components/api/model";
import { podLabels } from "../../components/api/naming";
import {
  networkPolicyManifests,
  portExposure,
  resolveNetworkPolicy,
  validateNetworkPolicyArgs,
} from "../../components/features/network-policy";
import { LISTENERS } from "../../components/rmq/ports";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { carriesBroker } from "../../components/rmq/topology";
import { RobustMQArgsError } from "../../components/validate/errors";
import { statefulSetManifest } from "../../components/workload/statefulset";
import { allows, Policy, selects } from "../network-policy-eval";
import { validateManifest } from "../schema";

/** Who opens a connection, as the tiny evaluator below understands it. */
type Source =
  | { kind: "own-pod" }
  | { kind: "namespace"; name: string }
  | { kind: "ip"; cidr: string }
  /** An external address listed nowhere, or a pod of an unrelated namespace. */
  | { kind: "stranger" };

const OWN: Source = { kind: "own-pod" };
const STRANGER: Source = { kind: "stranger" };

function peerMatches(peer: any, source: Source, cluster: ResolvedCluster): boolean {
  if (peer.ipBlock) {
    return source.kind === "ip" && source.cidr === peer.ipBlock.cidr;
  }
  if (peer.namespaceSelector) {
    return source.kind === "namespace" && selects(peer.namespaceSelector, { "kubernetes.io/metadata.name": source.name });
  }
  if (peer.podSelector) {
    // A bare podSelector means pods of the policy's own namespace; only the cluster's pods are modelled there.
    return source.kind === "own-pod" && cluster.tiers.some((t) => selects(peer.podSelector, podLabels(cluster, t)));
  }
  return false;
}

/** Ingress to a pod of the cluster, by the shared evaluator; every pod is isolated at least by the default deny. */
function allowed(policies: Policy[], cluster: ResolvedCluster, target: Record<string, string>, port: number, transport: string, source: Source): boolean {
  const verdict = allows(policies, { labels: target }, "Ingress", port, transport, (peer) => peerMatches(peer, source, cluster));
  assert.ok(verdict.isolated, "every pod is isolated by at least the default deny");
  return verdict.allowed;
}

/** Every port a tier's containers declare (the RobustMQ container and the bootstrap gate). */
function declaredPorts(cluster: ResolvedCluster, tier: ResolvedCluster["tiers"][number]): Array<{ name: string; port: number }> {
  const spec = statefulSetManifest({ cluster, tier, configChecksum: "x", credentialsChecksum: "y" }).spec as any;
  const containers = [...spec.template.spec.containers, ...spec.template.spec.initContainers];
  return containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, port: p.containerPort })));
}

function build(cluster: ResolvedCluster, args: NetworkPolicyArgs): Policy[] {
  // resolveNetworkPolicy takes only arguments validation accepted.
  assert.deepEqual(validateNetworkPolicyArgs(args), []);
  const np = resolveNetworkPolicy(args);
  const policies = networkPolicyManifests(cluster, np) as unknown as Policy[];
  policies.forEach((p) => validateManifest(p as unknown as Record<string, any>));
  return policies;
}

const combined = resolveClusterArgs("rmq", { namespace: "mq", protocols: ["mqtt"] });
const split = resolveClusterArgs("rmq", {
  namespace: "mq",
  topology: "split",
  protocols: ["mqtt", "kafka", "amqp", "nats"],
  clientService: { exposeMqttQuic: true },
});
const kafkaOnly = resolveClusterArgs("rmq", { namespace: "mq", protocols: ["kafka"] });

const RESTRICTED: NetworkPolicyArgs = {
  clients: { cidrs: ["10.20.0.0/16"], namespaces: ["apps"] },
  admin: { namespaces: ["monitoring"] },
  ingressControllerNamespaces: ["ingress-nginx"],
};

describe("network policy", () => {
  it("lists every port a node listens on, each with one treatment", () => {
    for (const cluster of [combined, split, kafkaOnly]) {
      const exposure = portExposure(cluster);
      assert.deepEqual(exposure.map((p) => p.field), LISTENERS.map((l) => l.field));
      for (const tier of cluster.tiers) {
        const declaredNames = declaredPorts(cluster, tier).map((p) => p.name);
        assert.deepEqual(
          tier.ports.map((p) => p.name),
          declaredNames.filter((n) => n !== "gate"),
          `${tier.name}: the RobustMQ container declares the tier's ports`,
        );
        for (const declared of declaredPorts(cluster, tier)) {
          const entry = exposure.find((p) => p.name === declared.name);
          assert.ok(entry, `container port ${declared.name} of ${tier.name} is classified`);
          assert.equal(entry.port, declared.port);
          assert.notEqual(entry.exposure, "closed", `${declared.name} is declared by the container, so it is meant to be used`);
        }
      }
    }
    const byName = (c: ResolvedCluster) => Object.fromEntries(portExposure(c).map((p) => [p.name, p.exposure]));
    assert.deepEqual(byName(combined), {
      grpc: "internal", http: "admin", storage: "internal", gate: "internal",
      mqtt: "clients", mqtts: "clients", "mqtt-ws": "clients", "mqtt-wss": "clients", "mqtt-quic": "closed",
      kafka: "closed", amqp: "closed", nats: "closed", "nats-tls": "closed", "nats-ws": "closed", "nats-wss": "closed",
    });
    assert.equal(byName(split)["mqtt-quic"], "clients", "QUIC opens when the client Service exposes it");
    assert.match(portExposure(kafkaOnly).find((p) => p.name === "mqtt")!.reason, /protocol "mqtt" is not enabled/);
  });

  it("proves every listened port is reachable from where it must be, and from nowhere else", () => {
    for (const cluster of [combined, split, kafkaOnly]) {
      for (const args of [{}, RESTRICTED]) {
        const policies = build(cluster, args);
        const restricted = args === RESTRICTED;
        for (const tier of cluster.tiers) {
          const target = podLabels(cluster, tier);
          for (const p of portExposure(cluster)) {
            const can = (s: Source) => allowed(policies, cluster, target, p.port, p.transport, s);
            const where = `${cluster.topology}/${tier.name} ${p.name}:${p.port} (${restricted ? "restricted" : "open"})`;
            switch (p.exposure) {
              case "internal":
                assert.ok(can(OWN), `${where} from own pods`);
                assert.ok(!can(STRANGER) && !can({ kind: "namespace", name: "monitoring" }) && !can({ kind: "ip", cidr: "10.20.0.0/16" }), `${where} only from own pods`);
                break;
              case "admin":
                assert.ok(can(OWN), `${where} from own pods`);
                assert.ok(!can(STRANGER), `${where} not from strangers`);
                assert.equal(can({ kind: "namespace", name: "monitoring" }), restricted, `${where} from monitoring`);
                assert.equal(can({ kind: "namespace", name: "ingress-nginx" }), restricted, `${where} from the ingress controller`);
                break;
              case "clients":
                if (!carriesBroker(tier)) {
                  assert.ok(!can(STRANGER) && !can(OWN), `${where}: no client port on pods without the broker role`);
                } else if (restricted) {
                  assert.ok(can({ kind: "ip", cidr: "10.20.0.0/16" }) && can({ kind: "namespace", name: "apps" }), `${where} from listed sources`);
                  assert.ok(!can(STRANGER) && !can({ kind: "namespace", name: "monitoring" }), `${where} not from others`);
                  assert.equal(can({ kind: "namespace", name: "ingress-nginx" }), p.field === "mqttWebsocket", `${where} from the ingress controller`);
                } else {
                  assert.ok(can(STRANGER), `${where} from anywhere`);
                }
                break;
              case "closed":
                for (const s of [OWN, STRANGER, { kind: "namespace", name: "monitoring" }, { kind: "ip", cidr: "10.20.0.0/16" }] as Source[]) {
                  assert.ok(!can(s), `${where} is closed (${s.kind})`);
                }
                break;
            }
          }
        }
        // Nothing is opened that portExposure does not list as open.
        const open = new Set(portExposure(cluster).filter((p) => p.exposure !== "closed").map((p) => `${p.port}/${p.transport}`));
        for (const p of policies) {
          for (const rule of (p.spec?.ingress ?? []) as any[]) {
            assert.ok(rule.ports?.length > 0, `${p.metadata?.name}: every ingress rule names its ports`);
            rule.ports.forEach((rp: any) => assert.ok(open.has(`${rp.port}/${rp.protocol}`), `${p.metadata?.name} opens ${rp.port}/${rp.protocol}`));
          }
        }
      }
    }
  });

  it("default deny selects exactly the cluster's pods, by name and instance", () => {
    const policies = build(combined, {});
    const deny = policies.find((p) => p.metadata?.name === "rmq-netpol-default-deny");
    assert.ok(deny);
    assert.equal(deny.metadata?.namespace, "mq");
    assert.deepEqual(deny.spec?.podSelector, { matchLabels: { "app.kubernetes.io/name": "robustmq", "app.kubernetes.io/instance": "rmq" } });
    assert.deepEqual(deny.spec?.policyTypes, ["Ingress", "Egress"]);
    assert.equal(deny.spec?.ingress, undefined);
    assert.equal(deny.spec?.egress, undefined);
    const clients = policies.find((p) => p.metadata?.name === "rmq-netpol-clients");
    assert.deepEqual((clients?.spec?.podSelector as any).matchLabels["robustmq.io/broker"], "true");
    assert.deepEqual(policies.map((p) => p.metadata?.name), ["rmq-netpol-default-deny", "rmq-netpol-internal", "rmq-netpol-clients", "rmq-netpol-egress"]);
    assert.deepEqual(
      build(combined, RESTRICTED).map((p) => p.metadata?.name),
      ["rmq-netpol-default-deny", "rmq-netpol-internal", "rmq-netpol-clients", "rmq-netpol-admin", "rmq-netpol-egress"],
    );
  });

  it("uses port numbers from the cluster's ports", () => {
    const moved = resolveClusterArgs("rmq", { namespace: "mq", ports: { grpc: 2228, mqttTcp: 11883 } });
    const policies = build(moved, {});
    const ports = (name: string) => ((policies.find((p) => p.metadata?.name === name)?.spec?.ingress as any[])[0].ports as any[]).map((p) => p.port);
    assert.deepEqual(ports("rmq-netpol-internal"), [2228, 58080, 1778, 1229]);
    assert.ok(ports("rmq-netpol-clients").includes(11883));
    assert.ok(!ports("rmq-netpol-clients").includes(1883));
  });

  it("egress: DNS, the cluster's own pods, and the listed destinations only", () => {
    const policies = build(combined, { egress: { dnsNamespace: "kube-system", cidrs: ["192.0.2.0/24"], namespaces: ["kafka"] } });
    const egress = policies.find((p) => p.metadata?.name === "rmq-netpol-egress");
    assert.ok(egress);
    assert.deepEqual(egress.spec?.policyTypes, ["Egress"]);
    assert.deepEqual(egress.spec?.egress, [
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
      { to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "robustmq", "app.kubernetes.io/instance": "rmq" } } }] },
      { to: [{ ipBlock: { cidr: "192.0.2.0/24" } }, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kafka" } } }] },
    ]);
    const anyDns = build(combined, {}).find((p) => p.metadata?.name === "rmq-netpol-egress");
    assert.equal((anyDns?.spec?.egress as any[])[0].to, undefined, "DNS to any destination by default (NodeLocal DNSCache)");

    const open = build(combined, { egress: { restrict: false } });
    assert.deepEqual(open.find((p) => p.metadata?.name === "rmq-netpol-default-deny")?.spec?.policyTypes, ["Ingress"]);
    assert.ok(!open.some((p) => p.metadata?.name === "rmq-netpol-egress"));
  });

  it("refuses bad input, naming the field and what is accepted", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ clients: { cidrs: ["10.0.0.0"] } }, /^networkPolicy\.clients\.cidrs\[0\]: must be a CIDR such as "10\.0\.0\.0\/8"/],
      [{ clients: { cidrs: ["300.1.1.1/8"] } }, /^networkPolicy\.clients\.cidrs\[0\]: must be a CIDR/],
      [{ clients: { namespaces: ["Apps"] } }, /^networkPolicy\.clients\.namespaces\[0\]: must be a DNS-1123 label/],
      [{ clients: {} }, /^networkPolicy\.clients: lists no cidrs and no namespaces/],
      [{ clients: { cidrs: "10.0.0.0/8" } }, /^networkPolicy\.clients\.cidrs: must be a list/],
      [{ admin: { namespaces: ["monitoring_"] } }, /^networkPolicy\.admin\.namespaces\[0\]: must be a DNS-1123 label/],
      [{ ingressControllerNamespaces: ["-bad"] }, /^networkPolicy\.ingressControllerNamespaces\[0\]: must be a DNS-1123 label/],
      [{ egress: { cidrs: ["::1"] } }, /^networkPolicy\.egress\.cidrs\[0\]: must be a CIDR/],
      [{ egress: { dnsNamespace: "Kube-System" } }, /^networkPolicy\.egress\.dnsNamespace: must be a DNS-1123 label/],
      [{ egress: { restrict: "yes" } }, /^networkPolicy\.egress\.restrict: must be true or false/],
      [{ egress: { restrict: false, cidrs: ["10.0.0.0/8"] } }, /^networkPolicy\.egress\.cidrs: only used when egress is restricted/],
      [{ clients: { cidr: ["10.0.0.0/8"] } }, /^networkPolicy\.clients\.cidr: unknown field \(did you mean "cidrs"\? accepted: cidrs, namespaces\)/],
      [{ deny: true }, /^networkPolicy\.deny: unknown field/],
    ];
    for (const [args, expected] of cases) {
      const found = validateNetworkPolicyArgs(args);
      assert.ok(found.some((p) => expected.test(p)), `${JSON.stringify(args)}: expected ${expected}, got ${JSON.stringify(found)}`);
    }
    assert.deepEqual(validateNetworkPolicyArgs(RESTRICTED), []);
    assert.deepEqual(validateNetworkPolicyArgs({ clients: { cidrs: ["2001:db8::/32"] } }), []);
    // The cluster validates the argument before resolving it, and has no policies without one.
    assert.equal(combined.networkPolicy, undefined);
    assert.throws(
      () => resolveClusterArgs("rmq", { namespace: "mq", protocols: ["mqtt"], networkPolicy: { clients: {} } }),
      (e: unknown) => e instanceof RobustMQArgsError && e.problems.some((p) => p.startsWith("networkPolicy.clients: lists no cidrs")),
    );
  });
});
