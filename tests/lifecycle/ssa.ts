// Server-Side Apply's field ownership, for the one field two writers share here: a StatefulSet's
// spec.replicas (Pulumi's apply, and the HorizontalPodAutoscaler's writes through the scale
// subresource). sigs.k8s.io/structured-merge-diff merge/update.go:
// - Apply (Updater.Apply): a field the applier sets to a value other than the live one conflicts
//   with every other manager of it, unless forced, and then those managers lose it; set to the
//   live value, it is shared. A field the applier owned and no longer sets is removed from its set,
//   and from the object when nobody else owns it (a removed spec.replicas defaults to 1).
// - Update (Updater.Update, force=true): a changed field is taken from every other manager.
// Everything else about an object is modelled as a whole-object write (world.ts putObject).

/** The HPA controller's field manager, as a managedFields entry names it (subresource "scale"). */
export const HPA_MANAGER = "kube-controller-manager";

export interface FieldApply {
  /** The value the object ends with; undefined: removed (the API server's default applies). */
  value?: number;
  owners: Set<string>;
  /** Managers an unforced apply conflicts with (the apply fails, nothing changes). */
  conflicts: string[];
}

export function applyField(applied: number | undefined, live: number | undefined, owners: ReadonlySet<string>, applier: string, force: boolean): FieldApply {
  const others = [...owners].filter((m) => m !== applier);
  if (applied === undefined) {
    const rest = new Set(others);
    return { value: rest.size === 0 && owners.has(applier) ? undefined : live, owners: rest, conflicts: [] };
  }
  if (applied === live) {
    return { value: live, owners: new Set([...owners, applier]), conflicts: [] };
  }
  if (others.length > 0 && !force) {
    return { value: live, owners: new Set(owners), conflicts: others };
  }
  return { value: applied, owners: new Set([applier]), conflicts: [] };
}

/** An update (not an apply) by `manager`: a changed value is taken from everyone else. */
export function updateField(value: number, live: number | undefined, owners: ReadonlySet<string>, manager: string): Set<string> {
  return value === live ? new Set(owners) : new Set([manager]);
}
