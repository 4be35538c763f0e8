// The dynamic sections of a server.toml document: the value each one must be set to through the
// admin API, and the document without the keys that such a set applies (what a pod restart is
// still needed for). Pure.
import { DYNAMIC_SECTIONS, DynamicSection, isHotKey, sectionKeys } from "../admin-api";
import { CONFIG_KEYS } from "./known-keys";

const ALL_KEYS = Object.keys(CONFIG_KEYS);

const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function lookup(doc: Record<string, unknown>, dotted: string): { found: boolean; value?: unknown } {
  let node: unknown = doc;
  for (const part of dotted.split(".")) {
    if (!isTable(node) || !Object.prototype.hasOwnProperty.call(node, part)) {
      return { found: false };
    }
    node = node[part];
  }
  return { found: true, value: node };
}

function put(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const p of path.slice(0, -1)) {
    node = (node[p] ??= {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** One section as config/set takes it: every field of the section's struct, nested like the TOML. */
export interface SectionValue {
  section: DynamicSection;
  value: Record<string, unknown>;
}

/**
 * The value of every dynamic section a node started from `doc` runs with: each key as the
 * document sets it, else RobustMQ's default for it (the table-absent one when its own table is
 * missing from the document). The whole section is sent because config/set replaces the node's
 * cached section whole (serde_json::from_slice into the struct).
 */
export function sectionValues(doc: Record<string, unknown>): SectionValue[] {
  return DYNAMIC_SECTIONS.map((section) => {
    const value: Record<string, unknown> = {};
    for (const key of sectionKeys(section, ALL_KEYS)) {
      const model = CONFIG_KEYS[key];
      const set = lookup(doc, key);
      let v: unknown;
      if (set.found && set.value !== undefined) {
        v = set.value;
      } else {
        const ownTable = lookup(doc, model.table);
        v = ownTable.found && isTable(ownTable.value) ? model.default : (model.defaultIfTableAbsent ?? model.default);
      }
      put(value, key.slice(section.table.length + 1).split("."), v);
    }
    return { section, value };
  });
}

/**
 * The document without the keys config/set applies at runtime: what the pods' restart checksum is
 * taken over, so a change of those keys alone restarts nothing. Tables left empty are dropped.
 */
export function withoutHotKeys(doc: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix === "" ? k : `${prefix}.${k}`;
    if (isTable(v)) {
      const inner = withoutHotKeys(v, path);
      if (Object.keys(inner).length > 0) {
        out[k] = inner;
      }
    } else if (!isHotKey(path, ALL_KEYS)) {
      out[k] = v;
    }
  }
  return out;
}

/** The hot keys a document sets (dotted), for messages and tests. */
export function hotKeysIn(doc: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(doc).flatMap(([k, v]) => {
    const path = prefix === "" ? k : `${prefix}.${k}`;
    return isTable(v) ? hotKeysIn(v, path) : isHotKey(path, ALL_KEYS) ? [path] : [];
  });
}
