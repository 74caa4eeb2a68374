import type { Kysely } from "kysely";
import { redactUrl, type Settings } from "../runtime/config/index.ts";
import { messageOf } from "../runtime/errors/index.ts";
import { log } from "../runtime/log/index.ts";
import { openDatabase } from "../runtime/postgres/index.ts";
import { type Database, dbOptionsFrom, openDb, writableResultTables } from "../sql/index.ts";
import { dataFromDb } from "./db-data.ts";
import type { TopicRule } from "./keywords.ts";
import { type DashboardServer, startDashboard } from "./server.ts";

export interface ServeOptions {
  host: string;
  port: number;
  /** From `resolveToken` (`--token-file`, `--token` or `TRENDS_DASHBOARD_TOKEN`). */
  token?: string | undefined;
  /** `--secure-cookie`: the browser reaches the dashboard over HTTPS. */
  secureCookie?: boolean | undefined;
  /** `--trust-proxy`: believe `X-Forwarded-Proto` from the proxy in front. */
  trustProxy?: boolean | undefined;
  /**
   * The database the dashboard reads, ideally as a read-only role: `--database-url`, else
   * `TRENDS_DASHBOARD_DATABASE_URL`, else the results database of the settings.
   */
  databaseUrl?: string | undefined;
  /** The topics' rules where known (`--rules-file`): the word cloud leaves their keywords out. */
  rules?: readonly TopicRule[];
  /** Called once the server listens (the CLI prints the address). */
  onListening?: (server: DashboardServer) => void;
}

/**
 * Runs the dashboard until SIGINT or SIGTERM, then stops accepting, closes open connections and
 * the pool, and releases a local PostgreSQL it started. Resolves after that clean shutdown.
 */
export async function serveUntilStopped(settings: Settings, o: ServeOptions): Promise<void> {
  const handle =
    o.databaseUrl === undefined
      ? await openDatabase(settings)
      : { url: o.databaseUrl, release: async () => {} };
  let server: DashboardServer;
  try {
    const db = openDb(handle.url, {
      ...dbOptionsFrom(settings),
      // A page makes five requests per refresh; a small pool is plenty and spares RDS connections.
      poolSize: Math.min(settings.databasePoolSize, 5),
      applicationName: "trends-dashboard",
    });
    server = await startDashboard({
      data: dataFromDb(db, undefined, o.rules),
      host: o.host,
      port: o.port,
      ...(o.token === undefined ? {} : { token: o.token }),
      secureCookie: o.secureCookie === true,
      trustProxy: o.trustProxy === true,
      migrateHint: "run `trends db migrate`",
    }).catch(async (e: unknown) => {
      await db.destroy();
      throw e;
    });
    // The local server the tool starts is the user's own superuser; a database given by URL should
    // be reached through a read-only role.
    if (o.databaseUrl !== undefined) await warnIfWritable(db);
  } catch (e) {
    await handle.release();
    throw e;
  }
  log().info(
    { url: server.url, database: redactUrl(handle.url), auth: o.token !== undefined },
    "dashboard listening",
  );
  o.onListening?.(server);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log().info({ signal }, "dashboard stopping");
  await server.close();
  await handle.release();
}

async function warnIfWritable(db: Kysely<Database>): Promise<void> {
  try {
    const { role, tables } = await writableResultTables(db);
    if (tables.length === 0) return;
    log().warn(
      { role, tables },
      `dashboard: database role ${role} can write to ${tables.join(", ")}; the dashboard needs SELECT only — create a read-only role with \`trends db grant-readonly --role trends_ro --login\` and point TRENDS_DASHBOARD_DATABASE_URL at it`,
    );
  } catch (e) {
    // The database may be down at start; the page shows that, and this check is advice only.
    log().debug({ cause: messageOf(e) }, "dashboard: could not check the role's privileges");
  }
}
