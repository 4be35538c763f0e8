// The docker-build resources of a RobustMQImage, in their own module so that @pulumi/docker-build
// (an optional peer dependency, with a provider plugin) loads only when an image is built.
import * as pulumi from "@pulumi/pulumi";
import * as dockerBuild from "@pulumi/docker-build";
import { ImageRegistryArgs } from "../api/image-args";
import { PlatformBuild, ResolvedImage } from "./resolve";

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
 * One docker-build Image per platform, joined by an Index under the main tag, and an Index per
 * further tag made from that one (so every tag names one digest), all children of `parent`.
 */
export function pushImages(
  name: string,
  plan: ResolvedImage,
  registryArgs: ImageRegistryArgs,
  parent: pulumi.Resource,
): { index: dockerBuild.Index; images: dockerBuild.Image[] } {
  const registry = registryLogin(registryArgs);
  // Pushed images stay in the registry when these go away (retainOnDelete), so deleting one
  // loses nothing: they are never protected, whatever the component's option, or a tag dropped
  // on a protected stack (a commit tag after a move to a release) would fail `pulumi up`.
  const childOpts: pulumi.CustomResourceOptions = { parent, retainOnDelete: true, protect: false };
  const images = plan.builds.map((b) => new dockerBuild.Image(`${name}-${b.arch}`, platformImageArgs(plan, b, registry), childOpts));
  const [main, ...aliases] = plan.indexTags;
  const index = new dockerBuild.Index(`${name}-${main.suffix}`, { tag: main.ref, sources: images.map((i) => i.ref), push: true, registry }, childOpts);
  // An index made from one index source keeps its bytes, hence its digest: every tag names one digest.
  for (const alias of aliases) {
    new dockerBuild.Index(`${name}-${alias.suffix}`, { tag: alias.ref, sources: [index.ref], push: true, registry }, childOpts);
  }
  return { index, images };
}
