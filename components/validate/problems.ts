// One way to collect problems: every validator returns "field: what is wrong (what is accepted)"
// strings, a ProblemCollector gathers them, and nothing is registered until none is left.
import { RobustMQArgsError } from "./errors";

export type Problems = string[];

/** A value as it appears in a message: strings quoted, objects as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export class ProblemCollector {
  readonly problems: Problems = [];

  add(...problems: Problems): void {
    for (const p of problems) {
      if (!this.problems.includes(p)) {
        this.problems.push(p);
      }
    }
  }

  /** Throws a RobustMQArgsError listing every problem, if there is one. */
  throwIfAny(component: string, kind?: string): void {
    if (this.problems.length > 0) {
      throw new RobustMQArgsError(component, this.problems, kind);
    }
  }
}
