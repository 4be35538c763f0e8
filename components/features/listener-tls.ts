// Certificate of the brokers' own TLS listeners (MQTTS 1885, WSS 8085, MQTT over QUIC and the
// other protocols' TLS ports: RobustMQ shares one [broker_network] tls_cert/tls_key across them).
//
// Without this argument the image's bundled demo certificate (./config/certs) is served. With it,
// the Secret is mounted at /etc/robustmq-tls, never over /robustmq/config, which would hide the
// image's certs and logger.toml, and server.toml points broker_network.tls_cert/tls_key at it.
// RobustMQ reads the files when a listener starts: a renewed certificate is served after the pods
// restart (see docs/OPERATIONS.md).
import type * as k8s from "@pulumi/kubernetes";
import { throwIfProblems, validateHostname } from "../validate/lists";
import { certificateManifest, CertificateManifest, CertManagerIssuerArgs, ResolvedIssuer, resolveIssuer, TlsSourceArgs, validateTlsSource } from "./certificates";
import { serviceFqdn } from "../rmq/identity";
import { objectLabels } from "../api/labels";
import { ResolvedCluster } from "../cluster/resolve";
import { Problems } from "../validate/values";

export const LISTENER_TLS_MOUNT_PATH = "/etc/robustmq-tls";
export const LISTENER_TLS_VOLUME = "listener-tls";
/** Keys of a kubernetes.io/tls Secret (cert-manager writes the same keys). */
export const TLS_CERT_KEY = "tls.crt";
export const TLS_KEY_KEY = "tls.key";

export interface ListenerCertManagerArgs extends CertManagerIssuerArgs {
  /**
   * Names the certificate is valid for. Default: the client Service's in-cluster names
   * "<svc>.<ns>.svc" and "<svc>.<ns>.svc.<clusterDomain>". Given names replace the default, so a
   * public ACME issuer (which refuses .svc names) can be used with only public names.
   */
  dnsNames?: string[];
}

/** TLS certificate of the broker listeners: an existing kubernetes.io/tls Secret, or cert-manager. */
export type ListenerTlsArgs = TlsSourceArgs<ListenerCertManagerArgs>;

export interface ResolvedListenerTls {
  secretName: string;
  /** Set when cert-manager issues the certificate. */
  certManager?: { issuer: ResolvedIssuer; dnsNames: string[] };
}

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
export function defaultListenerDnsNames(cluster: ResolvedCluster): string[] {
  const svc = cluster.clientService.name;
  return [`${svc}.${cluster.namespace}.svc`, serviceFqdn(svc, cluster.namespace, cluster.clusterDomain)];
}

/** Validates, then returns the defaulted model (undefined: the image's certificate); throws RobustMQArgsError. */
export function resolveListenerTls(cluster: ResolvedCluster, args: ListenerTlsArgs | undefined, field = "listenerTls"): ResolvedListenerTls | undefined {
  throwIfProblems(cluster.name, validateListenerTlsArgs(args, field));
  if (args === undefined) {
    return undefined;
  }
  const cm = args.certManager;
  return {
    secretName: args.secretName ?? `${cluster.name}-listener-tls`,
    certManager:
      cm === undefined
        ? undefined
        : { issuer: resolveIssuer(cm), dnsNames: [...(cm.dnsNames ?? defaultListenerDnsNames(cluster))] },
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
 * Pod volume and container mount of the certificate. Only tls.crt and tls.key are projected (a
 * ca.crt may or may not exist). Mode 0440: readable by the pod's fsGroup, which owns the files,
 * and by nobody else. No subPath, so the kubelet refreshes the files when the Secret changes.
 */
export function listenerTlsVolume(tls: ResolvedListenerTls): {
  volume: k8s.types.input.core.v1.Volume;
  volumeMount: k8s.types.input.core.v1.VolumeMount;
} {
  return {
    volume: {
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
    volumeMount: { name: LISTENER_TLS_VOLUME, mountPath: LISTENER_TLS_MOUNT_PATH, readOnly: true },
  };
}

/** The server.toml keys (RobustMQ's [broker_network] table) that point the listeners at the mount. */
export function listenerTlsConfig(): { broker_network: { tls_cert: string; tls_key: string } } {
  return {
    broker_network: {
      tls_cert: `${LISTENER_TLS_MOUNT_PATH}/${TLS_CERT_KEY}`,
      tls_key: `${LISTENER_TLS_MOUNT_PATH}/${TLS_KEY_KEY}`,
    },
  };
}
