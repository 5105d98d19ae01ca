/** The AI SDK's mock language model, answering a listwise ranking such as `"[2] > [1]"`. */
import { MockLanguageModelV3 } from "ai/test";

type GenerateResult = Awaited<ReturnType<MockLanguageModelV3["doGenerate"]>>;

/** One `doGenerate` result: the text `text`, with `input` and `output` tokens of usage. */
export function rankingReply(text: string, input = 1, output = 1): GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: output, text: output, reasoning: undefined },
    },
    warnings: [],
  };
}

/** A mock model that answers every call with the ranking `text`. */
export const rankingModel = (text: string) => new MockLanguageModelV3({ doGenerate: rankingReply(text) });
