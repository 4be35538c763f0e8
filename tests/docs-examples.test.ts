// The Python and Go programs of docs/LANGUAGES.md are the example files the end-to-end run deploys
// (tests/e2e/04-languages.e2e.ts): each fenced snippet must appear verbatim in its file, so the
// text a reader copies is the text that was run.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const DOC = "docs/LANGUAGES.md";

function section(): string {
  return fs.readFileSync(path.join(ROOT, DOC), "utf8");
}

function snippets(language: string): string[] {
  const re = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm");
  return [...section().matchAll(re)].map((m) => m[1]);
}

describe("docs/LANGUAGES.md: the Python and Go snippets are the example programs", () => {
  for (const [language, file, firstLine] of [
    ["python", "examples/python/__main__.py", "import pulumi\n"],
    ["go", "examples/go/main.go", "import (\n"],
  ] as const) {
    it(`the ${language} snippet is ${file} from its imports to its end`, () => {
      const found = snippets(language);
      assert.equal(found.length, 1, `one \`\`\`${language} block in ${DOC}`);
      const [snippet] = found;
      assert.match(snippet, /RobustMQCluster/, "the snippet constructs the cluster");
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      assert.ok(source.includes(snippet), `${DOC}'s ${language} snippet is not contained in ${file}: change one to match the other`);
      // Only the header comment (how to set the example up) is left out.
      assert.equal(snippet, source.slice(source.indexOf(firstLine)), `${DOC} shows ${file} from "${firstLine.trim()}" on`);
    });
  }
});
