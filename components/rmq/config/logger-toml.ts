// logger.toml: where RobustMQ's log lines go (its tracing appenders, src/common/base/src/logging at v0.4.11).
import { stringify } from "smol-toml";
import { MEMBERSHIP_LOG, PRINT_CONF_TARGET } from "../versions";

const LEVELS = ["off", "error", "warn", "info", "debug", "trace"] as const;

/** The less verbose of two levels. */
function quieter(a: string, b: string): string {
  return LEVELS.indexOf(a as never) <= LEVELS.indexOf(b as never) ? a : b;
}

/**
 * logger.toml. Logs go to stdout (Kubernetes collects them); two exceptions, both for safety:
 * - `print_conf` logs every credential at info on each start: its target is held at warn or
 *   quieter in every sink, whatever logLevel says.
 * - one line of RobustMQ's Raft manager is copied into a file on the data volume: the bootstrap
 *   gate reads it to know that this volume's node has joined a Raft cluster (see versions.ts).
 */
export function renderLoggerToml(level: string): string {
  // async_nats is chatty at info; keep it at warn unless the user asked for less or for debugging.
  const quiet = level === "error" || level === "debug" || level === "trace" ? level : "warn";
  const secrets = { path: PRINT_CONF_TARGET, level: quieter("warn", level) };
  return `${stringify({
    stdout: {
      kind: "console",
      targets: [
        { path: "", level },
        { path: "async_nats", level: quiet },
        { path: "openraft", level },
        { path: "openraft::raft::responder", level: "error" },
        secrets,
      ],
    },
    raft_membership: {
      kind: "rolling_file",
      targets: [{ path: MEMBERSHIP_LOG.target, level: "info" }, secrets],
      rotation: "never",
      directory: MEMBERSHIP_LOG.directory,
      prefix: MEMBERSHIP_LOG.prefix,
      suffix: MEMBERSHIP_LOG.suffix,
      ansi: false,
    },
  })}\n`;
}

