// A go.mod of `n` required modules, every other one indirect, one in twenty replaced: the input
// the go.mod reader's and the go.mod manifest's linear-time tests grow.
export function goModWithModules(n: number): string {
  let text = 'module example.com/app\n\ngo 1.22\n\nrequire (\n';
  for (let i = 0; i < n; i++) text += `\tgithub.com/org${i}/mod${i} v1.${i}.0${i % 2 ? ' // indirect' : ''}\n`;
  text += ')\n\n';
  for (let i = 0; i < n; i += 20) text += `replace github.com/org${i}/mod${i} => github.com/fork/mod${i} v1.${i}.1\n`;
  return text;
}
