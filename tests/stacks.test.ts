import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { deployStack } from "../stacks/program";
import { OBJECT_KEYS, SECRET_KEYS, STACK_CONFIG_KEYS, TYPED_KEYS } from "../stacks/config";
import { runWithMocks } from "../offline/mock-runtime";
import { loadStackConfig } from "../offline/render";

const ROOT = path.join(__dirname, "..");

async function deployWith(config: Record<string, string>, secretKeys: string[] = []): Promise<unknown> {
  try {
    await runWithMocks(() => deployStack(), { config, secretKeys });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("stack configuration", () => {
  it("types in Pulumi.yaml exactly the keys the program reads (objects and secrets aside)", () => {
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    assert.deepEqual(Object.keys(project.config).sort(), [...TYPED_KEYS].sort());
    for (const [key, decl] of Object.entries<any>(project.config)) {
      assert.ok(decl.description, `${key} has a description`);
    }
    assert.equal(new Set(STACK_CONFIG_KEYS).size, TYPED_KEYS.length + OBJECT_KEYS.length + SECRET_KEYS.length);
    assert.equal(project.main, "stacks/index.ts");
    assert.equal(project.stackConfigDir, "stacks");
  });

  it("stack files use only known keys and pass the schema", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const { config } = loadStackConfig(stack);
      for (const key of Object.keys(config)) {
        assert.ok(STACK_CONFIG_KEYS.includes(key.replace(/^robustmq:/, "")), `${stack}: ${key}`);
      }
    }
  });

  it("names the key of a wrongly typed value", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ "robustmq:replicas": "three" }, /stack config robustmq:replicas: expected an integer, got "three"/],
      [{ "robustmq:retainVolumes": "yes" }, /stack config robustmq:retainVolumes: expected true or false/],
      [{ "robustmq:protocols": "mqtt" }, /stack config robustmq:protocols: expected a list of strings/],
      [{ "robustmq:resources": "[1]" }, /stack config robustmq:resources: expected an object/],
      [{ "robustmq:namespace": "" }, /stack config robustmq:namespace: expected a non-empty string/],
    ];
    for (const [config, message] of cases) {
      assert.match(String(await deployWith(config)), message);
    }
  });

  it("refuses a misspelt key instead of ignoring it", async () => {
    assert.match(String(await deployWith({ "robustmq:metaReplica": "3" })), /unknown key\(s\) robustmq:metaReplica/);
  });

  it("refuses a prebuilt image and an image build at once, and registry credentials without a build", async () => {
    const build = JSON.stringify({ version: "v0.4.11", context: "https://github.com/robustmq/robustmq.git#v0.4.11", registry: { address: "r.example.com" }, repository: "t/rmq" });
    assert.match(String(await deployWith({ "robustmq:image": "ghcr.io/robustmq/robustmq:v0.4.11", "robustmq:imageBuild": build })), /robustmq:image .* or robustmq:imageBuild .*not both/);
    assert.match(String(await deployWith({ "robustmq:imageRegistryUsername": "bot" })), /only apply with robustmq:imageBuild/);
  });

  it("passes values to the component, whose errors name the argument", async () => {
    const err = await deployWith({ "robustmq:topology": "split", "robustmq:metaReplicas": "4" });
    assert.match(String(err), /meta\.replicas: must be odd/);
  });

  it("refuses a stack file value of the wrong type, as the CLI would", () => {
    const file = path.join(ROOT, "stacks", "Pulumi.typetest.yaml");
    fs.writeFileSync(file, "config:\n  robustmq:replicas: three\n");
    try {
      assert.throws(() => loadStackConfig("typetest"), /robustmq:replicas: expected integer, got "three"/);
    } finally {
      fs.rmSync(file);
    }
  });
});
