"""Filing documents to the plain text the extractor reads and `edgar8k show` prints.

HTML and inline XBRL: paragraphs and block elements become blank-line-separated paragraphs, table
rows become lines with non-empty cells joined by " | ", hidden content (`ix:header`, display:none,
scripts, styles) is dropped, and entities, non-breaking and typographic spaces and quotes are
normalised. The text is made from lxml's parser events, with no tree built (lxml is what
BeautifulSoup's "lxml" builder uses underneath; building bs4's own tree costs ~5x more, see
benchmarks/parse_bench.py), with BeautifulSoup as the fallback for markup lxml refuses.

Old plain-text documents keep their hard line breaks; only SGML page and table markers go.
The output is a pure function of the input, so offsets into it are stable.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from edgar8k.transform.model import Document

_LOCAL = threading.local()


def _parser() -> tuple[etree.HTMLParser, "_TextTarget"]:
    """One parser per thread: lxml parsers keep state (the error log, the target's pieces) and must not
    be shared."""
    p = getattr(_LOCAL, "parser", None)
    if p is None:
        target = _TextTarget()
        p = _LOCAL.parser = (etree.HTMLParser(target=target, encoding="utf-8", remove_comments=True,
                                              remove_pis=True, huge_tree=True, no_network=True), target)
    return p


_SKIP = frozenset({"head", "script", "style", "title", "noscript", "template", "ix:header", "xbrli:context",
                   "ix:hidden", "ix:references", "ix:resources", "object", "iframe", "svg"})
_PARA = frozenset({"p", "div", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote",
                   "center", "pre", "section", "article", "header", "footer", "address", "hr", "body",
                   "form", "fieldset", "page"})
_LINE = frozenset({"br", "li", "dt", "dd", "caption", "thead", "tbody", "tfoot"})
_CELL = frozenset({"td", "th"})
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
# What the walk does with each tag, looked up once per element instead of set by set.
_K_SKIP, _K_PARA, _K_LINE, _K_ROW, _K_CELL = 1, 2, 3, 4, 5
_KINDS = {**{t: _K_SKIP for t in _SKIP}, **{t: _K_PARA for t in _PARA}, **{t: _K_LINE for t in _LINE},
          "tr": _K_ROW, **{t: _K_CELL for t in _CELL}}

_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_REPLACEMENTS = tuple({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\xad": "",
}.items())
_HTML_SNIFF = re.compile(r"<(?:html|body|div|font|br|p|span|tr|td|b|i|center|meta|head|!doctype|\?xml)[\s/>]",
                         re.I)
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html)[\s>]", re.I)

_PARA_MARK = "\x01"
_LINE_MARK = "\x02"
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n\s*")


def html_to_text(html: str) -> str:
    """HTML or inline XBRL to normalised text; "" for markup with no visible text."""
    if not html or not html.strip():
        return ""
    parser, target = _parser()
    try:
        parts = etree.fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return _bs4_text(html)
    finally:
        target.reset()  # after a parse that failed part-way, too
    if any(e.level_name == "FATAL" for e in parser.error_log):
        return _bs4_text(html)  # libxml2 gave up part-way (e.g. nesting deeper than 2048)
    return _finish(parts)


class _TextTarget:
    """Text, boundary marks and folded table rows, made from the parser's events as they come.

    No tree is built, so a document's transient memory is its text rather than libxml2's nodes: the
    tree of a 0.56 MB press release took 3.5 MB, and a 16 MB document peaked 79 MB above the
    process's level with the tree, 43 MB without. Text the parser hands over in several pieces is
    held until the next tag that is not inline (any tag inside <pre>), so a run of text is used
    whole: the output is the tree walk's, character for character.
    """

    __slots__ = ("out", "rows", "cells", "skip", "pre", "pending")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.out: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []
        self.cells: list[int] = []
        self.skip = 0  # depth inside a skipped (hidden) element
        self.pre = 0
        self.pending: list[str] = []

    def _flush(self) -> None:
        pending = self.pending
        text = pending[0] if len(pending) == 1 else "".join(pending)
        pending.clear()
        if self.pre:
            self.out.extend(_pre_pieces(text))
        else:
            self.out.append(text)

    def data(self, text: str) -> None:
        if not self.skip:
            self.pending.append(text)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.skip:
            self.skip += 1
            return
        kind = _KINDS.get(tag, 0)
        if self.pending and (kind or self.pre):  # inline tags leave the text around them one piece
            self._flush()
        if kind == _K_SKIP:
            self.skip = 1
            return
        style = attrib.get("style")
        if style is not None and "none" in style.lower() and _HIDDEN.search(style):
            self.skip = 1
            return
        if kind == _K_PARA:
            self.out.append(_PARA_MARK)
            if tag == "pre":
                self.pre += 1
        elif kind == _K_LINE:
            self.out.append(_LINE_MARK)
        elif kind == _K_ROW:
            self.rows.append((len(self.out), []))
        elif kind == _K_CELL:
            self.cells.append(len(self.out))

    def end(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        kind = _KINDS.get(tag, 0)
        if not (kind or self.pre):
            return
        if self.pending:
            self._flush()
        out = self.out
        if kind == _K_PARA:
            out.append(_PARA_MARK)
        elif kind == _K_CELL and self.cells:
            start = self.cells.pop()
            pieces = [" " if p is _PARA_MARK or p is _LINE_MARK else p for p in out[start:]]
            cell = _SPACES.sub(" ", "".join(pieces)).strip()
            del out[start:]
            if cell:
                if self.rows:
                    self.rows[-1][1].append(cell)
                else:
                    out.append(cell)
        elif kind == _K_ROW and self.rows:
            start, row = self.rows.pop()
            del out[start:]
            if row:
                out.append(_LINE_MARK)
                out.append(_join_cells(row))
                out.append(_LINE_MARK)
        elif kind == _K_LINE and tag != "br":
            out.append(_LINE_MARK)
        if self.pre and tag == "pre":
            self.pre -= 1

    def close(self) -> list[str]:
        if self.pending:
            self._flush()
        return self.out  # html_to_text resets the target after every parse


def _pre_pieces(text: str) -> list[str]:
    """Text inside <pre>: its line breaks and blank lines are the layout, so they become marks."""
    pieces: list[str] = []
    for k, para in enumerate(_BLANK_LINE.split(text)):
        if k:
            pieces.append(_PARA_MARK)
        for j, line in enumerate(para.split("\n")):
            if j:
                pieces.append(_LINE_MARK)
            pieces.append(line)
    return pieces


_PREFIX_CELLS = frozenset({"$", "US$", "C$", "A$", "\u20ac", "\xa3", "\xa5"})
_SUFFIX_CELLS = frozenset({"%", ")", ")%", "%)", "pts"})
_BULLET_CELLS = frozenset("\u25cf\u2022\xb7\u25cb\u25e6\u25aa\u25a0\u2610\u2612\xa8\u2666\u27a2\xd8\xfd\xfe")


def _join_cells(row: list[str]) -> str:
    """Cells joined by " | ", except that "$" cells, "%"/")" cells and bullet cells stay with their neighbour.

    Word-processor tables put "$", the amount and ")" in separate cells; "$ | 5,000" would hide the
    amount from the extractor, "$5,000" does not.
    """
    out: list[str] = []
    joiner: str | None = None
    for cell in row:
        if joiner is not None:
            out[-1] += joiner + cell
        elif cell in _SUFFIX_CELLS and out:
            out[-1] += cell
            continue
        else:
            out.append(cell)
        joiner = "" if cell in _PREFIX_CELLS else " " if cell in _BULLET_CELLS else None
    return " | ".join(out)


def _finish(parts: list[str]) -> str:
    """Marks to newlines, whitespace collapsed, at most one blank line between paragraphs.

    Done as whole-string passes rather than per line: the walk yields tens of thousands of
    pieces per large filing, and per-piece Python work was most of the cost. Same result as three
    regex passes (tests/transform/test_text.py holds them as the reference), in under half the time.
    """
    return normalize_chars(_marks_to_newlines(_collapse_spaces("".join(parts))).strip())


# Characters str.isspace() accepts that _SPACES does not (checked over every code point).
_ODD_SPACES = ("\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u2029")


def _collapse_spaces(s: str) -> str:
    """_SPACES.sub(" ", s): each run of spaces to one " ". str.split() finds the same runs, faster,
    unless s holds one of the few characters it alone counts as space."""
    if any(c in s for c in _ODD_SPACES):
        return _SPACES.sub(" ", s)
    body = " ".join(s.split())
    if not body:
        return " " if s else ""
    if s[0].isspace():
        body = " " + body
    if s[-1].isspace():
        body += " "
    return body


_MARKS = re.compile(r"[\x01\x02][ \x01\x02]*")


def _marks_to_newlines(s: str) -> str:
    """For s with no two spaces in a row: each run of spaces and marks holding a mark becomes one
    blank line (a paragraph mark among them) or one newline, as the reference regex passes in
    tests/transform/test_text.py do. The run is found from its first mark (a fast character-class scan)
    and takes the one space that can stand before it."""
    out: list[str] = []
    pos = 0
    for m in _MARKS.finditer(s):
        a = m.start()
        if a > pos and s[a - 1] == " ":
            a -= 1
        out.append(s[pos:a])
        out.append("\n\n" if _PARA_MARK in m.group() else "\n")
        pos = m.end()
    if not out:
        return s
    out.append(s[pos:])
    return "".join(out)


def normalize_chars(s: str) -> str:
    """Typographic quotes and hyphens to ASCII, zero-width characters dropped."""
    if s.isascii():
        return s
    for ch, repl in _REPLACEMENTS:
        if ch in s:
            s = s.replace(ch, repl)
    return s


def _bs4_text(html: str) -> str:
    """BeautifulSoup ("html.parser") fallback for markup libxml2 refuses or gives up on.

    Same boundaries as the lxml walk, without the table-row folding: rare input, kept simple.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    hidden = soup.find_all(lambda t: t.name in _SKIP or _HIDDEN.search(t.get("style") or "") is not None)
    for t in hidden:
        if not t.decomposed:
            t.decompose()
    for t in soup.find_all(list(_PARA | _LINE | _CELL | {"tr"})):
        mark = _PARA_MARK if t.name in _PARA else " " if t.name in _CELL else _LINE_MARK
        t.insert_before(mark)
        t.insert_after(mark)
    return _finish([soup.get_text()])


_SGML_TAG_ONLY = re.compile(r"(?:</?(?:PAGE|TABLE|CAPTION|S|C|FN|R|F\d*)>[ \t]*)+", re.I)
_PAGE_INLINE = re.compile(r"<PAGE>", re.I)


def plain_text(s: str) -> str:
    """Old plain-text documents: keep line layout, drop SGML page/table markup, normalise line ends.

    Lines holding only `<PAGE>`, `<TABLE>`, `<S>`, `<C>`, `<CAPTION>`... go; trailing blanks go;
    runs of blank lines become one.
    """
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\xa0", " ")
    if "\t" in s:
        s = s.expandtabs(8)
    out: list[str] = []
    blank = False
    for line in s.split("\n"):
        line = line.rstrip()
        if "<" in line:
            stripped = line.lstrip()
            if _SGML_TAG_ONLY.fullmatch(stripped):
                continue
            if "<page>" in line.lower():
                line = _PAGE_INLINE.sub("", line).rstrip()
        if not line:
            blank = True
            continue
        if blank and out:
            out.append("")
        blank = False
        out.append(line)
    return normalize_chars("\n".join(out))


def looks_like_html(body: str, filename: str | None = None) -> bool:
    """HTML by file name, else by a real HTML tag near the top (`<PAGE>`/`<TABLE>` alone are old SGML text)."""
    if filename:
        low = filename.lower()
        if low.endswith((".htm", ".html", ".xhtml")):
            return True
        if low.endswith(".txt"):
            return bool(_HTML_START.match(body[:500]))
    return bool(_HTML_SNIFF.search(body[:5000]))


def document_text(doc: Document) -> str:
    """The readable text of one document; "" for binaries."""
    if doc.is_binary or not doc.body:
        return ""
    if looks_like_html(doc.body, doc.filename):
        return html_to_text(doc.body)
    return plain_text(doc.body)
