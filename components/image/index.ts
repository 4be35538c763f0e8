export { RobustMQImage, digestOf } from "./image";
export { registryLogin, platformImageArgs } from "./build";
export { RobustMQImageArgs, ImageRegistryArgs } from "../api/image-args";
export {
  resolveImageArgs,
  findPackageDockerfile,
  dockerfileDeclarations,
  RobustMQImageArgsError,
  ResolvedImage,
  PlatformBuild,
  IndexTag,
  MANAGED_BUILD_ARGS,
  DEFAULT_PLATFORMS,
  DEFAULT_CACHE_TAG,
} from "./resolve";
export * from "./validation";
