import type { CommandModule } from "yargs";
import { aws } from "./aws.ts";
import { db } from "./db.ts";
import { demo } from "./demo.ts";
import { doctor } from "./doctor.ts";
import { emr } from "./emr.ts";
import { emrServerless } from "./emr-serverless.ts";
import { ingest } from "./ingest.ts";
import { query } from "./query.ts";
import { rules } from "./rules.ts";
import { run } from "./run.ts";
import { schedule } from "./schedule.ts";
import { serve } from "./serve.ts";
import { setup } from "./setup.ts";
import { sparkgen } from "./sparkgen.ts";
import { synth } from "./synth.ts";

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argv types
type AnyCommand = CommandModule<any, any>;

/** Every `trends` command, in the order `--help` lists them. */
export const commands: AnyCommand[] = [
  demo,
  doctor,
  setup,
  serve,
  run,
  schedule,
  db,
  query,
  synth,
  ingest,
  rules,
  emr,
  emrServerless,
  aws,
  sparkgen,
];
