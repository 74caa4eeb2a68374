#!/usr/bin/env node
// The CLI is written in TypeScript and run through tsx, so a checkout needs no build step:
// `npx trends …` works right after `npm ci`.
import { register } from "tsx/esm/api";

// The AWS SDK warns on every run under Node 20 that future SDK releases will need Node 22. The
// README says so once; repeating it on stderr of every command only buries the real output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === "string" ? warning : warning?.message;
  if (String(text).includes("NodeVersionSupportWarning") || rest[0] === "NodeVersionSupportWarning") return;
  emitWarning(warning, ...rest);
};

register();
await import("../cli/main.ts");
