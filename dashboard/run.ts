import { redactUrl, type Settings } from "../runtime/config/index.ts";
import { log } from "../runtime/log/index.ts";
import { openDatabase } from "../runtime/postgres/index.ts";
import { dbOptionsFrom, openDb } from "../sql/index.ts";
import { dataFromDb } from "./db-data.ts";
import { type DashboardServer, startDashboard } from "./server.ts";

export interface ServeOptions {
  host: string;
  port: number;
  /** `--token`, else `TRENDS_DASHBOARD_TOKEN`. */
  token?: string | undefined;
  /**
   * The database the dashboard reads, ideally as a read-only role: `--database-url`, else
   * `TRENDS_DASHBOARD_DATABASE_URL`, else the results database of the settings.
   */
  databaseUrl?: string | undefined;
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
      data: dataFromDb(db),
      host: o.host,
      port: o.port,
      ...(o.token === undefined ? {} : { token: o.token }),
      migrateHint: "run `trends db migrate`",
    }).catch(async (e: unknown) => {
      await db.destroy();
      throw e;
    });
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
