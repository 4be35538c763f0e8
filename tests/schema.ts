import { validateOperatorObject } from "./features/monitoring/operator-schema";

// Validates a manifest against the Kubernetes API schema of its kind (kubernetes-models), the
// cert-manager CRD schema for cert-manager.io objects, or, for the Prometheus Operator's
// monitoring.coreos.com objects (no models package), the focused check of operator-schema.ts.
export function validateManifest(object: Record<string, any>): void {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error(`manifest without apiVersion/kind: ${JSON.stringify(object).slice(0, 200)}`);
  }
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    validateOperatorObject(object);
    return;
  }
  const module = apiVersion.startsWith("cert-manager.io/")
    ? `@kubernetes-models/cert-manager/${apiVersion}/${kind}`
    : `kubernetes-models/${apiVersion}/${kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(module)[kind];
  if (typeof Model !== "function") {
    throw new Error(`no schema model for ${apiVersion} ${kind}`);
  }
  new Model(object).validate();
}
