// The credentials Secret of a rendered stack, made at apply time: the render writes no secret value
// (render.ts), so it writes a shell script instead that draws or reads each value, builds the keys
// the pods read exactly as cluster/credentials.ts does, and hands the Secret to kubectl on stdin.
// Everything the script knows comes from rmq/credentials.ts's table (names, lengths, alphabets,
// refused values, key names), so it cannot drift from what `pulumi up` would create.
import { CREDENTIALS, CredentialSpec, internalSecretKey } from "../components/rmq/credentials";

/** The environment variable a user sets to give a credential instead of drawing one. */
export function credentialEnvVar(spec: CredentialSpec): string {
  return `ROBUSTMQ_${spec.name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** What each key of the Secret holds: a credential plain, as a TOML literal, or a private value. */
export interface SecretKeyPlan {
  key: string;
  spec: CredentialSpec;
  form: "plain" | "toml" | "private-toml";
}

/** Maps the rendered Secret's keys onto the credentials table; a key it does not know stops the render. */
export function secretKeyPlan(keys: readonly string[]): SecretKeyPlan[] {
  return keys.map((key) => {
    for (const spec of CREDENTIALS) {
      if (key === spec.secretKey) return { key, spec, form: "plain" };
      if (key === `${spec.secretKey}.toml`) return { key, spec, form: "toml" };
      if (key === `${internalSecretKey(spec)}.toml`) return { key, spec, form: "private-toml" };
    }
    throw new Error(`Secret key "${key}" is not in the credentials table (components/rmq/credentials.ts)`);
  });
}

/** Single-quoted for the shell. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const varName = (spec: CredentialSpec, privateValue = false) => `${privateValue ? "private_" : ""}${spec.name.replace(/[A-Z]/g, (c) => `_${c}`).toLowerCase()}`;

/** tr(1) classes of what cluster/credentials.ts generates: RandomPassword without specials, RandomString lower-case. */
function alphabet(spec: CredentialSpec): string {
  return spec.generate.kind === "username" ? "a-z0-9" : "A-Za-z0-9";
}

export interface SecretScriptInput {
  stack: string;
  name: string;
  namespace: string;
  /** The Secret's metadata without its values (labels, annotations), as rendered. */
  metadata: Record<string, unknown>;
  type?: string;
  keys: readonly string[];
  /** File (in the same directory) of the Namespace the Secret lives in, when the render creates it. */
  namespaceFile?: string;
}

/** The script: bash, coreutils (head, base64, tr) and kubectl; no temporary file, no here-document. */
export function secretScript(input: SecretScriptInput): string {
  const plan = secretKeyPlan(input.keys);
  const specs = CREDENTIALS.filter((s) => plan.some((p) => p.spec === s && p.form !== "private-toml"));
  const privates = CREDENTIALS.filter((s) => plan.some((p) => p.spec === s && p.form === "private-toml"));
  const lines = [
    "#!/usr/bin/env bash",
    `# Creates Secret ${input.namespace}/${input.name}, the credentials of stack "${input.stack}", at apply time.`,
    "# Written by `npm run render` from components/rmq/credentials.ts (edit that table, not this file).",
    "#",
    "# Each credential is read from the environment when set, otherwise drawn at random here:",
    ...specs.map((s) => `#   ${credentialEnvVar(s)}${" ".repeat(Math.max(1, 26 - credentialEnvVar(s).length))}${s.generate.kind === "username" ? `mqtt- and ${s.generate.length} random [a-z0-9]` : `${s.generate.length} random [A-Za-z0-9]`}; ${s.minLength > 1 ? `at least ${s.minLength} characters` : "not empty"}${s.publishedDefaults.length > 0 ? ", not RobustMQ's published default" : ""}`),
    "# No value touches the disk: they live in shell variables and reach kubectl on its stdin. An",
    "# existing Secret is left as it is (delete it first to draw new values; the pods that read the",
    "# admin password or JWT secret need a restart to take new ones).",
    "set -euo pipefail",
    "export LC_ALL=C",
    'kubectl="${KUBECTL:-kubectl}"',
    `namespace=${sq(input.namespace)}`,
    `name=${sq(input.name)}`,
    "",
    "random() { # <length> <tr class>",
    '  local v=""',
    '  while [ "${#v}" -lt "$1" ]; do v+=$(head -c 192 /dev/urandom | base64 | tr -dc "$2"); done',
    "  printf '%s' \"${v:0:$1}\"",
    "}",
    "",
    "given() { # <env var> <min length> <refused value>...",
    '  local var=$1 min=$2 v=${!1}; shift 2',
    '  if [ -z "$v" ]; then echo "$var: empty; set a value or unset it to draw one" >&2; return 1; fi',
    '  for d in "$@"; do',
    '    if [ "$v" = "$d" ]; then echo "$var: is RobustMQ\'s published default; set another value or unset it to draw one" >&2; return 1; fi',
    "  done",
    '  if [ "${#v}" -lt "$min" ]; then echo "$var: must be at least $min characters long" >&2; return 1; fi',
    '  case "$v" in *[[:cntrl:]]*) echo "$var: holds a control character" >&2; return 1;; esac',
    "  printf '%s' \"$v\"",
    "}",
    "",
    "# A TOML basic string, as smol-toml writes it for values without control characters: RobustMQ",
    "# splices env overrides into its config as raw TOML.",
    "toml() {",
    "  local v=${1//\\\\/\\\\\\\\}",
    '  v=${v//\\"/\\\\\\"}',
    "  printf '\"%s\"' \"$v\"",
    "}",
    "",
    "b64() { printf '%s' \"$1\" | base64 | tr -d '\\n'; }",
    "",
    'existing=$("$kubectl" get secret "$name" -n "$namespace" --ignore-not-found -o name)',
    'if [ -n "$existing" ]; then',
    '  echo "Secret $namespace/$name exists: left as it is (delete it first to create it anew)" >&2',
    "  exit 0",
    "fi",
    "",
  ];
  for (const s of specs) {
    const env = credentialEnvVar(s);
    const drawn = s.generate.kind === "username" ? `"mqtt-$(random ${s.generate.length} ${sq(alphabet(s))})"` : `$(random ${s.generate.length} ${sq(alphabet(s))})`;
    const refused = s.publishedDefaults.map(sq).join(" ");
    lines.push(`if [ -n "\${${env}+set}" ]; then ${varName(s)}=$(given ${env} ${s.minLength}${refused === "" ? "" : ` ${refused}`}); else ${varName(s)}=${drawn}; fi`);
  }
  for (const s of privates) {
    // Private values of the nodes that serve no admin API (cluster/credentials.ts privateValue).
    lines.push(`${varName(s, true)}=$(random ${s.generate.length} ${sq(alphabet(s))})`);
  }
  const data = plan.map((p, i) => {
    const v = `"$${varName(p.spec, p.form === "private-toml")}"`;
    const value = p.form === "plain" ? `"$(b64 ${v})"` : `"$(b64 "$(toml ${v})")"`;
    return `manifest+='${JSON.stringify(p.key)}:"'${value}'"${i === plan.length - 1 ? "" : ","}'`;
  });
  const head = JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { ...input.metadata, name: input.name, namespace: input.namespace }, ...(input.type === undefined ? {} : { type: input.type }) });
  lines.push(
    "",
    ...(input.namespaceFile === undefined
      ? []
      : ["# The namespace first (the same object the directory's apply creates).", `"$kubectl" apply --server-side -f "$(dirname "$0")/${input.namespaceFile}"`]),
    `manifest=${sq(head.slice(0, -1))}',"data":{'`,
    ...data,
    "manifest+='}}'",
    'printf \'%s\' "$manifest" | "$kubectl" apply --server-side -f -',
    "",
  );
  return lines.join("\n");
}
