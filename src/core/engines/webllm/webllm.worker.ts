/** Worker entry: the WebGPU engine, off the page's main thread. */

import { serveEngine } from "../worker/host";
import { WebLLMEngine } from "./webllm-engine";

serveEngine(self as unknown as Parameters<typeof serveEngine>[0], new WebLLMEngine());
