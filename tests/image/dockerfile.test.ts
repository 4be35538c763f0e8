import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DockerfileParser, Env, From, Instruction } from "dockerfile-ast";
import { dockerfileDeclarations } from "../../components/image/resolve";
import { SECRET_LIKE_NAME } from "../../components/image/validation";
import { BROKER_SERVER_BINARY, ROBUSTMQ_HOME } from "../../components/rmq/versions";

const DOCKERFILE = path.resolve(__dirname, "..", "..", "docker", "Dockerfile");
const text = fs.readFileSync(DOCKERFILE, "utf8");
const dockerfile = DockerfileParser.parse(text);
const DIGEST = /@sha256:[a-f0-9]{64}$/;

interface Stage {
  name: string;
  from: From;
  instructions: Instruction[];
}

const stages: Stage[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction instanceof From) {
    stages.push({ name: instruction.getBuildStage() ?? `#${stages.length}`, from: instruction, instructions: [] });
  } else if (stages.length > 0) {
    stages[stages.length - 1].instructions.push(instruction);
  }
}
const stage = (name: string) => stages.find((s) => s.name === name) ?? assert.fail(`no stage ${name}`);
const globalArgs = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue() ?? ""]));

/** The stage a FROM builds on, or undefined when it starts from an image. */
function parentStage(s: Stage): Stage | undefined {
  const image = s.from.getImage() ?? "";
  return stages.find((other) => other.name === image || image === `${other.name.replace(/-(amd64|arm64)$/, "")}-\${TARGETARCH}`);
}
/** Walks a stage and its ancestors, nearest first. */
function lineage(s: Stage): Stage[] {
  const chain = [s];
  for (let p = parentStage(s); p !== undefined; p = parentStage(p)) {
    chain.push(p);
  }
  return chain;
}
/** The last instruction with this keyword that applies to the stage, inherited from its ancestors. */
function effective(s: Stage, keyword: string): Instruction | undefined {
  for (const ancestor of lineage(s)) {
    const found = ancestor.instructions.filter((i) => i.getKeyword() === keyword).pop();
    if (found) {
      return found;
    }
  }
  return undefined;
}
/** The image at the root of a stage's lineage, with a global ARG reference resolved to its default. */
function baseImage(s: Stage): { raw: string; resolved: string; platform?: string } {
  const root = lineage(s).pop()!;
  const raw = root.from.getImage() ?? "";
  const arg = /^\$\{?([A-Z_]+)\}?$/.exec(raw);
  return { raw, resolved: arg ? (globalArgs.get(arg[1]) ?? "") : raw, platform: root.from.getPlatformFlag()?.getValue() ?? undefined };
}
const envOf = (s: Stage) =>
  new Map<string, string>(
    s.instructions
      .filter((i): i is Env => i instanceof Env)
      .flatMap((i) => i.getProperties().map((p): [string, string] => [p.getName(), p.getValue() ?? ""])),
  );
const finalStage = stages[stages.length - 1];

describe("docker/Dockerfile", () => {
  it("parses, and pins the Dockerfile frontend by digest", () => {
    assert.ok(stages.length > 5);
    const syntax = dockerfile.getDirectives().find((d) => d.getName() === "syntax");
    assert.match(syntax?.getValue() ?? "", DIGEST);
  });

  it("pins every base image by digest through an ARG default", () => {
    for (const s of stages) {
      const { raw, resolved } = baseImage(s);
      if (raw === "scratch") {
        continue;
      }
      assert.match(raw, /^\$\{[A-Z_]+_IMAGE\}$/, `stage ${s.name} must take its image from an ARG`);
      assert.match(resolved, DIGEST, `stage ${s.name}: ${raw} defaults to ${resolved}`);
    }
    assert.match(globalArgs.get("RUNTIME_IMAGE")!, /^gcr\.io\/distroless\/cc-debian12(:nonroot)?@sha256:/);
    assert.match(globalArgs.get("RUST_IMAGE")!, /rust:[\d.]+-bookworm@sha256:/);
  });

  it("runs every RUN on the build platform: the Rust build is cross-compiled, never emulated", () => {
    assert.equal(baseImage(stage("chef")).platform, "$BUILDPLATFORM");
    for (const s of stages.filter((x) => x.instructions.some((i) => i.getKeyword() === "RUN"))) {
      assert.equal(baseImage(s).platform, "$BUILDPLATFORM", `stage ${s.name} runs commands on the target platform`);
    }
  });

  it("maps TARGETARCH to both Rust targets, with a target linker and C/C++ compilers for each", () => {
    assert.equal(stage("toolchain").from.getImage(), "toolchain-${TARGETARCH}");
    assert.equal(envOf(stage("toolchain")).get("CC"), "${GNU_TRIPLET}-gcc");
    const compilers = envOf(stage("chef"));
    const expected = { amd64: ["x86_64-unknown-linux-gnu", "x86_64-linux-gnu"], arm64: ["aarch64-unknown-linux-gnu", "aarch64-linux-gnu"] };
    for (const [arch, [rustTarget, triplet]] of Object.entries(expected)) {
      const env = envOf(stage(`toolchain-${arch}`));
      assert.equal(env.get("RUST_TARGET"), rustTarget);
      assert.equal(env.get("GNU_TRIPLET"), triplet);
      const t = rustTarget.replace(/-/g, "_");
      assert.equal(compilers.get(`CARGO_TARGET_${t.toUpperCase()}_LINKER`), `${triplet}-gcc`);
      assert.equal(compilers.get(`CC_${t}`), `${triplet}-gcc`);
      assert.equal(compilers.get(`CXX_${t}`), `${triplet}-g++`);
      assert.match(compilers.get(`BINDGEN_EXTRA_CLANG_ARGS_${t}`) ?? "", new RegExp(`--sysroot=/usr/${triplet}`));
    }
    const builder = stage("builder").instructions.map((i) => i.toString()).join("\n");
    assert.match(builder, /cargo chef cook [^\n]*--target "\$\{RUST_TARGET\}"/);
    assert.match(builder, /cargo build [^\n]*--target "\$\{RUST_TARGET\}" -p cmd --bin broker-server/);
    assert.match(builder, /--mount=type=cache,target=\/usr\/local\/cargo\/registry/);
  });

  it("runs the final image as a numeric non-root user, from the RobustMQ home, with broker-server as entrypoint", () => {
    const user = effective(finalStage, "USER")?.getArgumentsContent() ?? "";
    const [uid, gid] = user.split(":");
    assert.match(user, /^\d+(:\d+)?$/, `USER ${user} must be numeric`);
    assert.ok(Number(uid) > 0 && Number(gid ?? uid) > 0, `USER ${user} must not be root`);
    assert.equal(Number(uid), 10001, "the cluster component defaults runAsUser to 10001");
    assert.equal(effective(finalStage, "WORKDIR")?.getArgumentsContent(), ROBUSTMQ_HOME);
    const entrypoint = JSON.parse(effective(finalStage, "ENTRYPOINT")?.getArgumentsContent() ?? "null");
    assert.deepEqual(entrypoint, [BROKER_SERVER_BINARY]);
    assert.ok(text.includes(`/payload/libs/${path.basename(BROKER_SERVER_BINARY)}`));
  });

  it("builds source and release images on the same runtime", () => {
    for (const target of ["source", "release"]) {
      assert.equal(parentStage(stage(target))?.name, "runtime", `${target} must build on the runtime stage`);
      assert.deepEqual(stage(target).instructions.map((i) => i.getKeyword()), ["COPY"]);
    }
    assert.equal(finalStage.name, "source", "a plain build of a checkout builds from source");
    const labels = effective(finalStage, "LABEL")?.toString() ?? "";
    for (const key of ["source", "version", "revision", "licenses"]) {
      assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`));
    }
    assert.match(labels, /licenses="Apache-2\.0"/);
  });

  it("declares no ARG that looks like a secret", () => {
    const names = dockerfileDeclarations(text).args;
    assert.ok(names.includes("ROBUSTMQ_SHA256_AMD64") && names.includes("VERSION"));
    assert.deepEqual(names.filter((n) => SECRET_LIKE_NAME.test(n)), []);
  });
});

describe("docker/Dockerfile release tarball stage", () => {
  const run = stage("release-rootfs").instructions.find((i) => i.getKeyword() === "RUN")!.getArgumentsContent()!;
  let tmp: string;
  let tarball: string;
  let sha: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "robustmq-release-"));
    const pkg = path.join(tmp, "robustmq-v0.4.11-linux-arm64");
    fs.mkdirSync(path.join(pkg, "libs"), { recursive: true });
    fs.writeFileSync(path.join(pkg, "libs", "broker-server"), "binary");
    tarball = path.join(tmp, "fixture.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", tmp, "robustmq-v0.4.11-linux-arm64"]);
    sha = createHash("sha256").update(fs.readFileSync(tarball)).digest("hex");
    // Stand-ins for the network and for the rootfs step: curl "downloads" the fixture.
    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "curl"), `#!/bin/sh\nwhile [ "$1" != "-o" ]; do shift; done\ncp "${tarball}" "$2"\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "assemble-rootfs"), `#!/bin/sh\necho "assembled $1"\n`, { mode: 0o755 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const runWith = (env: Record<string, string>) =>
    spawnSync("sh", ["-c", run], {
      encoding: "utf8",
      env: { PATH: `${path.join(tmp, "bin")}:${process.env.PATH}`, TMPDIR: tmp, TARGETARCH: "arm64", VERSION: "v0.4.11", ROBUSTMQ_RELEASE_URL: "https://example.invalid", ROBUSTMQ_SHA256_AMD64: "", ...env },
    });

  it("unpacks the tarball whose sha256 matches the build arg", () => {
    const r = runWith({ ROBUSTMQ_SHA256_ARM64: sha });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^assembled \S+\/robustmq-v0\.4\.11-linux-arm64$/m);
  });

  it("fails on a checksum mismatch", () => {
    const r = runWith({ ROBUSTMQ_SHA256_ARM64: "0".repeat(64) });
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stdout, /assembled/);
  });

  it("fails, naming the build arg, when the checksum is empty", () => {
    const r = runWith({ ROBUSTMQ_SHA256_ARM64: "", ROBUSTMQ_SHA256_AMD64: sha });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /ROBUSTMQ_SHA256_ARM64 must be the sha256/);
  });
});

describe("docker/Dockerfile assemble-rootfs", () => {
  const script = /<<'EOF' \/usr\/local\/bin\/assemble-rootfs\n([\s\S]*?)\nEOF\n/.exec(text)![1];
  const arch = process.arch === "x64" ? "amd64" : process.arch === "arm64" ? "arm64" : undefined;
  const usable = arch !== undefined && process.getuid?.() === 0 && spawnSync("readelf", ["--version"]).status === 0;
  let tmp: string;

  beforeEach(function () {
    if (!usable) {
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "robustmq-rootfs-"));
    fs.mkdirSync(path.join(tmp, "pkg", "libs"), { recursive: true });
    fs.mkdirSync(path.join(tmp, "pkg", "config", "certs"), { recursive: true });
    fs.copyFileSync(process.execPath, path.join(tmp, "pkg", "libs", "broker-server"));
    fs.writeFileSync(path.join(tmp, "pkg", "config", "server.toml"), "cluster_name = \"x\"\n");
    fs.writeFileSync(path.join(tmp, "pkg", "config", "certs", "cert.pem"), "cert");
  });
  afterEach(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  const assemble = (targetArch: string) =>
    spawnSync("sh", ["-c", script, "assemble-rootfs", path.join(tmp, "pkg")], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, TARGETARCH: targetArch, ROOTFS: path.join(tmp, "rootfs") },
    });

  it("lays out the binary and config where the cluster component expects them, root-owned", () => {
    const r = assemble(arch!);
    assert.equal(r.status, 0, r.stderr);
    const root = path.join(tmp, "rootfs");
    const binary = fs.statSync(path.join(root, BROKER_SERVER_BINARY));
    assert.equal(binary.mode & 0o777, 0o755);
    assert.equal(binary.uid, 0);
    assert.ok(fs.existsSync(path.join(root, ROBUSTMQ_HOME, "config", "certs", "cert.pem")));
  });

  it("refuses a binary built for the other architecture", () => {
    const r = assemble(arch === "amd64" ? "arm64" : "amd64");
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /is not a (amd64|arm64) binary/);
  });
});
