// What a Python or Go user's machine would have after `pulumi package add`, built from what this
// machine can have: the component provider the nodejs language host would start, its schema read
// by the real CLI, SDKs from Pulumi's own generators (sdkgen), a venv with PyPI's pulumi and the
// Python SDK, and the Go example compiled against the Go SDK. Nothing is written outside the run's
// scratch directory except the venv, which is cached beside the built tools under a key of what
// went into it.
import { createHash } from "crypto";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { PulumiEnv } from "../harness/pulumi";
import { cli } from "../harness/pulumi";
import { tail } from "../harness/processes";
import { ROOT, Tools } from "../harness/tools";

export const PLUGIN = "robustmq";
const EXAMPLES = path.join(ROOT, "examples");
const HERE = __dirname;

/**
 * The executable the engine starts for plugin `robustmq`: what pulumi-language-nodejs's RunPlugin
 * would start for this package (PulumiPlugin.yaml, runtime nodejs), which the Go module proxy does
 * not serve. It runs provider-host.ts, which does what the host's run-plugin script does.
 */
export function writeLauncher(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pulumi-resource-${PLUGIN}`);
  const tsx = require.resolve("tsx/cjs", { paths: [ROOT] });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    file,
    [
      "#!/bin/sh",
      "# Written by tests/e2e/languages/toolchain.ts for one end-to-end run: the robustmq component provider,",
      "# started as pulumi-language-nodejs's RunPlugin would start it (see provider-host.ts).",
      `exec ${q(process.execPath)} --require ${q(tsx)} ${q(path.join(HERE, "provider-host.ts"))} "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return file;
}

export interface PackageSchema {
  name: string;
  version: string;
  namespace?: string;
  resources: Record<string, unknown>;
  types: Record<string, unknown>;
}

/** `pulumi package get-schema <launcher>`: the CLI starts the provider and asks it. */
export async function getSchema(p: PulumiEnv, launcher: string, file: string): Promise<PackageSchema> {
  const out = await cli(p, ["package", "get-schema", launcher], path.dirname(file));
  fs.writeFileSync(file, out);
  return JSON.parse(out);
}

/** Where `pulumi package add` puts a package's SDK in a project (packages.InstallPackage). */
export function sdkDirName(schema: PackageSchema): string {
  return schema.namespace ? `${schema.namespace}-${schema.name}` : schema.name;
}

export function generateSdk(tools: Tools, schemaFile: string, language: "python" | "go", out: string): void {
  run(tools.bin("sdkgen"), ["-schema", schemaFile, "-language", language, "-out", out], { cwd: path.dirname(schemaFile), what: `sdkgen (${language})`, timeoutMs: 120_000 });
}

/** A scratch copy of examples/<language> with the generated SDK where `pulumi package add` puts it. */
export function projectCopy(language: "python" | "go", dir: string, sdk: string, sdkName: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(EXAMPLES, language), dir, { recursive: true, filter: (src) => !/(^|\/)(sdks|venv|__pycache__)$/.test(src) });
  fs.cpSync(sdk, path.join(dir, "sdks", sdkName), { recursive: true });
  return dir;
}

function hashTree(dir: string, h: ReturnType<typeof createHash>): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      h.update(`dir ${entry.name}\n`);
      hashTree(p, h);
    } else {
      h.update(`file ${entry.name}\n`).update(fs.readFileSync(p));
    }
  }
}

/**
 * A venv with PyPI's pulumi at the CLI's release and the project's requirements.txt installed
 * from the project copy (which names the generated SDK by its `sdks/` path). Cached beside the
 * tools, keyed by the interpreter, the pin, requirements.txt and the SDK's files: a warm run with
 * the same SDK does not run pip. Returns the venv's interpreter.
 */
export function pythonVenv(tools: Tools, project: string, sdkName: string, logFile: string): { python: string; cached: boolean } {
  let version: string;
  try {
    version = execFileSync("python3", ["--version"], { encoding: "utf8" }).trim();
  } catch (e) {
    throw new Error(`python3 is needed for the Python example (a venv with PyPI's pulumi): ${(e as Error).message}`);
  }
  const h = createHash("sha256").update(`${version}\npulumi==${tools.pulumiVersion}\n`).update(fs.readFileSync(path.join(project, "requirements.txt")));
  hashTree(path.join(project, "sdks", sdkName), h);
  const cache = path.dirname(tools.binDir);
  const venv = path.join(cache, `python-venv-${h.digest("hex").slice(0, 16)}`);
  const python = path.join(venv, "bin", "python");
  if (fs.existsSync(path.join(venv, ".done"))) {
    return { python, cached: true };
  }
  for (const old of fs.readdirSync(cache).filter((d) => d.startsWith("python-venv-"))) {
    fs.rmSync(path.join(cache, old), { recursive: true, force: true });
  }
  const opts = { cwd: project, what: "", timeoutMs: 600_000, logFile };
  run("python3", ["-m", "venv", venv], { ...opts, what: "python3 -m venv" });
  const pip = (args: string[]) => run(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", ...args], { ...opts, what: `pip install ${args.join(" ")}` });
  // The SDK accepts any pulumi 3.x; the one that pairs with the CLI is the CLI's release.
  pip([`pulumi==${tools.pulumiVersion}`]);
  pip(["-r", "requirements.txt"]);
  fs.writeFileSync(path.join(venv, ".done"), "");
  return { python, cached: false };
}

const goEnv = () => ({ ...process.env, GOFLAGS: "-mod=readonly" });

/**
 * The Go example as committed (go.mod, go.sum, main.go) builds against the generated SDK, and the
 * runner (tests/e2e/languages/go, a test binary in the example's package main) is compiled with a
 * copy of the example's main.go. Returns the runner binary.
 */
export function buildGo(project: string, runnerDir: string, sdkName: string, out: string, logFile: string): string {
  run("go", ["build", "-o", path.join(out, "robustmq-go"), "."], { cwd: project, env: goEnv(), what: "go build of examples/go (its go.mod and go.sum as committed)", timeoutMs: 900_000, logFile });
  fs.rmSync(runnerDir, { recursive: true, force: true });
  fs.mkdirSync(runnerDir, { recursive: true });
  for (const f of ["go.mod", "go.sum", "runner_test.go"]) {
    fs.copyFileSync(path.join(HERE, "go", f), path.join(runnerDir, f));
  }
  fs.copyFileSync(path.join(project, "main.go"), path.join(runnerDir, "main.go"));
  fs.cpSync(path.join(project, "sdks", sdkName), path.join(runnerDir, "sdks", sdkName), { recursive: true });
  const binary = path.join(out, "go-runner.test");
  run("go", ["test", "-c", "-o", binary, "."], { cwd: runnerDir, env: goEnv(), what: "go test -c of tests/e2e/languages/go", timeoutMs: 900_000, logFile });
  return binary;
}

export interface RunnerResult {
  action: string;
  seconds: number;
  summary: Record<string, number>;
  outputs: Record<string, unknown>;
}

/**
 * One action of a language's inline-program runner (Python: run_inline.py, Go: the test binary),
 * with the harness's Pulumi environment. The runner leads its own process group, so a runner that
 * overruns `timeoutMs` is stopped with the CLI and plugins it started (SIGTERM, then SIGKILL);
 * its progress log is quoted on failure.
 */
export function runInline(
  p: PulumiEnv,
  language: string,
  command: string,
  args: string[],
  o: { action: "up" | "destroy"; project: string; stack: string; secrets: Record<string, string>; dir: string; timeoutMs: number },
): Promise<RunnerResult> {
  const log = path.join(p.logDir, `${o.stack}-${Date.now()}-${o.action}.log`);
  const result = path.join(o.dir, `${o.stack}-${o.action}.json`);
  fs.rmSync(result, { force: true });
  const env = {
    ...process.env,
    ...p.env,
    RMQ_E2E_ACTION: o.action,
    RMQ_E2E_PROJECT_DIR: o.project,
    RMQ_E2E_STACK: o.stack,
    RMQ_E2E_PULUMI_ROOT: path.dirname(path.dirname(p.command.command)),
    RMQ_E2E_SECRETS: JSON.stringify(o.secrets),
    RMQ_E2E_LOG: log,
    RMQ_E2E_RESULT: result,
  };
  const what = `${language} ${o.action} of stack ${o.stack}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: o.project, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // the group is gone
      }
    };
    const onExit = () => group("SIGKILL");
    process.on("exit", onExit);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      group("SIGTERM");
      setTimeout(() => group("SIGKILL"), 10_000).unref();
    }, o.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      process.off("exit", onExit);
      reject(new Error(`${what}: could not start ${command}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      process.off("exit", onExit);
      const last = () => `${output.trim().split("\n").slice(-30).join("\n")}\nlast lines of ${log}:\n${tail(log, 30)}`;
      if (timedOut) {
        reject(new Error(`${what} did not finish within ${o.timeoutMs / 1000} s and was stopped:\n${last()}`));
      } else if (code !== 0) {
        reject(new Error(`${what} failed (exit ${code ?? signal}):\n${last()}`));
      } else if (!fs.existsSync(result)) {
        reject(new Error(`${what} exited 0 without writing ${result}:\n${output}`));
      } else {
        resolve(JSON.parse(fs.readFileSync(result, "utf8")));
      }
    });
  });
}

function run(command: string, args: string[], o: { cwd: string; what: string; timeoutMs: number; env?: NodeJS.ProcessEnv; logFile?: string }): void {
  try {
    const out = execFileSync(command, args, { cwd: o.cwd, env: o.env ?? process.env, timeout: o.timeoutMs, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    if (o.logFile !== undefined) {
      fs.appendFileSync(o.logFile, `$ ${command} ${args.join(" ")}\n${out}`);
    }
  } catch (e) {
    const err = e as { signal?: string; status?: number; stdout?: string; stderr?: string; message: string };
    const why = err.signal === "SIGTERM" ? `did not finish within ${o.timeoutMs / 1000} s` : `failed (exit ${err.status ?? "?"})`;
    const output = `${err.stderr ?? ""}${err.stdout ?? ""}`.trim() || err.message;
    throw new Error(`${o.what} ${why} in ${o.cwd}:\n${output.split("\n").slice(-40).join("\n")}`);
  }
}
