import * as pulumi from "@pulumi/pulumi";
import * as dockerBuild from "@pulumi/docker-build";
import { ImageRegistryArgs, RobustMQImageArgs } from "../api/image-args";
import { PlatformBuild, ResolvedImage, resolveImageArgs } from "./resolve";

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

/** Registry login for docker-build; credentials are always secrets, whatever was passed. */
export function registryLogin(registry: ImageRegistryArgs): dockerBuild.types.input.RegistryArgs | undefined {
  if (registry.username === undefined || registry.password === undefined) {
    return undefined;
  }
  return {
    address: registry.address,
    username: pulumi.secret(registry.username),
    password: pulumi.secret(registry.password),
  };
}

/** docker-build inputs of one platform's image: pushed, with its own registry cache. */
export function platformImageArgs(
  plan: ResolvedImage,
  build: PlatformBuild,
  registry: dockerBuild.types.input.RegistryArgs | undefined,
): dockerBuild.ImageArgs {
  return {
    context: { location: plan.context },
    dockerfile: { inline: plan.dockerfile.content },
    target: plan.target,
    platforms: [build.platform],
    push: true,
    tags: [build.tag],
    buildArgs: build.buildArgs,
    buildOnPreview: plan.buildOnPreview,
    // One cache per platform: a multi-platform build exports the cache of one platform only.
    cacheFrom: [{ registry: { ref: build.cacheRef } }],
    cacheTo: [{ registry: { ref: build.cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } }],
    registries: registry === undefined ? undefined : [registry],
  };
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
    super(IMAGE_TYPE, name, {}, { ...opts, aliases: [...(opts.aliases ?? []), { type: "robustmq:index:Image" }] });

    const registry = registryLogin(args.registry);
    // Pushed images stay in the registry when these go away (retainOnDelete), so deleting one
    // loses nothing: they are never protected, whatever the component's option, or a tag dropped
    // on a protected stack (a commit tag after a move to a release) would fail `pulumi up`.
    const childOpts: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: true, protect: false };
    const images = plan.builds.map(
      (b) => new dockerBuild.Image(`${name}-${b.arch}`, platformImageArgs(plan, b, registry), childOpts),
    );
    const [main, ...aliases] = plan.indexTags;
    const index = new dockerBuild.Index(
      `${name}-${main.suffix}`,
      { tag: main.ref, sources: images.map((i) => i.ref), push: true, registry },
      childOpts,
    );
    // An index made from one index source keeps its bytes, hence its digest: every tag names one digest.
    for (const alias of aliases) {
      new dockerBuild.Index(`${name}-${alias.suffix}`, { tag: alias.ref, sources: [index.ref], push: true, registry }, childOpts);
    }

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
