// Certificate of the brokers' own TLS listeners (MQTTS 1885, WSS 8085, MQTT over QUIC and the
// other protocols' TLS ports: RobustMQ shares one [broker_network] tls_cert/tls_key across them).
//
// Without this argument the image's bundled demo certificate (./config/certs) is served. With it,
// the Secret is mounted at /etc/robustmq-tls, never over /robustmq/config, which would hide the
// image's certs and logger.toml, and server.toml points broker_network.tls_cert/tls_key at it.
// RobustMQ reads the files when a listener starts: a renewed certificate is served after the pods
// restart (see docs/OPERATIONS.md).
import * as k8s from "@pulumi/kubernetes";
import { ListenerTlsArgs } from "../api/features";
import { ResolvedCluster, ResolvedListenerTls, TierPatch } from "../api/model";
import { objectLabels } from "../api/naming";
import { serviceFqdn } from "../rmq/identity";
import { carriesBroker } from "../rmq/topology";
import { certificateManifest, CertificateManifest, resolveIssuer, validateTlsSource } from "./certificates";
import { Feature } from "./feature";
import { Problems, validateHostname } from "../validate/values";

export const LISTENER_TLS_MOUNT_PATH = "/etc/robustmq-tls";
export const LISTENER_TLS_VOLUME = "listener-tls";
/** Keys of a kubernetes.io/tls Secret (cert-manager writes the same keys). */
export const TLS_CERT_KEY = "tls.crt";
export const TLS_KEY_KEY = "tls.key";

function validateDnsNames(field: string, cm: Record<string, unknown>): Problems {
  const names = cm.dnsNames;
  if (names === undefined) {
    return [];
  }
  if (!Array.isArray(names) || names.length === 0) {
    return [`${field}.dnsNames: must be a non-empty list of DNS names (or unset for the client Service's names), got ${JSON.stringify(names)}`];
  }
  return names.flatMap((n, i) => validateHostname(`${field}.dnsNames[${i}]`, n));
}

/** Checks the listenerTls argument; every problem names its field. */
export function validateListenerTlsArgs(args: unknown, field = "listenerTls"): Problems {
  if (args === undefined) {
    return [];
  }
  return validateTlsSource(field, args, { fields: ["dnsNames"], check: validateDnsNames });
}

/** The client Service's in-cluster names: what in-cluster clients dial. */
export function defaultListenerDnsNames(cluster: Pick<ResolvedCluster, "names" | "namespace" | "clusterDomain">): string[] {
  const svc = cluster.names.clientService;
  return [`${svc}.${cluster.namespace}.svc`, serviceFqdn(svc, cluster.namespace, cluster.clusterDomain)];
}

/** The defaulted model of a listenerTls argument validateListenerTlsArgs accepted. */
export function resolveListenerTls(cluster: Pick<ResolvedCluster, "names" | "namespace" | "clusterDomain">, args: ListenerTlsArgs): ResolvedListenerTls {
  const cm = args.certManager;
  return {
    secretName: args.secretName ?? cluster.names.listenerTlsSecret,
    certManager:
      cm === undefined ? undefined : { issuer: resolveIssuer(cm), dnsNames: [...(cm.dnsNames ?? defaultListenerDnsNames(cluster))] },
  };
}

/** The Certificate to create when cert-manager issues the listener certificate. */
export function listenerCertificateManifest(cluster: ResolvedCluster, tls: ResolvedListenerTls): CertificateManifest | undefined {
  if (tls.certManager === undefined) {
    return undefined;
  }
  return certificateManifest({
    name: tls.secretName,
    namespace: cluster.namespace,
    labels: objectLabels(cluster, "listener-tls"),
    secretName: tls.secretName,
    dnsNames: tls.certManager.dnsNames,
    issuer: tls.certManager.issuer,
  });
}

/**
 * Pod volume and container mount of the certificate, and the server.toml keys (RobustMQ's
 * [broker_network] table) that point the listeners at the mount. Only tls.crt and tls.key are
 * projected (a ca.crt may or may not exist). Mode 0440: readable by the pod's fsGroup, which owns
 * the files, and by nobody else. No subPath, so the kubelet refreshes the files when the Secret changes.
 */
export function listenerTlsPatch(tls: ResolvedListenerTls): TierPatch {
  return {
    volumes: [
      {
        name: LISTENER_TLS_VOLUME,
        secret: {
          secretName: tls.secretName,
          defaultMode: 0o440,
          items: [
            { key: TLS_CERT_KEY, path: TLS_CERT_KEY },
            { key: TLS_KEY_KEY, path: TLS_KEY_KEY },
          ],
        },
      },
    ],
    volumeMounts: [{ name: LISTENER_TLS_VOLUME, mountPath: LISTENER_TLS_MOUNT_PATH, readOnly: true }],
    config: {
      broker_network: {
        tls_cert: `${LISTENER_TLS_MOUNT_PATH}/${TLS_CERT_KEY}`,
        tls_key: `${LISTENER_TLS_MOUNT_PATH}/${TLS_KEY_KEY}`,
      },
    },
  };
}

/** Listener TLS: a Certificate (with cert-manager) before the pods, mounted on broker-role pods only. */
export const listenerTlsFeature: Feature<"listenerTls"> = {
  arg: "listenerTls",
  validate: (value) => validateListenerTlsArgs(value),
  resolve: (value, cluster) => resolveListenerTls(cluster, value),
  resources(cluster, tls) {
    const cert = listenerCertificateManifest(cluster, tls);
    const name = cluster.names.listenerCertificateResource;
    return cert === undefined
      ? []
      : [{ phase: "config", name, kind: "Certificate", create: (opts) => new k8s.apiextensions.CustomResource(name, cert, opts) }];
  },
  // Only the broker role serves TLS listeners: no other pod mounts the key.
  tierPatch: (_cluster, tier, tls) => (carriesBroker(tier) ? listenerTlsPatch(tls) : undefined),
};
