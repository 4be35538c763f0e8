// Volumes and what a container sees through its mounts. A persistent volume outlives its pods; an
// emptyDir lives as long as its pod; a container's root filesystem lives as long as the container
// and is read-only when securityContext.readOnlyRootFilesystem says so.
import { parseQuantity } from "../../components/validate/quantity";
import { below, normalizePath } from "./util";

/** A storage quantity ("20Gi") in bytes. */
export function bytes(quantity: string): number {
  const n = parseQuantity(quantity);
  if (n === undefined) {
    throw new Error(`not a quantity: ${quantity}`);
  }
  return n;
}

export class Volume {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>([""]);
  constructor(readonly id: string, readonly writable = true) {}

  mkdirp(rel: string): void {
    const parts = rel.split("/").filter((p) => p !== "");
    for (let i = 1; i <= parts.length; i++) {
      this.dirs.add(parts.slice(0, i).join("/"));
    }
  }
  exists(rel: string): boolean {
    return this.dirs.has(rel) || this.files.has(rel);
  }
}

/** A persistent volume claim and the volume bound to it. */
export interface Claim {
  name: string;
  namespace: string;
  storageClassName?: string;
  /** spec.resources.requests.storage, bytes. */
  requested: number;
  /** status.capacity.storage, bytes: what the volume has (grows after an expansion). */
  capacity: number;
  volume: Volume;
  /** Where the volume lives once bound (WaitForFirstConsumer binds at first scheduling). */
  zone?: string;
  node?: string;
  bound: boolean;
}

export interface Mount {
  path: string;
  volume: Volume;
  readOnly: boolean;
  subPath?: string;
}

/** Paths as one container sees them. */
export class MountTable {
  constructor(private readonly mounts: Mount[], private readonly rootfs: Volume) {}

  private locate(abs: string): { volume: Volume; rel: string; writable: boolean } {
    const p = normalizePath(abs);
    let best: { m: Mount; rel: string } | undefined;
    for (const m of this.mounts) {
      const rel = below(m.path, p);
      if (rel !== undefined && (best === undefined || m.path.length > best.m.path.length)) {
        best = { m, rel };
      }
    }
    if (best === undefined) {
      return { volume: this.rootfs, rel: p.slice(1), writable: this.rootfs.writable };
    }
    const rel = [best.m.subPath, best.rel].filter((s) => s !== undefined && s !== "").join("/");
    return { volume: best.m.volume, rel, writable: !best.m.readOnly && best.m.volume.writable };
  }

  exists(abs: string): boolean {
    const l = this.locate(abs);
    return l.volume.exists(l.rel);
  }
  read(abs: string): string | undefined {
    const l = this.locate(abs);
    return l.volume.files.get(l.rel);
  }
  /** mkdir -p; false when the filesystem there is read-only. */
  mkdirp(abs: string): boolean {
    const l = this.locate(abs);
    if (l.volume.exists(l.rel)) {
      return true;
    }
    if (!l.writable) {
      return false;
    }
    l.volume.mkdirp(l.rel);
    return true;
  }
  /** Creates the file if absent (never truncates), then appends `text`; false when read-only. */
  append(abs: string, text: string): boolean {
    const l = this.locate(abs);
    if (!l.writable) {
      return false;
    }
    const dir = l.rel.split("/").slice(0, -1).join("/");
    if (!l.volume.dirs.has(dir)) {
      return false;
    }
    l.volume.files.set(l.rel, (l.volume.files.get(l.rel) ?? "") + text);
    return true;
  }
  /** Replaces the file's content (it must exist); false when read-only. */
  write(abs: string, text: string): boolean {
    const l = this.locate(abs);
    if (!l.writable || !l.volume.files.has(l.rel)) {
      return false;
    }
    l.volume.files.set(l.rel, text);
    return true;
  }
  volumeAt(abs: string): Volume {
    return this.locate(abs).volume;
  }
}
