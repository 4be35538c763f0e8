// HTTP(S) entry: one Ingress for the admin HTTP API and, optionally, MQTT over WebSocket.
//
// An Ingress routes HTTP only. MQTT, Kafka, AMQP and NATS over raw TCP (and MQTT over QUIC) cannot
// go through it: they reach the brokers through the client Service (LoadBalancer or NodePort).
// WebSocket is HTTP until the Upgrade, so MQTT over WebSocket can share the Ingress and its TLS.
import * as k8s from "@pulumi/kubernetes";
import { IngressArgs } from "../api/features";
import { CertManagerMode, IngressController, values } from "../api/enums";
import { ResolvedCluster, ResolvedIngress, ResolvedIssuer } from "../api/model";
import { objectLabels } from "../api/naming";
import { listenerOf, Protocol } from "../rmq/ports";
import { certificateManifest, CertificateManifest, resolveIssuer, validateTlsSource } from "./certificates";
import { Feature } from "./feature";
import { Problems, isRecord, validateDnsSubdomain, validateFields, validateHostname, validateInteger, validateOneOf, validateStringMap } from "../validate/values";

/**
 * RobustMQ's WebSocket listener serves MQTT on exactly this path (axum route "/mqtt" in
 * network-server's websocket server); other paths answer 404. The Ingress forwards it unchanged.
 */
export const MQTT_WEBSOCKET_PATH = "/mqtt";
export const INGRESS_CONTROLLERS = values(IngressController);
export const CERT_MANAGER_MODES = values(CertManagerMode);

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

/** The defaulted model of an ingress argument validateIngressArgs accepted. */
export function resolveIngress(cluster: Pick<ResolvedCluster, "names">, args: IngressArgs): ResolvedIngress {
  const controller = args.controller ?? "ingress-nginx";
  const cm = args.tls?.certManager;
  return {
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
            secretName: args.tls.secretName ?? cluster.names.ingressTlsSecret,
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
  return listenerOf(field).name;
}

/** The Ingress, complete with apiVersion and kind. */
export function ingressManifest(cluster: ResolvedCluster, ing: ResolvedIngress): k8s.types.input.networking.v1.Ingress {
  const paths: k8s.types.input.networking.v1.HTTPIngressPath[] = [];
  if (ing.mqttWebsocket) {
    paths.push({
      path: MQTT_WEBSOCKET_PATH,
      pathType: "Exact",
      backend: { service: { name: cluster.names.clientService, port: { name: portName("mqttWebsocket") } } },
    });
  }
  if (ing.adminPath !== undefined) {
    paths.push({
      path: ing.adminPath,
      pathType: "Prefix",
      backend: { service: { name: cluster.names.adminService, port: { name: portName("http") } } },
    });
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: cluster.names.ingress,
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

/** The Ingress: last in the apply order (it routes to the Services), with its Certificate before it. */
export const ingressFeature: Feature<"ingress"> = {
  arg: "ingress",
  validate: (value, context) => validateIngressArgs(value, context),
  resolve: (value, cluster) => resolveIngress(cluster, value),
  resources(cluster, ing) {
    const cert = ingressCertificateManifest(cluster, ing);
    const certName = cluster.names.ingressCertificateResource;
    const ingressName = cluster.names.ingress;
    const manifest = ingressManifest(cluster, ing);
    return [
      ...(cert === undefined
        ? []
        : [{ phase: "ingress" as const, name: certName, kind: "Certificate", create: (opts: any) => new k8s.apiextensions.CustomResource(certName, cert, opts) }]),
      { phase: "ingress", name: ingressName, kind: "Ingress", create: (opts) => new k8s.networking.v1.Ingress(ingressName, manifest, opts) },
    ];
  },
};
