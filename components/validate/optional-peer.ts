// Packages that bring a provider plugin (@pulumi/random, @pulumi/docker-build) are optional peer
// dependencies: a program installs them, and Pulumi wants their plugins, only when it uses the
// feature that needs them. Each is loaded by that feature, before anything is registered, so a
// program that lacks it fails at once, saying which package to install and why.

/** The package the feature needs, loaded by `load` (a require of the module that imports it). */
export function optionalPeer<T>(pkg: string, feature: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && err.message.includes(`'${pkg}'`)) {
      throw new Error(
        `${feature} needs the package ${pkg}, an optional peer dependency of @pulumi-robustmq/robustmq ` +
          `that this program does not have: npm install ${pkg} (the package's peerDependencies name the versions it supports)`,
      );
    }
    throw e;
  }
}
