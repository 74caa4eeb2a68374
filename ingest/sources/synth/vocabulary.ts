/**
 * Phrases the synthetic stream draws from. `{b}` is the topic's brand name. English phrases use
 * words of VADER's lexicon so sentiment is visible to every analyser; other languages are there
 * because the real stream has them (the offline analyser leaves them unscored; Google NL scores
 * them).
 */
export type Polarity = "pos" | "neu" | "neg";

export const EN: Record<Polarity, readonly string[]> = {
  pos: [
    "I love the new {b} update, it's amazing",
    "{b} customer support was super helpful today",
    "honestly the best purchase this year, thanks {b}",
    "the {b} launch event was fantastic",
    "really impressed with how fast {b} shipped this",
    "{b} just keeps getting better and better",
    "so happy with my {b} order, great quality",
    "highly recommend {b}, brilliant work",
    "wow, {b} nailed it this time. Excellent!",
    "great job {b} team, smooth and reliable",
    "the {b} app is beautiful and easy to use",
    "my {b} arrived early and works perfectly",
  ],
  neu: [
    "anyone tried the {b} thing yet",
    "{b} announces quarterly results on Thursday",
    "reading about the {b} roadmap",
    "does {b} ship to Canada",
    "the {b} store opens at nine tomorrow",
    "new {b} model comes in three colours",
    "{b} event starts in ten minutes",
    "what time is the {b} keynote",
  ],
  neg: [
    "{b} support is useless, still waiting for a refund",
    "worst experience ever with {b}, totally broken",
    "my {b} stopped working after two days. Terrible",
    "so disappointed with {b}, never again",
    "{b} charged me twice, this is a scam",
    "the {b} update is buggy and slow, awful",
    "{b} recall: units overheating, this is dangerous",
    "I hate how {b} treats its customers",
    "{b} is a disaster right now, nothing works",
    "angry at {b}, the outage ruined my day",
  ],
};

export const OTHER: Record<string, Record<Polarity, readonly string[]>> = {
  es: {
    pos: ["me encanta {b}, es excelente", "{b} es genial, muy bueno"],
    neu: ["¿alguien sabe a qué hora abre {b}?", "nuevo producto de {b} hoy"],
    neg: ["{b} es terrible, muy malo", "pésimo servicio de {b}"],
  },
  fr: {
    pos: ["j'adore {b}, c'est magnifique", "{b} est génial"],
    neu: ["le magasin {b} ouvre demain", "quelqu'un a testé {b} ?"],
    neg: ["{b} c'est nul, très mauvais", "service {b} vraiment mauvais"],
  },
  de: {
    pos: ["{b} ist wunderbar, richtig gut", "toll gemacht {b}"],
    neu: ["{b} stellt morgen etwas vor", "wer hat {b} schon probiert"],
    neg: ["{b} ist schrecklich", "schlechte Erfahrung mit {b}"],
  },
  pt: {
    pos: ["amo a {b}, ótimo produto", "{b} é muito bom"],
    neu: ["alguém já usou {b}?", "{b} abre amanhã"],
    neg: ["{b} é ruim demais", "péssimo atendimento da {b}"],
  },
  ja: {
    pos: ["{b}の新製品、最高です", "{b}大好き"],
    neu: ["{b}の発表は明日です", "{b}を試した人いますか"],
    neg: ["{b}は最悪でした", "{b}のサポートがひどい"],
  },
};

/** Language mix of the stream: mostly English, like an English-language brand's audience. */
export const LANGS: readonly [string, number][] = [
  ["en", 0.82],
  ["es", 0.06],
  ["fr", 0.04],
  ["de", 0.03],
  ["pt", 0.03],
  ["ja", 0.02],
];

export const EMOJI: Record<Polarity, readonly string[]> = {
  pos: ["😍", "🔥", "🎉", "👍", "😊", "🙌", "❤️", "✨"],
  neu: ["🤔", "👀", "📦", "📅"],
  neg: ["😡", "😭", "👎", "💔", "🤬", "😤"],
};

export const OPENERS: readonly string[] = ["", "", "", "ok so ", "hmm ", "update: ", "PSA: ", "lol "];

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ra",
  "to",
  "ne",
  "sa",
  "vi",
  "da",
  "po",
  "lu",
  "ze",
  "an",
  "el",
  "jo",
  "ri",
];

/** A plausible handle: two or three syllables, maybe digits. */
export function handle(n: number, rand: () => number): string {
  const parts = 2 + Math.floor(rand() * 2);
  let s = "";
  for (let i = 0; i < parts; i++) s += SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!;
  return rand() < 0.5 ? `${s}${n % 1000}` : `${s}_${n}`;
}
