// Turns RobustMQImageArgs into a validated build plan: one build per platform (tag, cache ref,
// build args) and the tags of the multi-arch index. Pure but for reading the Dockerfile and checking
// that a local context exists, so a bad input fails before any resource is registered.
import * as fs from "fs";
import * as path from "path";
import { RobustMQArgsError } from "../validate/errors";
import { Problems, validateNonEmptyString } from "../validate/values";
import { RobustMQImageArgs } from "../api/image-args";
import {
  archOf,
  ImageArch,
  ImageBuildTarget,
  ImagePlatform,
  IMAGE_PLATFORMS,
  isRemoteContext,
  validateBuildArgs,
  validateBuildTarget,
  validateCacheRef,
  validateContext,
  validateCredentialsPair,
  validateExtraTags,
  validateGitSha,
  validateImageVersion,
  validatePlatforms,
  validateRegistryAddress,
  validateRepository,
  validateSha256,
} from "./validation";

export class RobustMQImageArgsError extends RobustMQArgsError {
  constructor(component: string, problems: string[]) {
    super(component, problems, "RobustMQImage");
    this.name = "RobustMQImageArgsError";
  }
}

export const DEFAULT_PLATFORMS: readonly ImagePlatform[] = IMAGE_PLATFORMS;
export const DEFAULT_CACHE_TAG = "buildcache";

/** Build args the component sets from its own arguments, and the argument to use instead. */
export const MANAGED_BUILD_ARGS: ReadonlyMap<string, string> = new Map([
  ["VERSION", "set from the version argument"],
  ["GIT_SHA", "set from the gitSha argument"],
  ["ROBUSTMQ_SHA256_AMD64", "set from releaseChecksums.amd64"],
  ["ROBUSTMQ_SHA256_ARM64", "set from releaseChecksums.arm64"],
]);

const ARG_FIELDS: ReadonlySet<string> = new Set([
  "version", "target", "context", "dockerfile", "gitSha", "platforms", "registry", "repository",
  "extraTags", "allowLatestTag", "cacheRef", "buildOnPreview", "buildArgs", "releaseChecksums",
]);
const REGISTRY_FIELDS: ReadonlySet<string> = new Set(["address", "username", "password"]);

export interface PlatformBuild {
  platform: ImagePlatform;
  arch: ImageArch;
  /** Full reference of the per-platform image the index points at, e.g. "ghcr.io/team/robustmq:v0.4.11-amd64". */
  tag: string;
  /** Registry cache of this platform only: "<cacheRef>-<arch>". */
  cacheRef: string;
  buildArgs: Record<string, string>;
}

export interface IndexTag {
  /** Suffix of the Index resource's name: "index", "commit" or "tag-<extra tag>". */
  suffix: string;
  ref: string;
}

export interface ResolvedImage {
  name: string;
  /** "<registry>/<repository>", the name the digest reference is built on. */
  repositoryUrl: string;
  registryAddress: string;
  target: ImageBuildTarget;
  /** Build context as handed to docker-build (a path relative to the program's directory, or a git URL). */
  context: string;
  dockerfile: { path: string; content: string };
  builds: PlatformBuild[];
  /**
   * Tags of the multi-arch index, full references, each with a stable resource-name suffix. The
   * first is the main one, "<repositoryUrl>:<version>"; the others ("<version>-<sha7>", extra
   * tags) name the same index.
   */
  indexTags: IndexTag[];
  buildOnPreview: boolean;
}

/** Where the calling code lives and runs; tests replace it to try other layouts. */
export interface ResolveEnvironment {
  /** Directory of this module: the walk to the package root (and its docker/Dockerfile) starts here. */
  moduleDir: string;
  /** Directory relative paths are resolved against (the Pulumi program's). */
  cwd: string;
}

const defaultEnvironment = (): ResolveEnvironment => ({ moduleDir: __dirname, cwd: process.cwd() });

/**
 * This package's Dockerfile: docker/Dockerfile at the nearest directory above `moduleDir` that has
 * a package.json (the package root, from components/image in a checkout as from
 * dist/components/image when installed). Undefined when that root has no Dockerfile.
 */
export function findPackageDockerfile(moduleDir: string): { root?: string; dockerfile?: string } {
  for (let dir = path.resolve(moduleDir); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) {
      const dockerfile = path.join(dir, "docker", "Dockerfile");
      return { root: dir, dockerfile: fs.existsSync(dockerfile) ? dockerfile : undefined };
    }
    if (path.dirname(dir) === dir) {
      return {};
    }
  }
}

function readDockerfile(args: RobustMQImageArgs, env: ResolveEnvironment, problems: Problems): { path: string; content: string } | undefined {
  let file: string;
  if (args.dockerfile !== undefined) {
    const p = validateNonEmptyString("dockerfile", args.dockerfile);
    if (p.length > 0) {
      problems.push(...p);
      return undefined;
    }
    file = path.resolve(env.cwd, args.dockerfile);
  } else {
    const found = findPackageDockerfile(env.moduleDir);
    if (found.dockerfile === undefined) {
      problems.push(
        `dockerfile: this package's docker/Dockerfile was not found ` +
          `(${found.root === undefined ? `no package root above ${env.moduleDir}` : `not in ${found.root}`}); pass dockerfile explicitly`,
      );
      return undefined;
    }
    file = found.dockerfile;
  }
  try {
    return { path: file, content: fs.readFileSync(file, "utf8") };
  } catch {
    problems.push(`dockerfile: cannot read ${JSON.stringify(file)} (a local Dockerfile path, resolved against ${env.cwd})`);
    return undefined;
  }
}

/** ARG names and stage names a Dockerfile declares. */
export function dockerfileDeclarations(content: string): { args: string[]; stages: string[] } {
  const args = [...content.matchAll(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)/gim)].map((m) => m[1]);
  const stages = [...content.matchAll(/^\s*FROM\s+.*\s+AS\s+([A-Za-z0-9_.-]+)\s*$/gim)].map((m) => m[1]);
  return { args: [...new Set(args)], stages };
}

function checkLocalContext(context: string, target: ImageBuildTarget, cwd: string): Problems {
  const dir = path.resolve(cwd, context);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return [`context: ${JSON.stringify(context)} is not a directory (resolved against ${cwd})`];
  }
  if (target === "source" && !fs.existsSync(path.join(dir, "Cargo.toml"))) {
    return [
      `context: ${JSON.stringify(context)} has no Cargo.toml; target "source" needs a RobustMQ checkout ` +
        `(or use target "release" to package upstream's release tarball)`,
    ];
  }
  return [];
}

function contextFor(args: RobustMQImageArgs, target: ImageBuildTarget, dockerfile: string | undefined, env: ResolveEnvironment, problems: Problems): string {
  if (args.context === undefined) {
    if (target === "source") {
      problems.push(`context: required with target "source" (a RobustMQ checkout or a git URL with a ref such as "https://github.com/robustmq/robustmq.git#v0.4.11")`);
      return "";
    }
    // The release stages read nothing from the context: the Dockerfile's small directory will do.
    return dockerfile === undefined ? "." : path.relative(env.cwd, path.dirname(dockerfile)) || ".";
  }
  const p = validateContext("context", args.context);
  if (p.length === 0 && !isRemoteContext(args.context)) {
    p.push(...checkLocalContext(args.context, target, env.cwd));
  }
  problems.push(...p);
  return args.context;
}

/** Validates every argument and returns the build plan, or throws listing every problem. */
export function resolveImageArgs(name: string, args: RobustMQImageArgs, env: ResolveEnvironment = defaultEnvironment()): ResolvedImage {
  const problems: Problems = [...validateNonEmptyString("name", name)];
  if (typeof args !== "object" || args === null) {
    throw new RobustMQImageArgsError(name, ["args: required (version, registry and repository at least)"]);
  }
  for (const key of Object.keys(args)) {
    if (!ARG_FIELDS.has(key)) {
      problems.push(`${key}: unknown argument (accepted: ${[...ARG_FIELDS].join(", ")})`);
    }
  }

  problems.push(...validateImageVersion("version", args.version));
  if (args.gitSha !== undefined) {
    problems.push(...validateGitSha("gitSha", args.gitSha));
  }
  const target = args.target ?? "source";
  problems.push(...validateBuildTarget("target", target));
  const platforms = args.platforms ?? [...DEFAULT_PLATFORMS];
  const platformProblems = validatePlatforms("platforms", platforms);
  problems.push(...platformProblems);

  const registry = args.registry ?? ({} as RobustMQImageArgs["registry"]);
  if (args.registry === undefined) {
    problems.push(`registry: required ({ address, username?, password? })`);
  } else {
    for (const key of Object.keys(registry)) {
      if (!REGISTRY_FIELDS.has(key)) {
        problems.push(`registry.${key}: unknown field (accepted: ${[...REGISTRY_FIELDS].join(", ")})`);
      }
    }
    problems.push(...validateRegistryAddress("registry.address", registry.address));
    problems.push(...validateCredentialsPair("registry", registry.username, registry.password));
  }
  problems.push(...validateRepository("repository", args.repository));
  const repositoryUrl = `${registry.address}/${args.repository}`;

  const cacheRef = args.cacheRef ?? `${repositoryUrl}:${DEFAULT_CACHE_TAG}`;
  if (args.cacheRef !== undefined) {
    problems.push(...validateCacheRef("cacheRef", args.cacheRef));
  }
  for (const flag of ["allowLatestTag", "buildOnPreview"] as const) {
    if (args[flag] !== undefined && typeof args[flag] !== "boolean") {
      problems.push(`${flag}: must be true or false, got ${JSON.stringify(args[flag])}`);
    }
  }

  const dockerfile = readDockerfile(args, env, problems);
  const declared = dockerfile === undefined ? undefined : dockerfileDeclarations(dockerfile.content);
  if (declared !== undefined && validateBuildTarget("target", target).length === 0 && !declared.stages.includes(target)) {
    problems.push(`target: ${dockerfile!.path} has no stage "${target}" (stages: ${declared.stages.join(", ") || "none"})`);
  }
  const context = contextFor(args, target, dockerfile?.path, env, problems);
  problems.push(...validateBuildArgs("buildArgs", args.buildArgs, MANAGED_BUILD_ARGS, declared?.args));

  // Only platforms that passed validation get a build; the problems above already name the others.
  const valid = platformProblems.length === 0 ? (platforms as ImagePlatform[]) : [];
  const checksums = args.releaseChecksums ?? {};
  if (args.releaseChecksums !== undefined && target !== "release") {
    problems.push(`releaseChecksums: only used with target "release" (target is "${target}")`);
  }
  for (const key of Object.keys(checksums)) {
    if (key !== "amd64" && key !== "arm64") {
      problems.push(`releaseChecksums.${key}: unknown architecture (accepted: amd64, arm64)`);
    }
  }
  if (target === "release") {
    for (const arch of valid.map(archOf)) {
      problems.push(...validateSha256(`releaseChecksums.${arch}`, checksums[arch]));
    }
  }

  const sha7 = args.gitSha?.slice(0, 7);
  const versionTag = sha7 === undefined ? args.version : `${args.version}-${sha7}`;
  const builds: PlatformBuild[] = valid.map((platform) => {
    const arch = archOf(platform);
    const buildArgs: Record<string, string> = { ...(args.buildArgs ?? {}), VERSION: args.version };
    if (args.gitSha !== undefined) {
      buildArgs.GIT_SHA = args.gitSha;
    }
    if (target === "release") {
      buildArgs[`ROBUSTMQ_SHA256_${arch.toUpperCase()}`] = checksums[arch] ?? "";
    }
    return { platform, arch, tag: `${repositoryUrl}:${versionTag}-${arch}`, cacheRef: `${cacheRef}-${arch}`, buildArgs };
  });

  const reserved = [args.version, versionTag, ...builds.map((b) => b.tag.slice(repositoryUrl.length + 1))];
  problems.push(...validateExtraTags("extraTags", args.extraTags, reserved, args.allowLatestTag === true));

  if (problems.length > 0) {
    throw new RobustMQImageArgsError(name, problems);
  }
  return {
    name,
    repositoryUrl,
    registryAddress: registry.address,
    target,
    context,
    dockerfile: dockerfile!,
    builds,
    indexTags: [
      { suffix: "index", ref: `${repositoryUrl}:${args.version}` },
      ...(sha7 === undefined ? [] : [{ suffix: "commit", ref: `${repositoryUrl}:${versionTag}` }]),
      ...(args.extraTags ?? []).map((t) => ({ suffix: `tag-${t}`, ref: `${repositoryUrl}:${t}` })),
    ],
    buildOnPreview: args.buildOnPreview ?? false,
  };
}
