// The problems resolveClusterArgs reports for some args, as the tests of validation compare them.
import { strict as assert } from "assert";
import type { RobustMQClusterArgs } from "../components";
import { RobustMQArgsError } from "../components/validate/errors";
import { resolveClusterArgs } from "../components/cluster/resolve";

/** Every problem of `args` (none: []); anything thrown other than RobustMQArgsError fails. */
export function problemsOf(args: RobustMQClusterArgs, name = "rmq"): string[] {
  try {
    resolveClusterArgs(name, args);
  } catch (e) {
    assert.ok(e instanceof RobustMQArgsError, `expected RobustMQArgsError, got ${e}`);
    return e.problems;
  }
  return [];
}
