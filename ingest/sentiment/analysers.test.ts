import { analyserContract } from "./contract.ts";
import { createAnalyser } from "./index.ts";

// "sometimes": the Spanish text is left unscored (VADER is English).
analyserContract("vader", () => createAnalyser("vader"), { nullable: "sometimes", name: "vader" });
analyserContract("none", () => createAnalyser("none"), { nullable: "always", name: "none" });
