// Entry point Pulumi's component analyzer reads (it follows TypeScript sources, not dist/): the
// package's public surface. npm consumers get dist/components/index.js through package.json.
export * from "./components";
