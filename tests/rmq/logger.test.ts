import { strict as assert } from "assert";
import { parse } from "smol-toml";
import { renderLoggerToml } from "../../components/rmq/config/logger-toml";
import { LogLevel, values } from "../../components/api/enums";
import { MEMBERSHIP_LOG, PRINT_CONF_TARGET } from "../../components/rmq/versions";

const LOG_LEVELS = values(LogLevel);
const VERBOSITY = ["off", "error", "warn", "info", "debug", "trace"];

/**
 * Whether an appender writes an event of `target` at `level`: tracing-subscriber's Targets filter,
 * which RobustMQ builds from each appender's `targets` list, takes the longest listed path that
 * prefixes the target and disables targets no path prefixes.
 */
function writes(appender: { targets: Array<{ path: string; level: string }> }, target: string, level: string): boolean {
  const match = appender.targets
    .filter((t) => target.startsWith(t.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return match !== undefined && VERBOSITY.indexOf(match.level) >= VERBOSITY.indexOf(level);
}

describe("logger.toml", () => {
  for (const level of LOG_LEVELS) {
    it(`keeps print_conf's credentials out of every sink at logLevel ${level}`, () => {
      const appenders = Object.entries(parse(renderLoggerToml(level)) as Record<string, any>);
      assert.ok(appenders.length >= 2);
      for (const [name, appender] of appenders) {
        assert.equal(writes(appender, PRINT_CONF_TARGET, "info"), false, `${name} would log the config with its credentials`);
      }
      const stdout = appenders.find(([, a]) => a.kind === "console")![1];
      assert.equal(writes(stdout, "mqtt_broker::handler", level), true, "the rest of the log follows logLevel");
      assert.equal(writes(stdout, PRINT_CONF_TARGET, "error"), true, "errors of that module still show");
    });
  }

  it("copies only the Raft manager's lines to the membership log, a never-rotated file on the data volume", () => {
    for (const level of LOG_LEVELS) {
      const file = Object.values(parse(renderLoggerToml(level)) as Record<string, any>).filter((a) => a.kind === "rolling_file");
      assert.equal(file.length, 1);
      const [membership] = file;
      assert.equal(writes(membership, MEMBERSHIP_LOG.target, "info"), true, "whatever logLevel says");
      assert.equal(writes(membership, "meta_service::raft::network", "info"), false);
      assert.equal(writes(membership, "openraft", "info"), false);
      assert.equal(membership.rotation, "never");
      assert.match(membership.directory, /^\.\/data\//, "on the data volume, so it survives a restart");
    }
  });
});
