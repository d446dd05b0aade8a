/**
 * `rampart completion bash|zsh|fish`: a completion script generated from the commander tree at
 * run time, so every command and option a capability adds is completed without a list to keep.
 * bash completes subcommands and long options per command path; zsh loads the same function
 * through `bashcompinit`; fish gets one `complete` line per subcommand and option, with the
 * descriptions.
 */
import type { Command } from 'commander';
import { CommandFailure, type RemoteContext } from '../remote-command.js';

interface Node {
  readonly path: readonly string[];
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly { readonly flag: string; readonly description: string }[];
}

function walk(command: Command, path: readonly string[], into: Node[]): Node[] {
  const subcommands = command.commands.map((sub) => ({ name: sub.name(), description: sub.description() }));
  const options = [
    ...command.options.map((option) => ({ flag: option.long ?? '', description: option.description })),
    { flag: '--help', description: 'show help' },
  ].filter((option) => option.flag !== '');
  into.push({ path, subcommands, options });
  for (const sub of command.commands) walk(sub, [...path, sub.name()], into);
  return into;
}

/** Single-quoted for sh, for fish's descriptions. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function bashScript(program: Command): string {
  const cases = walk(program, [], [])
    .map(
      (node) =>
        `    ${JSON.stringify(node.path.join(' '))}) words=${quote([...node.subcommands.map((s) => s.name), ...node.options.map((o) => o.flag)].join(' '))} ;;`,
    )
    .join('\n');
  return `# rampart completion for bash: eval "$(rampart completion bash)", or save it in ~/.local/share/bash-completion/completions/rampart
_rampart_words() {
  local words=""
  case "$1" in
${cases}
  esac
  printf '%s' "$words"
}
_rampart() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i next
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    next="\${path:+$path }$w"
    [[ -n "$(_rampart_words "$next")" ]] && path="$next"
  done
  COMPREPLY=($(compgen -W "$(_rampart_words "$path")" -- "$cur"))
}
complete -F _rampart rampart
`;
}

export function zshScript(program: Command): string {
  return `# rampart completion for zsh: eval "$(rampart completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bashScript(program)}`;
}

export function fishScript(program: Command): string {
  const lines = [
    '# rampart completion for fish: rampart completion fish > ~/.config/fish/completions/rampart.fish',
    'complete -c rampart -f',
  ];
  for (const node of walk(program, [], [])) {
    const names = node.subcommands.map((s) => s.name).join(' ');
    const condition =
      node.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${node.path[node.path.length - 1] ?? ''}${names === '' ? '' : `; and not __fish_seen_subcommand_from ${names}`}`;
    for (const sub of node.subcommands)
      lines.push(`complete -c rampart -n ${quote(condition)} -a ${sub.name} -d ${quote(sub.description)}`);
    for (const option of node.options) {
      lines.push(
        `complete -c rampart -n ${quote(node.path.length === 0 ? '__fish_use_subcommand' : condition)} -l ${option.flag.slice(2)} -d ${quote(option.description)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function completion(context: RemoteContext, shell: string, program: Command): Promise<number> {
  const scripts: Record<string, (program: Command) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
  const make = scripts[shell];
  if (make === undefined) throw new CommandFailure(`no completion for ${shell}: bash, zsh or fish`);
  const script = make(program);
  if (context.out.json) context.out.result({ shell, script }, '');
  else context.io.stdout.write(script);
  return 0;
}
