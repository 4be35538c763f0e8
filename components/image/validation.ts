// Pure validators of RobustMQImage arguments. Like ../validation.ts, each returns problems as
// "field: what is wrong (what is accepted)" and never throws, so every problem is reported at once.
import { ImageBuildTarget, ImagePlatform } from "../api/enums";
import { Problems, show } from "../validate/problems";

export { ImageBuildTarget, ImagePlatform };

export const IMAGE_PLATFORMS: readonly ImagePlatform[] = Object.values(ImagePlatform);
/** Docker's architecture name of a platform ("amd64", "arm64"): the suffix of per-platform tags and cache refs. */
export type ImageArch = "amd64" | "arm64";

export const BUILD_TARGETS: readonly ImageBuildTarget[] = Object.values(ImageBuildTarget);

/** A RobustMQ release tag as upstream names them: "v0.4.11", "v0.5.0-rc.1". */
export const VERSION_PATTERN = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const GIT_SHA = /^[0-9a-f]{7,40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HOST_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";
const REGISTRY_HOST = new RegExp(`^${HOST_LABEL}(\\.${HOST_LABEL})*(:\\d{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GIT_URL = /^(https:\/\/|ssh:\/\/|git@)\S+$/;

/**
 * Names of build args (and Dockerfile ARGs) that look like they carry a credential. Build args are
 * recorded in the image's history and provenance, so a secret must never travel as one.
 */
export const SECRET_LIKE_NAME = /(TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL|AUTH|PRIVATE)/i;

/** Build args BuildKit sets itself for each platform; passing them would fight the multi-platform build. */
export const AUTOMATIC_BUILD_ARGS: readonly string[] = [
  "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
  "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
];

export function archOf(platform: ImagePlatform): ImageArch {
  return platform === "linux/amd64" ? "amd64" : "arm64";
}


export function validateImageVersion(field: string, value: unknown): Problems {
  if (typeof value !== "string" || !VERSION_PATTERN.test(value)) {
    return [`${field}: must be a RobustMQ release tag such as "v0.4.11" or "v0.5.0-rc.1", got ${show(value)}`];
  }
  return [];
}

export function validateGitSha(field: string, value: unknown): Problems {
  if (typeof value !== "string" || !GIT_SHA.test(value)) {
    return [`${field}: must be a git commit id, 7 to 40 lower-case hex digits, got ${show(value)}`];
  }
  return [];
}

export function validatePlatforms(field: string, value: unknown): Problems {
  const accepted = IMAGE_PLATFORMS.map((p) => `"${p}"`).join(", ");
  if (!Array.isArray(value) || value.length === 0) {
    return [`${field}: must be a non-empty list drawn from ${accepted}, got ${show(value)}`];
  }
  const problems: Problems = [];
  value.forEach((p, i) => {
    if (!(IMAGE_PLATFORMS as readonly unknown[]).includes(p)) {
      problems.push(`${field}[${i}]: unsupported platform ${show(p)} (accepted: ${accepted})`);
    } else if (value.indexOf(p) !== i) {
      problems.push(`${field}[${i}]: ${show(p)} is listed more than once`);
    }
  });
  return problems;
}

export function validateBuildTarget(field: string, value: unknown): Problems {
  if (typeof value !== "string" || !(BUILD_TARGETS as readonly string[]).includes(value)) {
    return [
      `${field}: must be "source" (compile RobustMQ from the context) or "release" (use upstream's release tarball), ` +
        `got ${show(value)}`,
    ];
  }
  return [];
}

/** A registry host with an optional port: "ghcr.io", "registry.example.com:5000". No scheme, no path. */
export function validateRegistryAddress(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.trim() === "") {
    return [`${field}: must be a non-empty registry host such as "ghcr.io" or "registry.example.com:5000", got ${show(value)}`];
  }
  if (!REGISTRY_HOST.test(value)) {
    return [
      `${field}: must be a registry host with an optional port, without scheme or path ` +
        `(e.g. "ghcr.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"), got ${show(value)}`,
    ];
  }
  return [];
}

/** A repository path inside the registry: "team/robustmq". Lower case, no host, tag or digest. */
export function validateRepository(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.trim() === "") {
    return [`${field}: must be a non-empty repository path such as "team/robustmq", got ${show(value)}`];
  }
  if (/[:@]/.test(value)) {
    return [`${field}: must not carry a tag, digest or port (tags come from version, gitSha and extraTags), got ${show(value)}`];
  }
  const parts = value.split("/");
  if (parts.length > 1 && /[.]|^localhost$/.test(parts[0])) {
    return [`${field}: ${show(parts[0])} looks like a registry host; put it in registry.address and keep only the path here`];
  }
  if (!parts.every((p) => PATH_COMPONENT.test(p))) {
    return [
      `${field}: every path component must be lower-case letters and digits, optionally separated by ".", "_", "__" or "-", ` +
        `got ${show(value)}`,
    ];
  }
  return [];
}

/** One tag. "latest" floats, so it is refused unless the caller opted in. */
export function validateImageTag(field: string, value: unknown, allowLatest: boolean): Problems {
  if (typeof value !== "string" || !TAG.test(value)) {
    return [`${field}: must be an image tag (letters, digits, "_", "." and "-", at most 128 characters), got ${show(value)}`];
  }
  if (value === "latest" && !allowLatest) {
    return [
      `${field}: the "latest" tag is refused because it moves under running clusters; ` +
        `set allowLatestTag: true to publish it anyway (dev registries only)`,
    ];
  }
  return [];
}

/** Extra tags: each valid, none repeated, none equal to a tag the component sets itself. */
export function validateExtraTags(field: string, value: unknown, reserved: readonly string[], allowLatest: boolean): Problems {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    return [`${field}: must be a list of image tags, got ${show(value)}`];
  }
  const problems: Problems = [];
  value.forEach((tag, i) => {
    const p = validateImageTag(`${field}[${i}]`, tag, allowLatest);
    if (p.length > 0) {
      problems.push(...p);
    } else if (reserved.includes(tag)) {
      problems.push(`${field}[${i}]: ${show(tag)} is already set by the component (version, version-gitsha or a per-platform tag)`);
    } else if (value.indexOf(tag) !== i) {
      problems.push(`${field}[${i}]: ${show(tag)} is listed more than once`);
    }
  });
  return problems;
}

/** Where the registry build cache goes: "<host>/<path>:<tag>"; each platform appends "-<arch>" to the tag. */
export function validateCacheRef(field: string, value: unknown): Problems {
  const example = `(e.g. "ghcr.io/team/robustmq:buildcache")`;
  if (typeof value !== "string" || value.trim() === "") {
    return [`${field}: must be a non-empty image reference with a tag ${example}, got ${show(value)}`];
  }
  if (value.includes("@")) {
    return [`${field}: must be a tag reference, not a digest ${example}, got ${show(value)}`];
  }
  const slash = value.indexOf("/");
  const colon = value.lastIndexOf(":");
  if (slash < 0 || colon < value.lastIndexOf("/")) {
    return [`${field}: must be "<registry host>/<repository>:<tag>" ${example}, got ${show(value)}`];
  }
  return [
    ...validateRegistryAddress(`${field} (registry host)`, value.slice(0, slash)),
    ...validateRepository(`${field} (repository)`, value.slice(slash + 1, colon)),
    ...validateImageTag(`${field} (tag)`, value.slice(colon + 1), false),
  ];
}

export function validateSha256(field: string, value: unknown): Problems {
  if (typeof value !== "string" || !SHA256.test(value)) {
    return [`${field}: must be a sha256 checksum, 64 lower-case hex digits (sha256sum of the release tarball), got ${show(value)}`];
  }
  return [];
}

/**
 * Non-secret build args. Names must be valid ARG names, must not look like credentials (build args
 * end up in image metadata; use a BuildKit secret instead) and must not be ones the component or
 * BuildKit sets. `known`, when given, lists the ARGs the Dockerfile declares: others are typos.
 */
export function validateBuildArgs(
  field: string,
  value: unknown,
  managed: ReadonlyMap<string, string>,
  known?: readonly string[],
): Problems {
  if (value === undefined) {
    return [];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${field}: must be a map of build arg names to string values, got ${show(value)}`];
  }
  const problems: Problems = [];
  for (const [name, v] of Object.entries(value)) {
    const at = `${field}.${name}`;
    if (!BUILD_ARG_NAME.test(name)) {
      problems.push(`${at}: not a valid ARG name (letters, digits and "_", not starting with a digit)`);
    } else if (SECRET_LIKE_NAME.test(name)) {
      problems.push(
        `${at}: looks like a secret; build args are recorded in the image metadata and provenance, ` +
          `so credentials are refused here (use a BuildKit secret mount in your own Dockerfile instead)`,
      );
    } else if (managed.has(name)) {
      problems.push(`${at}: ${managed.get(name)}`);
    } else if (AUTOMATIC_BUILD_ARGS.includes(name)) {
      problems.push(`${at}: set by BuildKit for each platform; use the platforms argument`);
    } else if (known !== undefined && !known.includes(name)) {
      problems.push(`${at}: the Dockerfile declares no such ARG (declared: ${known.join(", ")})`);
    }
    if (typeof v !== "string") {
      problems.push(`${at}: must be a string, got ${show(v)}`);
    }
  }
  return problems;
}

export function isRemoteContext(value: string): boolean {
  return GIT_URL.test(value);
}

/**
 * The build context: a local directory, or a git URL that pins a ref ("…/robustmq.git#v0.4.11"),
 * so that the same stack config always builds the same source.
 */
export function validateContext(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.trim() === "") {
    return [`${field}: must be a local RobustMQ checkout or a git URL with a ref, got ${show(value)}`];
  }
  if (/^https?:\/\//.test(value) && !value.startsWith("https://")) {
    return [`${field}: plain http git URLs are refused; use https, got ${show(value)}`];
  }
  if (isRemoteContext(value) && !/#[^#\s]+$/.test(value)) {
    return [
      `${field}: a git URL must pin a ref so builds are repeatable ` +
        `(e.g. "https://github.com/robustmq/robustmq.git#v0.4.11"), got ${show(value)}`,
    ];
  }
  return [];
}

/** Registry credentials: both or neither (neither means the builder's own docker login is used). */
export function validateCredentialsPair(field: string, username: unknown, password: unknown): Problems {
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? "username" : "password";
    return [`${field}.${missing}: must be set together with the other credential, or leave both unset to use the builder's docker login`];
  }
  if (typeof username === "string" && username.trim() === "") {
    return [`${field}.username: must be a non-empty string`];
  }
  if (typeof password === "string" && password === "") {
    return [`${field}.password: must be a non-empty string`];
  }
  return [];
}
