// The package as a consumer gets it: from the release tarball (`npm pack`) and from a git URL at a
// tag (`prepare` builds dist/ on install), each installed into a fresh project that brings only the
// required peers, then compiled and run. Every directory made here is removed afterwards.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
/** The package's npm name, as a consumer installs and imports it. */
const NAME: string = MANIFEST.name;
const TAG = `v${MANIFEST.version}`;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const temps: string[] = [];
let tarballPath: string | undefined;
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const LOCKED = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages;
/** The required peers and the compiler, pinned to what this checkout tested with (npm finds them in its cache). */
const TESTED = Object.fromEntries(["@pulumi/pulumi", "@pulumi/kubernetes", "typescript", "@types/node"].map((n) => [n, LOCKED[`node_modules/${n}`].version]));

/**
 * A consumer project holding `dependencies` (by default the required peers only, the optional ones
 * left out) and the package from `spec`, installed like any user would (a git URL's `prepare` runs).
 */
function consumerProject(spec: string, dependencies: Record<string, string> = TESTED): string {
  const consumer = tempDir("rmq-consumer-");
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", spec], consumer);
  return consumer;
}

/** The release tarball, `npm pack` of this checkout (made once). */
function tarball(): string {
  if (tarballPath === undefined) {
    const packDir = tempDir("rmq-pack-");
    tarballPath = path.join(packDir, run("npm", ["pack", "--silent", "--pack-destination", packDir], ROOT).trim().split("\n").pop() as string);
  }
  return tarballPath;
}

/** A program using both components, and a test of it with the mocks of Pulumi's unit-testing guide. */
const PROGRAM = [
  `import { RobustMQCluster, RobustMQClusterArgs, RobustMQImage, Topology } from ${JSON.stringify(NAME)};`,
  "export function image() {",
  '  return new RobustMQImage("img", { version: "v0.4.11", context: "https://github.com/robustmq/robustmq.git#v0.4.11", registry: { address: "registry.example.com" }, repository: "team/robustmq" });',
  "}",
  "export function cluster(args: RobustMQClusterArgs = {}) {",
  '  return new RobustMQCluster("mq", { topology: Topology.Split, protocols: ["mqtt", "kafka"], storageClass: { preset: "aws-ebs" }, ...args });',
  "}",
  "",
].join("\n");

const CHECK = `
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setMocks({
  newResource: function (args) { return { id: args.inputs.name + "_id", state: args.inputs }; },
  call: function (args) { return args.inputs; },
});
const program = require("./index.js");
const given = { adminPassword: "admin-password-0001", jwtSecret: "jwt-secret-0001-jwt-secret-0001-jwt", mqttUsername: "devices", mqttPassword: "mqtt-password-0001" };
const attempt = (f) => { try { f(); return "ok"; } catch (e) { return e.message; } };
const results = {
  given: attempt(() => program.cluster(given)),
  generated: attempt(() => program.cluster()),
  imageBuild: attempt(() => program.cluster({ ...given, imageBuild: { version: "v0.4.11", context: "https://github.com/robustmq/robustmq.git#v0.4.11", registry: { address: "r.example.com" }, repository: "t/r" } })),
  image: attempt(() => program.image()),
};
require("@pulumi/pulumi/runtime/settings").waitForRPCs().then(() => {
  results.loaded = ["@pulumi/random", "@pulumi/docker-build", "@grafana/grafana-foundation-sdk"].filter((p) => Object.keys(require.cache).some((f) => f.includes("/node_modules/" + p + "/")));
  console.log(JSON.stringify(results));
});
`;

/**
 * Compiles the program with the tsconfig of Pulumi's TypeScript template (no skipLibCheck: every
 * declaration the package ships is checked) and runs CHECK against it.
 */
function compileAndRun(consumer: string): Record<string, unknown> {
  fs.writeFileSync(path.join(consumer, "index.ts"), PROGRAM);
  fs.writeFileSync(path.join(consumer, "check.js"), CHECK);
  fs.writeFileSync(
    path.join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, outDir: ".", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, forceConsistentCasingInFileNames: true, types: ["node"] },
      files: ["index.ts"],
    }),
  );
  run("node", [path.join(consumer, "node_modules", "typescript", "bin", "tsc"), "-p", "."], consumer);
  return JSON.parse(run("node", ["check.js"], consumer));
}

/** What a consumer without the optional peers gets: each feature that needs one names it. */
function assertOptionalPeers(results: Record<string, unknown>): void {
  assert.equal(results.given, "ok");
  assert.deepEqual(results.loaded, []);
  assert.match(String(results.generated), /Generating adminPassword, jwtSecret, mqttUsername, mqttPassword \(unset\) needs the package @pulumi\/random, an optional peer dependency/);
  assert.match(String(results.imageBuild), /needs the package @pulumi\/docker-build, an optional peer dependency .*npm install @pulumi\/docker-build/);
  assert.match(String(results.image), /needs the package @pulumi\/docker-build/);
}

/**
 * The lowest version of each peer range. @pulumi/kubernetes 4.24.0 is not on the npm registry:
 * 4.24.1 is the lowest release the range admits (the range's floor is the provider plugin's,
 * MIN_KUBERNETES_PROVIDER, which tests/workload/canary.test.ts ties to it).
 */
const LOWEST: Record<string, string> = {
  "@pulumi/pulumi": "3.142.0",
  "@pulumi/kubernetes": "4.24.1",
  "@pulumi/random": "4.21.2",
  "@pulumi/docker-build": "0.0.22",
};

after(() => {
  for (const dir of temps) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("package: the release tarball, installed into another Pulumi program", function () {
  this.timeout(300000);
  let consumer = "";
  let pkg = "";

  before(() => {
    consumer = consumerProject(tarball());
    pkg = path.join(consumer, "node_modules", NAME);
  });

  it("ships built JS, type declarations, the licence and what Pulumi's component analyzer reads, and no tests or stacks", () => {
    for (const f of ["dist/components/index.js", "dist/components/index.d.ts", "LICENSE", "index.ts", "components/index.ts", "tsconfig.json", "PulumiPlugin.yaml"]) {
      assert.ok(fs.existsSync(path.join(pkg, f)), f);
    }
    assert.match(fs.readFileSync(path.join(pkg, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
    assert.equal(fs.existsSync(path.join(pkg, "tests")), false);
    assert.equal(fs.existsSync(path.join(pkg, "stacks")), false);
  });

  it("ships the Dockerfile the image component builds by default, and finds it once installed", () => {
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

  it("compiles a TypeScript program using it (no skipLibCheck) and runs it without the optional peers", () => {
    assertOptionalPeers(compileAndRun(consumer));
  });

  it("serves other languages: unpacked and installed as `pulumi package add <dir>` does, its component provider answers GetSchema", async () => {
    // What the CLI does with a local PulumiPlugin.yaml directory: the Node.js host runs
    // `npm install --loglevel=error` there (dev dependencies and `prepare` included), then starts
    // @pulumi/pulumi/cmd/run-plugin in it, which requires the package, collects its components and
    // hands the directory to the analyzer (tsconfig.json and the TypeScript entry point: "No entry
    // points found" when the tarball shipped only dist/). The engine then asks it for the schema.
    const dir = tempDir("rmq-unpacked-");
    run("tar", ["xzf", tarball(), "-C", dir], dir);
    const plugin = path.join(dir, "package");
    run("npm", ["install", "--loglevel=error", "--prefer-offline", "--no-audit", "--no-fund"], plugin);
    const local = (m: string) => require(require.resolve(m, { paths: [plugin] }));
    const grpc = local("@grpc/grpc-js");
    const pb = local("@pulumi/pulumi/proto/provider_pb.js");
    const { ResourceProviderClient } = local("@pulumi/pulumi/proto/provider_grpc_pb.js");
    const host = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [plugin] }), "."], {
      cwd: plugin,
      stdio: ["ignore", "pipe", "pipe"],
      // run-plugin registers ts-node, which caches in the temp dir: this test's, removed afterwards.
      env: { ...process.env, TMPDIR: dir },
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        host.stdout.once("data", (d: Buffer) => resolve(String(d).trim()));
        host.once("exit", (code) => reject(new Error(`run-plugin exited with ${code}`)));
      });
      const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const schema = await new Promise<any>((resolve, reject) =>
        client.getSchema(new pb.GetSchemaRequest(), (err: Error | null, res: any) => (err ? reject(err) : resolve(JSON.parse(res.getSchema())))),
      );
      client.close();
      assert.equal(schema.name, "robustmq");
      assert.deepEqual(Object.keys(schema.resources).sort(), ["robustmq:index:RobustMQCluster", "robustmq:index:RobustMQImage"]);
    } finally {
      host.kill();
    }
  });
});

describe("package: a git URL at a tag, installed into another Pulumi program", function () {
  this.timeout(600000);
  let consumer = "";

  before(() => {
    // A clone of this checkout as it stands (committed or not), tagged like a release.
    const repo = path.join(tempDir("rmq-git-"), "pulumi-robustmq");
    fs.mkdirSync(repo);
    const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT).split("\0").filter((f) => f !== "" && fs.existsSync(path.join(ROOT, f)));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
    }
    const env = { ...process.env, GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.com" };
    run("git", ["init", "-q"], repo, env);
    run("git", ["add", "-A"], repo, env);
    run("git", ["commit", "-qm", "release"], repo, env);
    run("git", ["tag", TAG], repo, env);
    consumer = consumerProject(`git+file://${repo}#${TAG}`);
  });

  it("builds dist/ on install (prepare) and imports the components", () => {
    const pkg = path.join(consumer, "node_modules", NAME);
    assert.ok(fs.existsSync(path.join(pkg, "dist", "components", "index.js")));
    const out = run("node", ["-e", `const m = require(${JSON.stringify(NAME)}); console.log(typeof m.RobustMQCluster, typeof m.RobustMQImage)`], consumer);
    assert.equal(out.trim(), "function function");
  });

  it("compiles a TypeScript program using it (no skipLibCheck) and runs it without the optional peers", () => {
    assertOptionalPeers(compileAndRun(consumer));
  });
});

describe("package: the lowest version of every peer range", function () {
  this.timeout(600000);

  it("are each range's floor (or its lowest published release)", () => {
    for (const [name, version] of Object.entries(LOWEST)) {
      const floor = name === "@pulumi/kubernetes" ? "4.24.0" : version;
      assert.equal(MANIFEST.peerDependencies[name], `^${floor}`, name);
    }
  });

  it("compile (no skipLibCheck) and run a program using every feature, with TypeScript 5", () => {
    const consumer = consumerProject(tarball(), { ...LOWEST, typescript: TESTED.typescript, "@types/node": TESTED["@types/node"] });
    const results = compileAndRun(consumer);
    assert.deepEqual(results, { given: "ok", generated: "ok", imageBuild: "ok", image: "ok", loaded: ["@pulumi/random", "@pulumi/docker-build"] });
    assert.equal(JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version, LOWEST["@pulumi/pulumi"]);
  });
});
