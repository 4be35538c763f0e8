// cert-manager pieces shared by the Ingress TLS and the broker listener TLS: the issuer reference,
// the "existing secret or cert-manager" choice, and the cert-manager.io/v1 Certificate manifest.
//
// @pulumi/kubernetes has no typed Certificate, so the manifest is a plain object the component
// registers with `new k8s.apiextensions.CustomResource(name, manifest)`. It needs cert-manager's
// CRDs in the cluster; the package does not install cert-manager.
import { CertManagerIssuerArgs } from "../api/features";
import { IssuerKind, values } from "../api/enums";
import { ResolvedIssuer } from "../api/model";
import { Problems, isRecord, validateDnsSubdomain, validateFields, validateOneOf } from "../validate/values";

export const ISSUER_KINDS = values(IssuerKind);

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
