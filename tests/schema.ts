// Validates a manifest against the Kubernetes API schema of its kind (kubernetes-models), or the
// cert-manager CRD schema for cert-manager.io objects.
export function validateManifest(object: Record<string, any>): void {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error(`manifest without apiVersion/kind: ${JSON.stringify(object).slice(0, 200)}`);
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
