// Pinned versions and the image layout the cluster component relies on.
// Bumping ROBUSTMQ_VERSION is a deliberate change reviewed in a pull request, never a floating tag.

/** The RobustMQ release this package is tested against. */
export const ROBUSTMQ_VERSION = "v0.4.11";

export const DEFAULT_IMAGE_REPOSITORY = "ghcr.io/robustmq/robustmq";
export const DEFAULT_IMAGE = `${DEFAULT_IMAGE_REPOSITORY}:${ROBUSTMQ_VERSION}`;

/**
 * Image for the bootstrap gate init container (meta-carrying tiers of more than one pod). It needs
 * a shell, grep and nc; the RobustMQ container itself never gets a shell wrapper.
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
/** The persistent volume: RocksDB, Raft snapshots, engine segments and the membership log. */
export const DATA_MOUNT_PATH = `${ROBUSTMQ_HOME}/data`;
/**
 * RobustMQ's top-level `data_path`: RocksDB (and with it the Raft log) lives in `<data_path>/_rocksdb`,
 * Raft snapshots in `<data_path>/_snapshot`. v0.4.11 has no `[rocksdb]` section.
 */
export const DATA_PATH = "./data";
export const ENGINE_DATA_DIR = "./data/engine";
/** `log.log_path`: RobustMQ creates it at start-up even when logging to stdout, so it must be writable. */
export const LOG_PATH = "./data/logs";

/**
 * Proof that a meta node's Raft state was initialised on this volume. RobustMQ opens RocksDB (creating
 * `_rocksdb`) before it even looks at Raft, so a directory cannot tell "joined a cluster" from
 * "started once and died before joining". RobustMQ itself logs this line (target
 * meta_service::raft::manager, src/meta-service/src/raft/manager.rs at v0.4.11) only after it has
 * recovered, joined or bootstrapped; the generated logger.toml copies that target into a file on
 * the data volume, which the bootstrap gate reads.
 */
export const MEMBERSHIP_LOG = {
  target: "meta_service::raft::manager",
  line: "Multi-Raft started",
  directory: LOG_PATH,
  prefix: "raft-membership",
  suffix: "log",
} as const;
/** Absolute path of the membership log (tracing-appender names a never-rotated file "<prefix>.<suffix>"). */
export const MEMBERSHIP_LOG_FILE = `${ROBUSTMQ_HOME}/${MEMBERSHIP_LOG.directory.replace(/^\.\//, "")}/${MEMBERSHIP_LOG.prefix}.${MEMBERSHIP_LOG.suffix}`;

/**
 * Log target of RobustMQ's `print_conf`, which logs the whole effective config, credentials
 * included, at info on every start (src/broker-server/src/common.rs at v0.4.11).
 */
export const PRINT_CONF_TARGET = "broker_server::common";
