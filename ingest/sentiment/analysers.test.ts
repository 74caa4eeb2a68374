import { analyserContract } from "./contract.ts";
import { createAnalyser } from "./index.ts";

analyserContract("vader", () => createAnalyser("vader"), { nullable: "never", name: "vader" });
analyserContract("none", () => createAnalyser("none"), { nullable: "always", name: "none" });
