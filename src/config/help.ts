import type { ConfigDomain, SettingInfo } from './domain.js';

/** Commander flag spelling of a setting: `--listen <HOST:PORT>`; booleans take an optional value. */
export function flagSpec(info: SettingInfo): string {
  return info.shape === 'boolean' ? `--${info.flag} [${info.valueName}]` : `--${info.flag} <${info.valueName}>`;
}

/** Help line text after the flag: description, env var and default. */
export function flagHelp(info: SettingInfo): string {
  const fallback = info.defaultText === undefined ? '' : `; default: ${info.defaultText}`;
  return `${info.description} [env ${info.env}${fallback}]`;
}

/** Markdown table of every setting (docs/server.md). */
export function settingsMarkdownTable(domain: ConfigDomain): string {
  const rows = domain.settings.map((s) => {
    // Literal defaults as code; computed ones ("pretty on a terminal, else json") as prose.
    const fallback = s.defaultText === undefined ? '—' : /\s/.test(s.defaultText) ? s.defaultText : `\`${s.defaultText}\``;
    return `| \`${s.key}\` | \`--${s.flag}\` | \`${s.env}\` | ${fallback} | ${s.description} |`;
  });
  return ['| setting (file key) | flag | environment | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
