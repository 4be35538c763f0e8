// The bootstrap gate: an init container on every meta-carrying tier of more than one pod.
//
// A RobustMQ meta node whose Raft state is not initialised probes its meta peers' gRPC ports; the
// first that answers is joined, and if none answers the node bootstraps a new single-node cluster
// (src/meta-service/src/raft/manager.rs at v0.4.11). The tiers start their pods in parallel, so
// without a gate two empty pods could both find nobody and form two clusters. The gate decides,
// before RobustMQ starts, which of those branches a pod may reach:
//
// - The pod's node has joined a cluster before (the membership log on its volume holds RobustMQ's
//   own "Multi-Raft started" line): pass at once. RobustMQ recovers its state, so a cold restart
//   never waits for another pod, pod 0 included. The `_rocksdb` directory is no such proof:
//   RobustMQ creates it before it even looks at Raft, so a pod that died before it joined has one.
// - Any other meta pod serves its storage port: pass. That port opens only once the peer has
//   registered through a Raft leader (meta pods carry the engine role), so RobustMQ's own probe
//   finds a peer in a working cluster and its join succeeds. (The gRPC port opens before a node
//   has even joined: a join through it can fail, and RobustMQ then exits; see topology.ts for
//   why a restart after a failed join is the one thing an init container cannot guard.)
// - Pod 0 only: pass when every other meta pod answers on the gate port, i.e. is itself an empty
//   pod held by its gate. Only then may a node bootstrap, and only pod 0: so a second cluster
//   cannot be bootstrapped by pod 0 coming back on an empty volume while its peers hold the
//   cluster's state (they serve their storage port, or stay silent while down; pod 0 then waits).
// - Otherwise wait. A pod other than 0 answers on the gate port while it waits.
import type * as k8s from "@pulumi/kubernetes";
import { POD_INDEX_ENV } from "../rmq/identity";
import { DATA_MOUNT_PATH, MEMBERSHIP_LOG, MEMBERSHIP_LOG_FILE } from "../rmq/versions";

export const GATE_CONTAINER_NAME = "bootstrap-gate";
export const GATE_ENV = {
  peers: "ROBUSTMQ_META_PEERS",
  port: "ROBUSTMQ_GATE_PORT",
  marker: "ROBUSTMQ_GATE_MARKER",
  markerText: "ROBUSTMQ_GATE_MARKER_TEXT",
} as const;

/** POSIX sh (busybox): needs hostname, grep and nc (connect with -w, listen with -l -p). */
export const GATE_SCRIPT = [
  "set -u",
  'listener=""',
  // Leaving: stop the listener loop, then take the one connection its last nc waits for, so no
  // "empty and held" answer outlives the gate (the container's end would also end it).
  `pass() { echo "$1"; if [ -n "$listener" ]; then kill "$listener" 2>/dev/null; nc -w 1 127.0.0.1 "$${GATE_ENV.port}" </dev/null >/dev/null 2>&1; fi; exit 0; }`,
  `if grep -qF "$${GATE_ENV.markerText}" "$${GATE_ENV.marker}" 2>/dev/null; then`,
  '  pass "this node has joined a Raft cluster before: restarting, not waiting for peers"',
  "fi",
  // Pod names are the pods' host names, and every peer address starts with "<pod name>.".
  // Backquotes, not $(...): Kubernetes would read "$(hostname)" as a variable reference.
  'self="`hostname`."',
  'others=""',
  `for peer in $${GATE_ENV.peers}; do case "$peer" in "$self"*) ;; *) others="$others $peer" ;; esac; done`,
  `if [ "$${POD_INDEX_ENV}" != "0" ]; then`,
  `  ( while true; do nc -l -p "$${GATE_ENV.port}" </dev/null >/dev/null 2>&1 || sleep 1; done ) &`,
  "  listener=$!",
  "fi",
  "while true; do",
  "  for peer in $others; do",
  '    if nc -w 2 "${peer%:*}" "${peer##*:}" </dev/null >/dev/null 2>&1; then pass "meta peer $peer serves its storage port: this node joins its cluster"; fi',
  "  done",
  `  if [ "$${POD_INDEX_ENV}" = "0" ]; then`,
  "    held=yes",
  `    for peer in $others; do nc -w 2 "\${peer%:*}" "$${GATE_ENV.port}" </dev/null >/dev/null 2>&1 || held=no; done`,
  '    if [ "$held" = yes ]; then pass "every other meta pod is empty and held: pod 0 bootstraps the cluster"; fi',
  '    echo "empty volume, no meta peer serves and not every peer is known to be empty: waiting"',
  "  else",
  '    echo "empty volume, no meta peer serves yet: waiting so that this node joins instead of bootstrapping"',
  "  fi",
  "  sleep 2",
  "done",
].join("\n");

export function bootstrapGateContainer(args: {
  image: string;
  peers: string[];
  port: number;
  podIndexEnv: k8s.types.input.core.v1.EnvVar;
  securityContext: k8s.types.input.core.v1.SecurityContext;
}): k8s.types.input.core.v1.Container {
  return {
    name: GATE_CONTAINER_NAME,
    image: args.image,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", GATE_SCRIPT],
    env: [
      args.podIndexEnv,
      { name: GATE_ENV.peers, value: args.peers.join(" ") },
      { name: GATE_ENV.port, value: String(args.port) },
      { name: GATE_ENV.marker, value: MEMBERSHIP_LOG_FILE },
      { name: GATE_ENV.markerText, value: MEMBERSHIP_LOG.line },
    ],
    ports: [{ name: "gate", containerPort: args.port, protocol: "TCP" }],
    volumeMounts: [{ name: "data", mountPath: DATA_MOUNT_PATH, readOnly: true }],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: args.securityContext,
  };
}
