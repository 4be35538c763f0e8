// Runs a Pulumi program under Pulumi's mock runtime and returns what it registered. Used by the
// tests and by `npm run render`: no engine, no cluster, no credentials.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** The resource's ignoreChanges option, as the engine receives it. */
  ignoreChanges: string[];
}

/** Value every generated random secret takes under mocks: recognisable, so tests can look for leaks. */
export const MOCK_RANDOM_PREFIX = "mock-generated-secret";

export interface MockRunOptions {
  /** Stack config as Pulumi passes it to a program: "ns:key" -> string (JSON for non-strings). */
  config?: Record<string, string>;
  /** Config keys whose values are secrets. */
  secretKeys?: string[];
  preview?: boolean;
  stack?: string;
  /**
   * The run is meant to fail during the deployment (a secret checked once known): its outputs
   * may never settle, so later runs do not queue behind it.
   */
  failsDuringDeployment?: boolean;
}

/** A deterministic stand-in digest: render and tests build nothing, so no real digest exists. */
export function mockDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(`mock:${seed}`).digest("hex")}`;
}

/**
 * What a registry reports after a docker-build push: "<tag>@<digest>". As with
 * `buildx imagetools create`, an index made from one index keeps that index's digest.
 */
function registryAnswer(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  if (args.type === "docker-build:index:Image") {
    const digest = mockDigest(args.name);
    return { digest, ref: `${args.inputs.tags[0]}@${digest}` };
  }
  if (args.type === "docker-build:index:Index") {
    const sources: string[] = args.inputs.sources ?? [];
    const digest = sources.length === 1 && sources[0].includes("@") ? sources[0].split("@")[1] : mockDigest(sources.join(","));
    return { ref: `${args.inputs.tag}@${digest}` };
  }
  return {};
}

function waitForRPCs(): Promise<void> {
  // Internal but stable since 3.x: drains the queue of resource registrations.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  return settings.waitForRPCs();
}

// The mock runtime is process-global: runs are queued so two never interleave their registrations.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` under mocks. Each call starts from a clean slate: config is replaced and the
 * registrations of earlier runs are not returned.
 */
export function runWithMocks<T>(program: () => T, options: MockRunOptions = {}): Promise<{ resources: Registered[]; result: T }> {
  const run = queue.then(() => runAlone(program, options));
  queue = options.failsDuringDeployment ? queue.then(() => undefined) : run.catch(() => undefined);
  return run;
}

/**
 * Options the mock's newResource is not given: read from the registration request on its way to
 * the mock monitor (the same request a real engine gets), per type and name in arrival order.
 */
function captureIgnoreChanges(): Map<string, string[][]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  const seen = new Map<string, string[][]>();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    const key = `${req.getType()}::${req.getName()}`;
    seen.set(key, [...(seen.get(key) ?? []), req.getIgnorechangesList()]);
    return original(req, callback);
  };
  return seen;
}

async function runAlone<T>(program: () => T, options: MockRunOptions): Promise<{ resources: Registered[]; result: T }> {
  const resources: Registered[] = [];
  let ignored = new Map<string, string[][]>();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        const pending = ignored.get(`${args.type}::${args.name}`) ?? [];
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, ignoreChanges: [...(pending.shift() ?? [])] });
        const state: Record<string, any> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword" || args.type === "random:index/randomString:RandomString") {
          const length = Number(args.inputs.length ?? 16);
          const base = `${MOCK_RANDOM_PREFIX}-${args.name}`;
          state.result = base.padEnd(length, "x");
        }
        Object.assign(state, registryAnswer(args));
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return args.inputs;
      },
    },
    "robustmq",
    options.stack ?? "test",
    options.preview ?? false,
  );
  ignored = captureIgnoreChanges();
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  const result = program();
  await waitForRPCs();
  return { resources, result };
}

/** Resolves an Output (or plain value) under mocks. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/**
 * Forgets the outputs a deliberately failed run left pending. A real deployment would stop there;
 * in a test process they would otherwise trip Pulumi's leaked-promise check at exit.
 */
export function discardPendingOutputs(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state");
  state.getStore().leakCandidates?.clear();
}
