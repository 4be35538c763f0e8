import { strict as assert } from "assert";
import { renderStack } from "../../offline/render";
import { plural, prerequisites, prerequisitesText } from "../../offline/prerequisites";
import { renderOptions } from "./render-options";

describe("render: prerequisites, from what the stack registers", () => {
  const of = async (stack: string) => (await renderStack(stack, renderOptions(stack))).prerequisites;

  it("prod: Kubernetes 1.30 for the scale-in guard, cert-manager and Prometheus Operator CRDs by the setting that asks for them, the cluster-scoped objects", async () => {
    const p = await of("prod");
    assert.equal(p.minKubernetes, "1.30");
    assert.deepEqual(p.minKubernetesWhy, ["1.30: the meta scale-in guard, an `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy"]);
    assert.deepEqual(
      p.crds.map((c) => [`${c.group}/${c.version} ${c.kind}`, c.features, c.providedBy]),
      [
        ["cert-manager.io/v1 Certificate", ["listenerTls", "ingress"], "cert-manager"],
        ["monitoring.coreos.com/v1 ServiceMonitor", ["monitoring"], "the Prometheus Operator (e.g. kube-prometheus-stack)"],
        ["monitoring.coreos.com/v1 PrometheusRule", ["monitoring"], "the Prometheus Operator (e.g. kube-prometheus-stack)"],
      ],
    );
    assert.deepEqual(p.clusterScoped.map((c) => c.resource), [
      "namespaces",
      "storageclasses.storage.k8s.io",
      "validatingadmissionpolicies.admissionregistration.k8s.io",
      "validatingadmissionpolicybindings.admissionregistration.k8s.io",
    ]);
    for (const r of [/provisioner `ebs\.csi\.aws\.com`/, /ClusterIssuer `internal-ca`/, /ClusterIssuer `letsencrypt-prod`/, /metrics-server/, /load-balancer controller/, /IngressClass `nginx`/]) {
      assert.ok(p.references.some((x) => r.test(x)), `${r}: ${p.references.join("; ")}`);
    }
    assert.match(prerequisitesText(p).join("\n"), /usually cluster-admin/);
  });

  it("staging: only the Prometheus Operator's CRDs (its Ingress asks cert-manager by annotation); dev: none", async () => {
    const staging = await of("staging");
    assert.deepEqual(staging.crds.map((c) => c.kind), ["ServiceMonitor", "PrometheusRule"]);
    assert.ok(staging.references.includes("cert-manager ClusterIssuer `letsencrypt-staging`, for Ingress/robustmq-ingress"));
    const dev = await of("dev");
    assert.deepEqual(dev.crds, []);
    // No scale-in guard on one meta pod: the pod-index label is the newest thing dev uses.
    assert.equal(dev.minKubernetes, "1.28");
    assert.match(prerequisitesText(dev).join("\n"), /`ghcr\.io\/robustmq\/robustmq:v0\.4\.11` \(a tag, which can move/);
  });

  it("refuses a built-in kind it has no release for, and lists an unknown CRD group as it is", () => {
    assert.throws(() => prerequisites([{ object: { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "j", namespace: "n" } } }]), /apps\/v1 DaemonSet is not in offline\/prerequisites\.ts BUILT_IN_KINDS/);
    const p = prerequisites([{ object: { apiVersion: "example.com/v1alpha1", kind: "Widget", metadata: { name: "w" } }, feature: "widgets" }]);
    assert.deepEqual(p.crds, [{ group: "example.com", version: "v1alpha1", kind: "Widget", objects: ["w"], features: ["widgets"], providedBy: undefined }]);
    assert.deepEqual(p.clusterScoped, [{ resource: "widgets.example.com", kind: "Widget", names: ["w"] }]);
  });

  it("names resources as RBAC does", () => {
    assert.deepEqual(["Namespace", "StorageClass", "ValidatingAdmissionPolicy", "Ingress"].map(plural), ["namespaces", "storageclasses", "validatingadmissionpolicies", "ingresses"]);
  });
});
