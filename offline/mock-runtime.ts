// Runs a Pulumi program under Pulumi's mock runtime and returns what it registered. Used by the
// tests and by `npm run render`: no engine, no cluster, no credentials.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** The resource options the engine would act on (after the SDK's inheritance from the parent). */
  options: RegisteredOptions;
}

export interface RegisteredOptions {
  protect: boolean;
  ignoreChanges: string[];
  retainOnDelete: boolean;
}

/** Options by "type::name", filled by the wrapper below while a run registers its resources. */
let optionsSeen: Map<string, RegisteredOptions> | undefined;
let wrapped = false;

/**
 * Mocks see a resource's inputs but not its options; the SDK's registerResource (runtime/resource.js,
 * called from Resource's constructor after inherited options are filled in) sees both.
 */
function recordOptions(): void {
  if (wrapped) {
    return;
  }
  wrapped = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rt = require("@pulumi/pulumi/runtime/resource");
  const original = rt.registerResource;
  rt.registerResource = function (res: { __protect?: boolean }, parent: unknown, type: string, name: string, custom: boolean, ...rest: any[]) {
    const opts = (rest[3] ?? {}) as pulumi.CustomResourceOptions;
    optionsSeen?.set(`${type}::${name}`, {
      protect: res.__protect === true,
      ignoreChanges: [...(opts.ignoreChanges ?? [])],
      retainOnDelete: opts.retainOnDelete === true,
    });
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments);
  };
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

async function runAlone<T>(program: () => T, options: MockRunOptions): Promise<{ resources: Registered[]; result: T }> {
  const resources: Registered[] = [];
  recordOptions();
  const seen = new Map<string, RegisteredOptions>();
  optionsSeen = seen;
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        const options = seen.get(`${args.type}::${args.name}`) ?? { protect: false, ignoreChanges: [], retainOnDelete: false };
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, options });
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

/**
 * The segments of a Pulumi property path (`a.b[0]["k.with.dots"]`): dots and brackets separate
 * them, a quoted key is one segment whatever it holds.
 */
export function propertyPath(p: string): string[] {
  const out: string[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+|\*)\]|([^.[\]]+)/g;
  for (const m of p.matchAll(re)) {
    out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : (m[2] ?? m[3]));
  }
  return out;
}

/**
 * Inputs with the values at `ignoreChanges` paths replaced by a marker: what the engine compares
 * between two runs of a program (it keeps the stored value there), so two evaluations of the same
 * program are equal even where it draws a value anew on every run (cluster/credentials.ts).
 */
export function withIgnoredMasked(inputs: Record<string, any>, ignoreChanges: string[]): Record<string, any> {
  const out = structuredClone(inputs);
  // A secret value arrives wrapped (@pulumi/pulumi runtime/rpc.js specialSigKey): look inside.
  const unwrapped = (v: any) => (v !== null && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? v.value : v);
  for (const p of ignoreChanges) {
    const parts = propertyPath(p);
    const parent = unwrapped(parts.slice(0, -1).reduce<any>((v, k) => (v === undefined || v === null ? undefined : unwrapped(v)[k]), out));
    const last = parts[parts.length - 1];
    if (parent !== undefined && parent !== null && typeof parent === "object" && last in parent) {
      parent[last] = "(ignoreChanges: the stored value)";
    }
  }
  return out;
}
