// Writes docs/RIGHTS.md: per stack, its cluster-scoped objects and a deployer's Role and ClusterRole (offline/rights-stacks.ts).
import * as fs from "fs";
import * as path from "path";
import { buildRights } from "../offline/rights-stacks";

export async function writeRights(): Promise<void> {
  const file = path.join(__dirname, "..", "docs", "RIGHTS.md");
  fs.writeFileSync(file, await buildRights());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
