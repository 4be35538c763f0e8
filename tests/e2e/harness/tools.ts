// Where the real tools are: e2e/tools/build builds them from the Go module proxy into a cache
// outside the repository (seconds when warm) and prints its bin directory; the CRDs and kwok's
// stages are read from the Go module cache, where their modules were downloaded.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
const TOOLS = path.join(ROOT, "e2e", "tools");

export interface Tools {
  binDir: string;
  bin(name: string): string;
  kwokModuleDir: string;
  /** Directory of a Go module of e2e/tools/crds, at the version its go.mod pins. */
  crdModuleDir(module: string): string;
  /** The provider version the build stamped (the @pulumi/kubernetes SDK version it pairs with). */
  kubernetesProviderVersion: string;
  pulumiVersion: string;
}

function goModuleDir(moduleDir: string, module: string): string {
  const env = { ...process.env, GOFLAGS: "-mod=readonly" };
  execFileSync("go", ["mod", "download", module], { cwd: moduleDir, env, stdio: ["ignore", "ignore", "inherit"] });
  return execFileSync("go", ["list", "-m", "-f", "{{.Dir}}", module], { cwd: moduleDir, env, encoding: "utf8" }).trim();
}

function buildScriptVersion(name: string): string {
  const m = new RegExp(`^${name}=v?(\\S+)$`, "m").exec(fs.readFileSync(path.join(TOOLS, "build"), "utf8"));
  if (m === null) {
    throw new Error(`e2e/tools/build does not set ${name}`);
  }
  return m[1];
}

export function buildTools(): Tools {
  // Progress of a cold build (about 20 minutes on 2 cores) goes to the test log as it happens.
  const out = execFileSync("bash", [path.join(TOOLS, "build")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const binDir = out.trim().split("\n").pop() as string;
  const bin = (name: string) => {
    const p = path.join(binDir, name);
    if (!fs.existsSync(p)) {
      throw new Error(`e2e/tools/build did not produce ${name} in ${binDir}`);
    }
    return p;
  };
  const kubernetesProviderVersion = buildScriptVersion("KUBERNETES_PROVIDER_VERSION");
  // The engine asks for the plugin version the SDK declares; a provider built for another
  // version would be a different provider from the one the program was written against.
  const sdk = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json"), "utf8")).version;
  if (sdk !== kubernetesProviderVersion) {
    throw new Error(`@pulumi/kubernetes ${sdk} is installed, but e2e/tools builds provider ${kubernetesProviderVersion}: the end-to-end runs pair the SDK with its own provider`);
  }
  return {
    binDir,
    bin,
    kwokModuleDir: goModuleDir(path.join(TOOLS, "kube"), "sigs.k8s.io/kwok"),
    crdModuleDir: (module) => goModuleDir(path.join(TOOLS, "crds"), module),
    kubernetesProviderVersion,
    pulumiVersion: buildScriptVersion("PULUMI_VERSION"),
  };
}
