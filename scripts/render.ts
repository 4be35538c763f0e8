// npm run render -- <stack> [--image <ref>@sha256:<digest>]: writes the manifests of a stack to
// rendered/<stack>/, with the script that creates its Secret, its claim patches in claims/ and a
// README.md with the apply commands and the prerequisites, which it also prints. A stack that
// builds its image is written with a stand-in digest and flagged as not deployable until --image.
import * as path from "path";
import { parseArgs } from "util";
import { applyCommands, ROOT, writeRendered } from "../offline/render";
import { prerequisitesText } from "../offline/prerequisites";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { image: { type: "string" } } });
  const stack = positionals[0];
  if (!stack || positionals.length > 1) {
    console.error("usage: npm run render -- <stack> [--image <ref>@sha256:<digest>]   (stacks: dev, staging, prod; stacks that build their image need --image to be deployable)");
    process.exit(2);
  }
  const out = path.join(ROOT, "rendered", stack);
  const result = await writeRendered(stack, out, { image: values.image });
  const dir = path.relative(process.cwd(), out) || ".";
  // First and last, where nobody scrolls past it.
  const warn = () => result.warnings.forEach((w) => console.error(`\nWARNING: ${w}\n`));
  warn();
  console.log(`${result.files.length} objects and ${result.claims.length} claim patches written to ${dir}/ (no secret value written; see ${dir}/README.md)`);
  console.log("\nPrerequisites:");
  console.log(prerequisitesText(result.prerequisites).join("\n"));
  console.log("\nApply, in this order:");
  console.log(applyCommands(dir, result).map((c) => `  ${c}`).join("\n"));
  warn();
}

main().catch((err) => {
  console.error(`render failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
