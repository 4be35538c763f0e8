// Writes docs/REFERENCE.md from the code's own documentation (offline/reference.ts).
import * as fs from "fs";
import * as path from "path";
import { buildReference } from "../offline/reference";
import { writeRights } from "./rights";

const file = path.join(__dirname, "..", "docs", "REFERENCE.md");
const { markdown, undocumentedDefaults } = buildReference();
fs.writeFileSync(file, markdown);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
if (undocumentedDefaults.length > 0) {
  console.error(`optional arguments without @default: ${undocumentedDefaults.join(", ")}`);
  process.exitCode = 1;
}

writeRights().catch((err) => {
  console.error(`docs/RIGHTS.md not written: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
