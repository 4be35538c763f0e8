import * as pulumi from "@pulumi/pulumi";
import { ImageBuildTarget, ImagePlatform } from "./enums";

/** The registry RobustMQImage pushes to. */
export interface ImageRegistryArgs {
  /** Registry host with an optional port, no scheme or path: "ghcr.io", "registry.example.com:5000". */
  address: string;
  /**
   * Login for pushing and for the build cache. Leave username and password unset to use the
   * builder's own docker login (e.g. docker/login-action in CI). Both are passed on as secrets.
   * @default the builder's docker login
   */
  username?: pulumi.Input<string>;
  /** Password or token; always handled as a Pulumi secret, whatever is passed. @default the builder's docker login */
  password?: pulumi.Input<string>;
}

/**
 * Arguments of RobustMQImage. This interface is part of the package's public contract: fields are
 * added, never renamed. Everything that decides names, tags or which resources exist is a plain
 * value, checked before any resource is registered; only credentials may be Inputs.
 */
export interface RobustMQImageArgs {
  /** RobustMQ release this image carries, e.g. "v0.4.11": the main tag and the image's version label. */
  version: string;
  /**
   * "source" (default): compile broker-server from `context` (cross-compiled per platform, no QEMU).
   * "release": take upstream's release tarball for `version`, checked against `releaseChecksums`.
   * @default "source"
   */
  target?: ImageBuildTarget;
  /**
   * Build context: a local RobustMQ checkout ("../robustmq") or a git URL that pins a ref
   * ("https://github.com/robustmq/robustmq.git#v0.4.11"). Required for target "source"; the
   * "release" target needs no sources and defaults to the Dockerfile's own directory.
   * @default none for "source" (required); the Dockerfile's directory for "release"
   */
  context?: string;
  /**
   * Local path of the Dockerfile. Its content is sent inline, so the build does not depend on
   * where the package is installed.
   * @default this package's docker/Dockerfile
   */
  dockerfile?: string;
  /** Commit the image is built from (7-40 hex digits): adds the "<version>-<sha7>" tag and the revision label. @default none */
  gitSha?: string;
  /** Platforms to build, each on its own with its own cache. @default ["linux/amd64", "linux/arm64"] */
  platforms?: ImagePlatform[];
  /** Registry the image and its build cache are pushed to. */
  registry: ImageRegistryArgs;
  /** Repository path inside the registry, e.g. "team/robustmq" (no host, no tag). */
  repository: string;
  /** More tags for the multi-arch index, e.g. ["v0.4", "stable"]. "latest" needs allowLatestTag. @default none */
  extraTags?: string[];
  /**
   * Allow "latest" among extraTags: a floating tag changes what a cluster runs without any change
   * in its stack. Keep it off for staging and prod registries.
   * @default false
   */
  allowLatestTag?: boolean;
  /**
   * Registry cache reference, "<host>/<repository>:<tag>"; each platform uses its own,
   * "<cacheRef>-<arch>", in mode max.
   * @default "<registry>/<repository>:buildcache"
   */
  cacheRef?: string;
  /**
   * Build during `pulumi preview` (nothing is pushed then, the cache is). Off, previews stay fast
   * and need no builder; CI that wants a build check on pull requests sets it.
   * @default false
   */
  buildOnPreview?: boolean;
  /**
   * Extra, non-secret Dockerfile ARGs (e.g. CARGO_PROFILE, base image overrides). Names that look
   * like credentials are refused: build args end up in the image's metadata and provenance.
   * @default none
   */
  buildArgs?: Record<string, string>;
  /**
   * sha256 of upstream's release tarball per architecture (robustmq-<version>-linux-<arch>.tar.gz).
   * Required with target "release" for every platform built; the build fails on a mismatch.
   * @default none
   */
  releaseChecksums?: ReleaseChecksums;
}

/** sha256 of upstream's release tarball, per architecture. */
export interface ReleaseChecksums {
  /** robustmq-<version>-linux-amd64.tar.gz. @default none (required when amd64 is built from a release) */
  amd64?: string;
  /** robustmq-<version>-linux-arm64.tar.gz. @default none (required when arm64 is built from a release) */
  arm64?: string;
}
