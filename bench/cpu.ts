import { readdirSync, readFileSync } from "node:fs";

const TICKS = 100; // clock ticks per second (/proc/<pid>/stat)

/** CPU seconds (user + system) of every live process in process group `pgid`, from /proc. */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / TICKS;
}
