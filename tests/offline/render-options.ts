// What the built stacks' pods run in the render tests: a render builds nothing, so staging and prod
// are rendered with the image they would have pushed, by digest (render.ts refuses them otherwise).
export const BUILT_IMAGE = `registry.example.com/platform/robustmq@sha256:${"ab".repeat(32)}`;
export const renderOptions = (stack: string) => (stack === "dev" ? {} : { image: BUILT_IMAGE });
