export {
  createNormaliser,
  DEFAULT_MAX_TEXT_CHARS,
  type NormaliseOptions,
  normalise,
  wellFormed,
} from "./normalise.ts";
export { eventLine } from "./serialise.ts";
