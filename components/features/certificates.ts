// cert-manager pieces shared by the Ingress TLS and the broker listener TLS: the issuer reference,
// the "existing secret or cert-manager" choice, and the cert-manager.io/v1 Certificate manifest.
//
// @pulumi/kubernetes has no typed Certificate, so the manifest is a plain object the component
// registers with `new k8s.apiextensions.CustomResource(name, manifest)`. It needs cert-manager's
// CRDs in the cluster; the package does not install cert-manager.
import { isRecord, validateFields } from "../validate/lists";
import { Problems, validateDnsSubdomain, validateOneOf } from "../validate/values";

export const ISSUER_KINDS = ["Issuer", "ClusterIssuer"] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];

/** Which cert-manager issuer signs a certificate. */
export interface CertManagerIssuerArgs {
  /** Name of the cert-manager Issuer or ClusterIssuer. */
  issuerName: string;
  /** "ClusterIssuer" (default) or "Issuer"; an Issuer must live in the cluster's namespace. */
  issuerKind?: IssuerKind;
}

export interface ResolvedIssuer {
  name: string;
  kind: IssuerKind;
}

/** A TLS certificate either taken from an existing Secret or issued by cert-manager. */
export interface TlsSourceArgs<C extends CertManagerIssuerArgs> {
  /** Existing Secret of type kubernetes.io/tls (keys tls.crt and tls.key) in the cluster's namespace. */
  secretName?: string;
  /** Have cert-manager issue the certificate into a Secret named after the cluster. */
  certManager?: C;
}

/**
 * Checks a TLS source: exactly one of secretName and certManager, a well-formed issuer, plus
 * `extra` (the fields a caller adds to certManager, and the check of their values).
 */
export function validateTlsSource(
  field: string,
  value: unknown,
  extra: { fields: readonly string[]; check: (field: string, certManager: Record<string, unknown>) => Problems },
): Problems {
  const problems = validateFields(field, value, ["secretName", "certManager"]);
  if (!isRecord(value)) {
    return problems;
  }
  const hasSecret = value.secretName !== undefined;
  const hasCertManager = value.certManager !== undefined;
  if (hasSecret && hasCertManager) {
    problems.push(`${field}: set secretName (an existing Secret) or certManager (an issued certificate), not both`);
  }
  if (!hasSecret && !hasCertManager) {
    problems.push(`${field}: needs a certificate source: secretName (an existing kubernetes.io/tls Secret) or certManager (issuer)`);
  }
  if (hasSecret) {
    problems.push(...validateDnsSubdomain(`${field}.secretName`, value.secretName));
  }
  if (hasCertManager) {
    const cmField = `${field}.certManager`;
    const cm = value.certManager;
    problems.push(...validateFields(cmField, cm, ["issuerName", "issuerKind", ...extra.fields]));
    if (isRecord(cm)) {
      problems.push(...validateDnsSubdomain(`${cmField}.issuerName`, cm.issuerName));
      if (cm.issuerKind !== undefined) {
        problems.push(...validateOneOf(`${cmField}.issuerKind`, cm.issuerKind, ISSUER_KINDS));
      }
      problems.push(...extra.check(cmField, cm));
    }
  }
  return problems;
}

export function resolveIssuer(args: CertManagerIssuerArgs): ResolvedIssuer {
  return { name: args.issuerName, kind: args.issuerKind ?? "ClusterIssuer" };
}

/** A cert-manager.io/v1 Certificate, complete (apiVersion and kind included). */
export interface CertificateManifest {
  apiVersion: "cert-manager.io/v1";
  kind: "Certificate";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    secretName: string;
    dnsNames: string[];
    issuerRef: { name: string; kind: IssuerKind; group: "cert-manager.io" };
    privateKey: { rotationPolicy: "Always"; encoding: "PKCS8" };
    secretTemplate: { labels: Record<string, string> };
  };
}

export interface CertificateInputs {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  secretName: string;
  dnsNames: string[];
  issuer: ResolvedIssuer;
}

/**
 * A Certificate. The key is re-generated on every renewal (rotationPolicy Always, the default since
 * cert-manager 1.18, set explicitly for older versions) and written as PKCS#8, the PEM form every
 * rustls key loader accepts. The Secret carries the cluster's labels, so it is found with the rest.
 */
export function certificateManifest(c: CertificateInputs): CertificateManifest {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: { name: c.name, namespace: c.namespace, labels: c.labels },
    spec: {
      secretName: c.secretName,
      dnsNames: [...c.dnsNames],
      issuerRef: { name: c.issuer.name, kind: c.issuer.kind, group: "cert-manager.io" },
      privateKey: { rotationPolicy: "Always", encoding: "PKCS8" },
      secretTemplate: { labels: c.labels },
    },
  };
}
