// Pinned versions and the image layout the cluster component relies on.
// Bumping ROBUSTMQ_VERSION is a deliberate change reviewed in a pull request, never a floating tag.

/** The RobustMQ release this package is tested against. */
export const ROBUSTMQ_VERSION = "v0.4.11";

export const DEFAULT_IMAGE_REPOSITORY = "ghcr.io/robustmq/robustmq";
export const DEFAULT_IMAGE = `${DEFAULT_IMAGE_REPOSITORY}:${ROBUSTMQ_VERSION}`;

/**
 * Image for the bootstrap gate init container (combined topology with more than one node only).
 * It needs a shell and `nc`; the RobustMQ container itself never gets a shell wrapper.
 */
export const DEFAULT_BOOTSTRAP_GATE_IMAGE =
  "docker.io/library/busybox:1.37.0@sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e";

/** Where RobustMQ lives in the image: relative paths in its config resolve against this directory. */
export const ROBUSTMQ_HOME = "/robustmq";
/** The server binary, absolute, so the pod does not depend on the image's WORKDIR or ENTRYPOINT. */
export const BROKER_SERVER_BINARY = `${ROBUSTMQ_HOME}/libs/broker-server`;
/**
 * Where the generated server.toml and logger.toml are mounted. Deliberately not /robustmq/config:
 * mounting over that directory would hide the TLS certificates the image ships there.
 */
export const CONFIG_MOUNT_PATH = "/etc/robustmq";
/** The persistent volume: RocksDB, engine segments and any file logs live below it. */
export const DATA_MOUNT_PATH = `${ROBUSTMQ_HOME}/data`;
/** RocksDB directory; its presence means the node has run before and may hold Raft state. */
export const ROCKSDB_DIR = "./data/rocksdb";
export const ENGINE_DATA_DIR = "./data/engine";
