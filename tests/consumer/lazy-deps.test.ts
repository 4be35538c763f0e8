// A consumer pays only for the features it uses: the Grafana SDK, @pulumi/docker-build and
// @pulumi/random (each with over a hundred modules, the last two with a provider plugin Pulumi
// then wants for the stack) load only when the feature that needs them is on.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { RobustMQClusterArgs } from "../../components";

const ROOT = path.join(__dirname, "..", "..");
const GIVEN: RobustMQClusterArgs = {
  adminPassword: "admin-password-0001",
  jwtSecret: "jwt-secret-0001-jwt-secret-0001-jwt",
  mqttUsername: "devices",
  mqttPassword: "mqtt-password-0001",
};
const IMAGE_BUILD = { version: "v0.4.11", context: "https://github.com/robustmq/robustmq.git#v0.4.11", registry: { address: "registry.example.com" }, repository: "team/robustmq" };

/** What constructing the cluster loaded, in a process of its own. */
function probe(args: RobustMQClusterArgs): { loaded: string[]; error?: string } {
  const out = execFileSync(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "load-probe.ts"), JSON.stringify(args)], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(out);
}

describe("consumer: heavy dependencies load only with their feature", function () {
  this.timeout(60000);

  it("loads none of them for a split cluster with every credential given, monitoring and image build off", () => {
    assert.deepEqual(probe({ topology: "split", ...GIVEN }), { loaded: [] });
  });

  it("loads none of them with monitoring on but its dashboard off", () => {
    assert.deepEqual(probe({ ...GIVEN, monitoring: { scrape: "ServiceMonitor", dashboard: false } }), { loaded: [] });
  });

  it("loads each one with its feature, and only that one", () => {
    assert.deepEqual(probe({ ...GIVEN, monitoring: { scrape: "ServiceMonitor" } }).loaded, ["@grafana/grafana-foundation-sdk"]);
    assert.deepEqual(probe({ ...GIVEN, imageBuild: IMAGE_BUILD }).loaded, ["@pulumi/docker-build"]);
    assert.deepEqual(probe({ ...GIVEN, mqttPassword: undefined }).loaded, ["@pulumi/random"]);
  });
});
