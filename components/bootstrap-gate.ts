// The bootstrap gate: an init container for the combined topology with more than one node.
//
// A RobustMQ meta node with an empty data directory probes its meta peers; if none answers it
// bootstraps a new single-node Raft cluster. Combined pods start in Parallel (see topology.ts), so
// without a gate two fresh pods can both find nobody and form two clusters. The gate makes pod 0
// the only pod that may ever bootstrap: a fresh pod with ordinal > 0 waits until some meta peer
// answers on its gRPC port, then RobustMQ's own probe finds that peer and joins it. A pod that
// already holds data (a restart) passes at once, so a cold restart of every pod never waits on
// another pod and cannot deadlock.
import type * as k8s from "@pulumi/kubernetes";
import { POD_INDEX_ENV } from "./identity";
import { DATA_MOUNT_PATH, ROBUSTMQ_HOME, ROCKSDB_DIR } from "./versions";

export const GATE_PEERS_ENV = "ROBUSTMQ_META_PEERS";
export const GATE_STATE_PATH = `${ROBUSTMQ_HOME}/${ROCKSDB_DIR.replace(/^\.\//, "")}`;

export const GATE_SCRIPT = [
  "set -eu",
  `if [ "$${POD_INDEX_ENV}" = "0" ]; then echo "pod 0 is the only pod that may bootstrap the cluster"; exit 0; fi`,
  `if [ -e "${GATE_STATE_PATH}" ]; then echo "local state found: restarting, not waiting for peers"; exit 0; fi`,
  "while true; do",
  `  for peer in $${GATE_PEERS_ENV}; do`,
  '    if nc -w 2 "${peer%:*}" "${peer##*:}" </dev/null >/dev/null 2>&1; then echo "meta peer $peer answers: this node will join it"; exit 0; fi',
  "  done",
  '  echo "fresh node, no meta peer answers yet: waiting so that it joins instead of bootstrapping"',
  "  sleep 2",
  "done",
].join("\n");

export function bootstrapGateContainer(args: {
  image: string;
  peers: string[];
  podIndexEnv: k8s.types.input.core.v1.EnvVar;
  securityContext: k8s.types.input.core.v1.SecurityContext;
}): k8s.types.input.core.v1.Container {
  return {
    name: "bootstrap-gate",
    image: args.image,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", GATE_SCRIPT],
    env: [args.podIndexEnv, { name: GATE_PEERS_ENV, value: args.peers.join(" ") }],
    volumeMounts: [{ name: "data", mountPath: DATA_MOUNT_PATH, readOnly: true }],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: args.securityContext,
  };
}
