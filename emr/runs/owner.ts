import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** Who runs an attempt: `host:pid:random`, stored in `pipeline_run.owner` (unique per process). */
export const newOwner = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
