"""The console-script entry point (``hint``) and ``python -m hintcli``.

Deliberately tiny, and the first code of ours that runs: Ctrl-C is handled
before anything else is imported (the builtin ``_signal``, not ``signal``,
which would import enum first), so that Ctrl-C while Typer and Rich load ends
the run with 130 and no traceback, like Ctrl-C later. What runs before this
module cannot be helped from here: the interpreter's start-up, ``site``, and the
``import re`` of the script pip writes (~15 ms unloaded; a Ctrl-C there prints
Python's own traceback, and the shell still reports 130).
"""

import sys  # already loaded by the interpreter: free


def _interrupted(signum: int, frame: object) -> None:
    import _signal  # type: ignore[import-not-found]  # builtin; `signal` would import enum first

    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # one Ctrl-C is enough: wind down undisturbed
    raise KeyboardInterrupt


def _unraisable(info: "sys.UnraisableHookArgs") -> None:
    """A Ctrl-C that lands in a callback (an import lock's weakref, a destructor) would be printed
    as "Exception ignored" and lost: it ends the run instead, like any other Ctrl-C."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        _exit_interrupted()
    sys.__unraisablehook__(info)


def main() -> None:
    import _signal

    sys.unraisablehook = _unraisable
    try:
        _signal.signal(_signal.SIGINT, _interrupted)
        from hintcli import streams

        streams.install_signal_handlers()  # SIGTERM too
        from hintcli.cli import main as run

        run()
    except KeyboardInterrupt:
        _exit_interrupted()


def _exit_interrupted() -> None:
    """Exit 130 after Ctrl-C: flush what can be flushed, no traceback (`streams` may be half-imported)."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BaseException:  # a broken stream cannot change the answer
            pass
    os._exit(130)


if __name__ == "__main__":
    main()
