// What kwok does besides running pods: its Stages (kwok's own API) written for this harness. kwok
// plays the parts of a cluster no control-plane binary plays and no RobustMQ binary can here:
// - nodes and pods: kwok's shipped stages (node-initialize, node-heartbeat-with-lease, pod-ready,
//   pod-complete, pod-delete), read from the kwok module;
// - a CSI driver's external provisioner and resizer, for the provisioners the stacks' StorageClasses
//   name: a claim the scheduler has placed gets a volume of exactly its size, and a claim whose
//   size grows gets its volume and capacity grown (the real PV controller binds, the real expand
//   controller hands the resize to the "external" resizer);
// - a cloud load-balancer controller and ingress-nginx: LoadBalancer Services and Ingresses of
//   class nginx get an address, which is what `pulumi up` waits for;
// - a failing runtime sync: a Job's pod labelled SYNC_OUTCOME_LABEL=fail ends Failed, its container
//   terminated as the sync ends when RobustMQ refuses something, so `pulumi up`'s handling of a
//   failed Job is seen (kwok's pod-complete makes every other Job's pod Succeeded).
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

/** The provisioners of the StorageClasses the stacks create (features/storage-class.ts presets). */
export const SIMULATED_PROVISIONERS = ["ebs.csi.aws.com", "rancher.io/local-path", "pd.csi.storage.gke.io", "disk.csi.azure.com"];
/**
 * A provisioner whose volumes never finish an expansion (a driver without online resize, or a
 * resizer that is down): the API server's rules for a pending expansion, observed.
 */
export const NO_RESIZE_PROVISIONER = "e2e.example.com/no-resize";
/** Address a simulated load balancer or ingress controller publishes (TEST-NET-2, never routed). */
export const SIMULATED_ADDRESS = "198.51.100.7";
export const INGRESS_CLASS = "nginx";

const SHIPPED = ["node/fast/node-initialize.yaml", "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml", "pod/fast/pod-ready.yaml", "pod/fast/pod-complete.yaml", "pod/fast/pod-delete.yaml"];

/** Label that makes a Job's pod fail (value "fail") instead of completing. */
export const SYNC_OUTCOME_LABEL = "e2e.robustmq.io/sync-outcome";
/** The failed container's termination message, as the sync writes it for a refused create. */
export const SYNC_FAILURE_MESSAGE = "topic default/x: POST /api/cluster/topic/create: RobustMQ refused it: stand-in failure";

const cel = (expression: string) => ({ cel: { expression } });
// apiGroup is kwok's group/version ("v1" for the core group).
const stage = (name: string, apiGroup: string, kind: string, matchExpressions: unknown[], steps: unknown[], weight?: number) => ({
  apiVersion: "kwok.x-k8s.io/v1alpha1",
  kind: "Stage",
  metadata: { name },
  spec: { resourceRef: { apiGroup, kind }, selector: { matchExpressions }, ...(weight === undefined ? {} : { weight }), steps },
});

const PROVISIONER = "volume.kubernetes.io/storage-provisioner";
// A volume's access modes and size, as the claim it serves asks for them (kwok's Go templates).
const VOLUME_SIZE = [
  "  accessModes:",
  "{{- range .spec.accessModes }}",
  "  - {{ . | Quote }}",
  "{{- end }}",
  "  capacity:",
  "    storage: {{ .spec.resources.requests.storage | Quote }}",
];
const SELECTED_NODE = "volume.kubernetes.io/selected-node";

function harnessStages(): unknown[] {
  const ours = SIMULATED_PROVISIONERS.map((p) => `'${p}'`).join(", ");
  const provisioned = [...SIMULATED_PROVISIONERS, NO_RESIZE_PROVISIONER].map((p) => `'${p}'`).join(", ");
  return [
    // The external provisioner: a volume for a claim the PV controller handed to one of our
    // provisioners, once the scheduler has chosen the pod's node (WaitForFirstConsumer).
    stage(
      "e2e-csi-provision",
      "v1",
      "PersistentVolumeClaim",
      [
        cel("!has(self.metadata.deletionTimestamp)"),
        cel("!has(self.spec.volumeName)"),
        cel(`has(self.metadata.annotations) && '${PROVISIONER}' in self.metadata.annotations && self.metadata.annotations['${PROVISIONER}'] in [${provisioned}]`),
        cel(`has(self.metadata.annotations) && '${SELECTED_NODE}' in self.metadata.annotations`),
      ],
      [
        {
          apply: {
            template: [
              "apiVersion: v1",
              "kind: PersistentVolume",
              "metadata:",
              "  name: pvc-{{ .metadata.uid }}",
              "  annotations:",
              `    pv.kubernetes.io/provisioned-by: {{ index .metadata.annotations "${PROVISIONER}" | Quote }}`,
              "spec:",
              ...VOLUME_SIZE,
              "  persistentVolumeReclaimPolicy: Retain",
              "  storageClassName: {{ .spec.storageClassName | Quote }}",
              '  volumeMode: {{ default "Filesystem" .spec.volumeMode | Quote }}',
              "  claimRef:",
              "    apiVersion: v1",
              "    kind: PersistentVolumeClaim",
              "    name: {{ .metadata.name | Quote }}",
              "    namespace: {{ .metadata.namespace | Quote }}",
              "    uid: {{ .metadata.uid | Quote }}",
              "  hostPath:",
              "    path: /var/lib/e2e-volumes/pvc-{{ .metadata.uid }}",
              "    type: DirectoryOrCreate",
              "",
            ].join("\n"),
          },
        },
      ],
    ),
    // The external resizer: a bound claim asking for more than its capacity (the API server has
    // already checked the class allows expansion) gets its volume and its capacity grown.
    stage(
      "e2e-csi-resize",
      "v1",
      "PersistentVolumeClaim",
      [
        cel("!has(self.metadata.deletionTimestamp)"),
        cel("has(self.spec.volumeName) && has(self.status.capacity)"),
        cel("self.status.phase == 'Bound'"),
        cel(`has(self.metadata.annotations) && '${PROVISIONER}' in self.metadata.annotations && self.metadata.annotations['${PROVISIONER}'] in [${ours}]`),
        cel("self.spec.resources.requests.storage != self.status.capacity.storage"),
      ],
      [
        {
          // kwok's apply creates first and patches on AlreadyExists, so the template is a valid
          // volume (the one the provision stage made), with the new capacity.
          apply: {
            type: "merge",
            template: [
              "apiVersion: v1",
              "kind: PersistentVolume",
              "metadata:",
              "  name: {{ .spec.volumeName | Quote }}",
              "spec:",
              ...VOLUME_SIZE,
              "  storageClassName: {{ .spec.storageClassName | Quote }}",
              "  hostPath:",
              "    path: /var/lib/e2e-volumes/{{ .spec.volumeName }}",
              "    type: DirectoryOrCreate",
              "",
            ].join("\n"),
          },
        },
        { patch: { root: "status", subresource: "status", template: "capacity:\n  storage: {{ .spec.resources.requests.storage | Quote }}\n" } },
      ],
    ),
    stage(
      "e2e-load-balancer",
      "v1",
      "Service",
      [cel("self.spec.type == 'LoadBalancer'"), cel("!has(self.status.loadBalancer.ingress)")],
      [{ patch: { root: "status", subresource: "status", template: `loadBalancer:\n  ingress:\n  - ip: ${SIMULATED_ADDRESS}\n    ipMode: VIP\n` } }],
    ),
    stage(
      "e2e-ingress-nginx",
      "networking.k8s.io/v1",
      "Ingress",
      [cel(`has(self.spec.ingressClassName) && self.spec.ingressClassName == '${INGRESS_CLASS}'`), cel("!has(self.status.loadBalancer.ingress)")],
      [{ patch: { root: "status", subresource: "status", template: `loadBalancer:\n  ingress:\n  - ip: ${SIMULATED_ADDRESS}\n` } }],
    ),
    // A sync that RobustMQ refused: the pod fails with the sync's exit code and termination
    // message. pod-complete matches the same pods; kwok (pkg/utils/lifecycle, Lifecycle.Match)
    // picks among matching stages at random by weight, keeping only those of weight > 0 when any
    // has one: pod-complete has none, so this weight makes the choice certain.
    stage(
      "e2e-sync-fail",
      "v1",
      "Pod",
      [
        { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
        { key: ".status.phase", operator: "In", values: ["Running"] },
        { key: ".metadata.ownerReferences.[].kind", operator: "In", values: ["Job"] },
        { key: `.metadata.labels["${SYNC_OUTCOME_LABEL}"]`, operator: "In", values: ["fail"] },
      ],
      [
        {
          patch: {
            root: "status",
            subresource: "status",
            template: [
              "{{ $now := Now }}",
              "phase: Failed",
              "conditions:",
              "- type: Ready",
              '  status: "False"',
              "  lastTransitionTime: {{ $now | Quote }}",
              "- type: ContainersReady",
              '  status: "False"',
              "  lastTransitionTime: {{ $now | Quote }}",
              "containerStatuses:",
              "{{ range .spec.containers }}",
              "- image: {{ .image | Quote }}",
              "  name: {{ .name | Quote }}",
              "  ready: false",
              "  restartCount: 0",
              "  started: false",
              "  state:",
              "    terminated:",
              "      exitCode: 1",
              "      reason: Error",
              `      message: ${JSON.stringify(SYNC_FAILURE_MESSAGE)}`,
              "      startedAt: {{ $now | Quote }}",
              "      finishedAt: {{ $now | Quote }}",
              "{{ end }}",
              "",
            ].join("\n"),
          },
        },
      ],
      1,
    ),
  ];
}

/** The config files kwok is started with: kwok's shipped node and pod stages, then ours. */
export function kwokConfigFiles(kwokModuleDir: string, dir: string): string[] {
  const shipped = SHIPPED.map((f) => path.join(kwokModuleDir, "kustomize", "stage", f));
  for (const f of shipped) {
    if (!fs.existsSync(f)) {
      throw new Error(`kwok's stage ${f} is missing from the kwok module`);
    }
  }
  const ours = path.join(dir, "e2e-stages.yaml");
  fs.writeFileSync(ours, harnessStages().map((s) => stringify(s)).join("---\n"));
  return [...shipped, ours];
}
