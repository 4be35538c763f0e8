// Apply order, as data. Every resource the component registers goes through PhasedRegistry, which
// derives its dependsOn from these phases: a resource depends on every resource of every earlier
// phase. Tests assert on the recorded plan; the resources receive dependsOn from the same record.
import * as pulumi from "@pulumi/pulumi";

export const PHASES = [
  "namespace",
  "image",
  "storage",
  "config",
  "meta",
  "tiers",
  "services",
  "ingress",
] as const;
export type Phase = (typeof PHASES)[number];

export interface PlanEntry {
  phase: Phase;
  /** Pulumi logical name of the resource. */
  name: string;
  /** Kubernetes kind (or the Pulumi type for non-Kubernetes resources). */
  kind: string;
  /** Logical names of the resources it depends on. */
  dependsOn: string[];
}

export class PhasedRegistry {
  readonly plan: PlanEntry[] = [];
  private readonly registered: Array<{ phase: Phase; resource: pulumi.Resource }> = [];
  private current = -1;

  /**
   * Registers one resource in `phase`. Phases must be visited in order: registering into an
   * earlier phase than one already used is a programming error, since its dependents would
   * already have been created without it.
   */
  add<T extends pulumi.Resource>(phase: Phase, name: string, kind: string, create: (dependsOn: pulumi.Resource[]) => T): T {
    const index = PHASES.indexOf(phase);
    if (index < this.current) {
      throw new Error(`resource "${name}" registered in phase "${phase}" after phase "${PHASES[this.current]}"`);
    }
    this.current = index;
    const earlier = this.registered.filter((r) => PHASES.indexOf(r.phase) < index);
    const earlierNames = this.plan.filter((p) => PHASES.indexOf(p.phase) < index).map((p) => p.name);
    const resource = create(earlier.map((r) => r.resource));
    this.registered.push({ phase, resource });
    this.plan.push({ phase, name, kind, dependsOn: earlierNames });
    return resource;
  }
}
