// The harness reads and changes the cluster with the real kubectl (1.36), as an operator would.
import { execFile } from "child_process";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  constructor(
    readonly binary: string,
    readonly kubeconfig: string,
  ) {}

  /** Runs kubectl; never throws on a non-zero exit (refusals are results the tests read). */
  run(args: string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(this.binary, [`--kubeconfig=${this.kubeconfig}`, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as any).code === "number" ? (err as any).code : 1;
        resolve({ code, stdout, stderr });
      });
      if (input !== undefined) {
        child.stdin?.end(input);
      }
    });
  }

  /** Runs kubectl and throws with its stderr when it fails. */
  async ok(args: string[], input?: string): Promise<string> {
    const r = await this.run(args, input);
    if (r.code !== 0) {
      throw new Error(`kubectl ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim()}`);
    }
    return r.stdout;
  }

  async raw(path: string): Promise<string> {
    return (await this.ok(["get", "--raw", path])).trim();
  }

  async apply(doc: unknown): Promise<void> {
    await this.ok(["apply", "--server-side", "--field-manager=e2e-harness", "-f", "-"], JSON.stringify(doc));
  }

  async applyFile(file: string): Promise<void> {
    await this.ok(["apply", "--server-side", "--field-manager=e2e-harness", "-f", file]);
  }

  async get(kind: string, name: string, namespace?: string): Promise<any> {
    return JSON.parse(await this.ok(["get", kind, name, "-o", "json", ...(namespace === undefined ? [] : ["-n", namespace])]));
  }

  async getOrUndefined(kind: string, name: string, namespace?: string): Promise<any | undefined> {
    const r = await this.run(["get", kind, name, "-o", "json", "--ignore-not-found", ...(namespace === undefined ? [] : ["-n", namespace])]);
    if (r.code !== 0) {
      throw new Error(`kubectl get ${kind} ${name} failed: ${r.stderr.trim()}`);
    }
    return r.stdout.trim() === "" ? undefined : JSON.parse(r.stdout);
  }

  /** Items of a kind; `namespace` undefined lists every namespace. */
  async list(kind: string, namespace?: string, selector?: string): Promise<any[]> {
    const args = ["get", kind, "-o", "json", ...(namespace === undefined ? ["--all-namespaces"] : ["-n", namespace]), ...(selector === undefined ? [] : ["-l", selector])];
    return JSON.parse(await this.ok(args)).items;
  }
}
