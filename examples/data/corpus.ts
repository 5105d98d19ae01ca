/**
 * A small bilingual corpus written for the Rerankit examples: short passages in English and
 * Chinese on six topics, with near-miss distractors (passages that share words with a topic but
 * answer something else), and labelled queries.
 *
 * Relevance is judged for a reader who wants passages in the query's own language that answer it:
 * grade 2 answers the query directly, grade 1 helps; anything unlisted counts as 0.
 * Plain data, importable from Node (tsx) and Deno alike.
 */

export type Topic = "health" | "search" | "cooking" | "astronomy" | "finance" | "programming";
export type Lang = "en" | "zh";

export interface Passage {
  /** Stable id: `<topic>-<lang>-<nn>`. */
  id: string;
  topic: Topic;
  lang: Lang;
  text: string;
}

export interface LabelledQuery {
  id: string;
  lang: Lang;
  text: string;
  /** Passage id → graded relevance (2 answers it, 1 helps). */
  relevant: Record<string, 1 | 2>;
}

const p = (id: string, text: string): Passage => {
  const [topic, lang] = id.split("-") as [string, string];
  const topics: Record<string, Topic> = {
    cold: "health",
    search: "search",
    cook: "cooking",
    astro: "astronomy",
    fin: "finance",
    prog: "programming",
  };
  return { id, topic: topics[topic]!, lang: lang as Lang, text };
};

export const passages: Passage[] = [
  // ── health: colds and flu ────────────────────────────────────────────────────────────────────
  p(
    "cold-en-01",
    "Washing your hands with soap for at least 20 seconds is one of the most effective ways to prevent catching a cold. Cold viruses spread easily from door handles and phones to your hands, and from there to your eyes, nose or mouth.",
  ),
  p(
    "cold-en-02",
    "Getting enough sleep helps your immune system fight off the common cold. In one study, adults who slept less than six hours a night were four times more likely to catch a cold after being exposed to the virus.",
  ),
  p(
    "cold-en-03",
    "The annual flu vaccine is the best protection against seasonal influenza. It is updated every year to match the strains expected to circulate, and is recommended for almost everyone older than six months, ideally before the flu season starts.",
  ),
  p(
    "cold-en-04",
    "To avoid passing a cold on, cover coughs and sneezes with a tissue or your elbow, and stay home while you have a fever. Wearing a mask in crowded indoor places also reduces transmission.",
  ),
  p(
    "cold-en-05",
    "Vitamin C supplements do not prevent colds for most people, although taking them regularly may slightly shorten how long symptoms last. Claims that large doses stop a cold are not supported by good trials.",
  ),
  p(
    "cold-en-06",
    "Cold brew coffee is made by steeping coarsely ground beans in cold water for 12 to 24 hours. The result is smoother and less acidic than hot-brewed coffee, and it keeps in the fridge for about a week.",
  ),
  p(
    "cold-en-07",
    "In cold weather, car batteries lose capacity and engines are harder to start. Parking in a garage and having the battery tested before winter can prevent a breakdown on a frosty morning.",
  ),
  p(
    "cold-en-08",
    "The Cold War was a period of geopolitical tension between the United States and the Soviet Union. It lasted from the late 1940s until the Soviet Union dissolved in 1991.",
  ),
  p(
    "cold-en-09",
    "Regular moderate exercise, such as a brisk 30-minute walk on most days, is linked to fewer colds. Extreme endurance training, by contrast, can briefly weaken the body's defences.",
  ),
  p("cold-zh-01", "勤洗手是预防感冒最简单有效的方法。用肥皂和流动水洗手至少二十秒，尤其是在触摸公共物品之后和吃饭之前。"),
  p("cold-zh-02", "保持室内通风、规律作息和充足睡眠，可以增强抵抗力，减少感冒的发生。冬季每天开窗通风两到三次，每次二十分钟左右。"),
  p("cold-zh-03", "流感疫苗每年接种一次，是预防流感最有效的手段。老人、儿童和慢性病患者属于重点人群，建议在流感季到来之前接种。"),
  p("cold-zh-04", "感冒期间应多喝水、注意休息。普通感冒通常一周左右自愈，抗生素对病毒引起的感冒没有作用，不要自行服用。"),
  p("cold-zh-05", "在人多拥挤的公共场所佩戴口罩，咳嗽或打喷嚏时用纸巾遮住口鼻，可以减少呼吸道病毒的传播。"),
  p("cold-zh-06", "感冒药的广告常常夸大效果。很多复方感冒药只能缓解鼻塞、头痛等症状，并不能缩短病程，更不能预防感冒。"),
  p("cold-zh-07", "冷链物流是指冷藏冷冻类食品在生产、贮藏、运输和销售的各个环节始终处于低温环境，以保证食品质量和安全。"),
  p("cold-zh-08", "天气转凉时，很多人喜欢吃火锅驱寒。火锅底料通常含有大量牛油和辣椒，肠胃不好的人应适量食用。"),
  p("cold-zh-09", "适量运动，比如每天快走三十分钟，有助于提高免疫力、减少感冒；但过度疲劳反而会让人更容易生病。"),

  // ── search: rerankers and retrieval ─────────────────────────────────────────────────────────
  p(
    "search-en-01",
    "A reranker is a model that takes a query and a list of candidate documents and scores each pair directly. In a RAG pipeline it runs after a fast retriever and reorders its top results, so the most relevant chunks reach the language model.",
  ),
  p(
    "search-en-02",
    "Cross-encoders read the query and the document together in one pass, which makes them more accurate than bi-encoder embeddings but far too slow to run over a whole corpus. That is why they are used to rerank a short candidate list.",
  ),
  p(
    "search-en-03",
    "BM25 is a classic lexical ranking function. It scores a document by how often the query terms occur in it, discounted by how common each term is across the collection and normalised by document length.",
  ),
  p(
    "search-en-04",
    "Retrieving the top 20 or 50 chunks and reranking them down to the top 4 usually improves answer quality: recall comes from the cheap first stage, precision from the reranker.",
  ),
  p(
    "search-en-05",
    "nDCG and MRR are common metrics for ranking quality. MRR looks only at the position of the first relevant result, while nDCG rewards placing all relevant results, and the highly relevant ones first, near the top.",
  ),
  p(
    "search-en-06",
    "Search engine optimisation is the practice of adjusting web pages so that they rank higher in search results, for example by improving titles, incoming links and page speed.",
  ),
  p(
    "search-en-07",
    "A ranked-choice ballot lets voters order candidates by preference. If no candidate wins a majority, the last-place candidate is eliminated and those votes move to the next choice.",
  ),
  p(
    "search-en-08",
    "Hybrid search combines BM25 keyword scores with vector similarity, often through reciprocal rank fusion, so that exact terms such as product codes are not lost by the embedding model.",
  ),
  p(
    "search-zh-01",
    "重排序模型（Reranker）接收一个查询和一组候选文档，逐一判断每个文档与查询的相关程度并给出分数。在检索增强生成（RAG）中，它位于向量检索之后、大模型之前。",
  ),
  p(
    "search-zh-02",
    "向量检索速度快，但只比较两个独立计算的向量，容易漏掉细节；交叉编码器把查询和文档放在一起计算，精度更高，适合对前几十个候选结果进行重排。",
  ),
  p(
    "search-zh-03",
    "Qwen3-Reranker 和 BGE-Reranker 是常用的中文重排序模型，支持中英文混合文本。部分模型还可以接收一条任务指令，让排序更贴合具体场景。",
  ),
  p(
    "search-zh-04",
    "常见的做法是先用向量检索召回二十个文本块，再用重排序模型挑出最相关的四个交给大模型，这样既保证召回率，又提高了准确率。",
  ),
  p(
    "search-zh-05",
    "中文词语之间没有空格，因此基于词频的检索方法（如 BM25）需要先进行分词。可以使用词典分词，也可以按单字或相邻两字切分。",
  ),
  p("search-zh-06", "搜索引擎广告按点击收费，广告主为关键词出价，出价和质量得分共同决定广告的排名位置。"),
  p("search-zh-07", "高考志愿填报时，考生需要参考各高校往年的录取排名和分数线，合理安排冲一冲、稳一稳、保一保的顺序。"),
  p("search-zh-08", "评价排序效果时常用 MRR 和 nDCG 两个指标：MRR 只看第一个相关结果的位置，nDCG 则综合考虑所有相关结果的位置和相关程度。"),

  // ── cooking ─────────────────────────────────────────────────────────────────────────────────
  p(
    "cook-en-01",
    "To cook fluffy rice, rinse it until the water runs almost clear, then use about 1.25 cups of water per cup of long-grain rice. Simmer covered for 15 minutes and let it rest for 10 minutes before lifting the lid.",
  ),
  p(
    "cook-en-02",
    "A good tomato sauce needs time: soften garlic in olive oil, add crushed tomatoes and a pinch of salt, and simmer gently for at least 30 minutes until it thickens.",
  ),
  p(
    "cook-en-03",
    "Resting a steak for five minutes after cooking lets the juices settle, so less of them run out when you cut it. Season it generously with salt before searing it in a very hot pan.",
  ),
  p(
    "cook-en-04",
    "Bread dough has risen enough when it has roughly doubled in size and a gentle finger poke springs back slowly. Under-proofed dough bakes dense; over-proofed dough collapses in the oven.",
  ),
  p(
    "cook-en-05",
    "Blanching vegetables in boiling salted water for a minute or two, then plunging them into ice water, keeps them bright green and crisp.",
  ),
  p(
    "cook-en-06",
    "Rice is the staple food of more than half of the world's population. Most of it is grown in Asia, where flooded paddies suit the crop and the water keeps weeds down.",
  ),
  p(
    "cook-en-07",
    "A kitchen fire in a pan of hot oil must never be put out with water. Turn off the heat and cover the pan with a lid or a fire blanket to starve the flames of air.",
  ),
  p(
    "cook-en-08",
    "Marinating chicken in yogurt with spices for a few hours makes the meat tender, because the mild acidity and enzymes break down its surface proteins.",
  ),
  p("cook-zh-01", "番茄炒蛋的做法：鸡蛋打散加少许盐，炒至凝固后盛出；番茄切块下锅炒出汁，加一点糖中和酸味，再倒回鸡蛋翻炒均匀即可。"),
  p("cook-zh-02", "红烧肉要先把五花肉焯水去腥，再用小火炒糖色，加入生抽、老抽、料酒和八角，小火炖一个小时左右，最后大火收汁。"),
  p("cook-zh-03", "包饺子时，饺子皮要擀得中间厚、边缘薄。水开后下饺子，每次水再沸腾就点一次凉水，点三次后饺子浮起即可出锅。"),
  p("cook-zh-04", "蒸鱼要等水烧开后再放入锅中，大火蒸八到十分钟。出锅后倒掉盘中的腥水，铺上葱丝，淋上热油和蒸鱼豉油。"),
  p("cook-zh-05", "米饭煮得香软的关键是水量：大米淘洗两遍后，水面高出米面约一个指节，浸泡半小时再煮，口感会更好。"),
  p("cook-zh-06", "我国水稻种植历史悠久，南方以籼稻为主，北方以粳稻为主，东北大米因生长期长而口感较好。"),
  p("cook-zh-07", "餐厅后厨的食品安全管理要求生熟分开，刀具和砧板分色使用，冷藏冰箱的温度保持在零到八摄氏度之间。"),
  p("cook-zh-08", "炒青菜要热锅凉油、大火快炒，最后再放盐，这样蔬菜能保持脆嫩，颜色也更鲜绿。"),

  // ── astronomy ───────────────────────────────────────────────────────────────────────────────
  p(
    "astro-en-01",
    "A solar eclipse happens when the Moon passes between the Sun and Earth and casts its shadow on our planet. A total eclipse is visible only from a narrow path on the ground and lasts a few minutes.",
  ),
  p(
    "astro-en-02",
    "A lunar eclipse occurs when Earth lies directly between the Sun and the Moon, so Earth's shadow falls on the Moon. During totality the Moon often looks red, because Earth's atmosphere bends red sunlight into the shadow.",
  ),
  p(
    "astro-en-03",
    "Jupiter is the largest planet in the Solar System, more than eleven times the diameter of Earth. Its Great Red Spot is a storm larger than our whole planet that has raged for centuries.",
  ),
  p(
    "astro-en-04",
    "A light-year is a distance, not a time: it is how far light travels in one year, about 9.46 trillion kilometres. The nearest star beyond the Sun, Proxima Centauri, is about 4.2 light-years away.",
  ),
  p(
    "astro-en-05",
    "Black holes form when the core of a very massive star collapses. Their gravity is so strong that nothing, not even light, can escape from inside the event horizon.",
  ),
  p(
    "astro-en-06",
    "Astrology claims that the positions of the planets at your birth shape your personality. Unlike astronomy, it has found no support in controlled scientific tests.",
  ),
  p(
    "astro-en-07",
    "The film star won an award for her role in a musical about two young artists in Los Angeles, and the red carpet photos dominated the next morning's news.",
  ),
  p(
    "astro-en-08",
    "The Moon's phases come from the changing angle between the Sun, Earth and Moon: we see more or less of its sunlit half as it orbits us every 29.5 days.",
  ),
  p("astro-zh-01", "日食发生在月球运行到太阳和地球之间时，月球的影子落在地球上。日全食只能在很窄的地带内看到，持续时间通常只有几分钟。"),
  p("astro-zh-02", "月食是地球挡在太阳和月球之间、地球的影子落到月球上形成的。月全食时月亮常呈暗红色，俗称“血月”。"),
  p("astro-zh-03", "木星是太阳系中体积最大的行星，主要由氢和氦组成。它表面的大红斑是一个持续了几百年的巨大风暴。"),
  p("astro-zh-04", "光年是长度单位而不是时间单位，指光在一年中传播的距离，约为九万四千六百亿公里。"),
  p("astro-zh-05", "黑洞由大质量恒星的核心坍缩形成，它的引力极强，连光都无法从事件视界内逃脱。"),
  p("astro-zh-06", "火星被称为“红色星球”，因为其表面富含氧化铁。天问一号任务的祝融号火星车于二〇二一年在火星表面着陆。"),
  p("astro-zh-07", "星座运势是一种娱乐性的占星说法，认为出生日期决定性格和运气，并没有科学依据。"),
  p("astro-zh-08", "明星演唱会的门票一经开售便被抢购一空，部分黄牛把票价炒到原价的好几倍。"),

  // ── personal finance ────────────────────────────────────────────────────────────────────────
  p(
    "fin-en-01",
    "An emergency fund should cover three to six months of essential expenses. Keep it in a savings account you can reach quickly, not in shares whose value can drop just when you need the money.",
  ),
  p(
    "fin-en-02",
    "Index funds track a whole market, such as the S&P 500, instead of trying to beat it. Their low fees are a big advantage over decades, because costs compound just as returns do.",
  ),
  p(
    "fin-en-03",
    "Compound interest means you earn interest on your interest. At 7% a year, money roughly doubles in about ten years, which is why starting to save and invest early matters so much.",
  ),
  p(
    "fin-en-04",
    "Pay off high-interest debt, such as credit card balances, before investing: a card charging 20% a year costs more than most investments are likely to earn.",
  ),
  p(
    "fin-en-05",
    "Diversification spreads your money across many assets, so one company's failure cannot wipe out your savings. It reduces risk without necessarily reducing expected return.",
  ),
  p(
    "fin-en-06",
    "The central bank raises interest rates to cool inflation. Higher rates make borrowing more expensive for businesses and households, which slows spending across the economy.",
  ),
  p(
    "fin-en-07",
    "A river bank is the land alongside a river. Erosion of the bank can be slowed by planting trees and reeds whose roots hold the soil in place.",
  ),
  p(
    "fin-en-08",
    "A budget following the 50/30/20 rule puts half of after-tax income toward needs, 30% toward wants and 20% toward savings and paying off debt.",
  ),
  p("fin-zh-01", "应急资金一般建议准备三到六个月的生活开支，存放在随时可以取用的活期存款或货币基金中，不宜投入股票。"),
  p("fin-zh-02", "指数基金跟踪沪深300等市场指数，管理费低、分散度高，适合没有时间研究个股的普通投资者长期定投。"),
  p("fin-zh-03", "复利就是“利滚利”：每期的利息加入本金继续产生收益。时间越长，复利效应越明显，所以越早开始储蓄越好。"),
  p("fin-zh-04", "信用卡分期的实际年化利率往往远高于表面上的手续费率，可能接近百分之十五到十八，应尽量避免长期分期还款。"),
  p("fin-zh-05", "记账是理财的第一步。把每月的收入和支出分类记录下来，才能发现不必要的开销，并制定可行的储蓄计划。"),
  p("fin-zh-06", "不要把所有鸡蛋放在同一个篮子里：把资金分散投资于股票、债券和现金等不同资产，可以降低单一资产下跌带来的损失。"),
  p("fin-zh-07", "银行网点的营业时间一般为工作日上午九点到下午五点，部分网点周末也提供个人业务服务。"),
  p("fin-zh-08", "一家环保基金会组织志愿者清理河岸边的垃圾，并在岸边种植柳树，防止水土流失。"),

  // ── programming: Python and TypeScript ──────────────────────────────────────────────────────
  p(
    "prog-en-01",
    "In Python, a list comprehension builds a new list from an iterable in one expression, for example [x * x for x in range(10)]. It is usually clearer and faster than appending inside a loop.",
  ),
  p(
    "prog-en-02",
    "Python virtual environments (python -m venv .venv) keep each project's dependencies separate, so upgrading a library for one project cannot break another.",
  ),
  p(
    "prog-en-03",
    "TypeScript adds static types to JavaScript. The compiler checks your code before it runs and reports errors such as calling a method that does not exist or passing a string where a number is expected.",
  ),
  p(
    "prog-en-04",
    "In TypeScript, a union type like string | number says a value may be either type, and narrowing with typeof checks tells the compiler which one you have in each branch.",
  ),
  p(
    "prog-en-05",
    "async and await make asynchronous code read like synchronous code in both Python and TypeScript. An await pauses the function until the promise or coroutine settles, without blocking the event loop.",
  ),
  p(
    "prog-en-06",
    "The ball python is a small constrictor snake native to West and Central Africa. It curls into a tight ball when threatened, which gives it its name.",
  ),
  p(
    "prog-en-07",
    "Typing speed is measured in words per minute. Touch typists, who do not look at the keyboard, often type more than 70 words per minute.",
  ),
  p(
    "prog-en-08",
    "Python type hints such as def greet(name: str) -> str do nothing at runtime, but tools like mypy read them to catch type errors before the code runs.",
  ),
  p("prog-zh-01", "Python 的列表推导式可以用一行代码生成新列表，例如 [x * x for x in range(10)]，比在循环中逐个 append 更简洁。"),
  p("prog-zh-02", "使用 python -m venv 创建虚拟环境，可以让每个项目的依赖相互隔离，避免不同项目之间的库版本冲突。"),
  p("prog-zh-03", "TypeScript 是 JavaScript 的超集，为代码加上了静态类型。编译器会在运行之前检查类型错误，大型项目因此更容易维护。"),
  p("prog-zh-04", "TypeScript 的联合类型（如 string | number）表示值可以是多种类型之一，配合 typeof 判断可以在不同分支中收窄类型。"),
  p("prog-zh-05", "在 Node.js 中，async/await 让异步代码像同步代码一样书写；await 会等待 Promise 完成，但不会阻塞事件循环。"),
  p("prog-zh-06", "蟒蛇是一种无毒的大型蛇类，主要依靠缠绕使猎物窒息，分布在亚洲、非洲和澳大利亚的热带地区。"),
  p("prog-zh-07", "爪哇岛（Java）是印度尼西亚人口最多的岛屿，首都雅加达位于岛的西北部，岛上盛产咖啡和茶叶。"),
  p("prog-zh-08", "Python 的类型注解（如 def greet(name: str) -> str）在运行时不起作用，但 mypy 等工具可以借助它们提前发现类型错误。"),
];

export const queries: LabelledQuery[] = [
  {
    id: "q01",
    lang: "en",
    text: "How can I avoid catching a cold?",
    relevant: { "cold-en-01": 2, "cold-en-02": 2, "cold-en-09": 1, "cold-en-04": 1 },
  },
  {
    id: "q02",
    lang: "zh",
    text: "怎样预防感冒？",
    relevant: { "cold-zh-01": 2, "cold-zh-02": 2, "cold-zh-09": 1, "cold-zh-05": 1, "cold-zh-03": 1 },
  },
  { id: "q03", lang: "en", text: "Who should get the flu vaccine, and when?", relevant: { "cold-en-03": 2 } },
  { id: "q04", lang: "zh", text: "感冒了需要吃抗生素吗？", relevant: { "cold-zh-04": 2, "cold-zh-06": 1 } },
  {
    id: "q05",
    lang: "en",
    text: "What does a reranker do in a RAG pipeline?",
    relevant: { "search-en-01": 2, "search-en-02": 1, "search-en-04": 1 },
  },
  {
    id: "q06",
    lang: "zh",
    text: "为什么要在向量检索之后使用重排序模型？",
    relevant: { "search-zh-02": 2, "search-zh-04": 2, "search-zh-01": 1 },
  },
  { id: "q07", lang: "en", text: "How is the quality of a search ranking measured?", relevant: { "search-en-05": 2 } },
  { id: "q08", lang: "zh", text: "中文检索为什么需要分词？", relevant: { "search-zh-05": 2 } },
  { id: "q09", lang: "en", text: "How much water do I need to cook rice?", relevant: { "cook-en-01": 2 } },
  { id: "q10", lang: "zh", text: "番茄炒蛋怎么做？", relevant: { "cook-zh-01": 2 } },
  { id: "q11", lang: "zh", text: "煮米饭要放多少水？", relevant: { "cook-zh-05": 2 } },
  { id: "q12", lang: "en", text: "Why does the Moon turn red during an eclipse?", relevant: { "astro-en-02": 2 } },
  { id: "q13", lang: "zh", text: "日食和月食是怎么形成的？", relevant: { "astro-zh-01": 2, "astro-zh-02": 2 } },
  { id: "q14", lang: "en", text: "What is a light-year?", relevant: { "astro-en-04": 2 } },
  { id: "q15", lang: "zh", text: "太阳系中最大的行星是哪一颗？", relevant: { "astro-zh-03": 2 } },
  { id: "q16", lang: "en", text: "How much money should I keep in an emergency fund?", relevant: { "fin-en-01": 2, "fin-en-08": 1 } },
  {
    id: "q17",
    lang: "zh",
    text: "普通人应该怎么开始理财？",
    relevant: { "fin-zh-05": 2, "fin-zh-01": 1, "fin-zh-02": 1, "fin-zh-03": 1, "fin-zh-06": 1 },
  },
  { id: "q18", lang: "en", text: "Why should I start investing early?", relevant: { "fin-en-03": 2, "fin-en-02": 1 } },
  { id: "q19", lang: "zh", text: "信用卡分期还款划算吗？", relevant: { "fin-zh-04": 2 } },
  { id: "q20", lang: "en", text: "How do union types work in TypeScript?", relevant: { "prog-en-04": 2, "prog-en-03": 1 } },
  { id: "q21", lang: "zh", text: "Python 虚拟环境有什么用？", relevant: { "prog-zh-02": 2 } },
  { id: "q22", lang: "en", text: "Does await block the event loop?", relevant: { "prog-en-05": 2 } },
  { id: "q23", lang: "en", text: "Do Python type hints do anything at runtime?", relevant: { "prog-en-08": 2 } },
];

/** Passages by id. */
export const passageById: ReadonlyMap<string, Passage> = new Map(passages.map((x) => [x.id, x]));
