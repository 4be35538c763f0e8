// Apply order, as data. Every resource the component registers goes through PhasedRegistry, which
// derives its dependsOn from these phases: a resource depends on every resource of every earlier
// phase. Tests assert on the recorded plan; the resources receive dependsOn from the same record.
import * as pulumi from "@pulumi/pulumi";
import { Phase, PHASES, PlanEntry } from "../api/model";

export { Phase, PHASES, PlanEntry };

export class PhasedRegistry {
  readonly plan: PlanEntry[] = [];
  private readonly registered: Array<{ phase: Phase; resource: pulumi.Resource }> = [];
  private current = -1;

  /**
   * Registers one resource in `phase`. Phases must be visited in order: registering into an
   * earlier phase than one already used is a programming error, since its dependents would
   * already have been created without it.
   */
  add<T extends pulumi.Resource>(phase: Phase, name: string, kind: string, create: (dependsOn: pulumi.Resource[]) => T, feature?: string): T {
    return this.record(phase, name, kind, create, feature);
  }

  /**
   * Records a resource created elsewhere (e.g. a RobustMQImage passed in by the user) so that
   * every later phase depends on it.
   */
  include(phase: Phase, name: string, kind: string, resource: pulumi.Resource): void {
    this.record(phase, name, kind, () => resource);
  }

  private record<T extends pulumi.Resource>(phase: Phase, name: string, kind: string, create: (dependsOn: pulumi.Resource[]) => T, feature?: string): T {
    const index = PHASES.indexOf(phase);
    if (this.plan.some((p) => p.name === name)) {
      throw new Error(`resource name "${name}" is already in the apply order; names must be unique`);
    }
    if (index < this.current) {
      throw new Error(`resource "${name}" registered in phase "${phase}" after phase "${PHASES[this.current]}"`);
    }
    this.current = index;
    const earlier = this.registered.filter((r) => PHASES.indexOf(r.phase) < index);
    const earlierNames = this.plan.filter((p) => PHASES.indexOf(p.phase) < index).map((p) => p.name);
    const resource = create(earlier.map((r) => r.resource));
    this.registered.push({ phase, resource });
    this.plan.push({ phase, name, kind, dependsOn: earlierNames, ...(feature === undefined ? {} : { feature }) });
    return resource;
  }
}
