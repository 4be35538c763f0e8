/** Every invalid argument of a component, reported at once, before anything is registered. */
export class RobustMQArgsError extends Error {
  constructor(
    readonly component: string,
    readonly problems: string[],
    kind = "RobustMQCluster",
  ) {
    super(`Invalid arguments for ${kind} "${component}":\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RobustMQArgsError";
  }
}
