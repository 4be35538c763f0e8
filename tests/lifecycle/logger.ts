// RobustMQ's logger.toml as its tracing setup interprets it: appenders (console or rolling_file),
// each with target filters. A line from target T at level L reaches an appender when the most
// specific entry whose path is "", T, or a `::`-prefix of T allows L.
import { parse } from "smol-toml";

const LEVELS = ["off", "error", "warn", "info", "debug", "trace"];

export interface Appender {
  name: string;
  kind: "console" | "rolling_file";
  targets: Array<{ path: string; level: string }>;
  directory?: string;
  prefix?: string;
  suffix?: string;
  rotation?: string;
}

export function parseLoggerToml(text: string): Appender[] {
  const doc = parse(text) as Record<string, any>;
  return Object.entries(doc)
    .filter(([, v]) => v !== null && typeof v === "object" && (v.kind === "console" || v.kind === "rolling_file"))
    .map(([name, v]) => ({
      name,
      kind: v.kind,
      targets: (v.targets ?? []).map((t: any) => ({ path: String(t.path ?? ""), level: String(t.level ?? "info").toLowerCase() })),
      directory: v.directory,
      prefix: v.prefix,
      suffix: v.suffix,
      rotation: v.rotation,
    }));
}

export function accepts(appender: Appender, target: string, level: string): boolean {
  const matching = appender.targets.filter((t) => t.path === "" || t.path === target || target.startsWith(`${t.path}::`));
  if (matching.length === 0) {
    return false;
  }
  const mostSpecific = matching.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  return LEVELS.indexOf(mostSpecific.level) >= LEVELS.indexOf(level) && LEVELS.indexOf(level) > 0;
}

/**
 * File an appender writes to, relative paths against the working directory. tracing-appender's
 * "never" rotation writes `<prefix>.<suffix>`; the others add the date (the model's clock starts
 * on 2026-01-01).
 */
export function appenderFile(a: Appender, simSeconds: number): string {
  const dir = a.directory ?? "./logs";
  const parts = [a.prefix, a.suffix].filter((p): p is string => p !== undefined && p !== "");
  const rotation = a.rotation ?? "never";
  if (rotation !== "never") {
    const d = new Date(Date.UTC(2026, 0, 1) + simSeconds * 1000);
    const date = d.toISOString().slice(0, rotation === "daily" ? 10 : rotation === "hourly" ? 13 : 16).replace("T", "-").replace(":", "-");
    parts.splice(parts.length > 1 ? 1 : parts.length, 0, date);
  }
  return `${dir}/${parts.join(".")}`;
}
