"""Normalization rules (both sides of every comparison) and sanitizing of echoed text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hintcli.text import normalize, runs, sanitize, spans


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ひきこもり", "引きこもり"),
        ("ひきこもり", "引き籠もり"),
        ("ひきこもり", "ヒキコモリ"),
        ("ひきこもり", "ひきこもリ"),
        ("つながる", "繋がる"),
        ("子ども", "子供"),
        ("子ども", "こども"),
        ("話し合い", "話合い"),
        ("障害", "障がい"),
        ("ＳＮＳ相談", "SNS相談"),
        ("ｻﾎﾟｰﾀｰ", "サポーター"),
        ("サポーター", "サポータ"),
        ("スーパーバイザー", "スーパーバイザ"),
        ("本人 に 会えない", "本人に会えない"),
        ("打ち合わせ", "打合せ"),
        ("燃えつき", "燃え尽き"),
    ],
)
def test_variants_fold_to_one_form(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("メール", "める"),  # an inner long-vowel mark is part of the word
        ("家族", "かぞく"),  # readings are the thesaurus's job, not normalization's
        ("訪問", "訪ね"),
    ],
)
def test_different_words_stay_different(a: str, b: str) -> None:
    assert normalize(a) != normalize(b)


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_normalized_text_has_no_whitespace_or_katakana(text: str) -> None:
    out = normalize(text)
    assert not any(ch.isspace() for ch in out)
    assert not any("ァ" <= ch <= "ヶ" for ch in out)


@given(st.text(alphabet=st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)))
def test_full_width_ascii_is_folded(text: str) -> None:
    assert normalize(text) == normalize(unicodedata.normalize("NFKC", text))
    assert normalize(text).isascii()


def test_runs_split_at_punctuation() -> None:
    assert runs(normalize("本人に会えない。手紙、ＦＡＸ（送付）")) == [
        "本人に会えない",
        "手紙",
        "fax",
        "送付",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "\x1b[31mred\x1b[0m",
        "\x1b]8;;http://example.com\x07link\x1b]8;;\x07",
        "\x1b]0;title\x1b\\",
        "a\x9b2Jb",
        "bell\x07 and nul\x00",
        "\x1bc reset",
    ],
)
def test_sanitize_removes_escape_sequences_and_controls(text: str) -> None:
    out = sanitize(text)
    assert "\x1b" not in out and "\x9b" not in out
    assert not any(ord(ch) < 0x20 and ch not in "\t\n" for ch in out)


def test_sanitize_keeps_text_and_japanese() -> None:
    assert sanitize("本人に\x1b[1m会えない\x1b[0m") == "本人に会えない"
    assert sanitize("[bold]x[/]") == "[bold]x[/]"  # markup is not ours to strip, only not to interpret


@given(st.text())
def test_sanitize_output_is_printable_and_encodable(text: str) -> None:
    out = sanitize(text)
    out.encode("utf-8")  # no lone surrogates
    assert "\x1b" not in out
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in out)


def test_sanitize_replaces_undecodable_bytes() -> None:
    raw = b"\xff\xfe\x83".decode("utf-8", "surrogateescape")
    assert sanitize(raw).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("会えなくても、手紙で伝える", ["会え", "手紙"], ["会え", "手紙"]),
        ("スーパーバイザーを依頼", [normalize("ｽｰﾊﾟｰﾊﾞｲｻﾞｰ")], ["スーパーバイザ"]),
        ("ＳＮＳによる相談", ["sns"], ["ＳＮＳ"]),
        ("家族支援と本人支援", ["支援", "家族支援"], ["家族支援", "支援"]),  # overlapping spans merge
        ("本人", ["手紙"], []),
    ],
)
def test_spans_find_normalized_terms_in_the_original(
    text: str, terms: list[str], expected: list[str]
) -> None:
    assert [text[a:b] for a, b in spans(text, terms)] == expected


@given(st.text(max_size=60), st.lists(st.text(min_size=1, max_size=4), max_size=4))
def test_spans_are_sorted_disjoint_and_inside_the_text(text: str, terms: list[str]) -> None:
    found = spans(text, [normalize(t) for t in terms])
    assert all(0 <= a < b <= len(text) for a, b in found)
    assert all(found[i][1] < found[i + 1][0] for i in range(len(found) - 1))


# --------------------------------------------------------------------------- the complete rule

CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
hostile = st.lists(
    st.one_of(
        st.sampled_from(
            [*CONTROLS, "\x1b[", "\x1b]", "\x1b[31m", "\x1b]0;t\x07", "本", "a", "\n", "\t", ";"]
        ),
        st.characters(),
    ),
    max_size=40,
).map("".join)


@given(hostile)
def test_sanitize_leaves_no_control_but_newline_and_tab(text: str) -> None:
    out = sanitize(text)
    assert not any(ch in CONTROLS for ch in out)
    assert out.count("\n") <= text.count("\n")
    out.encode("utf-8")  # no lone surrogate left
    assert sanitize(out) == out  # idempotent


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=80))
def test_sanitize_returns_text_without_controls_unchanged(text: str) -> None:
    assert sanitize(text) == text


@given(hostile)
def test_one_line_is_one_line_and_shows_every_control(text: str) -> None:
    from hintcli.text import one_line

    out = one_line(text)
    assert "\n" not in out and "\r" not in out and not any(ch in CONTROLS for ch in out)
    if "\x1b" in text:
        assert "\\x1b" in out  # made visible, not dropped
