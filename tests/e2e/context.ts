// One control plane and one Pulumi environment for the whole end-to-end run, started by the root
// hooks (hooks.ts) and shared by every scenario file.
import type { ControlPlane } from "./harness/control-plane";
import type { E2EStack, PulumiEnv } from "./harness/pulumi";
import type { Report } from "./harness/report";
import type { Tools } from "./harness/tools";

export interface E2EContext {
  tools: Tools;
  cp: ControlPlane;
  pulumi: PulumiEnv;
  report: Report;
  /** Scratch directory of the run (logs, state, certificates); removed after a passing run. */
  workDir: string;
}

let current: E2EContext | undefined;

export function setContext(c: E2EContext | undefined): void {
  current = c;
}

export function e2e(): E2EContext {
  if (current === undefined) {
    throw new Error("the end-to-end control plane is not running (run with `npm run test:e2e`, which loads tests/e2e/hooks.ts)");
  }
  return current;
}

const stacks = new Map<string, E2EStack>();

/** Stacks brought up by 01-stacks.e2e.ts, for the scenarios that follow (prod stays up until 99-teardown). */
export function registerStack(name: string, stack: E2EStack): void {
  stacks.set(name, stack);
}

export function deployedStack(name: string): E2EStack {
  const s = stacks.get(name);
  if (s === undefined) {
    throw new Error(`the ${name} stack was not brought up (01-stacks.e2e.ts)`);
  }
  return s;
}
