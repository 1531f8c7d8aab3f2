# Random stress texts (letters, digits, odd whitespace, punctuation, accents, CJK, emoji,
# combining marks, special-token strings) as JSONL {"text": ...}. Usage: gen_texts.py SEED
import json, random, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
pools = [
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " \t\n\r\x0b\x0c\u00a0\u3000\u2028\u0085",
  "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "éèêëàâäôöùûüçñßÆøÅ", "中文字符日本語ひらがなカタカナ한국어",
  "😀🎉👍🏽🚀❤️\u200d🔥", "\u0301\u0308\u0327\u064b", "Привет мир Ελληνικά עברית العربية हिन्दी தமிழ் ไทย",
  "ﬁ™№①⅓Ⅻ𝔘𝕟𝖎", "'s 't 're 've 'm 'll 'd 'S 'T", "<|endoftext|>", "<s>", "</s>", "[CLS]", "<unk>", "<think>",
  "<｜User｜>", "▁", "  ", "\r\n", "##", "<0x0A>",
]
out = []
for i in range(400):
    n = random.choice([1, 2, 5, 10, 30, 80, 200])
    parts = []
    for _ in range(n):
        p = random.choice(pools)
        if len(p) > 12 and random.random() < 0.7:
            k = random.randint(1, 6)
            parts.append("".join(random.choice(p) for _ in range(k)))
        else:
            parts.append(p)
        if random.random() < 0.3:
            parts.append(" ")
    out.append("".join(parts))
for t in out:
    print(json.dumps({"text": t}, ensure_ascii=False))
