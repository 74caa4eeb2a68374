import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export interface StaticFile {
  body: Buffer;
  type: string;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const fromModules = createRequire(import.meta.url).resolve;

/**
 * Every file the page loads, by URL path. A fixed table rather than a directory walk: nothing
 * outside it can be requested (no path traversal), and the vendor libraries come from the
 * installed packages, so the page needs no build step and no network.
 * d3-cloud's browser build bundles its one dependency (d3-dispatch), so it loads alone.
 */
const FILES: Record<string, { path: () => string; type: string }> = {
  "/": { path: () => here("./public/index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { path: () => here("./public/app.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { path: () => here("./public/style.css"), type: "text/css; charset=utf-8" },
  "/favicon.svg": { path: () => here("./public/favicon.svg"), type: "image/svg+xml" },
  "/vendor/uPlot.iife.min.js": {
    path: () => fromModules("uplot/dist/uPlot.iife.min.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/vendor/uPlot.min.css": {
    path: () => fromModules("uplot/dist/uPlot.min.css"),
    type: "text/css; charset=utf-8",
  },
  "/vendor/d3.layout.cloud.js": {
    path: () => fromModules("d3-cloud/build/d3.layout.cloud.js"),
    type: "text/javascript; charset=utf-8",
  },
};

/** Reads the page's files once at start (~70 KB), so a missing file fails `trends serve` at once. */
export function loadStaticFiles(): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  for (const [url, f] of Object.entries(FILES)) out.set(url, { body: readFileSync(f.path()), type: f.type });
  return out;
}
