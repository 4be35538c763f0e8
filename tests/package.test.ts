import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
/** The package's npm name, as a consumer installs and imports it. */
const NAME: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).name;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("package: usable from another Pulumi program", function () {
  this.timeout(300000);
  let consumer = "";

  before(() => {
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-pack-"));
    const tarball = run("npm", ["pack", "--silent", "--pack-destination", packDir], ROOT).trim().split("\n").pop() as string;
    consumer = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-consumer-"));
    // The consumer brings its own peer dependencies, pinned to what this checkout tested with so
    // npm finds them in its cache; then it installs the tarball like any user would.
    const locked = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages;
    const pin = (name: string) => [name, locked[`node_modules/${name}`].version];
    const dependencies = Object.fromEntries(["@pulumi/pulumi", "@pulumi/kubernetes", "typescript", "@types/node"].map(pin));
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(packDir, tarball)], consumer);
  });

  it("ships built JS and type declarations, and nothing else", () => {
    const pkg = path.join(consumer, "node_modules", NAME);
    assert.ok(fs.existsSync(path.join(pkg, "dist", "components", "index.js")));
    assert.ok(fs.existsSync(path.join(pkg, "dist", "components", "index.d.ts")));
    assert.equal(fs.existsSync(path.join(pkg, "tests")), false);
    assert.equal(fs.existsSync(path.join(pkg, "stacks")), false);
  });

  it("ships the Dockerfile the image component builds by default, and finds it once installed", () => {
    const pkg = path.join(consumer, "node_modules", NAME);
    assert.ok(fs.existsSync(path.join(pkg, "docker", "Dockerfile")));
    const moduleDir = path.join(pkg, "dist", "components", "image");
    const script = `console.log(require(${JSON.stringify(path.join(moduleDir, "resolve.js"))}).findPackageDockerfile(${JSON.stringify(moduleDir)}).dockerfile)`;
    const found = run("node", ["-e", script], consumer).trim();
    assert.equal(fs.realpathSync(found), fs.realpathSync(path.join(pkg, "docker", "Dockerfile")));
  });

  it(`imports { RobustMQCluster } from "${NAME}" in JavaScript`, () => {
    const out = run("node", ["-e", `const m = require(${JSON.stringify(NAME)}); console.log(typeof m.RobustMQCluster, m.ROBUSTMQ_VERSION, typeof m.RobustMQImage)`], consumer);
    assert.match(out, /^function v0\.4\.11 function/);
  });

  it("type-checks a TypeScript program that uses it", () => {
    fs.writeFileSync(
      path.join(consumer, "index.ts"),
      [
        `import { RobustMQCluster, RobustMQClusterArgs, RobustMQImage } from ${JSON.stringify(NAME)};`,
        'const image = new RobustMQImage("img", { version: "v0.4.11", context: "https://github.com/robustmq/robustmq.git#v0.4.11", registry: { address: "registry.example.com" }, repository: "team/robustmq" });',
        'const args: RobustMQClusterArgs = { topology: "split", meta: { replicas: 3 }, protocols: ["mqtt", "kafka"] };',
        'const cluster = new RobustMQCluster("mq", { ...args, image: image.ref, storageClass: { preset: "aws-ebs" } });',
        'const built = new RobustMQCluster("built", { ...args, imageBuild: { version: "v0.4.11", target: "release", releaseChecksums: { amd64: "a".repeat(64), arm64: "b".repeat(64) }, registry: { address: "registry.example.com" }, repository: "team/robustmq" } });',
        "export const url = cluster.mqttUrl;",
        "export const builtImage = built.image;",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", moduleResolution: "node", target: "ES2022", noEmit: true, skipLibCheck: true, types: ["node"] }, files: ["index.ts"] }),
    );
    run("node", [path.join(consumer, "node_modules", "typescript", "bin", "tsc"), "-p", "."], consumer);
  });
});
