"""The `hint` command: parse arguments, ask the corpus, hand the result to a renderer.

Thin on purpose: what an entry is lives in `corpus`, how it looks in `render`.
This module owns the two things only a command line has:

* **Reading what the user typed**: scene numbers in any width (``3``, ``３``,
  ``場面3``), kinds in English or Japanese, IDs in any case and width, themes
  and practice categories matched fuzzily (`_match`).
* **Exit codes**, decided in one place (`_HintGroup.main`): 0 shown, 1 nothing
  found, 2 bad usage or input, 3 broken data files, 70 an unexpected error
  (traceback only with ``HINT_DEBUG=1``), 130 interrupted. A reader that closes
  the pipe early (``hint list | head``) ends the run quietly with 0.

Everything echoed back from the user goes through `text.sanitize` and is
printed as `rich.text.Text`, never as markup.

Module-level imports are kept to Typer: Rich, rapidfuzz and the data load when
a command runs, so that ``hint --help`` and ``hint --version`` start fast.
"""

# No `from __future__ import annotations` here: Typer reads the commands'
# annotations at every start, and evaluating them from strings cost ~12 ms.
# Names imported only for type checking are quoted instead.
import contextlib
import copy
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__

try:  # typer >= 0.24 vendors click as typer._click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as click_errors  # type: ignore[no-redef, import-not-found]

if TYPE_CHECKING:
    from rich.console import Console

    from .corpus import Corpus, Entry, Section
    from .render import ColorChoice
    from .search import Searcher

EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE
EXIT_INTERRUPTED = 130

ECHO_LIMIT = 40  # characters of user input echoed in a message
MATCH_LIMIT = 200  # characters of a theme or category name compared (a pasted page stays fast)

KIND_WORDS = {
    "example": ("example", "具体例", "例"),
    "hint": ("hint", "ヒント", "支援のヒント"),
    "suggestion": ("suggestion", "サジェスション", "サジェスチョン", "委員からのサジェスション", "委員"),
    "practice": ("practice", "支援体制", "支援体制の具体例", "支援体制の整備に関する具体例", "実践"),
    "story": ("story", "素材集", "歩みの例", "ストーリー"),
}


# --------------------------------------------------------------------------- failures


class HintError(Exception):
    """A failure the user should read as one line on stderr, with its exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(HintError):
    exit_code = EXIT_NOT_FOUND


class BadInput(HintError):
    exit_code = EXIT_USAGE


def shown(value: str) -> str:
    """User input made safe and short enough to echo in a message."""
    from .text import sanitize

    clean = sanitize(value).replace("\n", " ").replace("\t", " ")
    return clean if len(clean) <= ECHO_LIMIT else clean[: ECHO_LIMIT - 1] + "…"


def _quoted(value: str) -> str:
    return f"「{shown(value)}」"


# --------------------------------------------------------------------------- reading input


def parse_scene(raw: str) -> int:
    """1-6 in any width, optionally prefixed 場面 (``3``, ``３``, ``場面３``)."""
    value = unicodedata.normalize("NFKC", raw).strip().removeprefix("場面").strip()
    if len(value) == 1 and value in "123456":
        return int(value)
    raise BadInput(f"場面{_quoted(raw)}はありません。場面は 1～6 の番号で指定してください（一覧: hint list）")


def parse_kind(raw: str) -> str:
    from .text import normalize

    key = normalize(raw)
    for kind, words in KIND_WORDS.items():
        if any(normalize(w) == key for w in words):
            return kind
    choices = "、".join(f"{k}（{words[1]}）" for k, words in KIND_WORDS.items())
    raise BadInput(f"種類{_quoted(raw)}はありません。使える種類: {choices}")


def parse_story(raw: str, count: int) -> int:
    value = unicodedata.normalize("NFKC", raw).strip()
    # The length first: int() refuses a number of more than 4,300 digits with a ValueError.
    if value.isascii() and value.isdigit() and len(value) <= 6 and 1 <= int(value) <= count:
        return int(value)
    raise BadInput(f"素材集の例{_quoted(raw)}はありません。1～{count} の番号で指定してください")


def parse_limit(raw: str) -> int | None:
    """How many results: an integer >= 1 in any width; None (all) when it exceeds any corpus."""
    value = unicodedata.normalize("NFKC", raw).strip()
    digits = value.lstrip("0")
    if value.isascii() and value.isdigit() and digits:
        # A number too long to mean a count (or for int() to read) means everything.
        return None if len(digits) > 9 else int(digits)
    raise BadInput(f"件数{_quoted(raw)}は使えません。--limit には 1 以上の整数を指定してください")


def read_query(words: Sequence[str]) -> str:
    """The query: the words joined by a space; blank or punctuation-only input is bad usage."""
    query = " ".join(words)
    _require(query, "検索語")
    # A letter, digit or kana anywhere (not only where the search reads: it caps a pasted page).
    if not any(ch.isalnum() for ch in unicodedata.normalize("NFKC", query)):
        raise BadInput(f"検索語{_quoted(query)}に文字がありません（記号だけでは検索できません）")
    return query


_DASHES = str.maketrans("ー−―‐–", "-----")


def _id_key(raw: str) -> str:
    # NFKC folds full-width letters; a Japanese IME types the hyphen as ー or −.
    value = unicodedata.normalize("NFKC", raw).strip().lower()
    return value.translate(_DASHES)


def find_entry(corpus: "Corpus", raw: str) -> "Entry":
    """An entry by its ID (case and width do not matter), or NotFound with the closest IDs."""
    _require(raw, "ID")
    key = _id_key(raw)
    if key in corpus.by_id:
        return corpus.by_id[key]
    from rapidfuzz import fuzz, process

    close = process.extract(key, list(corpus.by_id), scorer=fuzz.ratio, limit=3, score_cutoff=60)
    hint = (
        f"。もしかして: {', '.join(c[0] for c in close)}" if close else "。ID は hint list で確かめられます"
    )
    raise NotFound(f"ID{_quoted(raw)}の項目はありません{hint}")


def _match(query: str, names: Mapping[str, Sequence[str]]) -> list[str]:
    """The keys of ``names`` whose words best match ``query``; several if it is ambiguous.

    Both sides are `text.normalize`d. Ranking: exact word > a word starting with
    the query > a word containing it (or contained in it) > a close spelling
    (rapidfuzz ratio >= 60); among equals, the word closest in length wins.
    """
    from rapidfuzz import fuzz

    from .text import normalize

    q = normalize(query[:MATCH_LIMIT])
    if not q:
        return []

    def rank(word: str) -> float:
        w = normalize(word)
        if not w:
            return 0.0
        if w == q:
            return 4.0
        if w.startswith(q):
            return 3.0 + len(q) / len(w)
        if q in w:
            return 2.0 + len(q) / len(w)
        if len(w) >= 2 and w in q:
            return 2.0 + len(w) / len(q)
        ratio = fuzz.ratio(q, w) / 100
        return ratio if ratio >= 0.6 else 0.0

    scores = {key: max(map(rank, words), default=0.0) for key, words in names.items()}
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return []
    return [key for key, score in scores.items() if score >= best - 1e-9]


def _require(raw: str, what: str) -> None:
    """Blank input (spaces, 「　」, nothing) is bad usage, not a failed search."""
    if not unicodedata.normalize("NFKC", raw).strip():
        raise BadInput(f"{what}を指定してください（空です）")


def resolve_theme(corpus: "Corpus", raw: str) -> str:
    _require(raw, "テーマ")
    found = _match(raw, {t.name: (t.name, *t.aliases) for t in corpus.themes})
    if len(found) == 1:
        return found[0]
    if found:
        raise NotFound(f"テーマ{_quoted(raw)}に当てはまるものが複数あります: {'、'.join(found)}")
    themes = "、".join(t.name for t in corpus.themes)
    raise NotFound(f"テーマ{_quoted(raw)}は見つかりません。使えるテーマ: {themes}")


PracticeGroup = tuple[int, "Section", str, Sequence["Entry"]]


def resolve_practices(corpus: "Corpus", raw: str) -> list[PracticeGroup]:
    """The practice categories meant by ``raw``: a number, ハード面/ソフト面, or a category name."""
    from .render import practice_categories

    _require(raw, "分類")
    groups = [(n, sec, cat, es) for n, (sec, cat, es) in enumerate(practice_categories(corpus), 1)]
    value = unicodedata.normalize("NFKC", raw).strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= len(groups):
        return [groups[int(value) - 1]]
    names: dict[str, list[str]] = {s.name: [s.name] for s in corpus.sections}
    names.update({cat: [cat] for _, _, cat, _ in groups})
    found = _match(raw, names)
    if len(found) == 1:
        key = found[0]
        return [g for g in groups if key in (g[1].name, g[2])]
    if found:
        raise NotFound(f"分類{_quoted(raw)}に当てはまるものが複数あります: {'、'.join(found)}")
    raise NotFound(
        f"分類{_quoted(raw)}は見つかりません。1～{len(groups)} の番号、ハード面・ソフト面、"
        "または分類名で指定してください（一覧: hint practices）"
    )


# --------------------------------------------------------------------------- output


def _console(color: str | None, ctx: typer.Context | None = None) -> "Console":
    """The stdout console; a command's --color wins over the global one (both validated by `_check_color`)."""
    from .render import make_console

    root: Any = ctx.obj if ctx is not None else None
    return make_console(cast("ColorChoice", color or root or "auto"))


def _corpus() -> "Corpus":
    from .store import load_corpus

    return load_corpus()


def _citation(corpus: "Corpus") -> str:
    return str(corpus.about.get("citation", ""))


def _check_color(value: str | None) -> str | None:
    if value is None or value in ("auto", "always", "never"):
        return value
    raise BadInput(f"--color の値{_quoted(value)}は使えません。auto、always、never のいずれかです")


# --------------------------------------------------------------------------- Typer plumbing


class _JapaneseHelp:
    """Help screens in Japanese where Click and Typer print English labels."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        try:
            from typer import rich_utils
        except ImportError:  # pragma: no cover - rich is a dependency
            pass
        else:
            rich_utils.ARGUMENTS_PANEL_TITLE = "引数"
            rich_utils.OPTIONS_PANEL_TITLE = "オプション"
            rich_utils.COMMANDS_PANEL_TITLE = "コマンド"
            rich_utils.DEFAULT_STRING = "[既定: {}]"
            rich_utils.REQUIRED_LONG_STRING = "[必須]"
        try:
            super().format_help(ctx, formatter)  # type: ignore[misc]
        except SystemExit:  # Rich's answer to a closed pipe (hint --help | head -1)
            from .render import ReaderGone

            raise ReaderGone from None

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="使い方: ")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "この説明を表示して終了"
        return option


class _HintCommand(_JapaneseHelp, TyperCommand):
    pass


class _HintGroup(_JapaneseHelp, TyperGroup):
    """The app's group: the one place where failures become messages and exit codes."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name or "hint", complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()
        except SystemExit as exc:
            # Click (the package, before Typer vendored it) ends a run whose reader went
            # away (hint --help | head -1) with exit 1, after swapping in this wrapper.
            if exc.code == 1 and type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
                sys.exit(0)
            raise
        except BaseException as exc:
            code = _report_safely(exc, argv)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:  # Click would turn an OSError into exit 1
            from .render import ReaderGone

            raise ReaderGone from exc

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from difflib import get_close_matches

            commands = self.list_commands(ctx)
            close = get_close_matches(name, commands, n=1)
            hint = f"もしかして: {close[0]}" if close else f"使えるコマンド: {', '.join(commands)}"
            raise BadInput(f"コマンド{_quoted(name)}はありません。{hint}")
        return super().resolve_command(ctx, args)


def _color_in(argv: Sequence[str]) -> "ColorChoice":
    """The --color value in argv, read directly: errors can happen before Click parses it."""
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--color=") else None
        if arg == "--color" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in ("always", "never"):
            return value  # type: ignore[return-value]
    return "auto"


def _report_safely(exc: BaseException, argv: Sequence[str]) -> int:
    """The exit code for ``exc``, and its one line on stderr: never a traceback.

    The code is decided before anything is written, so that a closed or full
    stderr cannot change it; if writing the line fails, stderr is silenced.
    """
    try:
        code, line = _report(exc)
    except Exception:
        code, line = EXIT_SOFTWARE, f"予期しないエラーで終了しました（{type(exc).__name__}）"
    if line is not None:
        try:
            from .render import make_console, message

            message(make_console(_color_in(argv), stderr=True), line, error=code != EXIT_NOT_FOUND)
            if sys.stderr is not None:
                sys.stderr.flush()
        except Exception:
            from .streams import silence

            silence(2)
    return code


def _report(exc: BaseException) -> tuple[int, str | None]:
    """The exit code for ``exc`` and the line to print on stderr (None: nothing)."""
    from .render import ReaderGone
    from .streams import EX_IOERR, output_failure, silence

    if isinstance(exc, ReaderGone | BrokenPipeError):
        silence(1)
        return 0, None
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, None
    failed_output = output_failure(exc)
    if failed_output is not None:
        silence(1)  # what is still buffered goes nowhere, instead of failing again at exit
        return EX_IOERR, failed_output

    from .corpus import DataError

    if isinstance(exc, HintError):
        return exc.exit_code, exc.message
    if isinstance(exc, click_errors.ClickException):
        return exc.exit_code, _usage_message(exc)
    if isinstance(exc, typer.Abort):
        return EXIT_INTERRUPTED, "中断しました"
    if isinstance(exc, DataError):
        from .text import sanitize

        return EXIT_DATA, f"データファイルに問題があります: {sanitize(str(exc))}"
    if os.environ.get("HINT_DEBUG") == "1":
        import traceback

        with contextlib.suppress(Exception):
            traceback.print_exception(exc)
    name = type(exc).__name__
    return (
        EXIT_SOFTWARE,
        f"予期しないエラーで終了しました（{name}）。HINT_DEBUG=1 を付けて実行すると詳細が表示されます",
    )


def _usage_message(exc: click_errors.ClickException) -> str:
    """Click's usage errors in Japanese, one line, with where to find help."""
    ctx = getattr(exc, "ctx", None)
    where = f"（使い方: {ctx.command_path} --help）" if ctx is not None else "（使い方: hint --help）"
    if isinstance(exc, click_errors.NoSuchOption):
        close = f"。もしかして: {', '.join(exc.possibilities)}" if exc.possibilities else ""
        return f"オプション {shown(exc.option_name)} はありません{close}{where}"
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        name = (param.human_readable_name if param is not None else "") or "引数"
        return f"{shown(name)} を指定してください{where}"
    if isinstance(exc, click_errors.BadParameter):
        param = exc.param
        label = (param.opts[0] if param is not None and param.opts else "") or "値"
        return f"{label} の値が正しくありません: {shown(exc.message)}{where}"
    message = exc.format_message()
    if isinstance(exc, click_errors.BadOptionUsage) and "requires an argument" in message:
        return f"オプション {shown(exc.option_name)} には値が必要です{where}"
    extra = re.fullmatch(r"Got unexpected extra argument\S* \((.*)\)", message)
    if extra:
        return f"余分な引数があります: {shown(extra.group(1))}{where}"
    return f"使い方が正しくありません: {shown(message)}{where}"


def _silence_stdout() -> None:
    """After EPIPE: point stdout at devnull so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# --------------------------------------------------------------------------- the app

app = typer.Typer(
    cls=_HintGroup,
    name="hint",
    options_metavar="[オプション]",
    subcommand_metavar="コマンド [引数]...",
    add_completion=False,
    pretty_exceptions_enable=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Json = Annotated[bool, typer.Option("--json", help="JSON で出力する（スクリプト向け）")]
# The filters `search` and `list` share.
Category = Annotated[
    str | None,
    typer.Option(
        "--category", "-c", metavar="テーマ", help="テーマで絞る（家族支援、かぞく などあいまい一致）"
    ),
]
Kind = Annotated[
    str | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="種類",
        help="種類で絞る: example（具体例） hint（ヒント） suggestion（サジェスション）"
        " practice（支援体制） story（素材集）",
    ),
]
SceneFilter = Annotated[str | None, typer.Option("--scene", "-s", metavar="N", help="場面 1～6 で絞る")]
Color = Annotated[
    str | None,
    typer.Option(
        "--color",
        metavar="auto|always|never",
        callback=_check_color,
        help="色付け: auto（端末のときだけ）、always、never",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hintcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    color: Color = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="バージョンを表示して終了")
    ] = False,
) -> None:
    """ひきこもり支援のヒント集（厚生労働省、令和3年3月）を状況・場面・テーマ・ID から引く。

    報告書「ひきこもり状態にある方やその家族に対する支援のヒント集」を収録しています。
    はじめに: hint search 本人に会えない（状況から探す）
    ほかに: hint list（全体の一覧）、hint scene 1（場面1を読む）
    """
    ctx.obj = color
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def command(**kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return app.command(cls=_HintCommand, options_metavar="[オプション]", **kwargs)


@command()
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...",
            help="状況や言葉（例: 本人に会えない、しんどい、父親から娘がこもっていると電話があった）",
            show_default=False,
        ),
    ],
    limit: Annotated[
        str,
        typer.Option("--limit", "-n", metavar="N", help="表示する件数（1 以上、既定 5）", show_default=False),
    ] = "5",  # one screen: five results and the scene's suggestions
    scene: SceneFilter = None,
    category: Category = None,
    kind: Kind = None,
    json: Json = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="結果ごとに、一致した語・言い換え・スコアの内訳を表示する")
    ] = False,
    color: Color = None,
) -> None:
    """状況や言葉で、役に立つヒントを探す（関連の高い順、既定で 5 件）。

    例: hint search 本人に会えない / hint search しんどい --explain / hint search 訪問 -s 1 -k hint
    """
    query = read_query(words)
    wanted = parse_limit(limit)
    scene_n = parse_scene(scene) if scene is not None else None
    kind_v = parse_kind(kind) if kind is not None else None
    from . import render
    from .store import load_searcher

    searcher = load_searcher()
    theme = resolve_theme(searcher.corpus, category) if category is not None else None
    found = searcher.search(query, limit=None, scene=scene_n, themes={theme} if theme else None, kind=kind_v)
    results = found[:wanted] if wanted is not None else found
    filters = _describe_filters(theme, scene_n, kind_v)
    if json:
        render.print_json(render.search_json(results, explain=explain))
    elif results:
        header = render.search_header(shown(query), len(results), len(found), filters)
        render.search_results(
            _console(color, ctx),
            searcher.corpus,
            results,
            header,
            scenes=render.ranked_scenes(results) if kind_v is None else (),
            explain=explain,
            reading=searcher.parse(query).terms if explain else (),
            spell=searcher.spelling,
        )
    if not results:
        raise NotFound(_nothing_found(searcher, query, filters))


def _nothing_found(searcher: "Searcher", query: str, filters: str) -> str:
    """「…」に当てはまる項目はありません, with what the query comes close to and where to look instead."""
    where = f"（{filters}）" if filters else ""
    text = f"{_quoted(query)}{where}に当てはまる項目はありません。"
    if filters and searcher.search(query, limit=1):
        return text + "絞り込みを外すと見つかります"
    close = []
    for what, name in searcher.suggest(query):
        if what == "テーマ":
            close.append(f"テーマ「{name}」（hint list -c {name}）")
        elif what == "場面":
            number = name.removeprefix("場面").partition("：")[0]
            close.append(f"{name}（hint scene {number}）")
        else:
            close.append(f"{what}「{name}」")
    if close:
        text += f"もしかして: {'、'.join(close)}。"
    return text + "全体の一覧: hint list"


@command(context_settings={"ignore_unknown_options": True})
def scene(
    ctx: typer.Context,
    number: Annotated[
        str, typer.Argument(metavar="N", help="場面の番号 1～6（３、場面3 も可）", show_default=False)
    ],
    json: Json = False,
    color: Color = None,
) -> None:
    """場面ごとの対応のヒントを読む（具体例、支援のヒント、委員からのサジェスション）。

    例: hint scene 3
    """
    n = parse_scene(number)
    from . import render

    the_scene = _corpus().scenes[n]
    if json:
        render.print_json(render.scene_json(the_scene))
        return
    render.scene(_console(color, ctx), the_scene)


@command(name="list")
def list_(
    ctx: typer.Context,
    category: Category = None,
    scene: SceneFilter = None,
    kind: Kind = None,
    json: Json = False,
    color: Color = None,
) -> None:
    """一覧: 場面・テーマ・支援体制の分類・素材集。絞り込むと項目を ID 付きで表示。

    例: hint list -c 家族支援 / hint list --scene 2 --kind hint
    """
    from . import render

    scene_n = parse_scene(scene) if scene is not None else None
    kind_v = parse_kind(kind) if kind is not None else None
    corpus = _corpus()
    theme = resolve_theme(corpus, category) if category is not None else None

    entries = [
        e
        for e in corpus.entries
        if (theme is None or theme in e.themes)
        and (scene_n is None or e.scene == scene_n)
        and (kind_v is None or e.kind == kind_v)
    ]
    filters = _describe_filters(theme, scene_n, kind_v)
    if json:
        render.print_json([e.to_json() for e in entries])
    elif not filters:
        render.overview(_console(color, ctx), corpus)
    elif entries:
        note = next((t.description for t in corpus.themes if t.name == theme), "")
        render.entry_list(_console(color, ctx), corpus, entries, filters, note)
    if not entries:
        raise NotFound(f"{filters}に当てはまる項目はありません")


def _describe_filters(theme: str | None, scene: int | None, kind: str | None) -> str:
    """テーマ「家族支援」・場面1・支援のヒント; empty without filters."""
    from .corpus import KIND_LABELS

    parts = (
        f"テーマ「{theme}」" if theme else "",
        f"場面{scene}" if scene else "",
        KIND_LABELS[kind] if kind else "",
    )
    return "・".join(p for p in parts if p)


@command()
def show(
    ctx: typer.Context,
    entry_id: Annotated[
        str, typer.Argument(metavar="ID", help="項目の ID（例: s1-h5、pr12、st1-3）", show_default=False)
    ],
    json: Json = False,
    color: Color = None,
) -> None:
    """項目を一つ、場面・見出し・ページ・テーマ・出典とともに表示する。

    例: hint show s1-h5
    """
    from . import render

    corpus = _corpus()
    entry = find_entry(corpus, entry_id)
    if json:
        render.print_json(render.entry_json(corpus, entry, _citation(corpus)))
        return
    render.entry_detail(_console(color, ctx), corpus, entry, _citation(corpus))


@command()
def practices(
    ctx: typer.Context,
    category: Annotated[
        str | None,
        typer.Argument(
            metavar="[分類]",
            help="番号 1～13、ハード面・ソフト面、または分類名（あいまい一致）",
            show_default=False,
        ),
    ] = None,
    json: Json = False,
    color: Color = None,
) -> None:
    """支援体制の整備に関する具体例: 13 の分類の一覧、または一つの分類の取組。

    例: hint practices / hint practices 3 / hint practices 家族
    """
    from . import render

    corpus = _corpus()
    if category is None:
        if json:
            render.print_json(render.practices_json(corpus))
        else:
            render.practices_overview(_console(color, ctx), corpus)
        return
    groups = resolve_practices(corpus, category)
    if json:
        data = [render.practice_group_json(*g) for g in groups]
        render.print_json(data[0] if len(data) == 1 else data)
        return
    render.practices(_console(color, ctx), groups)


@command()
def story(
    ctx: typer.Context,
    number: Annotated[
        str | None, typer.Argument(metavar="[N]", help="例の番号（1 または 2）", show_default=False)
    ] = None,
    json: Json = False,
    color: Color = None,
) -> None:
    """素材集: ひきこもり状態を経験された方の歩みの例を、節ごとに読む。

    例: hint story 1
    """
    from . import render

    corpus = _corpus()
    count = len(corpus.stories)
    numbers = [parse_story(number, count)] if number is not None else list(range(1, count + 1))
    if json:
        data = [render.story_json(corpus, n) for n in numbers]
        render.print_json(data[0] if number is not None else data)
        return
    render.stories(_console(color, ctx), corpus, numbers)


@command()
def about(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="はじめに・おわりにも表示する")] = False,
    json: Json = False,
    color: Color = None,
) -> None:
    """報告書について: 出典と引用のしかた、委員会、表記の訂正、データの場所、バージョン。"""
    from . import render
    from .store import data_dir

    info = render.about_info(_corpus(), data_dir(), __version__)
    if json:
        render.print_json(info)
        return
    render.about(_console(color, ctx), info, full=full)


def _reconfigure_streams() -> None:
    """Characters the console cannot encode (cp932) become ?, never an error; see streams.reconfigure."""
    from .streams import reconfigure

    reconfigure()


def _only_the_named_command(args: Sequence[str]) -> typer.Typer:
    """The app with just the command the arguments name, when they name one.

    Typer turns every command's signature into Click parameters at each start
    (~4 ms for all of them); a run uses one. With no command named (help, a
    typo that wants did-you-mean, shell completion) the whole app is used.
    """
    rest = list(args)
    while rest and rest[0].startswith("-"):
        if rest[0] in ("--help", "-h", "--version"):
            return app  # the group answers these itself, listing every command
        rest = rest[2:] if rest[0] == "--color" else rest[1:]
    if not rest:
        return app
    chosen = [
        c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", "")) == rest[0]
    ]
    if not chosen:
        return app
    pruned = copy.copy(app)
    pruned.registered_commands = chosen
    return pruned


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run one command and exit (the console script ``hint`` calls this through ``hintcli.__main__``).

    For a one-shot run only. A run lasts a fraction of a second and makes no
    garbage cycles worth collecting, so the cyclic garbage collector is off
    while it runs and the run's objects are frozen at its end: otherwise the
    collector's passes while the data loads, and its last pass over all of it
    as Python exits, cost ~45 ms of every search (measured with bench/run.py).
    A long-lived command (a server, an interactive loop) must call
    ``gc.enable()`` when it starts serving.

    Before the command: closed standard streams get /dev/null (a closed stdout
    ends the run with 74), COLUMNS is clamped, and arguments are decoded as
    UTF-8 whatever the locale (see streams.py).
    """
    import gc

    from . import streams

    gc.disable()
    stdout_open = streams.guard_std_fds()
    streams.clamp_columns()
    _reconfigure_streams()
    if not stdout_open:
        streams.say("出力先（標準出力）が閉じているため、表示できません")
        sys.exit(streams.EX_IOERR)
    if "_HINT_COMPLETE" in os.environ:  # the shell asks for completions (see README)
        from typer._completion_classes import completion_init

        completion_init()
    args = streams.decode_argv(sys.argv[1:] if argv is None else argv)
    try:
        _only_the_named_command(args)(args=args, prog_name="hint")
    finally:
        gc.freeze()
        gc.enable()
    raise AssertionError("unreachable: the group always exits")  # pragma: no cover
