// npm run render -- <stack>: writes the manifests of a stack to rendered/<stack>/.
import * as path from "path";
import { ROOT, writeRendered } from "../offline/render";

async function main(): Promise<void> {
  const stack = process.argv[2];
  if (!stack) {
    console.error("usage: npm run render -- <stack>   (e.g. dev, staging, prod)");
    process.exit(2);
  }
  const out = path.join(ROOT, "rendered", stack);
  const result = await writeRendered(stack, out);
  for (const f of result.files) {
    console.log(`  ${path.relative(ROOT, path.join(out, f.file))}`);
  }
  console.log(`${result.files.length} objects written to ${path.relative(ROOT, out)}/ (Secrets listed in SECRETS.md, values never written)`);
}

main().catch((err) => {
  console.error(`render failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
