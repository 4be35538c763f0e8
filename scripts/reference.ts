// Writes docs/REFERENCE.md from the code's own documentation (offline/reference.ts).
import * as fs from "fs";
import * as path from "path";
import { buildReference } from "../offline/reference";

const file = path.join(__dirname, "..", "docs", "REFERENCE.md");
const { markdown, undocumentedDefaults } = buildReference();
fs.writeFileSync(file, markdown);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
if (undocumentedDefaults.length > 0) {
  console.error(`optional arguments without @default: ${undocumentedDefaults.join(", ")}`);
  process.exitCode = 1;
}
