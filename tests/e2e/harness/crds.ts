// The CustomResourceDefinitions the stacks' objects need, exactly as their projects publish them
// (read from the Go modules pinned in e2e/tools/crds): cert-manager's, the Prometheus Operator's
// and the CSI snapshot API's. Only the definitions: no operator runs, so a Certificate is stored
// and never issued, as on a cluster whose cert-manager is down.
import * as fs from "fs";
import * as path from "path";
import { Kubectl } from "./kubectl";
import { waitFor } from "./processes";
import { Tools } from "./tools";

export const CRD_SOURCES: Array<{ module: string; dir: string; files: RegExp }> = [
  { module: "github.com/cert-manager/cert-manager", dir: "deploy/crds", files: /^cert-manager\.io_.*\.yaml$/ },
  { module: "github.com/prometheus-operator/prometheus-operator", dir: "example/prometheus-operator-crd", files: /^monitoring\.coreos\.com_(servicemonitors|podmonitors|prometheusrules)\.yaml$/ },
  { module: "github.com/kubernetes-csi/external-snapshotter/client/v8", dir: "config/crd", files: /^snapshot\.storage\.k8s\.io_.*\.yaml$/ },
];

export async function installCrds(tools: Tools, kubectl: Kubectl): Promise<string[]> {
  const names: string[] = [];
  for (const source of CRD_SOURCES) {
    const dir = path.join(tools.crdModuleDir(source.module), source.dir);
    const files = fs.readdirSync(dir).filter((f) => source.files.test(f));
    if (files.length === 0) {
      throw new Error(`no CRDs matching ${source.files} in ${dir}`);
    }
    for (const f of files) {
      await kubectl.applyFile(path.join(dir, f));
      const doc = await kubectl.ok(["create", "--dry-run=client", "-o", "jsonpath={.metadata.name}", "-f", path.join(dir, f)]);
      names.push(doc.trim());
    }
  }
  for (const name of names) {
    await waitFor(`CustomResourceDefinition ${name} Established`, 60_000, async () => {
      const crd = await kubectl.get("customresourcedefinition", name);
      return crd.status?.conditions?.some((c: any) => c.type === "Established" && c.status === "True") ? true : undefined;
    });
  }
  return names;
}
