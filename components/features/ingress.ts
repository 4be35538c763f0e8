// HTTP(S) entry: one Ingress for the admin HTTP API and, optionally, MQTT over WebSocket.
//
// An Ingress routes HTTP only. MQTT, Kafka, AMQP and NATS over raw TCP (and MQTT over QUIC) cannot
// go through it: they reach the brokers through the client Service (LoadBalancer or NodePort).
// WebSocket is HTTP until the Upgrade, so MQTT over WebSocket can share the Ingress and its TLS.
import type * as k8s from "@pulumi/kubernetes";
import { isRecord, throwIfProblems, validateFields, validateHostname } from "../validate/lists";
import { certificateManifest, CertificateManifest, CertManagerIssuerArgs, ResolvedIssuer, resolveIssuer, TlsSourceArgs, validateTlsSource } from "./certificates";
import { objectLabels } from "../api/labels";
import { LISTENERS, Protocol } from "../rmq/ports";
import { ResolvedCluster } from "../cluster/resolve";
import { Problems, validateDnsSubdomain, validateInteger, validateOneOf, validateStringMap } from "../validate/values";

/**
 * RobustMQ's WebSocket listener serves MQTT on exactly this path (axum route "/mqtt" in
 * network-server's websocket server); other paths answer 404. The Ingress forwards it unchanged.
 */
export const MQTT_WEBSOCKET_PATH = "/mqtt";
export const INGRESS_CONTROLLERS = ["ingress-nginx", "other"] as const;
export type IngressController = (typeof INGRESS_CONTROLLERS)[number];
export const CERT_MANAGER_MODES = ["annotation", "certificate"] as const;
export type CertManagerMode = (typeof CERT_MANAGER_MODES)[number];

/** ingress-nginx annotation keys this module sets. */
export const NGINX = {
  readTimeout: "nginx.ingress.kubernetes.io/proxy-read-timeout",
  sendTimeout: "nginx.ingress.kubernetes.io/proxy-send-timeout",
  httpVersion: "nginx.ingress.kubernetes.io/proxy-http-version",
} as const;
export const CERT_MANAGER_ANNOTATION: Record<ResolvedIssuer["kind"], string> = {
  ClusterIssuer: "cert-manager.io/cluster-issuer",
  Issuer: "cert-manager.io/issuer",
};

export interface IngressCertManagerArgs extends CertManagerIssuerArgs {
  /**
   * "certificate" (default): the component creates a cert-manager Certificate, visible in previews.
   * "annotation": the Ingress carries cert-manager.io/(cluster-)issuer and cert-manager's
   * ingress-shim creates the Certificate (needs the shim enabled, as it is by default).
   */
  mode?: CertManagerMode;
}

export type IngressTlsArgs = TlsSourceArgs<IngressCertManagerArgs>;

/** An Ingress for the admin HTTP API and MQTT over WebSocket. */
export interface IngressArgs {
  /** Host name the Ingress answers for (required); a leading "*." wildcard is accepted. */
  host: string;
  /** IngressClass. Default "nginx" for controller "ingress-nginx"; the cluster default class for "other". */
  ingressClassName?: string;
  /** Controller the annotations are written for: "ingress-nginx" (default) or "other" (none). */
  controller?: IngressController;
  /** Route the admin HTTP API (and /metrics, /health). Default true. */
  adminApi?: boolean;
  /**
   * Path prefix routed to the admin API, forwarded unchanged (no rewrite): it chooses what is
   * exposed, e.g. "/api" exposes the API but not /metrics. Default "/".
   */
  adminPath?: string;
  /** Route MQTT over WebSocket at /mqtt to the brokers (needs "mqtt" in protocols). Default false. */
  mqttWebsocket?: boolean;
  /** Seconds an idle WebSocket stays open through the controller (ingress-nginx). Default 3600. */
  websocketTimeoutSeconds?: number;
  /** Extra annotations; they win over the ones the component sets. */
  annotations?: Record<string, string>;
  /** TLS for the host, from an existing Secret or cert-manager. Plain HTTP when unset. */
  tls?: IngressTlsArgs;
}

export interface ResolvedIngress {
  name: string;
  host: string;
  controller: IngressController;
  ingressClassName?: string;
  /** Undefined when the admin API is not routed. */
  adminPath?: string;
  mqttWebsocket: boolean;
  websocketTimeoutSeconds: number;
  annotations: Record<string, string>;
  tls?: {
    secretName: string;
    /** Set when cert-manager issues the certificate. */
    certManager?: { issuer: ResolvedIssuer; mode: CertManagerMode };
  };
}

const FIELDS = [
  "host", "ingressClassName", "controller", "adminApi", "adminPath", "mqttWebsocket",
  "websocketTimeoutSeconds", "annotations", "tls",
];
/** Characters ingress-nginx accepts in Prefix/Exact paths (strict path validation). */
const PATH = /^\/[A-Za-z0-9/_.~-]*$/;

function validatePath(field: string, value: unknown): Problems {
  if (typeof value !== "string" || !PATH.test(value)) {
    return [`${field}: must start with "/" and hold only letters, digits and "/_.~-" (e.g. "/" or "/api"), got ${JSON.stringify(value)}`];
  }
  return [];
}

function validateBoolean(field: string, value: unknown): Problems {
  return value === undefined || typeof value === "boolean" ? [] : [`${field}: must be true or false, got ${JSON.stringify(value)}`];
}

/** Checks the ingress argument against the cluster's protocols; every problem names its field. */
export function validateIngressArgs(args: unknown, cluster: { protocols: readonly Protocol[] }, field = "ingress"): Problems {
  if (args === undefined) {
    return [];
  }
  const problems = validateFields(field, args, FIELDS);
  if (!isRecord(args)) {
    return problems;
  }
  if (args.host === undefined) {
    problems.push(`${field}.host: required (the DNS name clients use, e.g. "mq.example.com")`);
  } else {
    problems.push(...validateHostname(`${field}.host`, args.host));
  }
  if (args.controller !== undefined) {
    problems.push(...validateOneOf(`${field}.controller`, args.controller, INGRESS_CONTROLLERS));
  }
  if (args.ingressClassName !== undefined) {
    problems.push(...validateDnsSubdomain(`${field}.ingressClassName`, args.ingressClassName));
  }
  problems.push(...validateBoolean(`${field}.adminApi`, args.adminApi), ...validateBoolean(`${field}.mqttWebsocket`, args.mqttWebsocket));
  if (args.adminPath !== undefined) {
    problems.push(...validatePath(`${field}.adminPath`, args.adminPath));
    if (args.adminApi === false) {
      problems.push(`${field}.adminPath: not used when adminApi is false`);
    }
  }
  if (args.mqttWebsocket === true && !cluster.protocols.includes("mqtt")) {
    problems.push(`${field}.mqttWebsocket: needs "mqtt" in protocols (protocols are ${cluster.protocols.map((p) => `"${p}"`).join(", ")})`);
  }
  if (args.mqttWebsocket === true && (args.adminApi ?? true) && args.adminPath === MQTT_WEBSOCKET_PATH) {
    problems.push(`${field}.adminPath: "${MQTT_WEBSOCKET_PATH}" is the MQTT WebSocket route; choose another path`);
  }
  if (args.adminApi === false && args.mqttWebsocket !== true) {
    problems.push(`${field}: routes nothing; keep adminApi or set mqttWebsocket to true`);
  }
  if (args.websocketTimeoutSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.websocketTimeoutSeconds`, args.websocketTimeoutSeconds, 60, 86400));
  }
  problems.push(...validateStringMap(`${field}.annotations`, args.annotations));
  if (args.tls !== undefined) {
    problems.push(
      ...validateTlsSource(`${field}.tls`, args.tls, {
        fields: ["mode"],
        check: (f, cm) => (cm.mode === undefined ? [] : validateOneOf(`${f}.mode`, cm.mode, CERT_MANAGER_MODES)),
      }),
    );
  }
  return problems;
}

/** Secret the certificate lands in when cert-manager issues it. */
export function ingressTlsSecretName(cluster: Pick<ResolvedCluster, "name">): string {
  return `${cluster.name}-ingress-tls`;
}

/** Validates, then returns the defaulted model (undefined: no Ingress); throws RobustMQArgsError. */
export function resolveIngress(cluster: ResolvedCluster, args: IngressArgs | undefined, field = "ingress"): ResolvedIngress | undefined {
  throwIfProblems(cluster.name, validateIngressArgs(args, cluster, field));
  if (args === undefined) {
    return undefined;
  }
  const controller = args.controller ?? "ingress-nginx";
  const cm = args.tls?.certManager;
  return {
    name: `${cluster.name}-ingress`,
    host: args.host,
    controller,
    ingressClassName: args.ingressClassName ?? (controller === "ingress-nginx" ? "nginx" : undefined),
    adminPath: (args.adminApi ?? true) ? (args.adminPath ?? "/") : undefined,
    mqttWebsocket: args.mqttWebsocket ?? false,
    websocketTimeoutSeconds: args.websocketTimeoutSeconds ?? 3600,
    annotations: args.annotations ?? {},
    tls:
      args.tls === undefined
        ? undefined
        : {
            secretName: args.tls.secretName ?? ingressTlsSecretName(cluster),
            certManager: cm === undefined ? undefined : { issuer: resolveIssuer(cm), mode: cm.mode ?? "certificate" },
          },
  };
}

/**
 * Annotations of the Ingress: controller settings, then cert-manager's, then the user's (last wins).
 *
 * ingress-nginx proxies WebSocket without configuration (it forwards Upgrade/Connection and speaks
 * HTTP/1.1 upstream by default); what breaks MQTT over WebSocket is its 60 s proxy timeouts, which
 * cut an idle connection between keep-alives. So with the WebSocket route the read and send
 * timeouts are raised and HTTP/1.1 is pinned, all through supported annotations. No
 * configuration-snippet: snippet annotations are disabled by default since controller 1.9.
 * These annotations apply to the whole Ingress; the admin API's requests are short, so the long
 * timeouts cost it nothing.
 */
export function ingressAnnotations(ing: ResolvedIngress): Record<string, string> {
  const controller: Record<string, string> =
    ing.controller === "ingress-nginx" && ing.mqttWebsocket
      ? {
          [NGINX.readTimeout]: String(ing.websocketTimeoutSeconds),
          [NGINX.sendTimeout]: String(ing.websocketTimeoutSeconds),
          [NGINX.httpVersion]: "1.1",
        }
      : {};
  const cm = ing.tls?.certManager;
  const certManager: Record<string, string> =
    cm !== undefined && cm.mode === "annotation" ? { [CERT_MANAGER_ANNOTATION[cm.issuer.kind]]: cm.issuer.name } : {};
  return { ...controller, ...certManager, ...ing.annotations };
}

function portName(field: "http" | "mqttWebsocket"): string {
  return (LISTENERS.find((l) => l.field === field) as { name: string }).name;
}

/** The Ingress, complete with apiVersion and kind. */
export function ingressManifest(cluster: ResolvedCluster, ing: ResolvedIngress): k8s.types.input.networking.v1.Ingress {
  const paths: k8s.types.input.networking.v1.HTTPIngressPath[] = [];
  if (ing.mqttWebsocket) {
    paths.push({
      path: MQTT_WEBSOCKET_PATH,
      pathType: "Exact",
      backend: { service: { name: cluster.clientService.name, port: { name: portName("mqttWebsocket") } } },
    });
  }
  if (ing.adminPath !== undefined) {
    paths.push({
      path: ing.adminPath,
      pathType: "Prefix",
      backend: { service: { name: cluster.adminServiceName, port: { name: portName("http") } } },
    });
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: ing.name,
      namespace: cluster.namespace,
      labels: objectLabels(cluster, "ingress"),
      annotations: ingressAnnotations(ing),
    },
    spec: {
      ingressClassName: ing.ingressClassName,
      rules: [{ host: ing.host, http: { paths } }],
      tls: ing.tls === undefined ? undefined : [{ hosts: [ing.host], secretName: ing.tls.secretName }],
    },
  };
}

/** The Certificate for the Ingress host, in "certificate" mode only. */
export function ingressCertificateManifest(cluster: ResolvedCluster, ing: ResolvedIngress): CertificateManifest | undefined {
  const cm = ing.tls?.certManager;
  if (ing.tls === undefined || cm === undefined || cm.mode !== "certificate") {
    return undefined;
  }
  return certificateManifest({
    name: ing.tls.secretName,
    namespace: cluster.namespace,
    labels: objectLabels(cluster, "ingress"),
    secretName: ing.tls.secretName,
    dnsNames: [ing.host],
    issuer: cm.issuer,
  });
}

/** Public URLs the Ingress serves, for stack outputs. */
export function ingressEndpoints(ing: ResolvedIngress): { admin?: string; mqttWebsocket?: string } {
  const secure = ing.tls !== undefined;
  return {
    admin: ing.adminPath === undefined ? undefined : `${secure ? "https" : "http"}://${ing.host}${ing.adminPath}`,
    mqttWebsocket: ing.mqttWebsocket ? `${secure ? "wss" : "ws"}://${ing.host}${MQTT_WEBSOCKET_PATH}` : undefined,
  };
}
