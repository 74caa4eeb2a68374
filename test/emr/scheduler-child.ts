// A scheduler in its own process, for the "killed mid-window" test: one tick with a fixed clock,
// the real local runner. The test SIGKILLs its process group (this process, spark-submit, the JVM).
// argv: databaseUrl inputRoot nowIso fromIso maxAttempts sparkInstallJson planPath
import { jdbcFromDatabaseUrl, LocalStepRunner, newOwner, schedulerTick } from "../../emr/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import { openDb } from "../../sql/index.ts";

const [url, root, now, from, maxAttempts, spark, plan] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const db = openDb(url);
const jdbc = jdbcFromDatabaseUrl(url);
const runner = new LocalStepRunner({
  spark: JSON.parse(spark),
  master: "local[1]",
  jdbcUser: jdbc.user,
  jdbcPassword: "",
  plan,
});
const t = await schedulerTick({
  db,
  runner,
  input: inputSource(root),
  jdbcUrl: jdbc.jdbcUrl,
  windowMinutes: 15,
  latenessMinutes: 10,
  maxAttempts: Number(maxAttempts),
  retryDelayMs: 10,
  owner: `child:${newOwner()}`,
  from: new Date(from),
  now: () => new Date(now),
});
process.stdout.write(`${JSON.stringify({ outcomes: t.outcomes.length })}\n`);
await db.destroy();
