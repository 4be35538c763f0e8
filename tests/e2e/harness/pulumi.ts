// The real Pulumi CLI and engine (3.248, built from the Go module proxy) with the real Kubernetes
// provider installed as a local plugin, state in a local file backend, no Pulumi account and no
// network. Programs are the repository's own (stacks/program.ts), run as Automation API inline
// programs: @pulumi/pulumi's in-process language runtime stands in the place of the
// pulumi-language-nodejs host, which the Go module proxy does not serve; everything the engine
// does (plan, diff, awaits, state) is the CLI's.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpType, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { ROOT, Tools } from "./tools";

export const PROJECT = "robustmq";
export const PASSPHRASE = "e2e-passphrase-not-a-secret";

export interface PulumiEnv {
  command: PulumiCommand;
  env: Record<string, string>;
  backendDir: string;
  projectsDir: string;
  logDir: string;
}

function pluginInstalled(home: string, kind: string, name: string, version: string, marker: string): boolean {
  const dir = path.join(home, "plugins", `${kind}-${name}-v${version}`);
  return fs.existsSync(path.join(dir, `pulumi-${kind}-${name}`)) && fs.existsSync(path.join(dir, ".e2e-source")) && fs.readFileSync(path.join(dir, ".e2e-source"), "utf8") === marker;
}

/** Runs the pulumi CLI in `cwd` with the run's environment; fails with its stderr. */
export function cli(p: PulumiEnv, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(p.command.command, args, { cwd, env: { ...process.env, ...p.env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null) {
        reject(new Error(`pulumi ${args.join(" ")} failed: ${stderr.trim() || stdout.trim()}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** `pulumi plugin install resource <name> <version> --file <binary>`, once per built binary. */
export async function installPlugin(p: PulumiEnv, name: string, version: string, file: string): Promise<void> {
  const home = p.env.PULUMI_HOME;
  const marker = `${fs.realpathSync(file)} ${fs.statSync(file).mtimeMs}`;
  if (pluginInstalled(home, "resource", name, version, marker)) {
    return;
  }
  await cli(p, ["plugin", "install", "resource", name, version, "--file", file, "--reinstall"], ROOT);
  fs.writeFileSync(path.join(home, "plugins", `resource-${name}-v${version}`, ".e2e-source"), marker);
}

export async function preparePulumi(tools: Tools, workDir: string, kubeconfig: string): Promise<PulumiEnv> {
  // Plugins live beside the built tools, so a warm run does not copy the provider again.
  const home = path.join(path.dirname(tools.binDir), "pulumi-home");
  const backendDir = path.join(workDir, "state");
  const projectsDir = path.join(workDir, "projects");
  const logDir = path.join(workDir, "pulumi-logs");
  for (const d of [home, backendDir, projectsDir, logDir]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const env: Record<string, string> = {
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    // Offline: no update check, no plugin download, no registry lookup.
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    // Plugins come from the plugin cache at exactly the version the program asks for, never from
    // whatever pulumi-resource-* happens to be on PATH.
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    KUBECONFIG: kubeconfig,
  };
  const command = await PulumiCommand.get({ root: path.dirname(tools.binDir) });
  const p: PulumiEnv = { command, env, backendDir, projectsDir, logDir };
  await installPlugin(p, "kubernetes", tools.kubernetesProviderVersion, tools.bin("pulumi-resource-kubernetes"));
  return p;
}

/** A stack's non-secret config, "robustmq:<key>" -> value as the stack file holds it (objects as objects). */
export type StackConfig = Record<string, unknown>;

export function repoStackConfig(stack: string): StackConfig {
  const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
  return { ...(doc.config ?? {}) };
}

export interface StepRecord {
  op: OpType;
  urn: string;
  type: string;
  /** The resource's Pulumi name (the URN's last segment). */
  name: string;
  keys: string[];
  diffs: string[];
}

export interface RunResult {
  steps: StepRecord[];
  /** Pulumi's own summary: op -> count. */
  summary: Record<string, number>;
  stdout: string;
}

/**
 * One stack of the repository's project, in a scratch copy of Pulumi.yaml and the stack's config
 * file (the repository's files are never written). Config is replaced wholesale by `configure`.
 */
export class E2EStack {
  private constructor(
    readonly name: string,
    readonly stack: Stack,
    private readonly p: PulumiEnv,
    private readonly dir: string,
  ) {}

  static async create(p: PulumiEnv, name: string, program: PulumiFn): Promise<E2EStack> {
    const dir = path.join(p.projectsDir, name);
    fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    // The CLI checks that the project's main exists, even when the program runs inline.
    const main = path.join(dir, "stacks", "index.ts");
    if (!fs.existsSync(main)) {
      fs.symlinkSync(path.join(ROOT, "stacks", "index.ts"), main);
    }
    const ws = await LocalWorkspace.create({ workDir: dir, program, envVars: p.env, pulumiCommand: p.command });
    const stack = await Stack.createOrSelect(name, ws);
    return new E2EStack(name, stack, p, dir);
  }

  private stackFile(): string {
    return path.join(this.dir, "stacks", `Pulumi.${this.name}.yaml`);
  }

  /** Sets the stack's whole config: plain values written to the stack file, secrets through the CLI (encrypted). */
  async configure(config: StackConfig, secrets: Record<string, string> = {}): Promise<void> {
    const file = this.stackFile();
    const doc = fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) ?? {}) : {};
    doc.config = config;
    fs.writeFileSync(file, stringify(doc));
    for (const [key, value] of Object.entries(secrets)) {
      await this.stack.setConfig(key, { value, secret: true });
    }
  }

  private log(kind: string): { onOutput: (s: string) => void; file: string } {
    const file = path.join(this.p.logDir, `${this.name}-${Date.now()}-${kind}.log`);
    return { file, onOutput: (s: string) => fs.appendFileSync(file, s) };
  }

  private static collect(events: EngineEvent[]): StepRecord[] {
    return events
      .map((e) => e.resourcePreEvent?.metadata)
      .filter((m) => m !== undefined)
      .map((m) => ({ op: m.op, urn: m.urn, type: m.type, name: m.urn.split("::").pop() as string, keys: m.keys ?? [], diffs: m.diffs ?? [] }));
  }

  /** `pulumi preview --diff`; `program` replaces the stack's program for this run. */
  async preview(program?: PulumiFn): Promise<RunResult> {
    const events: EngineEvent[] = [];
    const { onOutput } = this.log("preview");
    const r = await this.stack.preview({ diff: true, onEvent: (e) => events.push(e), onOutput, ...(program === undefined ? {} : { program }) });
    return { steps: E2EStack.collect(events), summary: r.changeSummary as Record<string, number>, stdout: r.stdout };
  }

  /** A preview that may fail (a refusal is what some checks expect): its error text, or its result. */
  async previewOrError(program?: PulumiFn): Promise<RunResult | { error: string }> {
    try {
      return await this.preview(program);
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  async up(program?: PulumiFn): Promise<RunResult> {
    const events: EngineEvent[] = [];
    const { onOutput } = this.log("up");
    const r = await this.stack.up({ onEvent: (e) => events.push(e), onOutput, ...(program === undefined ? {} : { program }) });
    return { steps: E2EStack.collect(events), summary: (r.summary.resourceChanges ?? {}) as Record<string, number>, stdout: r.stdout };
  }

  async refresh(): Promise<RunResult> {
    const events: EngineEvent[] = [];
    const { onOutput } = this.log("refresh");
    const r = await this.stack.refresh({ onEvent: (e) => events.push(e), onOutput });
    return { steps: E2EStack.collect(events), summary: (r.summary.resourceChanges ?? {}) as Record<string, number>, stdout: r.stdout };
  }

  async destroy(): Promise<RunResult> {
    const events: EngineEvent[] = [];
    const { onOutput } = this.log("destroy");
    const r = await this.stack.destroy({ onEvent: (e) => events.push(e), onOutput });
    return { steps: E2EStack.collect(events), summary: (r.summary.resourceChanges ?? {}) as Record<string, number>, stdout: r.stdout };
  }

  /** Any CLI command on this stack (e.g. `state unprotect`), in its project directory. */
  async cli(args: string[]): Promise<string> {
    return cli(this.p, [...args, "--stack", this.name, "--non-interactive"], this.dir);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const o = await this.stack.outputs();
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));
  }
}

/**
 * What a refresh changed in the state: Pulumi counts a resource whose live object differs from
 * its state as "update" (or "delete" when it is gone); every refresh step's own op is "refresh".
 */
export function drift(r: RunResult): Record<string, number> {
  return Object.fromEntries(Object.entries(r.summary).filter(([op, n]) => op !== "same" && n > 0));
}

/** Steps that change something (what `pulumi preview` lists besides "same" and reads). */
export function changes(steps: StepRecord[]): StepRecord[] {
  return steps.filter((s) => s.op !== "same" && s.op !== "read" && s.op !== "refresh");
}
