// What a cluster needs before a rendered directory applies, read from the objects the stack
// registers: the Kubernetes release that serves every built-in kind as the objects use it, the
// CRDs and which setting asks for them, the cluster-scoped objects (and so the rights the applier
// needs), and what the objects refer to without creating (provisioners, issuers, controllers).

/**
 * The first Kubernetes minor release that serves each built-in kind the component writes, as it
 * writes it. A kind missing here stops the render, so a new kind cannot slip past the minimum.
 */
export const BUILT_IN_KINDS: Readonly<Record<string, { since: string; why?: string }>> = {
  "v1/Namespace": { since: "1.0" },
  "v1/ConfigMap": { since: "1.2" },
  "v1/Service": { since: "1.0" },
  "v1/Secret": { since: "1.0" },
  "v1/PersistentVolumeClaim": { since: "1.0" },
  "v1/ServiceAccount": { since: "1.0" },
  "rbac.authorization.k8s.io/v1/Role": { since: "1.8" },
  "rbac.authorization.k8s.io/v1/RoleBinding": { since: "1.8" },
  "storage.k8s.io/v1/StorageClass": { since: "1.6" },
  "batch/v1/Job": { since: "1.2" },
  "batch/v1/CronJob": { since: "1.21", why: "the runtime sync's periodic run, a `batch/v1` CronJob" },
  "networking.k8s.io/v1/NetworkPolicy": { since: "1.7" },
  "networking.k8s.io/v1/Ingress": { since: "1.19" },
  "autoscaling/v2/HorizontalPodAutoscaler": { since: "1.23" },
  "policy/v1/PodDisruptionBudget": { since: "1.27", why: "`unhealthyPodEvictionPolicy` (beta, on by default, from 1.27)" },
  "apps/v1/StatefulSet": { since: "1.28", why: "the pod-index label (`apps.kubernetes.io/pod-index`) that gives each pod its broker id" },
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": { since: "1.30", why: "the meta scale-in guard, an `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy" },
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": { since: "1.30", why: "the meta scale-in guard, an `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy" },
};

/** Who serves the CRD groups the features use. */
export const CRD_PROVIDERS: Readonly<Record<string, string>> = {
  "cert-manager.io": "cert-manager",
  "monitoring.coreos.com": "the Prometheus Operator (e.g. kube-prometheus-stack)",
};

type Manifest = Record<string, any>;

export interface RenderedObject {
  object: Manifest;
  /** The setting that adds it (PlanEntry.feature), for a feature's object. */
  feature?: string;
}

export interface CrdNeed {
  group: string;
  version: string;
  kind: string;
  objects: string[];
  features: string[];
  providedBy?: string;
}

export interface ClusterScopedNeed {
  /** `<plural>.<group>` as RBAC names it. */
  resource: string;
  kind: string;
  names: string[];
}

export interface Prerequisites {
  minKubernetes: string;
  /** Why that release: the kinds that need it. */
  minKubernetesWhy: string[];
  crds: CrdNeed[];
  clusterScoped: ClusterScopedNeed[];
  /** Things the objects name but do not create. */
  references: string[];
  images: string[];
}

export function groupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Groups Kubernetes serves itself: core, dot-less ones (apps, policy), and *.k8s.io. */
function builtIn(group: string): boolean {
  return group === "" || !group.includes(".") || group.endsWith(".k8s.io");
}

/** RBAC's plural for the kinds written here (English rules suffice for Kubernetes' kinds). */
export function plural(kind: string): string {
  const k = kind.toLowerCase();
  return k.endsWith("s") ? `${k}es` : k.endsWith("y") ? `${k.slice(0, -1)}ies` : `${k}s`;
}

const release = (v: string) => v.split(".").map(Number);
const newer = (a: string, b: string) => {
  const [x, y] = [release(a), release(b)];
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
};

const uniq = <T>(xs: T[]) => [...new Set(xs)];

export function prerequisites(objects: readonly RenderedObject[]): Prerequisites {
  let minKubernetes = "1.0";
  const why = new Map<string, string>();
  const crds = new Map<string, CrdNeed>();
  const scoped = new Map<string, ClusterScopedNeed>();
  const references: string[] = [];
  const images: string[] = [];
  for (const { object: o, feature } of objects) {
    const { group, version } = groupVersion(String(o.apiVersion));
    const id = `${o.kind}/${o.metadata?.name}`;
    if (builtIn(group)) {
      const known = BUILT_IN_KINDS[`${o.apiVersion}/${o.kind}`];
      if (known === undefined) {
        throw new Error(`${o.apiVersion} ${o.kind} is not in offline/prerequisites.ts BUILT_IN_KINDS: add the Kubernetes release that serves it`);
      }
      if (newer(known.since, minKubernetes)) {
        minKubernetes = known.since;
      }
      if (known.why !== undefined) {
        why.set(known.since + known.why, `${known.since}: ${known.why}`);
      }
    } else {
      const key = `${group}/${version}/${o.kind}`;
      const need: CrdNeed = crds.get(key) ?? { group, version, kind: o.kind, objects: [], features: [], providedBy: CRD_PROVIDERS[group] };
      need.objects.push(o.metadata.name);
      if (feature !== undefined && !need.features.includes(feature)) {
        need.features.push(feature);
      }
      crds.set(key, need);
    }
    if (o.metadata?.namespace === undefined) {
      const resource = `${plural(o.kind)}${group === "" ? "" : `.${group}`}`;
      const need: ClusterScopedNeed = scoped.get(resource) ?? { resource, kind: o.kind, names: [] };
      need.names.push(o.metadata.name);
      scoped.set(resource, need);
    }
    if (o.kind === "StorageClass") {
      references.push(`the provisioner \`${o.provisioner}\` (the cluster's volume provisioner or CSI driver) for StorageClass ${o.metadata.name}${o.allowVolumeExpansion === true ? ", with volume expansion" : ""}`);
    }
    if (o.kind === "CronJob" && o.metadata?.annotations?.["robustmq.io/volume-snapshot-class"] !== undefined) {
      references.push(
        `VolumeSnapshotClass \`${o.metadata.annotations["robustmq.io/volume-snapshot-class"]}\`, the VolumeSnapshot CRDs (\`snapshot.storage.k8s.io/v1\`) and a snapshot controller, for ${id}`,
      );
    }
    if (o.kind === "PersistentVolumeClaim" && o.spec?.dataSource?.kind === "VolumeSnapshot") {
      references.push(`VolumeSnapshot \`${o.spec.dataSource.name}\` (ready to use), for ${id}`);
    }
    if (o.kind === "Ingress" && o.spec?.ingressClassName !== undefined) {
      references.push(`IngressClass \`${o.spec.ingressClassName}\` and its controller, for ${id}`);
    }
    for (const [annotation, issuerKind] of [["cert-manager.io/cluster-issuer", "ClusterIssuer"], ["cert-manager.io/issuer", "Issuer"]]) {
      const issuer = o.metadata?.annotations?.[annotation];
      if (issuer !== undefined) {
        references.push(`cert-manager ${issuerKind} \`${issuer}\`, for ${id}`);
      }
    }
    if (o.kind === "Certificate" && o.spec?.issuerRef !== undefined) {
      references.push(`cert-manager ${o.spec.issuerRef.kind ?? "Issuer"} \`${o.spec.issuerRef.name}\`, for ${id}`);
    }
    if (o.kind === "Service" && o.spec?.type === "LoadBalancer") {
      references.push(`a load-balancer controller, for ${id} (type LoadBalancer)`);
    }
    if (o.kind === "HorizontalPodAutoscaler") {
      for (const m of o.spec?.metrics ?? []) {
        references.push(m.type === "Resource" ? `metrics-server (\`metrics.k8s.io\`), for ${id}'s ${m.resource.name} metric` : `a metrics adapter serving ${JSON.stringify(m[String(m.type).charAt(0).toLowerCase() + String(m.type).slice(1)]?.metric?.name ?? m.type)}, for ${id}`);
      }
    }
    const pod = o.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      images.push(c.image);
    }
  }
  return {
    minKubernetes,
    minKubernetesWhy: [...why.values()].filter((w) => w.startsWith(`${minKubernetes}:`)),
    crds: [...crds.values()],
    clusterScoped: [...scoped.values()],
    references: uniq(references),
    images: uniq(images),
  };
}

export function prerequisitesText(p: Prerequisites): string[] {
  const lines = [`- Kubernetes >= ${p.minKubernetes}${p.minKubernetesWhy.length === 0 ? "" : ` (${p.minKubernetesWhy.map((w) => w.replace(/^[0-9.]+: /, "")).join("; ")})`}.`];
  if (p.crds.length === 0) {
    lines.push("- CRDs: none.");
  }
  for (const c of p.crds) {
    lines.push(`- CRD \`${c.kind}\` (\`${c.group}/${c.version}\`)${c.providedBy === undefined ? "" : ` from ${c.providedBy}`}, for ${c.features.length === 0 ? "" : `${c.features.map((f) => `\`${f}\``).join(", ")}: `}${c.objects.join(", ")}.`);
  }
  if (p.clusterScoped.length > 0) {
    lines.push(
      `- Cluster-scoped objects, so the applier needs create, get and patch on ${p.clusterScoped.map((c) => `\`${c.resource}\``).join(", ")}` +
        `${p.clusterScoped.some((c) => c.resource.startsWith("validatingadmissionpolicies")) ? " (admission policies act on the whole cluster: usually cluster-admin)" : ""}: ` +
        `${p.clusterScoped.map((c) => `${c.kind} ${c.names.join(", ")}`).join("; ")}.`,
    );
  }
  for (const r of p.references) {
    lines.push(`- Named, not created: ${r}.`);
  }
  lines.push(`- Images pulled: ${p.images.map((i) => `\`${i}\`${i.includes("@sha256:") ? "" : " (a tag, which can move: pin it by digest with the stack's image setting)"}`).join(", ")}.`);
  return lines;
}
