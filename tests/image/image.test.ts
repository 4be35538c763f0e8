import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  findPackageDockerfile,
  RobustMQImage,
  RobustMQImageArgs,
  RobustMQImageArgsError,
  validateBuildArgs,
  validateCacheRef,
  validateContext,
  validatePlatforms,
  validateRegistryAddress,
  validateRepository,
} from "../../components/image";
import { MANAGED_BUILD_ARGS } from "../../components/image/resolve";
import { IMAGE_TYPE } from "../../components/image/image";
import { RobustMQArgsError } from "../../components/validate/errors";
import { mockDigest, Registered, runWithMocks, valueOf } from "../../offline/mock-runtime";

/** How Pulumi's mock runtime hands a secret input to a provider. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const PASSWORD = "s3cr3t-registry-token";

const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");
const DOCKERFILE = path.join(PACKAGE_ROOT, "docker", "Dockerfile");

const isSecret = (v: any): boolean => v !== null && typeof v === "object" && v[SECRET_SIG] === SECRET_VALUE;
const reveal = (v: any): any => (isSecret(v) ? v.value : v);

/** Paths at which `needle` appears outside any secret wrapper. */
function plaintextPaths(value: unknown, needle: string, at = "$"): string[] {
  if (isSecret(value)) {
    return [];
  }
  if (typeof value === "string") {
    return value.includes(needle) ? [at] : [];
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => plaintextPaths(v, needle, `${at}.${k}`));
  }
  return [];
}

async function build(args: RobustMQImageArgs, name = "rmq") {
  return runWithMocks(() => {
    return new RobustMQImage(name, args);
  });
}

const ofType = (resources: Registered[], type: string) => resources.filter((r) => r.type === type);
const images = (resources: Registered[]) => ofType(resources, "docker-build:index:Image");
const indexes = (resources: Registered[]) => ofType(resources, "docker-build:index:Index");

describe("RobustMQImage", () => {
  let checkout: string;
  let base: RobustMQImageArgs;

  before(() => {
    checkout = fs.mkdtempSync(path.join(os.tmpdir(), "robustmq-checkout-"));
    fs.writeFileSync(path.join(checkout, "Cargo.toml"), "[workspace]\n");
    base = {
      version: "v0.4.11",
      gitSha: "abc1234def5678",
      context: checkout,
      registry: { address: "ghcr.io", username: "ci-bot", password: PASSWORD },
      repository: "team/robustmq",
    };
  });
  after(() => fs.rmSync(checkout, { recursive: true, force: true }));

  it("builds one pushed image per platform, each with its own registry cache in mode max", async () => {
    const { resources } = await build(base);
    const built = images(resources);
    assert.deepEqual(
      built.map((r) => r.inputs.platforms),
      [["linux/amd64"], ["linux/arm64"]],
    );
    for (const [img, arch] of built.map((r, i) => [r, ["amd64", "arm64"][i]] as const)) {
      assert.equal(img.inputs.push, true);
      assert.deepEqual(img.inputs.tags, [`ghcr.io/team/robustmq:v0.4.11-abc1234-${arch}`]);
      assert.deepEqual(img.inputs.cacheFrom, [{ registry: { ref: `ghcr.io/team/robustmq:buildcache-${arch}` } }]);
      assert.deepEqual(img.inputs.cacheTo, [
        { registry: { ref: `ghcr.io/team/robustmq:buildcache-${arch}`, mode: "max", imageManifest: true, ociMediaTypes: true } },
      ]);
      assert.equal(img.inputs.target, "source");
      assert.deepEqual(img.inputs.context, { location: checkout });
      assert.equal(img.inputs.dockerfile.inline, fs.readFileSync(DOCKERFILE, "utf8"));
      assert.deepEqual(img.inputs.buildArgs, { VERSION: "v0.4.11", GIT_SHA: "abc1234def5678" });
      assert.equal(img.inputs.buildOnPreview, false, "previews must not build unless asked");
    }
  });

  it("joins the platforms in a manifest list tagged <version>, and tags the same digest <version>-<sha7> and extras", async () => {
    const { resources, result } = await build({ ...base, extraTags: ["v0.4", "stable"] });
    const [main, ...aliases] = indexes(resources);
    assert.equal(main.inputs.tag, "ghcr.io/team/robustmq:v0.4.11");
    const platformRefs = images(resources).map((r) => `${r.inputs.tags[0]}@${mockDigest(r.name)}`);
    assert.deepEqual(main.inputs.sources, platformRefs);
    assert.equal(main.inputs.push, true);
    assert.deepEqual(
      aliases.map((r) => r.inputs.tag),
      ["ghcr.io/team/robustmq:v0.4.11-abc1234", "ghcr.io/team/robustmq:v0.4", "ghcr.io/team/robustmq:stable"],
    );
    const mainDigest = mockDigest(platformRefs.join(","));
    for (const alias of aliases) {
      assert.deepEqual(alias.inputs.sources, [`ghcr.io/team/robustmq:v0.4.11@${mainDigest}`]);
    }
    assert.deepEqual(await valueOf(result.tags), [
      "ghcr.io/team/robustmq:v0.4.11",
      "ghcr.io/team/robustmq:v0.4.11-abc1234",
      "ghcr.io/team/robustmq:v0.4",
      "ghcr.io/team/robustmq:stable",
    ]);
    assert.deepEqual(await valueOf(result.platformRefs), { "linux/amd64": platformRefs[0], "linux/arm64": platformRefs[1] });
  });

  it("outputs a reference pinned by the index digest, never by a tag", async () => {
    const { resources, result } = await build(base);
    const digest = mockDigest(images(resources).map((r) => `${r.inputs.tags[0]}@${mockDigest(r.name)}`).join(","));
    assert.equal(await valueOf(result.digest), digest);
    assert.equal(await valueOf(result.ref), `ghcr.io/team/robustmq@${digest}`);
  });

  it("hands registry credentials to docker-build only as secrets", async () => {
    const { resources } = await build(base);
    // Each build and each index logs in, with the credentials inside a secret wrapper (the mock
    // runtime may wrap the credential, the login or the whole list, depending on nesting).
    const logins = [
      ...images(resources).map((r) => reveal(reveal(r.inputs.registries)[0])),
      ...indexes(resources).map((r) => reveal(r.inputs.registry)),
    ];
    assert.equal(logins.length, 4);
    for (const login of logins) {
      assert.deepEqual([login.address, reveal(login.username), reveal(login.password)], ["ghcr.io", "ci-bot", PASSWORD]);
    }
    const inputs = resources.map((r) => r.inputs);
    assert.deepEqual(plaintextPaths(inputs, PASSWORD), [], "the password appears outside a secret");
    assert.deepEqual(plaintextPaths(inputs, "ci-bot"), [], "the username appears outside a secret");
    assert.ok(JSON.stringify(inputs).includes(SECRET_SIG));
  });

  it("uses the builder's own login when no credentials are given", async () => {
    const { resources } = await build({ ...base, registry: { address: "ghcr.io" } });
    assert.equal(images(resources)[0].inputs.registries, undefined);
    assert.equal(indexes(resources)[0].inputs.registry, undefined);
  });

  it("passes buildOnPreview, platforms, cacheRef and extra build args through", async () => {
    const { resources } = await build({
      ...base,
      gitSha: undefined,
      platforms: ["linux/arm64"],
      buildOnPreview: true,
      cacheRef: "registry.example.com:5000/cache/robustmq:ci",
      buildArgs: { CARGO_PROFILE: "release-fast" },
    });
    const [img] = images(resources);
    assert.equal(images(resources).length, 1);
    assert.equal(img.inputs.buildOnPreview, true);
    assert.deepEqual(img.inputs.platforms, ["linux/arm64"]);
    assert.deepEqual(img.inputs.tags, ["ghcr.io/team/robustmq:v0.4.11-arm64"]);
    assert.equal(img.inputs.cacheFrom[0].registry.ref, "registry.example.com:5000/cache/robustmq:ci-arm64");
    assert.deepEqual(img.inputs.buildArgs, { CARGO_PROFILE: "release-fast", VERSION: "v0.4.11" });
    assert.deepEqual(indexes(resources).map((r) => r.inputs.tag), ["ghcr.io/team/robustmq:v0.4.11"]);
  });

  it("release target: no sources needed, each platform gets its own tarball checksum", async () => {
    const amd64 = "a".repeat(64);
    const arm64 = "b".repeat(64);
    const { resources } = await build({ ...base, context: undefined, target: "release", releaseChecksums: { amd64, arm64 } });
    const [a, b] = images(resources);
    assert.equal(a.inputs.target, "release");
    assert.equal(a.inputs.buildArgs.ROBUSTMQ_SHA256_AMD64, amd64);
    assert.equal(a.inputs.buildArgs.ROBUSTMQ_SHA256_ARM64, undefined);
    assert.equal(b.inputs.buildArgs.ROBUSTMQ_SHA256_ARM64, arm64);
    // The Dockerfile's own directory, relative, so state does not depend on where the package sits.
    assert.equal(path.resolve(a.inputs.context.location), path.dirname(DOCKERFILE));
    assert.ok(!path.isAbsolute(a.inputs.context.location));
  });

  it("accepts a git URL that pins a ref as the context", async () => {
    const context = "https://github.com/robustmq/robustmq.git#v0.4.11";
    const { resources } = await build({ ...base, context });
    assert.deepEqual(images(resources)[0].inputs.context, { location: context });
  });

  it("publishes latest only when allowLatestTag is set", async () => {
    const { resources } = await build({ ...base, extraTags: ["latest"], allowLatestTag: true });
    assert.ok(indexes(resources).some((r) => r.inputs.tag === "ghcr.io/team/robustmq:latest"));
  });

  const bad: Array<[string, (a: RobustMQImageArgs) => RobustMQImageArgs, string]> = [
    ["unknown platform", (a) => ({ ...a, platforms: ["linux/amd64", "linux/s390x" as never] }), `platforms[1]: unsupported platform "linux/s390x" (accepted: "linux/amd64", "linux/arm64")`],
    ["empty platforms", (a) => ({ ...a, platforms: [] }), "platforms: must be a non-empty list"],
    ["empty registry address", (a) => ({ ...a, registry: { ...a.registry, address: "" } }), "registry.address: must be a non-empty registry host"],
    ["registry address with a scheme", (a) => ({ ...a, registry: { ...a.registry, address: "https://ghcr.io" } }), "registry.address: must be a registry host with an optional port, without scheme or path"],
    ["malformed version", (a) => ({ ...a, version: "0.4.11" }), `version: must be a RobustMQ release tag such as "v0.4.11"`],
    ["secret-looking build arg", (a) => ({ ...a, buildArgs: { GITHUB_TOKEN: "x" } }), "buildArgs.GITHUB_TOKEN: looks like a secret"],
    ["build arg the component sets", (a) => ({ ...a, buildArgs: { VERSION: "v9.9.9" } }), "buildArgs.VERSION: set from the version argument"],
    ["build arg the Dockerfile lacks", (a) => ({ ...a, buildArgs: { CARGO_PROFIL: "x" } }), "buildArgs.CARGO_PROFIL: the Dockerfile declares no such ARG"],
    ["latest tag", (a) => ({ ...a, extraTags: ["latest"] }), `extraTags[0]: the "latest" tag is refused`],
    ["tag taken by the component", (a) => ({ ...a, extraTags: ["v0.4.11-abc1234"] }), "extraTags[0]: \"v0.4.11-abc1234\" is already set by the component"],
    ["git URL without a ref", (a) => ({ ...a, context: "https://github.com/robustmq/robustmq.git" }), "context: a git URL must pin a ref"],
    ["missing local context", (a) => ({ ...a, context: path.join(a.context!, "nope") }), "is not a directory"],
    ["context that is no checkout", (a) => ({ ...a, context: path.dirname(DOCKERFILE) }), "has no Cargo.toml"],
    ["source target without context", (a) => ({ ...a, context: undefined }), `context: required with target "source"`],
    ["release without checksums", (a) => ({ ...a, target: "release", releaseChecksums: { amd64: "a".repeat(64) } }), "releaseChecksums.arm64: must be a sha256 checksum"],
    ["checksums with the source target", (a) => ({ ...a, releaseChecksums: { amd64: "a".repeat(64) } }), `releaseChecksums: only used with target "release"`],
    ["unknown target", (a) => ({ ...a, target: "debug" as never }), `target: must be "source"`],
    ["half the credentials", (a) => ({ ...a, registry: { address: "ghcr.io", username: "bot" } }), "registry.password: must be set together with the other credential"],
    ["repository with a host", (a) => ({ ...a, repository: "ghcr.io/team/robustmq" }), "repository: \"ghcr.io\" looks like a registry host"],
    ["short git sha", (a) => ({ ...a, gitSha: "abc" }), "gitSha: must be a git commit id"],
    ["cache ref without a tag", (a) => ({ ...a, cacheRef: "ghcr.io/team/cache" }), "cacheRef: must be \"<registry host>/<repository>:<tag>\""],
    ["unknown argument", (a) => ({ ...a, registryUrl: "x" }) as RobustMQImageArgs, "registryUrl: unknown argument"],
    ["missing dockerfile", (a) => ({ ...a, dockerfile: "no/such/Dockerfile" }), "dockerfile: cannot read"],
  ];
  for (const [what, mutate, message] of bad) {
    it(`rejects ${what} before registering anything`, async () => {
      let error: unknown;
      const { resources } = await runWithMocks(() => {
        try {
          new RobustMQImage("rmq", mutate(base));
        } catch (e) {
          error = e;
        }
      });
      assert.ok(error instanceof RobustMQImageArgsError, `expected RobustMQImageArgsError, got ${error}`);
      assert.ok(error instanceof RobustMQArgsError);
      assert.ok(error.message.startsWith(`Invalid arguments for RobustMQImage "rmq"`), error.message);
      assert.ok(error.message.includes(message), `"${message}" not in:\n${error.message}`);
      assert.deepEqual(resources, []);
    });
  }

  it("reports every problem at once", () => {
    assert.throws(
      () => new RobustMQImage("rmq", { ...base, version: "latest", platforms: ["windows/amd64" as never], repository: "Team/X" }),
      (e: RobustMQImageArgsError) => e.problems.length === 3,
    );
  });

  it("registers under the type token Pulumi's component provider derives", async () => {
    const { resources } = await build(base);
    assert.equal(IMAGE_TYPE, "robustmq:index:RobustMQImage");
    assert.deepEqual(ofType(resources, IMAGE_TYPE).map((r) => r.name), ["rmq"]);
  });
});

describe("image validators", () => {
  it("name the field and what is accepted", () => {
    assert.deepEqual(validatePlatforms("p", ["linux/amd64", "linux/amd64"]), [`p[1]: "linux/amd64" is listed more than once`]);
    assert.deepEqual(validateRegistryAddress("r", "registry.example.com:5000"), []);
    assert.deepEqual(validateRegistryAddress("r", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"), []);
    assert.match(validateRegistryAddress("r", "ghcr.io/team")[0], /^r: must be a registry host/);
    assert.deepEqual(validateRepository("repo", "team/robust-mq_x"), []);
    assert.match(validateRepository("repo", "team/robustmq:v1")[0], /^repo: must not carry a tag/);
    assert.deepEqual(validateCacheRef("c", "ghcr.io/team/robustmq:buildcache"), []);
    assert.match(validateCacheRef("c", "ghcr.io/team/robustmq@sha256:abc")[0], /not a digest/);
    assert.deepEqual(validateContext("ctx", "git@github.com:robustmq/robustmq.git#main"), []);
    assert.match(validateContext("ctx", "http://example.com/r.git#v1")[0], /use https/);
  });

  it("refuse every secret-looking build arg name", () => {
    for (const name of ["NPM_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "SSH_PRIVATE_KEY", "API_KEY", "REGISTRY_AUTH", "GIT_CREDENTIALS"]) {
      assert.equal(validateBuildArgs("b", { [name]: "x" }, MANAGED_BUILD_ARGS).length, 1, name);
    }
    assert.deepEqual(validateBuildArgs("b", { CARGO_PROFILE: "release", RUST_IMAGE: "rust@sha256:x" }, MANAGED_BUILD_ARGS), []);
    assert.match(validateBuildArgs("b", { TARGETARCH: "arm64" }, MANAGED_BUILD_ARGS)[0], /use the platforms argument/);
  });
});

describe("default Dockerfile", () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "robustmq-pkg-"))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const write = (file: string, content = "") => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };

  it("is found from the sources and from the compiled dist/components/image", () => {
    assert.equal(findPackageDockerfile(path.join(PACKAGE_ROOT, "components", "image")).dockerfile, DOCKERFILE);
    assert.equal(findPackageDockerfile(path.join(PACKAGE_ROOT, "dist", "components", "image")).dockerfile, DOCKERFILE);
  });

  it("is the installed package's own, never a Dockerfile of the project that installed it", () => {
    const pkg = path.join(tmp, "node_modules", "pulumi-robustmq");
    write(path.join(tmp, "package.json"), "{}");
    write(path.join(tmp, "docker", "Dockerfile"), "FROM decoy");
    write(path.join(pkg, "package.json"), "{}");
    const moduleDir = path.join(pkg, "dist", "components", "image");
    assert.deepEqual(findPackageDockerfile(moduleDir), { root: pkg, dockerfile: undefined });
    write(path.join(pkg, "docker", "Dockerfile"), "FROM real");
    assert.equal(findPackageDockerfile(moduleDir).dockerfile, path.join(pkg, "docker", "Dockerfile"));
  });
});
