// The processes a run starts (etcd, the Kubernetes components, kwok): each logs to its own file,
// each is stopped by pid at the end, on failure too, and a bounded wait names what it waited for.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export class Processes {
  private readonly running: Array<{ name: string; child: ChildProcess }> = [];
  private readonly onExit = () => this.killAll("SIGKILL");

  constructor(private readonly logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
    // A crashed or interrupted test run must not leave a control plane behind.
    process.on("exit", this.onExit);
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const log = fs.openSync(this.logFile(name), "a");
    const child = spawn(command, args, { stdio: ["ignore", log, log], env });
    fs.closeSync(log);
    child.on("exit", (code, signal) => {
      if (this.running.some((r) => r.child === child)) {
        fs.appendFileSync(this.logFile(name), `\n[harness] ${name} exited (code ${code}, signal ${signal})\n`);
      }
    });
    this.running.push({ name, child });
    return child;
  }

  /** Whether a started process is still up; a dead one's log tail explains why. */
  assertAlive(name: string): void {
    const r = this.running.find((p) => p.name === name);
    if (r !== undefined && r.child.exitCode !== null) {
      throw new Error(`${name} exited with code ${r.child.exitCode}; last lines of ${this.logFile(name)}:\n${tail(this.logFile(name), 15)}`);
    }
  }

  /** Stops every process, newest first: SIGTERM, then SIGKILL for those still up after a grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    const all = [...this.running].reverse();
    for (const { child } of all) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
      }
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && all.some(({ child }) => child.exitCode === null && child.signalCode === null)) {
      await sleep(100);
    }
    this.killAll("SIGKILL");
    this.running.length = 0;
    process.off("exit", this.onExit);
  }

  private killAll(signal: NodeJS.Signals): void {
    for (const { child } of this.running) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, signal);
        } catch {
          // already gone
        }
      }
    }
  }
}

export function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loopback port nobody listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` with
 * `what` (the resource and condition) and the last thing `check` saw or threw.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) {
        return v;
      }
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last === "" ? "" : ` (last error: ${last})`}`);
    }
    await sleep(intervalMs);
  }
}
