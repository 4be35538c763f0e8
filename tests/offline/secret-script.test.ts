// The rendered create-secret.sh, run for real under bash with a stub kubectl that prints what it is
// given: every key the component's Secret has, in the component's formats, values drawn or taken
// from the environment, RobustMQ's published defaults refused, and nothing written to disk
// (checked with strace where it is installed; CI installs it).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CREDENTIALS, internalSecretKey, tomlString } from "../../components/rmq/credentials";
import { RenderResult, SECRET_SCRIPT, writeRendered } from "../../offline/render";
import { credentialEnvVar, secretKeyPlan } from "../../offline/secret-script";
import { renderOptions } from "./render-options";

const STUB = `#!/usr/bin/env bash
case "$*" in
  "get secret "*) if [ -n "\${STUB_EXISTS:-}" ]; then echo "secret/x"; fi ;;
  *"-f -") echo "STDIN-BEGIN $*"; cat; echo; echo "STDIN-END" ;;
  *) echo "CALLED $*" ;;
esac
`;

const hasStrace = spawnSync("strace", ["-V"]).status === 0;
const TRACED = ["-f", "-qq", "-e", "trace=open,openat,creat,rename,renameat,renameat2,link,linkat,mkdir,mkdirat"];

/** Paths a traced run opened for writing or created (/dev/* apart); removes the trace. */
function writtenFiles(trace: string): string[] {
  const out = fs
    .readFileSync(trace, "utf8")
    .split("\n")
    .filter((l) => /O_WRONLY|O_RDWR|O_CREAT|creat\(|rename|link|mkdir/.test(l))
    .map((l) => /"([^"]*)"/.exec(l)?.[1] ?? l)
    .filter((p) => !p.startsWith("/dev/"));
  fs.rmSync(trace);
  return out;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The Secret kubectl received on stdin, values decoded. */
  secret?: { manifest: Record<string, any>; values: Record<string, string> };
  /** Files opened for writing (strace), /dev/* apart. */
  written: string[];
}

describe("render: create-secret.sh", function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secret-script-"));
  const bin = path.join(tmp, "bin");
  const scratch = path.join(tmp, "scratch");
  const rendered: Record<string, RenderResult> = {};

  before(async () => {
    fs.mkdirSync(bin);
    fs.mkdirSync(scratch);
    fs.writeFileSync(path.join(bin, "kubectl"), STUB, { mode: 0o755 });
    for (const stack of ["dev", "prod"]) {
      rendered[stack] = await writeRendered(stack, path.join(tmp, stack), renderOptions(stack));
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function run(stack: string, env: Record<string, string> = {}): Run {
    const script = path.join(tmp, stack, SECRET_SCRIPT);
    const trace = path.join(tmp, `trace-${process.hrtime.bigint()}`);
    const cmd = hasStrace ? ["strace", ...TRACED, "-o", trace, "bash", script] : ["bash", script];
    const r = spawnSync(cmd[0], cmd.slice(1), {
      cwd: scratch,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: scratch, TMPDIR: scratch, ...env },
      encoding: "utf8",
    });
    const written = hasStrace ? writtenFiles(trace) : [];
    const m = /STDIN-BEGIN [^\n]*\n([\s\S]*?)\nSTDIN-END/.exec(r.stdout);
    let secret: Run["secret"];
    if (m !== null) {
      const manifest = JSON.parse(m[1]);
      const values = Object.fromEntries(Object.entries<string>(manifest.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
      secret = { manifest, values };
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, secret, written };
  }

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: draws every credential and writes every key the component's Secret has, in its format, through kubectl's stdin`, () => {
      const r = run(stack);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.secret, r.stdout);
      const s = rendered[stack].secrets[0];
      assert.equal(r.secret.manifest.metadata.name, s.name);
      assert.equal(r.secret.manifest.metadata.namespace, s.namespace);
      assert.deepEqual(r.secret.manifest.metadata.labels, s.metadata.labels);
      assert.equal(r.secret.manifest.type, "Opaque");
      assert.deepEqual(Object.keys(r.secret.values).sort(), [...s.keys].sort());
      assert.equal(s.keys.length, stack === "prod" ? 10 : 8, "split topologies add the two private admin-API values");
      for (const p of secretKeyPlan(s.keys)) {
        const v: string = r.secret.values[p.key];
        const plainValue: string = p.form === "private-toml" ? JSON.parse(v) : r.secret.values[p.spec.secretKey];
        const shape = p.spec.generate.kind === "username" ? new RegExp(`^mqtt-[a-z0-9]{${p.spec.generate.length}}$`) : new RegExp(`^[A-Za-z0-9]{${p.spec.generate.length}}$`);
        assert.match(plainValue, shape, p.key);
        if (p.form !== "plain") {
          assert.equal(v, tomlString(plainValue), p.key);
        }
      }
      // The private values are drawn apart from the ones they stand in for.
      if (stack === "prod") {
        for (const spec of CREDENTIALS.filter((c) => c.adminApiOnly)) {
          assert.notEqual(r.secret.values[`${internalSecretKey(spec)}.toml`], r.secret.values[`${spec.secretKey}.toml`]);
        }
      }
      // The namespace is applied first, from the rendered file.
      assert.ok(r.stdout.indexOf("CALLED apply --server-side -f") < r.stdout.indexOf("STDIN-BEGIN"), r.stdout);
      assert.match(r.stdout, /CALLED apply --server-side -f \S+\/00-namespace-robustmq\.yaml/);
      assert.match(r.stdout, /STDIN-BEGIN apply --server-side -f -/);
      if (hasStrace) {
        assert.deepEqual(r.written, [], "the script writes no file");
      }
      assert.deepEqual(fs.readdirSync(scratch), []);
      const again = run(stack);
      assert.notEqual(again.secret!.values["admin-password"], r.secret.values["admin-password"], "values are drawn on every run");
    });
  }

  it("takes values from the environment, TOML-quoted exactly as the component quotes them", () => {
    const given = { ROBUSTMQ_ADMIN_PASSWORD: `pa"ss\\wo$rd 'q' \`x\` é`, ROBUSTMQ_JWT_SECRET: "j".repeat(40), ROBUSTMQ_MQTT_USERNAME: "devices", ROBUSTMQ_MQTT_PASSWORD: "m\\\\\"-password-0001" };
    assert.deepEqual(Object.keys(given).sort(), CREDENTIALS.map(credentialEnvVar).sort(), "one variable per credential of the table");
    const r = run("prod", given);
    assert.equal(r.status, 0, r.stderr);
    for (const spec of CREDENTIALS) {
      const v = given[credentialEnvVar(spec) as keyof typeof given];
      assert.equal(r.secret!.values[spec.secretKey], v);
      assert.equal(r.secret!.values[`${spec.secretKey}.toml`], tomlString(v));
    }
  });

  describe("refuses, before applying anything", () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ...CREDENTIALS.flatMap((spec) => spec.publishedDefaults.map((d): [string, Record<string, string>, RegExp] => [`${spec.name}'s published default ${d}`, { [credentialEnvVar(spec)]: d }, new RegExp(`${credentialEnvVar(spec)}: is RobustMQ's published default`)])),
      ...CREDENTIALS.filter((s) => s.minLength > 1).map((spec): [string, Record<string, string>, RegExp] => [`a ${spec.name} shorter than ${spec.minLength}`, { [credentialEnvVar(spec)]: "x".repeat(spec.minLength - 1) }, new RegExp(`${credentialEnvVar(spec)}: must be at least ${spec.minLength} characters long`)]),
      ["an empty username", { ROBUSTMQ_MQTT_USERNAME: "" }, /ROBUSTMQ_MQTT_USERNAME: empty/],
      ["a control character", { ROBUSTMQ_MQTT_PASSWORD: "new\nline-password" }, /ROBUSTMQ_MQTT_PASSWORD: holds a control character/],
    ];
    for (const [what, env, message] of cases) {
      it(what, () => {
        const r = run("dev", env);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stdout, /STDIN-BEGIN|CALLED apply/);
      });
    }
    it("the table's published defaults are all covered", () => {
      assert.deepEqual(cases.filter(([w]) => w.includes("published default")).length, CREDENTIALS.flatMap((c) => c.publishedDefaults).length);
      assert.ok(cases.length >= 6);
    });
  });

  it("leaves an existing Secret as it is", () => {
    const r = run("dev", { STUB_EXISTS: "1" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /exists: left as it is/);
    assert.doesNotMatch(r.stdout, /STDIN-BEGIN|CALLED apply/);
  });

  it("maps only keys the credentials table knows", () => {
    assert.throws(() => secretKeyPlan(["admin-password", "tls.key"]), /Secret key "tls.key" is not in the credentials table/);
  });

  it("strace is there to prove nothing is written (CI installs it)", function () {
    if (!hasStrace && process.env.CI === undefined) {
      this.skip();
    }
    assert.ok(hasStrace);
    // The check sees a write: a canary redirect is caught.
    const trace = path.join(tmp, "trace-canary");
    const r = spawnSync("strace", [...TRACED, "-o", trace, "bash", "-c", `echo x > ${path.join(scratch, "canary")}`]);
    assert.equal(r.status, 0);
    assert.deepEqual(writtenFiles(trace), [path.join(scratch, "canary")]);
    fs.rmSync(path.join(scratch, "canary"));
  });
});
