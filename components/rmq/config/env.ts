// RobustMQ's environment overrides (src/common/config/src/common.rs at v0.4.11): for each line
// `key = value` of the file under section [a.b], the env var ROBUST_MQ_SERVER_A_B_KEY replaces
// the whole right-hand side with its raw text. Only lines present in the file can be overridden,
// so the generated file carries an inert placeholder for every value a pod sets from its env.

/** The env var RobustMQ maps to a dotted key. */
export function envVarForKey(dottedKey: string): string {
  const parts = dottedKey.split(".");
  const key = parts.pop() as string;
  const section = parts.join("_");
  return ["ROBUST_MQ_SERVER", section, key].filter((s) => s.length > 0).join("_").toUpperCase();
}

/** broker_id: derived per pod. 0 is never a usable id (ours start at 10), so a pod without the override is visibly wrong. */
export const BROKER_ID_OVERRIDE = { key: "broker_id", env: envVarForKey("broker_id"), placeholder: 0 } as const;
