// The docs cannot drift: the reference is what the code's own documentation says, every optional
// argument says what it defaults to, and every repository path a doc names exists.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildReference } from "../offline/reference";
import { buildRights } from "../offline/rights-stacks";

const ROOT = path.join(__dirname, "..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const TOP = ["components", "tests", "docs", "stacks", "offline", "scripts", "e2e", "examples", "docker", ".ci", ".github"];
const COMPONENT_FOLDERS = fs.readdirSync(path.join(ROOT, "components"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
// Named in the docs but made by a command, not committed; or not a path (a GitHub Action's name).
const NOT_IN_REPOSITORY = /^(rendered|dist|node_modules)\/|^docker\/[\w-]+-action$/;

/** Repository paths a Markdown text names: `components/x.ts`, [text](docs/X.md), ... */
export function namedPaths(text: string): string[] {
  const out = new Set<string>();
  const re = new RegExp(`(?<![\\w./-])((?:${TOP.map((t) => t.replace(".", "\\.")).join("|")})/[\\w./-]*[\\w/])`, "g");
  for (const m of text.matchAll(re)) {
    // A pattern (`stacks/Pulumi.<stack>.yaml`, `tests/*.ts`) names no one file.
    if (/^[.\/]?[<*{]/.test(text.slice((m.index ?? 0) + m[0].length))) continue;
    out.add(m[1].replace(/\/$/, ""));
  }
  // Files of the component named from its own folders (`workload/volumes.ts`).
  const inComponents = new RegExp(`(?<![\\w./-])((?:${COMPONENT_FOLDERS.join("|")})/[\\w./-]*\\.ts)\\b`, "g");
  for (const m of text.matchAll(inComponents)) {
    out.add(`components/${m[1]}`);
  }
  return [...out];
}

describe("docs", function () {
  this.timeout(60_000);

  it("docs/REFERENCE.md is what the code's documentation says (npm run docs writes it)", () => {
    const { markdown } = buildReference();
    assert.equal(fs.readFileSync(path.join(ROOT, "docs", "REFERENCE.md"), "utf8"), markdown, "docs/REFERENCE.md is stale: run npm run docs");
  });

  it("docs/RIGHTS.md is the deployer rights the stacks' registered objects need (npm run docs writes it)", async () => {
    assert.equal(fs.readFileSync(path.join(ROOT, "docs", "RIGHTS.md"), "utf8"), await buildRights(), "docs/RIGHTS.md is stale: run npm run docs");
  });

  it("every optional argument of the public types says what it defaults to (@default)", () => {
    assert.deepEqual(buildReference().undocumentedDefaults, []);
  });

  it("finds the paths a text names", () => {
    assert.deepEqual(namedPaths("see `components/api/args.ts`, [ops](docs/OPERATIONS.md) and tests/e2e/ or stacks/Pulumi.dev.yaml, `workload/volumes.ts`."), [
      "components/api/args.ts",
      "docs/OPERATIONS.md",
      "tests/e2e",
      "stacks/Pulumi.dev.yaml",
      "components/workload/volumes.ts",
    ]);
  });

  for (const doc of DOCS) {
    it(`${doc} names only paths that exist`, () => {
      const missing = namedPaths(fs.readFileSync(path.join(ROOT, doc), "utf8")).filter((p) => !NOT_IN_REPOSITORY.test(p) && !fs.existsSync(path.join(ROOT, p)));
      assert.deepEqual(missing, []);
    });
  }
});
