/** Tandem's runtime core: framework-free, usable by any app. */

export * from "./cloud";
export * from "./cloud-budget";
export * from "./engines/capabilities";
export * from "./engines/create-engine";
export * from "./engines/gguf-header";
export * from "./engines/model-cache";
export * from "./engines/types";
export * from "./models";
export * from "./offload";
export * from "./pricing";
export * from "./router";
export * from "./store";
