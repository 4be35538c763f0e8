// What a program registered, read from its stack's state (`pulumi stack export --show-secrets`), in
// a form two languages' stacks can be compared in: per resource its type, name, parent's type and
// inputs, with what differs by construction between two runs of the same program masked.
import { cli, PulumiEnv } from "../harness/pulumi";

export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  parent?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  ignoreChanges?: string[];
  retainOnDelete?: boolean;
  provider?: string;
}

export interface Registered {
  type: string;
  name: string;
  parentType: string;
  inputs: unknown;
}

export const MASKED = "<drawn anew per run: kept by ignoreChanges>";
/** The one kind of resource whose ignoreChanges hold values drawn anew on every run (cluster/credentials.ts). */
const DRAWN_PER_RUN = "kubernetes:core/v1:Secret";

// How `pulumi stack export --show-secrets` writes a secret: the signature key and its plaintext,
// JSON-encoded. Replaced by { [SECRET]: value } so paths reach inside and secretness still counts.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SECRET = "<secret>";

function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(unwrapSecrets);
  }
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG && typeof o.plaintext === "string") {
      return { [SECRET]: unwrapSecrets(JSON.parse(o.plaintext)) };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** The stack's resources with secrets in plaintext (their ciphertexts differ on every encryption). */
export async function exportState(p: PulumiEnv, projectDir: string, stack: string): Promise<StateResource[]> {
  const doc = JSON.parse(await cli(p, ["stack", "export", "--show-secrets", "--stack", stack, "--non-interactive"], projectDir));
  return doc.deployment.resources ?? [];
}

/** Resources the engine adds on its own: the stack and the default providers. */
export const isEngineResource = (r: { type: string }) => r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:");

/** A property path as Pulumi writes it in ignoreChanges (`a.b`, `a["b.c"]`, `a[0]`), split. */
export function parsePath(p: string): string[] {
  const out: string[] = [];
  const re = /([^.[\]]+)|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/g;
  for (let m = re.exec(p); m !== null; m = re.exec(p)) {
    out.push(m[1] ?? (m[2] !== undefined ? JSON.parse(`"${m[2]}"`) : m[3]));
  }
  return out;
}

function maskPath(value: unknown, segments: string[]): void {
  const open = (x: unknown) => {
    let o = x as Record<string, unknown> | undefined;
    while (o !== null && typeof o === "object" && SECRET in o) {
      o = o[SECRET] as Record<string, unknown>;
    }
    return o !== null && typeof o === "object" ? o : undefined;
  };
  let v = open(value);
  for (const s of segments.slice(0, -1)) {
    v = v === undefined ? undefined : open(v[s]);
  }
  const last = segments[segments.length - 1];
  if (v !== undefined && last in v) {
    v[last] = MASKED;
  }
}

/**
 * Every resource the program registered (not the engine's own), keyed by "type::name", secrets as
 * { "<secret>": value }. Masked: the credentials Secret's values under its ignoreChanges paths (the
 * private values the component draws in the program on every run; the engine keeps the first),
 * and `__defaults`, the provider's record of which inputs it filled in itself.
 */
export function registered(resources: StateResource[]): Map<string, Registered> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out = new Map<string, Registered>();
  for (const r of resources) {
    if (isEngineResource(r)) {
      continue;
    }
    const inputs = unwrapSecrets(r.inputs ?? {}) as Record<string, unknown>;
    delete inputs.__defaults;
    // Other resources' ignoreChanges (claim templates, autoscaled replicas) hold values the
    // program sets the same way on every run: those are compared.
    if (r.type === DRAWN_PER_RUN) {
      for (const p of r.ignoreChanges ?? []) {
        maskPath(inputs, parsePath(p));
      }
    }
    const name = r.urn.split("::").pop() as string;
    const parentType = r.parent === undefined ? "" : (byUrn.get(r.parent)?.type ?? `(missing ${r.parent})`);
    const key = `${r.type}::${name}`;
    if (out.has(key)) {
      throw new Error(`two resources named ${key} in one stack`);
    }
    out.set(key, { type: r.type, name, parentType, inputs });
  }
  return out;
}

/** Where two registrations differ, one line each (empty when equal). */
export function differences(reference: Map<string, Registered>, other: Map<string, Registered>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...reference.keys(), ...other.keys()])].sort()) {
    const a = reference.get(key);
    const b = other.get(key);
    if (a === undefined) {
      out.push(`${key}: registered only here`);
    } else if (b === undefined) {
      out.push(`${key}: not registered (the TypeScript program registers it)`);
    } else {
      if (a.parentType !== b.parentType) {
        out.push(`${key}: parent ${b.parentType}, TypeScript's ${a.parentType}`);
      }
      out.push(...diffValues(`${key} inputs`, a.inputs, b.inputs));
    }
  }
  return out;
}

function diffValues(where: string, a: unknown, b: unknown): string[] {
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => diffValues(`${where}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${where}: ${short(b)}, TypeScript's ${short(a)}`];
}

const short = (v: unknown) => {
  const s = v === undefined ? "(absent)" : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};
