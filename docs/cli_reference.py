"""The README's command tables, generated from the argument parsers so that they cannot drift.

Each row is one leaf command: its synopsis is built from the parser's own arguments (required
ones bare, optional ones in brackets, choices as `a|b`, a placeholder from the metavar or the
default), and its text is the command's `description` (or its `help` when it has none). An
argument group with a title of its own (the central's seat-lease policy, say) is listed after the
text with each flag's default and help, instead of lengthening the synopsis. Options that every
command of a tool takes are left out of the rows and described once under the table.

    .venv/bin/python docs/cli_reference.py          # rewrite README.md's tables in place
    .venv/bin/python docs/cli_reference.py --check  # exit 1 if README.md is stale (a test runs it)

The tables sit between `<!-- commands:NAME -->` and `<!-- /commands:NAME -->` in README.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: Options every subcommand of the tool takes: described once under its table.
COMMON = {"kiosk": set(), "kiosk-central": {"--keys-dir", "--now"}}


def _parsers() -> dict[str, Callable[[], argparse.ArgumentParser]]:
    sys.path.insert(0, str(ROOT))
    from central.cli import build_parser as central_parser  # noqa: PLC0415 (after sys.path)
    from kiosk.cli import build_parser as kiosk_parser  # noqa: PLC0415

    return {"kiosk": kiosk_parser, "kiosk-central": central_parser}


def _leaves(
    parser: argparse.ArgumentParser, words: list[str], help_text: str | None
) -> Iterator[tuple[list[str], argparse.ArgumentParser, str | None]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield words, parser, help_text
        return
    helps = {a.dest: a.help for a in subs[0]._choices_actions}
    for name, child in subs[0].choices.items():
        yield from _leaves(child, [*words, name], helps.get(name))


def _placeholder(action: argparse.Action) -> str:
    if action.choices:
        return "|".join(str(c) for c in action.choices)
    if action.metavar:
        return str(action.metavar)
    if action.default not in (None, False, argparse.SUPPRESS):
        return str(action.default)
    return action.dest.upper()


def _token(action: argparse.Action) -> str:
    if not action.option_strings:
        return _placeholder(action)
    flag = max(action.option_strings, key=len)
    text = flag if action.nargs == 0 else f"{flag} {_placeholder(action)}"
    return text if action.required else f"[{text}]"


def _shown(action: argparse.Action, common: set[str]) -> bool:
    if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
        return False
    if action.help == argparse.SUPPRESS:
        return False
    return not set(action.option_strings) & common


def _own_groups(parser: argparse.ArgumentParser) -> list[argparse._ArgumentGroup]:
    ordinary = {"positional arguments", "options", "optional arguments"}
    return [g for g in parser._action_groups if g.title not in ordinary and g._group_actions]


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def row(prog: str, words: list[str], parser: argparse.ArgumentParser, help_text: str | None) -> str:
    """One table row: the synopsis in code, then what the command does."""
    common = COMMON[prog]
    groups = _own_groups(parser)
    grouped = {id(a) for g in groups for a in g._group_actions}
    tokens = [_token(a) for a in parser._actions if _shown(a, common) and id(a) not in grouped]
    tokens += [f"[{g.title} options]" for g in groups]
    synopsis = " ".join([prog, *words, *tokens])
    text = (parser.description or help_text or "").strip()
    for group in groups:
        flags = "; ".join(
            f"`{_token(a).strip('[]')}` {a.help or ''}".strip()
            for a in group._group_actions
            if _shown(a, common)
        )
        text += f" {group.title[0].upper()}{group.title[1:]} options: {flags}."
    return f"| `{_cell(synopsis)}` | {_cell(text)} |"


def table(prog: str) -> str:
    parser = _parsers()[prog]()
    lines = ["| command | what it does |", "|---|---|"]
    lines += [row(prog, words, p, h) for words, p, h in _leaves(parser, [], None)]
    return "\n".join(lines)


def render(readme: str) -> str:
    """README text with every generated block replaced by the parsers' current table."""
    for prog in COMMON:
        start, end = f"<!-- commands:{prog} -->", f"<!-- /commands:{prog} -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if not pattern.search(readme):
            raise SystemExit(f"README.md has no {start} ... {end} block")
        fresh = f"{start}\n{table(prog)}\n{end}"
        readme = pattern.sub(lambda _m, fresh=fresh: fresh, readme)
    return readme


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description="Generate the README's command tables.")
    cli.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    check = cli.parse_args(argv).check
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if check:
        if fresh != current:
            sys.stderr.write("README.md's command tables are stale: run docs/cli_reference.py\n")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
