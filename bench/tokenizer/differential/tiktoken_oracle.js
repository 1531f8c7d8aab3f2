// ids from npm tiktoken with allowed_special="all". Usage: node tiktoken_oracle.js NAME INPUT.jsonl
const fs = require('fs');
const { get_encoding } = require('tiktoken');
const [name, input] = process.argv.slice(2);
const enc = get_encoding(name);
const out = [];
for (const l of fs.readFileSync(input, 'utf8').split('\n').filter(Boolean)) {
  const ids = Array.from(enc.encode(JSON.parse(l).text, 'all'));
  out.push(JSON.stringify({ count: ids.length, ids }));
}
fs.writeFileSync(1, out.join('\n') + '\n');
