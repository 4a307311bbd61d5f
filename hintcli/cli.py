"""The `hint` command: parse arguments, ask the core, hand a view to a door.

Thin on purpose: finding what the user named lives in `lookup`, what a
command shows in `views`, how it looks in the doors (`terminal.panels`,
`formats.jsondata`). This module owns what only a command line has:

* **Typer plumbing**: the commands, their help, Japanese usage messages.
* **Exit codes**, decided in one place (`_HintGroup.main`): 0 shown, 1 a valid
  request with no answer (a search with no result, an unknown ID), 2 input out
  of range or not understood (場面7, an unknown theme), 3 broken data files,
  70 an unexpected error (traceback only with ``HINT_DEBUG=1``), 130
  interrupted. A reader that closes the pipe early (``hint list | head``) ends
  the run quietly with 0.

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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn, cast

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__

try:  # typer >= 0.24 vendors click as typer._click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as click_errors  # type: ignore[no-redef, import-not-found]

if TYPE_CHECKING:
    from rich.console import Console

    from .corpus import Corpus
    from .lookup import LookupFailed
    from .search import Answer, Searcher
    from .terminal.console import ColorChoice
    from .terminal.helpscreen import HelpPage

EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE
EXIT_INTERRUPTED = 130

NO_PAGER_KEY = "hint.no_pager"  # in ctx.meta: the global --no-pager was given
MATCH_LIMIT = 200  # characters of a theme or category name compared (a pasted page stays fast)
MAX_SERVE_WORKERS = 16  # hint serve --workers: processes answering at once

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
    from .views import echo

    return echo(value)


def _quoted(value: str) -> str:
    return f"「{shown(value)}」"


# --------------------------------------------------------------------------- reading input


def parse_limit(raw: str) -> int | None:
    """How many results: an integer >= 1 in any width; None (all) when it exceeds any corpus."""
    from .lookup import limit

    try:
        return limit(raw)
    except ValueError:
        raise BadInput(
            f"件数{_quoted(raw)}は使えません。--limit には 1 以上の整数を指定してください"
        ) from None


def read_query(words: Sequence[str]) -> str:
    """The query: the words joined by a space; blank or punctuation-only input is bad usage."""
    query = " ".join(words)
    if not unicodedata.normalize("NFKC", query).strip():
        raise BadInput("検索語を指定してください（空です）")
    # A letter, digit or kana anywhere (not only where the search reads: it caps a pasted page).
    if not any(ch.isalnum() for ch in unicodedata.normalize("NFKC", query)):
        raise BadInput(f"検索語{_quoted(query)}に文字がありません（記号だけでは検索できません）")
    return query


# How each lookup failure is worded: what was asked, and where the choices are listed.
_WHERE = {
    "場面": "hint list",
    "テーマ": "hint list",
    "分類": "hint practices",
    "素材集の例": "hint story",
    "種類": "",
    "ID": "hint list",
}


def lookup_message(exc: "LookupFailed") -> str:
    """A lookup failure (`lookup.NotFound`, `OutOfRange`, `Ambiguous`, `Blank`) in one Japanese line."""
    from . import lookup

    what, raw, candidates = exc.what, exc.raw, exc.candidates
    if isinstance(exc, lookup.Blank):
        numbers = f"。{candidates[0]}～{candidates[-1]} の番号で指定してください" if candidates else ""
        return f"{what}を指定してください（空です）{numbers}"
    if isinstance(exc, lookup.Ambiguous):
        return f"{what}{_quoted(raw)}に当てはまるものが複数あります: {'、'.join(candidates)}"
    if isinstance(exc, lookup.NotFound):
        close = (
            f"。もしかして: {', '.join(candidates)}"
            if candidates
            else f"。{what} は hint list で確かめられます"
        )
        return f"{what}{_quoted(raw)}の項目はありません{close}"
    where = f"（一覧: {_WHERE[what]}）" if _WHERE.get(what) else ""
    if what in ("場面", "素材集の例") and candidates:
        return f"{what}{_quoted(raw)}はありません。{candidates[0]}～{candidates[-1]} の番号で指定してください{where}"
    if what == "分類":
        return (
            f"分類{_quoted(raw)}は見つかりません。1～{len(candidates)} の番号、ハード面・ソフト面、"
            f"または分類名で指定してください{where}"
        )
    return f"{what}{_quoted(raw)}はありません。使える{what}: {'、'.join(candidates)}"


# --------------------------------------------------------------------------- output


def _console(color: str | None, ctx: typer.Context | None = None) -> "Console":
    """The stdout console; a command's --color wins over the global one (both validated by `_check_color`)."""
    from .terminal.console import make_console

    root: Any = ctx.obj if ctx is not None else None
    console = make_console(cast("ColorChoice", color or root or "auto"))
    if ctx is not None and not ctx.meta.get(NO_PAGER_KEY):
        from .terminal import pager

        if pager.wanted(console):
            # What the command prints is held until it ends, then paged if taller than the terminal.
            pager.start(console)
            ctx.call_on_close(lambda: pager.finish(console))
    return console


class _Panels:
    """`terminal.panels`, imported when a view is drawn on a terminal (plain, JSON and the
    other documents never load the Rich views)."""

    def __getattr__(self, name: str) -> Any:
        from .terminal import panels as module

        return getattr(module, name)


panels = _Panels()


def _corpus() -> "Corpus":
    from .store import load_corpus

    corpus = load_corpus()
    _warn(corpus)
    return corpus


def _warn(corpus: "Corpus") -> None:
    """One line on stderr for each problem in a team's own files (the file is skipped; the exit code stays)."""
    if not corpus.warnings:
        return
    from .terminal.console import make_console, message
    from .views import echo

    err = make_console("auto", stderr=True)
    for line in corpus.warnings:
        message(
            err,
            f"警告: 読み込めなかった独自のヒント（hint check で確認）: {echo(line, limit=400)}",
            error=False,
        )


def _check_color(value: str | None) -> str | None:
    if value is None or value in ("auto", "always", "never"):
        return value
    raise BadInput(f"--color の値{_quoted(value)}は使えません。auto、always、never のいずれかです")


# --------------------------------------------------------------------------- Typer plumbing


class _JapaneseHelp:
    """Help screens in Japanese, laid out by `terminal.helpscreen` (whole descriptions, any width).

    A command's docstring is its help: paragraphs, then lines 「例: hint …」 (one
    example each), which the help screen lists under 例.
    """

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .terminal import helpscreen
        from .terminal.console import make_console

        console = make_console(_color_in(sys.argv[1:]))
        with console.capture() as captured:
            helpscreen.render(console, _help_page(self, ctx))
        text = "\n".join(line.rstrip(" ") for line in captured.get().split("\n"))
        formatter.write(text)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(_usage_pieces(self, ctx)), prefix="使い方: ")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "この説明を表示して終了"
        return option


def _usage_pieces(command: Any, ctx: Any) -> list[str]:
    pieces = ["[オプション]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            pieces.append(param.metavar or param.human_readable_name)
    if isinstance(command, TyperGroup):
        pieces.append("[コマンド] [引数]...")
    return pieces


def _help_page(command: Any, ctx: Any) -> "HelpPage":
    from .terminal.helpscreen import HelpItem, HelpPage

    paragraphs, examples = [], []
    for paragraph in (command.help or "").split("\n\n"):
        lines = []
        for line in paragraph.strip().splitlines():
            if line.startswith("例:"):
                examples += [e.strip() for e in line.removeprefix("例:").split(" / ") if e.strip()]
            else:
                lines.append(line.strip())
        if lines:
            paragraphs.append("\n".join(lines))
    arguments, options = [], []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            arguments.append(HelpItem(param.metavar or param.human_readable_name, param.help or ""))
            continue
        names = sorted([*param.opts, *param.secondary_opts], key=lambda o: (o.startswith("--"), o))
        label = ", ".join(names)
        if not getattr(param, "is_flag", False) and param.metavar:
            label += f" {param.metavar}"
        options.append(HelpItem(label, param.help or ""))
    commands = []
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                summary = (sub.help or "").strip().split("\n\n")[0]
                commands.append(HelpItem(name, " ".join(summary.split("\n"))))
    return HelpPage(
        f"{ctx.command_path} {' '.join(_usage_pieces(command, ctx))}",
        tuple(paragraphs),
        tuple(examples),
        tuple(arguments),
        tuple(options),
        tuple(commands),
    )


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
        argv = _hoist_no_pager(list(sys.argv[1:] if args is None else args))
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
        from .lookup import LookupFailed
        from .lookup import NotFound as LookupNotFound

        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:  # Click would turn an OSError into exit 1
            from .output import ReaderGone

            raise ReaderGone from exc
        except LookupFailed as exc:  # the core names what failed; the CLI words it
            if isinstance(exc, LookupNotFound):
                raise NotFound(lookup_message(exc)) from None
            raise BadInput(lookup_message(exc)) from None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """A command by name; a first word that is no command and not close to one is a search.

        ``hint 本人に会えない`` is ``hint search 本人に会えない``; ``hint serch …`` is
        a typo of a command (「もしかして: search」), not a search for "serch".
        """
        name = args[0] if args else None
        if name is not None and not name.startswith("-") and self.get_command(ctx, name) is None:
            from .lookup import close_spellings

            commands = self.list_commands(ctx)
            close = close_spellings(name, commands, limit=1) if name.strip() else []
            if close:
                raise BadInput(
                    f"コマンド{_quoted(name)}はありません。もしかして: {close[0]}"
                    f"（検索するなら: hint search {shown(name)}）"
                )
            search = self.get_command(ctx, "search")
            if search is not None:
                return "search", search, args
        return super().resolve_command(ctx, args)


def _hoist_no_pager(argv: list[str]) -> list[str]:
    """``--no-pager`` anywhere before ``--`` moves to the front, where the group reads it.

    It is a global option, but a person adds it at the end (hint scene 3 --no-pager).
    """
    end = argv.index("--") if "--" in argv else len(argv)
    if "--no-pager" not in argv[:end]:
        return argv
    rest = [a for a in argv[:end] if a != "--no-pager"]
    return ["--no-pager", *rest, *argv[end:]]


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
            from .terminal.console import make_console, message

            message(make_console(_color_in(argv), stderr=True), line, error=code != EXIT_NOT_FOUND)
            if sys.stderr is not None:
                sys.stderr.flush()
        except Exception:
            from .streams import silence

            silence(2)
    return code


def _report(exc: BaseException) -> tuple[int, str | None]:
    """The exit code for ``exc`` and the line to print on stderr (None: nothing)."""
    from .output import ReaderGone
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
        close = _close_options(exc.option_name, ctx)
        maybe = f"。もしかして: {', '.join(close)}" if close else ""
        return f"オプション {shown(exc.option_name)} はありません{maybe}{where}"
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        name = (param.human_readable_name if param is not None else "") or "引数"
        name = name.strip("[]").removesuffix("...")
        return f"{shown(name)}を指定してください{where}"
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


def _close_options(name: str, ctx: Any) -> list[str]:
    """The command's options spelled close to ``name`` (`lookup.close_spellings`, dashes aside)."""
    from .lookup import close_spellings

    if ctx is None:
        return []
    options = [
        o for p in ctx.command.get_params(ctx) for o in (*p.opts, *p.secondary_opts) if o.startswith("--")
    ]
    bare = {o.lstrip("-"): o for o in options}
    return [bare[o] for o in close_spellings(name.lstrip("-"), list(bare), limit=2)]


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


# Completion of values (hintcli.completion, imported only when a Tab asks; see README).
def _completer(name: str) -> Callable[[str], list[tuple[str, str]]]:
    """The Typer completion callback that asks `completion.<name>` (themes, scenes, ids …)."""

    def complete(incomplete: str) -> list[tuple[str, str]]:
        from . import completion

        found: list[tuple[str, str]] = getattr(completion, name)(incomplete)
        return found

    complete.__name__ = f"_complete_{name}"
    return complete


_complete_themes = _completer("themes")
_complete_scenes = _completer("scenes")
_complete_ids = _completer("ids")
_complete_kinds = _completer("kinds")
_complete_categories = _completer("categories")
_complete_stories = _completer("stories")
_complete_commands = _completer("commands")


Json = Annotated[bool, typer.Option("--json", help="JSON で出力する（--format json の短縮形）")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="形式",
        help="出力の形式: text（端末の枠付き表示）plain（貼り付け用の文字だけ）md（Markdown）"
        " csv（Excel 用）html（印刷用）json。既定は端末なら text、それ以外は plain",
        show_default=False,
    ),
]
Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="ファイル",
        help="ファイルに書き出す（形式は拡張子 .txt .md .csv .html .json から）",
        show_default=False,
    ),
]
Force = Annotated[bool, typer.Option("--force", help="-o のファイルが既にあっても置き換える")]
# The filters `search` and `list` share.
Category = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        metavar="テーマ",
        help="テーマで絞る（家族支援、かぞく などあいまい一致）",
        autocompletion=_complete_themes,
    ),
]
Kind = Annotated[
    str | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="種類",
        autocompletion=_complete_kinds,
        help="種類で絞る: example（具体例） hint（ヒント） suggestion（サジェスション）"
        " practice（支援体制） story（素材集）",
    ),
]
SourceFilter = Annotated[
    str | None,
    typer.Option(
        "--source",
        metavar="提供元",
        help="提供元で絞る: report（報告書）、own（独自のヒント）、または提供元の名前",
        show_default=False,
    ),
]
SceneFilter = Annotated[
    str | None,
    typer.Option(
        "--scene", "-s", metavar="番号", help="場面の番号で絞る（1～6）", autocompletion=_complete_scenes
    ),
]
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
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="長い出力もページャー（less など）を通さずに表示する。環境変数 HINT_PAGER、PAGER でページャーを選べます",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="バージョンを表示して終了")
    ] = False,
) -> None:
    """厚生労働省の報告書「ひきこもり状態にある方やその家族に対する支援のヒント集」（令和3年3月）を、状況・場面・テーマ・ID から引く。

    例: hint 本人に会えない
    例: hint scene 1
    例: hint help search
    """
    ctx.obj = color
    ctx.meta[NO_PAGER_KEY] = no_pager
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
            metavar="検索語...",
            help="状況や言葉（例: 本人に会えない、しんどい、父親から娘がこもっていると電話があった）。"
            "最初の語がコマンドでなければ search は省けます（hint 本人に会えない）",
            show_default=False,
        ),
    ],
    limit: Annotated[
        str,
        typer.Option(
            "--limit", "-n", metavar="件数", help="表示する件数（1 以上、既定 5）", show_default=False
        ),
    ] = "5",  # one screen: five results and the scene's suggestions
    scene: SceneFilter = None,
    category: Category = None,
    kind: Kind = None,
    source: SourceFilter = None,
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="結果ごとに、一致した語・言い換え・スコアの内訳を表示する")
    ] = False,
    color: Color = None,
) -> None:
    """状況や言葉で、役に立つヒントを探す（関連の高い順、既定で 5 件）。

    例: hint search 本人に会えない
    例: hint search 訪問 -s 1 -k hint
    """
    from . import lookup, views
    from .store import load_searcher

    query = read_query(words)
    wanted = parse_limit(limit)
    searcher = load_searcher()
    corpus = searcher.corpus
    _warn(corpus)
    scene_n = lookup.scene(corpus, scene) if scene is not None else None
    kind_v = lookup.kind(kind) if kind is not None else None
    theme = lookup.theme(corpus, category) if category is not None else None
    source_v = lookup.source(corpus, source) if source is not None else None
    answer = searcher.answer(query, scene=scene_n, themes={theme} if theme else None, kind=kind_v)
    if source_v is not None:
        from .corpus import from_source

        answer = answer._replace(results=[r for r in answer.results if from_source(r.entry, source_v)])
    filters = views.describe_filters(theme, scene_n, kind_v, source_v)
    view = views.search_view(
        corpus,
        query,
        answer.results,
        wanted,
        filters=filters,
        kind=kind_v,
        explain=explain,
        reading=searcher.parse(answer.searched).terms if explain else (),
        spell=searcher.spelling,
        answer=answer,
    )
    if view.results or json or fmt is not None:
        _deliver(
            ctx,
            view,
            _delivery(ctx, fmt, json, output, force, color),
            lambda console: panels.search_results(console, view, shown(query)),
        )
    if not view.results:
        raise NotFound(_nothing_found(searcher, answer, filters))


def _nothing_found(searcher: "Searcher", answer: "Answer", filters: str) -> str:
    """「…」に当てはまる項目はありません, with what the query comes close to and where to look instead."""
    where = f"（{filters}）" if filters else ""
    text = f"{_quoted(answer.query)}{where}に当てはまる項目はありません。"
    if filters and searcher.answer(answer.query).results:
        return text + "絞り込みを外すと見つかります"
    close = []
    for s in answer.suggestions:
        if s.kind == "theme":
            close.append(f"テーマ「{shown(s.name)}」（hint list -c {shown(s.name)}）")
        elif s.kind == "scene":
            close.append(f"場面{s.scene}「{shown(s.name)}」（hint scene {s.scene}）")
        elif s.kind == "heading":
            close.append(f"見出し「{shown(s.name)}」")
        else:
            close.append(f"「{shown(s.name)}」（hint search {shown(s.name)}）")
    if close:
        text += f"もしかして: {'、'.join(close)}。"
    elif answer.unknown:
        text += (
            f"報告書にも言い換え辞書にも近い語がありません（{'、'.join(shown(w) for w in answer.unknown)}）。"
        )
    return text + "全体の一覧: hint list"


class Delivery(NamedTuple):
    """Where and how a command's view goes: the options every command shares."""

    fmt: str | None
    json: bool
    output: str | None
    force: bool
    color: str | None


def _delivery(
    ctx: typer.Context, fmt: str | None, json: bool, output: str | None, force: bool, color: str | None
) -> Delivery:
    """The shared options of a command; its --color wins over the global one."""
    root: Any = ctx.obj
    return Delivery(fmt, json, output, force, color or root)


def _choose_format(d: Delivery) -> str:
    """--json, --format, the output file's extension, else text on a terminal and plain elsewhere."""
    from pathlib import Path

    from .formats import EXTENSIONS, FORMATS, for_path
    from .output import isatty

    fmt = None
    if d.fmt is not None:
        fmt = unicodedata.normalize("NFKC", d.fmt).strip().lower()
        fmt = {"markdown": "md", "txt": "plain", "htm": "html", "terminal": "text"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise BadInput(f"形式{_quoted(d.fmt)}は使えません。使える形式: {', '.join(FORMATS)}")
    if d.json:
        if fmt not in (None, "json"):
            raise BadInput(f"--json と --format {fmt} は同時に指定できません")
        fmt = "json"
    if d.output is not None:
        fmt = fmt or for_path(Path(d.output))
        if fmt is None:
            known = " ".join(sorted(set(EXTENSIONS)))
            raise BadInput(
                f"ファイル{_quoted(d.output)}の形式が拡張子から分かりません（{known}）。--format で指定してください"
            )
        if fmt == "text":
            raise BadInput(
                "--format text は端末用です。ファイルには plain、md、csv、html、json のどれかを指定してください"
            )
        return fmt
    if fmt is not None:
        return fmt
    # Colour asked for (--color always, FORCE_COLOR) means the panels, even into a pipe.
    coloured = d.color == "always" or (d.color != "never" and os.environ.get("FORCE_COLOR", "") != "")
    return "text" if coloured or isatty(sys.stdout) else "plain"


def _deliver(ctx: typer.Context, view: Any, d: Delivery, terminal: Callable[["Console"], None]) -> None:
    """Show ``view`` as the user asked: panels on the terminal, a document on stdout or in a file."""
    fmt = _choose_format(d)
    if fmt == "text":
        terminal(_console(d.color, ctx))
        return
    from .formats import LABELS, render

    document = render(view, fmt)
    if d.output is None:
        from .output import emit

        # Plain text goes through the console's encoding (cp932 on a Japanese Windows
        # console); the other formats are UTF-8 files by definition.
        emit(document, utf8=fmt != "plain")
        return
    from .output import FileExists, write_new

    try:
        path = write_new(d.output, document, replace=d.force)
    except FileExists:
        raise BadInput(f"ファイル{_quoted(d.output)}は既にあります（置き換えるには --force）") from None
    except OSError as exc:
        raise BadInput(
            f"ファイル{_quoted(d.output)}に書き出せません（{exc.strerror or type(exc).__name__}）"
        ) from None
    from .views import echo

    sys.stdout.write(f"{LABELS[fmt]} を書き出しました: {echo(str(path), limit=2000)}\n")


@command(context_settings={"ignore_unknown_options": True})
def scene(
    ctx: typer.Context,
    number: Annotated[
        str,
        typer.Argument(
            metavar="番号",
            help="場面の番号（３、場面3 も可。一覧: hint list）",
            show_default=False,
            autocompletion=_complete_scenes,
        ),
    ],
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    color: Color = None,
) -> None:
    """場面ごとの対応のヒントを読む（具体例、支援のヒント、委員からのサジェスション）。

    例: hint scene 3
    例: hint scene 場面３
    """
    from . import lookup, views

    corpus = _corpus()
    view = views.scene_view(corpus, corpus.scenes[lookup.scene(corpus, number)])
    _deliver(
        ctx,
        view,
        _delivery(ctx, fmt, json, output, force, color),
        lambda console: panels.scene(console, view),
    )


@command(name="list")
def list_(
    ctx: typer.Context,
    category: Category = None,
    scene: SceneFilter = None,
    kind: Kind = None,
    source: SourceFilter = None,
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    color: Color = None,
) -> None:
    """一覧: 場面・テーマ・支援体制の分類・素材集。絞り込むと項目を ID 付きで表示。

    例: hint list -c 家族支援
    例: hint list --scene 2 --kind hint
    """
    from . import lookup, views

    corpus = _corpus()
    scene_n = lookup.scene(corpus, scene) if scene is not None else None
    kind_v = lookup.kind(kind) if kind is not None else None
    theme = lookup.theme(corpus, category) if category is not None else None
    source_v = lookup.source(corpus, source) if source is not None else None
    entries = corpus.filter(theme=theme, scene=scene_n, kind=kind_v, source=source_v)
    filters = views.describe_filters(theme, scene_n, kind_v, source_v)
    delivery = _delivery(ctx, fmt, json, output, force, color)
    if not filters and _choose_format(delivery) not in ("json", "csv"):
        overview = views.overview(corpus)
        _deliver(ctx, overview, delivery, lambda console: panels.overview(console, overview))
    elif entries or json:
        note = next((t.description for t in corpus.themes if t.name == theme), "")
        listing = views.entry_list(corpus, entries, filters or "全体", note)
        _deliver(ctx, listing, delivery, lambda console: panels.entry_list(console, listing))
    if not entries:
        raise NotFound(f"{filters}に当てはまる項目はありません")


@command()
def show(
    ctx: typer.Context,
    entry_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="項目の ID（例: s1-h5、pr12、st1-3）",
            show_default=False,
            autocompletion=_complete_ids,
        ),
    ],
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    color: Color = None,
) -> None:
    """項目を一つ、場面・見出し・ページ・テーマ・出典とともに表示する。

    例: hint show s1-h5
    例: hint show st1-3
    """
    from . import lookup, views

    corpus = _corpus()
    view = views.entry_detail(corpus, lookup.entry(corpus, entry_id))
    _deliver(
        ctx, view, _delivery(ctx, fmt, json, output, force, color), lambda c: panels.entry_detail(c, view)
    )


@command()
def practices(
    ctx: typer.Context,
    category: Annotated[
        str | None,
        typer.Argument(
            metavar="[分類]",
            help="分類の番号、ハード面・ソフト面、または分類名（あいまい一致。一覧: hint practices）",
            show_default=False,
            autocompletion=_complete_categories,
        ),
    ] = None,
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    color: Color = None,
) -> None:
    """支援体制の整備に関する具体例: 分類の一覧、または一つの分類の取組。

    例: hint practices 3
    例: hint practices 家族
    """
    from . import lookup, views

    corpus = _corpus()
    delivery = _delivery(ctx, fmt, json, output, force, color)
    if category is None:
        overview = views.practices_overview(corpus)
        _deliver(ctx, overview, delivery, lambda c: panels.practices_overview(c, overview))
        return
    view = views.practices(corpus, lookup.categories(corpus, category))
    _deliver(ctx, view, delivery, lambda c: panels.practices(c, view))


@command()
def story(
    ctx: typer.Context,
    number: Annotated[
        str | None,
        typer.Argument(
            metavar="[番号]",
            help="例の番号（1 か 2。一覧: hint list）",
            show_default=False,
            autocompletion=_complete_stories,
        ),
    ] = None,
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    color: Color = None,
) -> None:
    """素材集: ひきこもり状態を経験された方の歩みの例を、節ごとに読む。

    例: hint story 1
    """
    from . import lookup, views

    corpus = _corpus()
    numbers = [lookup.story(corpus, number)] if number is not None else range(1, len(corpus.stories) + 1)
    stories = [views.story_view(corpus, n) for n in numbers]
    chosen: Any = stories[0] if number is not None else stories
    _deliver(
        ctx, chosen, _delivery(ctx, fmt, json, output, force, color), lambda c: panels.stories(c, stories)
    )


@command()
def about(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="はじめに・おわりにも表示する")] = False,
    json: Json = False,
    fmt: FormatOpt = None,
    output: Output = None,
    force: Force = False,
    color: Color = None,
) -> None:
    """報告書について: 出典と引用のしかた、委員会、表記の訂正、データの場所、バージョン。

    例: hint about --full
    """
    from . import views
    from .store import data_dir

    view = views.about(_corpus(), str(data_dir()), __version__)
    _deliver(
        ctx, view, _delivery(ctx, fmt, json, output, force, color), lambda c: panels.about(c, view, full=full)
    )


@command()
def add(
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[本文]", help="ヒントの本文（省略すると端末で一つずつたずねます）", show_default=False
        ),
    ] = None,
    scene: Annotated[str | None, typer.Option("--scene", "-s", metavar="番号", help="場面の番号")] = None,
    heading: Annotated[str | None, typer.Option("--heading", metavar="見出し", help="見出し")] = None,
    theme: Annotated[
        list[str] | None,
        typer.Option(
            "--theme",
            "-c",
            metavar="テーマ",
            help="テーマ（何度でも指定可）",
            autocompletion=_complete_themes,
        ),
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="分類", help="支援体制の分類（番号または名前）")
    ] = None,
    about: Annotated[
        str | None,
        typer.Option(
            "--about",
            metavar="ID",
            help="報告書の項目へのメモにする（例: s1-h8）",
            autocompletion=_complete_ids,
        ),
    ] = None,
    author: Annotated[str | None, typer.Option("--author", metavar="名前", help="作成者")] = None,
) -> None:
    """独自のヒントを一つ、最初の利用者フォルダに新しいファイルとして書き足す（報告書は変えません）。

    例: hint add "初回の手紙は短く、返事を求めない" --scene 1 --heading 手紙の工夫
    例: hint add "この家族は父親の退職後に相談に来た" --about s1-h8
    """
    import datetime

    from . import own
    from .output import isatty

    corpus = _corpus()
    if text is None:
        if not (isatty(sys.stdin) and isatty(sys.stdout)):
            raise BadInput('本文を指定してください（例: hint add "本文" --scene 2）')
        text, scene, heading, theme, about, author = _ask_entry(scene, heading, theme, about, author)
    fields: dict[str, object] = {"text": text}
    if heading:
        fields["heading"] = heading
    if scene is not None and scene.strip():
        from . import lookup

        fields["scene"] = lookup.scene(corpus, scene)
    if category:
        fields["category"] = category
    if theme:
        fields["themes"] = list(theme)
    if about:
        from . import lookup

        fields["about"] = lookup.entry(corpus, about).id
    if author:
        fields["author"] = author
    fields["date"] = datetime.date.today().isoformat()
    try:
        entry, path = own.add_entry(corpus, fields)
    except own.NoFolder as exc:
        raise BadInput(exc.message) from None
    except ValueError as exc:
        raise BadInput(f"書き足せません: {shown(str(exc))}") from None
    except OSError as exc:
        raise BadInput(
            f"書き込めません（{exc.strerror or type(exc).__name__}）: {shown(str(exc.filename or ''))}"
        ) from None
    from .views import echo

    sys.stdout.write(f"{entry.id}\n")
    sys.stderr.write(f"hint: 書き足しました: {echo(str(path), limit=400)}（見る: hint show {entry.id}）\n")


def _ask_entry(
    scene: str | None, heading: str | None, theme: list[str] | None, about: str | None, author: str | None
) -> tuple[str, str | None, str | None, list[str] | None, str | None, str | None]:
    """Each field in Japanese, at a terminal (Enter leaves an optional one empty)."""

    def ask(label: str, default: str | None = None, required: bool = False) -> str | None:
        while True:
            value = typer.prompt(label, default=default or "", show_default=bool(default))
            if value.strip() or not required:
                return value.strip() or None
            sys.stderr.write("hint: 本文は必須です\n")

    text = ask("本文", required=True)
    assert text is not None
    heading = ask("見出し（なくてよい）", heading)
    scene = ask("場面の番号（なくてよい）", scene)
    themes = ask("テーマ（、で区切る。なくてよい）", "、".join(theme or []))
    about = ask("報告書の項目へのメモなら、その ID（なくてよい）", about)
    author = ask("作成者（なくてよい）", author)
    parsed = [t.strip() for t in re.split(r"[、,]", themes or "") if t.strip()] or None
    return text, scene, heading, parsed, about, author


@command()
def check(ctx: typer.Context) -> None:
    """データを確かめる: 報告書のデータと、利用者フォルダの独自のヒントのすべてのファイル。

    問題がなければ終了コード 0、あれば 1 行に 1 件（ファイル:行: 内容）を表示して終了コード 3。
    例: hint check
    """
    from . import own
    from .store import load_corpus

    corpus = load_corpus()  # the report: a problem there is a DataError (exit 3)
    problems = own.check(corpus)
    if problems:
        for problem in problems:
            sys.stdout.write(f"{shown_line(str(problem))}\n")
        sys.stdout.write(f"問題が {len(problems)} 件あります。直すまで、その項目やファイルは読み飛ばします\n")
        raise typer.Exit(EXIT_DATA)
    mine = sum(1 for e in corpus.entries if e.own)
    folders = len(own.folders())
    sys.stdout.write(f"問題はありません（報告書と独自のヒント {mine} 項目、利用者フォルダ {folders} か所）\n")


def shown_line(value: str) -> str:
    from .views import echo

    return echo(value, limit=2000)


@command()
def paths() -> None:
    """このツールが読み書きするフォルダ: 同梱データ、利用者フォルダ（書き込めるか）、キャッシュ。

    例: hint paths
    """
    from . import own, store

    lines = [f"同梱データ（読むだけ）: {store.data_dir().resolve()}"]
    sources = own.sources()
    if not sources:
        lines.append("利用者フォルダ: なし（HINT_USER_DIR が空です）")
    for n, source in enumerate(sources, 1):
        there = "書き込み可" if source.writable else "読むだけ"
        if not source.path.exists():
            there = f"まだありません（hint add で作ります、{there}）"
        first = "・hint add の書き込み先" if n == 1 else ""
        lines.append(f"利用者フォルダ{n}: {source.path.resolve()}（提供元「{source.name}」、{there}{first}）")
    location = store.cache_dir()
    if location is None:
        lines.append("キャッシュ: 使わない（HINT_CACHE_DIR=off）")
    else:
        lines.append(f"キャッシュ: {(location / store.CACHE_FOLDER).resolve()}")
    sys.stdout.write("".join(f"{shown_line(line)}\n" for line in lines))


@command()
def serve(
    port: Annotated[
        str,
        typer.Option(
            "--port", "-p", metavar="番号", help="待ち受けるポート（既定 8765）", show_default=False
        ),
    ] = "8765",
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="アドレス",
            help="待ち受けるアドレス（既定 127.0.0.1: この PC の中だけ）。ほかの PC から読めるようにするときだけ指定",
            show_default=False,
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="既定のブラウザで開く")] = False,
    workers: Annotated[
        str | None,
        typer.Option(
            "--workers",
            metavar="数",
            help="同時に答えるプロセスの数（既定: CPU の数、最大 4。Windows では常に 1）",
            show_default=False,
        ),
    ] = None,
) -> None:
    """ブラウザで使う: この PC の中だけのページで検索・閲覧・印刷する（終了は Ctrl-C）。

    例: hint serve --open
    例: hint serve --port 8800
    """
    import gc

    from . import web

    gc.enable()  # a server lives long: its garbage is collected (main() leaves it on for LONG_LIVED too)
    from .lookup import whole_number

    number = whole_number(port, 0, 65535)
    if number is None:
        raise BadInput(f"ポート{_quoted(port)}は使えません。0～65535 の番号を指定してください")
    count = None if workers is None else whole_number(workers, 1, MAX_SERVE_WORKERS)
    if workers is not None and count is None:
        raise BadInput(
            f"--workers{_quoted(workers)}は使えません。1～{MAX_SERVE_WORKERS} の数を指定してください"
        )
    try:
        code = web.serve(host, number, open_browser, count)
    except web.PortInUse as exc:
        raise BadInput(exc.message) from None
    raise typer.Exit(code)


@command(name="help")
def help_(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[コマンド]",
            help="説明を見るコマンド（例: search）",
            show_default=False,
            autocompletion=_complete_commands,
        ),
    ] = None,
) -> None:
    """コマンドの使い方を表示する（hint --help、hint search --help と同じ）。

    例: hint help
    例: hint help search
    """
    root = ctx.find_root()
    group = cast("TyperGroup", root.command)
    if name is None:
        typer.echo(group.get_help(root))
        return
    sub = group.get_command(root, name)
    if sub is None:
        from .lookup import close_spellings

        close = close_spellings(name, group.list_commands(root), limit=1)
        hint = (
            f"もしかして: {close[0]}" if close else f"使えるコマンド: {', '.join(group.list_commands(root))}"
        )
        raise BadInput(f"コマンド{_quoted(name)}はありません。{hint}")
    with sub.make_context(name, [], parent=root, resilient_parsing=True) as sub_ctx:
        typer.echo(sub.get_help(sub_ctx))


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
    if not rest or rest[0] == "help":  # help names the other commands
        return app
    chosen = [
        c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", "")) == rest[0]
    ]
    if not chosen:
        return app
    pruned = copy.copy(app)
    pruned.registered_commands = chosen
    return pruned


# Commands that run until stopped (a server): the garbage collector stays on for them.
LONG_LIVED = frozenset({"serve"})


def _command_named(args: Sequence[str]) -> str | None:
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] == "--color" else rest[1:]
    return rest[0] if rest else None


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run one command and exit (the console script ``hint`` calls this through ``hintcli.__main__``).

    A one-shot run lasts a fraction of a second and makes no garbage cycles
    worth collecting, so the cyclic garbage collector is off while it runs and
    the run's objects are frozen at its end: otherwise the collector's passes
    while the data loads, and its last pass over all of it as Python exits,
    cost ~45 ms of every search (measured with bench/run.py). A long-lived
    command (`LONG_LIVED`) keeps the collector on.

    Before the command: closed standard streams get /dev/null (a closed stdout
    ends the run with 74), COLUMNS is clamped, and arguments are decoded as
    UTF-8 whatever the locale (see streams.py).
    """
    import gc

    from . import streams

    args = streams.decode_argv(sys.argv[1:] if argv is None else argv)
    one_shot = _command_named(args) not in LONG_LIVED
    if one_shot:
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
    try:
        _only_the_named_command(args)(args=args, prog_name="hint")
    finally:
        if one_shot:
            gc.freeze()
            gc.enable()
    raise AssertionError("unreachable: the group always exits")  # pragma: no cover
