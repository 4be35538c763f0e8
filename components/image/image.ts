import * as pulumi from "@pulumi/pulumi";
import { RobustMQImageArgs } from "../api/image-args";
import { resolveImageArgs } from "./resolve";
import { loadImageBuild } from "./load";

/** Type token of RobustMQImage: "<package>:index:<class>", as Pulumi's component provider derives it. */
export const IMAGE_TYPE = "robustmq:index:RobustMQImage";

/** The digest a pushed reference ("<name>:<tag>@sha256:…") carries. */
export function digestOf(ref: string): string {
  const digest = ref.slice(ref.lastIndexOf("@") + 1);
  if (!ref.includes("@") || !/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new Error(`RobustMQImage: the registry answered ${JSON.stringify(ref)}, which carries no sha256 digest`);
  }
  return digest;
}

/**
 * A multi-arch RobustMQ image pushed to a registry: one docker-build Image per platform (built
 * natively or cross-compiled, each with its own registry cache), joined by a docker-build Index
 * (manifest list) under "<version>", and further Indexes for the "<version>-<sha7>" and extra tags,
 * which name the same digest. Pushed images are kept in the registry when the resources go away
 * (retainOnDelete), so a rollback can still pull the digest it pinned.
 *
 * Give `ref` (digest-pinned) to RobustMQCluster's image, or pass these arguments as its imageBuild.
 */
export class RobustMQImage extends pulumi.ComponentResource {
  /** "<registry>/<repository>@sha256:…" of the multi-arch index: what a cluster should run. */
  public readonly ref: pulumi.Output<string>;
  /** "sha256:…" of the multi-arch index. */
  public readonly digest: pulumi.Output<string>;
  /** Every tag of the multi-arch index, as full references ("<registry>/<repository>:<tag>"). */
  public readonly tags: pulumi.Output<string[]>;
  /** Per-platform images, "<registry>/<repository>:<tag>@sha256:…" by platform ("linux/amd64", ...). */
  public readonly platformRefs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RobustMQImageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before anything is registered, the component itself included.
    const plan = resolveImageArgs(name, args);
    const { pushImages } = loadImageBuild();
    super(IMAGE_TYPE, name, {}, { ...opts, aliases: [...(opts.aliases ?? []), { type: "robustmq:index:Image" }] });

    const { index, images } = pushImages(name, plan, args.registry, this);
    // A ref the engine reports no value for (a unit test's mock that echoes inputs as state, as in
    // Pulumi's testing guide) stays absent: a real push always reports one, checked by digestOf.
    this.digest = index.ref.apply((ref) => (ref === undefined ? ref : digestOf(ref)));
    this.ref = this.digest.apply((digest) => (digest === undefined ? digest : `${plan.repositoryUrl}@${digest}`));
    this.tags = pulumi.output(plan.indexTags.map((t) => t.ref));
    this.platformRefs = pulumi
      .all(images.map((i) => i.ref))
      .apply((refs) => Object.fromEntries(plan.builds.map((b, i) => [b.platform, refs[i]])));
    this.registerOutputs({ ref: this.ref, digest: this.digest, tags: this.tags, platformRefs: this.platformRefs });
  }
}
