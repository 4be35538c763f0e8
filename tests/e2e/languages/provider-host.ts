// The package's component provider, started the way pulumi-language-nodejs's RunPlugin starts a
// `runtime: nodejs` plugin: its run-plugin script (@pulumi/pulumi/cmd/run-plugin) requires the
// package, collects the ComponentResource classes it exports with getPulumiComponents, takes the
// provider's name and namespace from package.json's name ("@<namespace>/<name>") and calls
// componentProviderHost. The language host itself is not served by the Go module proxy, so the
// harness runs this file (launcher.ts writes the executable the engine starts). Two differences,
// both for running from a checkout without a build: the package is required from index.ts (the
// source the analyzer reads anyway) through tsx instead of dist/, and dirname is the repository.
import * as fs from "fs";
import * as path from "path";
import { componentProviderHost, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

const ROOT = path.resolve(__dirname, "..", "..", "..");

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
// run-plugin's own derivation (cmd/run-plugin/run.js), so the schema is the one a user's CLI gets.
const match = /(@.*?\/)?(.+)/.exec(manifest.name) as RegExpExecArray;
const name = match[2].replace(/[^-a-zA-Z0-9_]/g, "-");
const namespace = match[1] === undefined ? undefined : match[1].substring(1, match[1].length - 1);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const components = getPulumiComponents(require(path.join(ROOT, "index.ts")));

void componentProviderHost({ name, namespace, dirname: ROOT, components });
