// The README's Python and Go programs are the example files the end-to-end run deploys
// (tests/e2e/04-languages.e2e.ts): each fenced snippet of "Use it from Python, Go, .NET or YAML"
// must appear verbatim in its file, so the text a reader copies is the text that was run.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const SECTION = "## Use it from Python, Go, .NET or YAML";

function section(): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf(`${SECTION}\n`);
  assert.ok(start >= 0, `README.md has no "${SECTION}" section`);
  const next = readme.indexOf("\n## ", start + SECTION.length);
  return readme.slice(start, next < 0 ? undefined : next);
}

function snippets(language: string): string[] {
  const re = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm");
  return [...section().matchAll(re)].map((m) => m[1]);
}

describe("README: the Python and Go snippets are the example programs", () => {
  for (const [language, file, firstLine] of [
    ["python", "examples/python/__main__.py", "import pulumi\n"],
    ["go", "examples/go/main.go", "import (\n"],
  ] as const) {
    it(`the ${language} snippet is ${file} from its imports to its end`, () => {
      const found = snippets(language);
      assert.equal(found.length, 1, `one \`\`\`${language} block in the section`);
      const [snippet] = found;
      assert.match(snippet, /RobustMQCluster/, "the snippet constructs the cluster");
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      assert.ok(source.includes(snippet), `README's ${language} snippet is not contained in ${file}: change one to match the other`);
      // Only the header comment (how to set the example up) is left out.
      assert.equal(snippet, source.slice(source.indexOf(firstLine)), `README shows ${file} from "${firstLine.trim()}" on`);
    });
  }
});
