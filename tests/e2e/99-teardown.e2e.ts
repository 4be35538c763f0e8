// prod's end: `pulumi destroy` of the protected stack is refused; unprotected, it removes the
// cluster and keeps every claim (retainVolumes) in the namespace kept for them.
import { strict as assert } from "assert";
import { deployedStack, e2e } from "./context";

const NAMESPACE = "robustmq";

describe("prod teardown", function () {
  this.timeout(10 * 60 * 1000);

  it("`pulumi destroy` of the protected stack is refused before anything is deleted", async () => {
    const stack = deployedStack("prod");
    const before = (await e2e().cp.kubectl.list("statefulsets", NAMESPACE)).length;
    let error = "";
    try {
      await stack.destroy();
    } catch (e) {
      error = (e as Error).message;
    }
    assert.match(error, /protected/);
    assert.equal((await e2e().cp.kubectl.list("statefulsets", NAMESPACE)).length, before);
    const line = /error: [^\n]*protected[^\n]*/.exec(error)?.[0] ?? /[^\n]*protected[^\n]*/.exec(error)?.[0] ?? "";
    e2e().report.add("Stacks", `- **prod** destroy while protected: refused, nothing deleted: \`${line.trim()}\``);
  });

  it("unprotected, `pulumi destroy` removes the cluster and keeps every claim", async () => {
    const stack = deployedStack("prod");
    const { kubectl } = e2e().cp;
    const claims = (await kubectl.list("persistentvolumeclaims", NAMESPACE)).map((c) => c.metadata.name).sort();
    await stack.cli(["state", "unprotect", "--all", "--yes"]);
    const r = await stack.destroy();
    assert.deepEqual((await kubectl.list("persistentvolumeclaims", NAMESPACE)).map((c) => c.metadata.name).sort(), claims);
    assert.equal((await kubectl.list("pods", NAMESPACE)).length, 0);
    e2e().report.add("Stacks", `- **prod** after \`pulumi state unprotect --all\`: destroy removed ${r.summary.delete ?? 0} resources; ${claims.length} claims kept in the namespace`);
  });
});
