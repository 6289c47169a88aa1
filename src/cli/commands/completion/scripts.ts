// bash / zsh / fish completion scripts generated from a CmdSpec tree. Pure: string in, string out.
import { walk, type CmdSpec } from './tree.js';

const GLOBAL_HELP = ['--help', '-h'];

function words(spec: CmdSpec, root: CmdSpec, isRoot: boolean): string[] {
  const opts = spec.options.flatMap((o) => o.flags);
  const inherited = isRoot ? [] : root.options.flatMap((o) => o.flags).filter((f) => f !== '--version' && f !== '-V');
  return [...spec.subcommands.map((s) => s.name), ...spec.values, ...opts, ...inherited, ...GLOBAL_HELP];
}

export function bashScript(root: CmdSpec): string {
  const entries = walk(root);
  const known = entries.filter((e) => e.path.length).map((e) => `"${e.path.join(' ')}"`).join('|');
  const cases = entries.map((e) => `    "${e.path.join(' ')}") opts="${words(e.spec, root, !e.path.length).join(' ')}" ;;`).join('\n');
  const valueFlags = [...new Set(entries.flatMap((e) => e.spec.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))].join('|');
  return `# propitbox bash completion (generated; regenerate with: propitbox completion bash)
_propitbox() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" w i
  case "$prev" in
    ${valueFlags || '--never'}) COMPREPLY=(); return 0 ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "\${path:+$path }$w" in
      ${known}) path="\${path:+$path }$w" ;;
    esac
  done
  local opts=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _propitbox propitbox
`;
}

/** zsh: reuse the bash function through bashcompinit (ships with zsh), so both stay identical. */
export function zshScript(root: CmdSpec): string {
  return `#compdef propitbox
# propitbox zsh completion (generated; regenerate with: propitbox completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(root).replace(/^# propitbox bash completion.*\n/, '')}`;
}

function fishEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

export function fishScript(root: CmdSpec): string {
  const lines = ['# propitbox fish completion (generated; regenerate with: propitbox completion fish)', 'complete -c propitbox -f'];
  for (const { path, spec } of walk(root)) {
    // Condition: exactly this path has been typed (every part seen, no child of it yet).
    const seen = path.map((p) => `__fish_seen_subcommand_from ${p}`);
    const notChild = spec.subcommands.length ? [`not __fish_seen_subcommand_from ${spec.subcommands.map((s) => s.name).join(' ')}`] : [];
    const cond = path.length ? [...seen, ...notChild].join('; and ') : '__fish_use_subcommand';
    for (const s of spec.subcommands) lines.push(`complete -c propitbox -n '${cond}' -a ${s.name} -d '${fishEscape(s.description)}'`);
    for (const v of spec.values) lines.push(`complete -c propitbox -n '${cond}' -a ${v}`);
    for (const o of spec.options) {
      const long = o.flags.find((f) => f.startsWith('--'));
      const short = o.flags.find((f) => !f.startsWith('--'));
      if (!long) continue;
      lines.push(`complete -c propitbox -n '${cond}' -l ${long.slice(2)}${short ? ` -s ${short.slice(1)}` : ''}${o.takesValue ? ' -r' : ''} -d '${fishEscape(o.description)}'`);
    }
  }
  return lines.join('\n') + '\n';
}
