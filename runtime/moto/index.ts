import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prerequisiteError, TrendsError } from "../errors/index.ts";
import { log } from "../log/index.ts";
import { freePort, run, stopProcess, waitFor, withFileLock } from "../proc.ts";
import { checkPython } from "../spark/index.ts";

/** The AWS-compatible local endpoint of the test harness and the demo's AWS path. */
export const MOTO_VERSION = "5.2.5";

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export const motoDir = (cacheDir: string): string => join(cacheDir, `moto-${MOTO_VERSION}`);

export async function ensureMoto(o: { cacheDir: string; install?: boolean }): Promise<string> {
  const dir = motoDir(o.cacheDir);
  const bin = join(dir, "bin", "moto_server");
  if (existsSync(join(dir, ".trends-ready"))) return bin;
  if (!o.install)
    throw prerequisiteError(
      `moto ${MOTO_VERSION} (local AWS endpoint) is not installed in ${dir}`,
      "run `npx trends setup --with-moto`",
    );
  checkPython();
  await withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, ".trends-ready"))) return;
    log().info({ dir }, `installing moto[server]==${MOTO_VERSION}`);
    for (const [cmd, args] of [
      ["python3", ["-m", "venv", dir]],
      [join(dir, "bin", "pip"), ["install", "--quiet", `moto[server]==${MOTO_VERSION}`]],
    ] as const) {
      const r = await run(cmd, args);
      if (r.code !== 0)
        throw new TrendsError(`${cmd} failed: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
    }
    writeFileSync(join(dir, ".trends-ready"), `${MOTO_VERSION}\n`);
  });
  return bin;
}

/** Starts moto's server on a free loopback port; every AWS service on one endpoint. */
export async function startMoto(o: { cacheDir: string; install?: boolean }): Promise<MotoServer> {
  const bin = await ensureMoto(o);
  const port = await freePort();
  const child = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(`moto on ${endpoint}`, async () => {
    if (child.exitCode !== null) throw new Error(`moto exited: ${stderr.slice(-500)}`);
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  });
  return {
    endpoint,
    stop: () => {
      process.removeListener("exit", kill);
      return stopProcess(child, () => child.kill("SIGTERM"));
    },
  };
}
