"""Where the lines of a justified or hyphenated PDF paragraph end, and where a word may be hyphenated.

`Hyphenator` says where a word may break: a word that already has a hyphen only right
after that hyphen, any other word of MIN_HYPHENATED letters or more where pyphen's
patterns allow, with at least MIN_BEFORE letters before the break and MIN_AFTER after it
(all-capital words, numbers and words with other signs never). reportlab calls it as a paragraph style's
`hyphenationLang`, so its own greedy breaker (left-aligned text, paragraphs with inline
images) keeps the same rules.

`TypesetParagraph` is a reportlab Paragraph whose lines are chosen for the whole paragraph
at once, Knuth–Plass style, instead of one line at a time: every place a line may end (a
space, a hyphenation point, after a hyphen or a dash) is a candidate, each line costs its
badness (how far its spaces must stretch) squared plus penalties for hyphens and for two
hyphenated line ends in a row, and the cheapest sequence of lines wins. Its rules:
- an inter-word space of a justified line never grows beyond (1 + MAX_SPACE_STRETCH)
  times the natural space of the paragraph's font (twice it): a line that no choice of
  breaks can fill within that limit has its spaces stretched to the limit and ends short
  of the margin (rare: a long unbreakable word after a full line);
- at most MAX_HYPHEN_RUN hyphenated line ends in a row (across a page break too);
- hyphenation is tried only when the paragraph cannot be set well without it (a first
  pass without hyphenation points, like TeX's pretolerance).
Only candidates within one line's width of each other meet, so the work is linear in the
paragraph's length (times the words of a line). The lines are handed to reportlab in its
own structure (a ParaLines of FragLines over the paragraph's frag words), so reportlab's
drawing, justification, page splitting and widow/orphan control work on them unchanged;
the lines of the part before a page break are kept as chosen. A paragraph this breaker
cannot set (a word wider than the line, inline images, CJK or right-to-left wrapping) is
left to reportlab's breaker. This module never sees the IR and never draws.
"""
from __future__ import annotations

import re

import pyphen
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import (_FK_BREAK, FragLine, ParaLines, _getFragWords, _handleBulletWidth,
                                          _HSFrag, _SplitFrag, _SplitFragH, _SplitFragHS, _SplitFragHY,
                                          sameFrag)

MIN_BEFORE = 2            # letters before a hyphenation break
MIN_AFTER = 3             # letters after it
MIN_HYPHENATED = 7        # shorter words are not hyphenated (a broken short word reads badly)
MAX_HYPHEN_RUN = 2        # hyphenated line ends in a row
MAX_SPACE_STRETCH = 1.0   # a justified space grows by at most this times its natural width
PRETOLERANCE = 0.6        # a paragraph whose spaces stretch no more than this without hyphens is not hyphenated
LINE_PENALTY = 10         # TeX's \linepenalty: fewer lines are better
HYPHEN_PENALTY = 50       # TeX's \hyphenpenalty (and \exhyphenpenalty for a break at a hyphen)
DOUBLE_HYPHEN_DEMERITS = 10_000  # two hyphenated line ends in a row
FINAL_HYPHEN_DEMERITS = 5_000    # the last full line hyphenated
LOOSE_DEMERITS = 1e8      # a line over the stretch limit: only when nothing else is possible (it is set ragged)
HYPHENS = "-\u2010"
DASHES = "\u2013\u2014"   # a line may end after an en or em dash (no hyphen added, not counted as one)
_EDGE_PUNCTUATION = re.compile(r"^([\"'(\[{\u2018\u201a\u201c\u201e¿¡]*)(.*?)([\]\"')}?!.,;:\u2019\u201d…]*(?:[’']s)?)$",
                               re.S)


class Hyphenator:
    """Where a word may break, for one language; also the callable reportlab takes as a
    style's `hyphenationLang` (word -> (head, tail) pairs, longest head first)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._dictionary = pyphen.Pyphen(lang=language, left=MIN_BEFORE, right=MIN_AFTER)
        self._cache: dict[str, tuple[tuple[int, bool, bool], ...]] = {}
        self._measured: dict[tuple, tuple] = {}

    def __deepcopy__(self, memo):  # reportlab deep-copies styles on page splits: the dictionary is shared
        return self

    def __copy__(self):
        return self

    def __repr__(self) -> str:
        return f"Hyphenator({self.language!r})"

    def breaks(self, word: str, hyphenate: bool = True) -> tuple[tuple[int, bool, bool], ...]:
        """(index, hyphen added, counts as a hyphenated line end) of each place `word` may
        break, in order; `hyphenate=False` gives only the breaks at hyphens and dashes."""
        key = word if hyphenate else "\0" + word
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = _word_breaks(word, self._dictionary if hyphenate else None)
        return found

    def measured_breaks(self, word: str, hyphenate: bool, font: str, size: float) -> tuple:
        """breaks() with the width of the head before each break and of the hyphen it adds
        in `font` at `size` (measured once per word and font: a feed repeats its words)."""
        key = (word, hyphenate, font, size)
        found = self._measured.get(key)
        if found is None:
            hyphen_width = stringWidth("-", font, size)
            found = self._measured[key] = tuple(
                (split, added, flagged, stringWidth(word[:split], font, size), hyphen_width if added else 0.0)
                for split, added, flagged in self.breaks(word, hyphenate))
        return found

    def __call__(self, word: str):
        for index, _added, _flagged in reversed(self.breaks(word)):
            yield word[:index], word[index:]


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _joint_breaks(before: str, after: str) -> bool:
    """Whether a line may end after `before` (which ends in a hyphen or dash) and go on
    with `after`: after a dash always, after a hyphen when the parts on either side have
    MIN_BEFORE and MIN_AFTER letters."""
    if not before or not after or not after[0].isalnum():
        return False
    if before[-1] in DASHES:
        return True
    part_before = re.split(f"[{HYPHENS}{DASHES}]", before[:-1])[-1]
    part_after = re.split(f"[{HYPHENS}{DASHES}]", after)[0]
    return _letters(part_before) >= MIN_BEFORE and _letters(part_after) >= MIN_AFTER


def _word_breaks(word: str, dictionary: pyphen.Pyphen | None) -> tuple[tuple[int, bool, bool], ...]:
    if "\xad" in word or len(word) < MIN_BEFORE + MIN_AFTER:
        return ()
    match = _EDGE_PUNCTUATION.match(word)
    lead, core = match.group(1), match.group(2)
    start = len(lead)
    if any(ch in HYPHENS or ch in DASHES for ch in core):
        # a compound breaks only after its own hyphens (and dashes), never inside its parts
        return tuple((start + index + 1, False, ch in HYPHENS) for index, ch in enumerate(core)
                     if (ch in HYPHENS or ch in DASHES) and _joint_breaks(core[:index + 1], core[index + 1:]))
    if dictionary is None or not core.isalpha() or core.isupper() or len(core) < MIN_HYPHENATED:
        return ()
    return tuple((start + index, True, True) for index in dictionary.positions(core)
                 if index >= MIN_BEFORE and len(core) - index >= MIN_AFTER)


def _ends_in_hyphen(word) -> bool:
    text = word[-1][1]
    return bool(text) and text[-1] in HYPHENS + DASHES


class _Candidate:
    """A place a line may end: the width and gap count of the paragraph before it and from
    where the next line starts, the hyphen it adds, its penalty."""
    __slots__ = ("width", "gaps", "next_width", "next_gaps", "hyphen", "flagged", "penalty", "forced",
                 "word", "split", "added")

    def __init__(self, width, gaps, next_width, next_gaps, hyphen, flagged, penalty, forced, word, split, added):
        self.width, self.gaps, self.next_width, self.next_gaps = width, gaps, next_width, next_gaps
        self.hyphen, self.flagged, self.penalty, self.forced = hyphen, flagged, penalty, forced
        self.word, self.split, self.added = word, split, added


class _Node:
    __slots__ = ("candidate", "line", "run", "demerits", "previous", "ragged", "ratio")

    def __init__(self, candidate, line, run, demerits, previous, ragged, ratio):
        self.candidate, self.line, self.run, self.demerits = candidate, line, run, demerits
        self.previous, self.ragged, self.ratio = previous, ragged, ratio


_START = _Candidate(0.0, 0, 0.0, 0, 0.0, False, 0, False, -1, None, False)


def _single_text(word) -> tuple | None:
    """(frag, text) of a frag word made of one run of text, else None (not hyphenated)."""
    if len(word) == 2:
        frag, text = word[1]
        if text and not hasattr(frag, "cbDefn") and not getattr(frag, "rise", 0):
            return frag, text
    return None


def _candidates(words: list, hyphenator: Hyphenator | None, hyphenate: bool) -> list[_Candidate] | None:
    """Every place a line may end, in order; None when a word is something this breaker
    does not set (an image)."""
    found: list[_Candidate] = []
    width = 0.0
    gaps = 0
    last = len(words) - 1
    for index, word in enumerate(words):
        head = word[1][0]
        if head._fkind == _FK_BREAK:
            found.append(_Candidate(width, gaps, width, gaps, 0.0, False, 0, True, index, None, False))
            continue
        for frag, _text in word[1:]:
            if hasattr(frag, "cbDefn") and getattr(frag.cbDefn, "width", 0):
                return None
        single = _single_text(word)
        if single is not None:
            frag, text = single
            gaps += text.count("\xa0")  # reportlab stretches no-break spaces too
            # the rest of a compound cut at its hyphen is not hyphenated: it is part of that compound
            joined = index and not isinstance(words[index - 1], _HSFrag) and _ends_in_hyphen(words[index - 1])
            if hyphenator is not None and len(text) >= MIN_BEFORE + MIN_AFTER:
                for split, added, flagged, head_width, hyphen in hyphenator.measured_breaks(
                        text, hyphenate and not joined, frag.fontName, frag.fontSize):
                    penalty = HYPHEN_PENALTY if flagged else 0
                    found.append(_Candidate(width + head_width, gaps, width + head_width, gaps, hyphen, flagged,
                                            penalty, False, index, split, added))
        else:
            gaps += sum(text.count("\xa0") for _f, text in word[1:] if text)
        width += word[0]
        if index < last and not isinstance(word, _HSFrag):
            # a compound cut at its hyphen on an earlier page or width: its parts are two
            # words with nothing between them, and the line may end between them again
            following = _single_text(words[index + 1])
            if single is not None and following is not None and single[1][-1] in HYPHENS + DASHES \
                    and _joint_breaks(single[1], following[1]):
                flagged = single[1][-1] in HYPHENS
                found.append(_Candidate(width, gaps, width, gaps, 0.0, flagged, HYPHEN_PENALTY if flagged else 0,
                                        False, index, None, False))
        if index < last and isinstance(word, _HSFrag):
            tail = word[-1][0]
            space = _space_width(tail.fontName, tail.fontSize)
            found.append(_Candidate(width, gaps, width + space, gaps + 1, 0.0, False, 0, False, index, None, False))
            width += space
            gaps += 1
    found.append(_Candidate(width, gaps, width, gaps, 0.0, False, 0, True, last, None, False))
    return found


def _best_lines(candidates: list[_Candidate], widths: list[float], stretch: float, run_before: int,
                justified: bool) -> _Node | None:
    """The cheapest way to end lines at `candidates` (the last node of it), or None when
    some stretch cannot be set at all (a box wider than the line)."""
    if justified:
        # A line over the stretch limit costs more (LOOSE_DEMERITS) than any paragraph of
        # lines within it can add up to, so when lines within the limit can set the
        # paragraph, the best of them is the best of all: look among them first, which
        # lets each candidate stop at the first line from it that is too loose.
        found = _search(candidates, widths, stretch, run_before, justified, within_limit=True)
        if found is not None:
            return found
    return _search(candidates, widths, stretch, run_before, justified, within_limit=False)


def _search(candidates: list[_Candidate], widths: list[float], stretch: float, run_before: int,
            justified: bool, within_limit: bool) -> _Node | None:
    """_best_lines over every line, or (`within_limit`) only over lines whose spaces stay
    within the stretch limit (None when those cannot set the paragraph)."""
    # the innermost loop of the PDF writer: each active node is a tuple of what a line
    # from it needs (where the next line starts, its width, the run and demerits so far),
    # and a _Node is made only for the best line into each candidate
    last_class = len(widths) - 1
    last_width = widths[last_class]
    start = _Node(_START, 0, run_before, 0.0, None, False, 0.0)
    active = [(0.0, 0, widths[0], 0, 1 if last_class else 0, run_before, 0.0, False, start)]
    final = len(candidates) - 1
    monotone = last_class <= 1  # every line but the first has the same width
    for position, candidate in enumerate(candidates):
        best: dict = {}
        # nodes are in the order of their candidates: those a line from here overflows
        # come first, and stay overflowed, so they are dropped from the front
        dead = 0
        c_width, c_gaps = candidate.width + candidate.hyphen, candidate.gaps
        forced, flagged, penalty = candidate.forced, candidate.flagged, candidate.penalty
        at_end = position == final
        for index, (next_width, next_gaps, line_width, line, line_class, node_run, node_demerits, start_flagged,
                    node) in enumerate(active):
            natural = c_width - next_width
            if natural > line_width + 1e-6:
                if dead == index:
                    dead += 1
                continue  # too long from here, and longer for every later candidate
            if flagged:
                if node_run >= MAX_HYPHEN_RUN:
                    continue
                run = node_run + 1
            else:
                run = 0
            ragged = False
            if forced:
                ratio = badness = 0.0  # the paragraph's last line and lines ended by <br/> are not stretched
            else:
                gaps = c_gaps - next_gaps
                extra = line_width - natural
                ratio = extra / (gaps * stretch) if gaps else (0.0 if extra < 1e-6 else 1e3)
                if ratio > 1e3:
                    ratio = 1e3
                badness = 100.0 * ratio * ratio * ratio
                if ratio > 1.0:
                    if within_limit:
                        # lines from later nodes are shorter and have no more spaces: looser
                        # still, when they are as wide (every line after the first is)
                        if monotone and line:
                            break
                        continue
                    ragged = True
                    if justified:  # the shorter such a line ends, the worse: that outweighs a hyphen
                        badness += LOOSE_DEMERITS * (1.0 + ratio)
            if badness > 1e4:
                demerits = (LINE_PENALTY + 1e4) ** 2 + badness
            else:
                demerits = (LINE_PENALTY + badness) ** 2
            if penalty:
                demerits += penalty * penalty
            if flagged and node_run:
                demerits += DOUBLE_HYPHEN_DEMERITS
            if at_end and start_flagged:
                demerits += FINAL_HYPHEN_DEMERITS
            total = node_demerits + demerits
            key = run * 4096 + line_class
            known = best.get(key)
            if known is None or total < known[0]:
                best[key] = (total, line, line_class, run, node, ragged, ratio)
        if not best:
            if forced or not active[dead:]:
                return None
            del active[:dead]
            continue
        if forced and position == final:
            total, line, _c, run, node, ragged, ratio = min(best.values(), key=lambda found: found[0])
            return _Node(candidate, line + 1, run, total, node, ragged, ratio)
        next_width, next_gaps = candidate.next_width, candidate.next_gaps
        reached = []
        for total, line, line_class, run, node, ragged, ratio in best.values():
            line += 1
            line_width = widths[line] if line < last_class else last_width
            line_class = line + 1 if line + 1 < last_class else last_class
            reached.append((next_width, next_gaps, line_width, line, line_class, run, total, flagged,
                            _Node(candidate, line, run, total, node, ragged, ratio)))
        if forced:
            active = reached  # every line breaks here
        else:
            if dead:
                del active[:dead]
            active.extend(reached)
    return None


class TypesetParagraph(Paragraph):
    """A Paragraph whose lines are chosen for the whole paragraph (see the module)."""

    def breakLines(self, width):
        fixed = getattr(self, "_df_fixed", None)
        if fixed is not None and fixed[0] == (tuple(width) if isinstance(width, (list, tuple)) else (width,)):
            self._width_max = fixed[2]
            return fixed[1]
        key = tuple(width) if isinstance(width, (list, tuple)) else (width,)
        cached = getattr(self, "_df_cached", None)
        if cached is not None and cached[0] == key and cached[1] is self.frags:
            self._width_max = cached[3]
            return cached[2]  # wrapped again at the same width (a KeepTogether, then the frame)
        lines = self._typeset(width)
        if lines is None:
            return super().breakLines(width)
        self._df_cached = (key, self.frags, lines, self._width_max)
        return lines

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and getattr(self, "blPara", None) is not None and self.blPara.kind == 1:
            first, rest = parts
            count = len(first.blPara.lines)
            kept = self.blPara.lines[:count]
            # the first part keeps the lines chosen for the whole paragraph: re-broken on its
            # own, its last line would count as a paragraph's last line
            # a part reportlab split off before was given its lines, never broken here, and
            # has no _width_max (a long word in a table cell over several pages; make fuzz)
            width_max = getattr(self, "_width_max", None)
            if width_max is None:
                width_max = max((line.maxWidth - line.extraSpace for line in kept), default=0)
            first._df_fixed = (tuple(self._wrapWidths), ParaLines(kind=1, lines=kept), width_max)
            run = 0
            for line in reversed(kept):
                if not getattr(line, "_df_flagged", False):
                    break
                run += 1
            rest._df_run_before = run
            if getattr(self.blPara, "_df_typeset", False):
                # the rest keeps its lines too: the best lines from a break on are the
                # rest of the best lines through it, and re-breaking on every page would
                # cost each page all the lines after it
                later = self._wrapWidths[-1]
                base = self.blPara.lines[count].sFW
                lines = [line.clone(sFW=line.sFW - base) for line in self.blPara.lines[count:]]
                rest_lines = ParaLines(kind=1, lines=lines, _df_typeset=True)
                rest._df_fixed = ((later, later), rest_lines,
                                  max(line.maxWidth - line.extraSpace for line in lines))
        return parts

    def _typeset(self, width) -> ParaLines | None:
        style = self.style
        if (style.wordWrap or style.endDots or getattr(style, "autoLeading", "") not in ("", "off", None)
                or getattr(self, "autoLeading", "") not in ("", "off", None) or getattr(style, "shaping", 0)):
            return None
        hyphenator = style.hyphenationLang
        if isinstance(hyphenator, str):
            hyphenator = _hyphenator(hyphenator.strip()) if hyphenator.strip() else None
        elif not isinstance(hyphenator, Hyphenator):
            hyphenator = None
        justified = style.alignment == TA_JUSTIFY
        if not justified and hyphenator is None:
            return None
        widths = list(width) if isinstance(width, (list, tuple)) else [width]
        _handleBulletWidth(self.bulletText, style, widths)
        if not self.frags:
            return None
        words = _getFragWords(self.frags, widths[0])
        if not words or (len(words) == 1 and not words[0][1][1]):
            return None
        stretch = MAX_SPACE_STRETCH * stringWidth(" ", style.fontName, style.fontSize)
        run_before = getattr(self, "_df_run_before", 0)
        candidates = _candidates(words, hyphenator, hyphenate=False)
        if candidates is None:
            return None
        end = _best_lines(candidates, widths, stretch, run_before, justified)
        if hyphenator is not None and (end is None or _worst_ratio(end) > PRETOLERANCE):
            hyphenated = _candidates(words, hyphenator, hyphenate=True)
            if hyphenated is not None and len(hyphenated) > len(candidates):
                better = _best_lines(hyphenated, widths, stretch, run_before, justified)
                if better is not None:
                    end = better
        if end is None:
            return None
        return self._lines(words, end, widths, justified, stretch)

    def _lines(self, words: list, end: _Node, widths: list[float], justified: bool, stretch: float) -> ParaLines:
        """The chosen lines as reportlab's ParaLines (kind 1) over the frag words, split
        words cut into head and tail the way reportlab's own hyphenation cuts them."""
        chain = []
        node = end
        while node.previous is not None:
            chain.append(node)
            node = node.previous
        chain.reverse()
        pieces: list = []
        lines = []
        last_class = len(widths) - 1
        word_index, offset, cut_by_hyphenation = 0, 0, False  # where the next line starts
        self._width_max = 0
        for number, node in enumerate(chain):
            candidate = node.candidate
            start_piece = len(pieces)
            stop = candidate.word
            for index in range(word_index, stop + 1):
                word = words[index]
                begin = offset if index == word_index else 0
                end = candidate.split if index == stop and candidate.split is not None else None
                if begin == 0 and end is None:
                    pieces.append(word)
                    continue
                frag, text = word[1]
                piece = text[begin:end]
                if end is not None and candidate.added:
                    piece += "-"
                    kind = _SplitFragHY  # reportlab rejoins these, dropping the hyphen it added
                elif end is not None:
                    # cut at its own hyphen: two words with nothing between (reportlab's
                    # rejoining would drop that hyphen)
                    kind = list
                elif cut_by_hyphenation:
                    kind = _SplitFragHS if isinstance(word, _HSFrag) else _SplitFrag
                else:
                    kind = _HSFrag if isinstance(word, _HSFrag) else list
                pieces.append(kind([stringWidth(piece, frag.fontName, frag.fontSize), (frag, piece)]))
            if candidate.split is not None:
                word_index, offset, cut_by_hyphenation = stop, candidate.split, candidate.added
            else:
                word_index, offset, cut_by_hyphenation = stop + 1, 0, False
            line_width = widths[number if number < last_class else last_class]
            line = _frag_line(pieces, start_piece, line_width)
            line._df_flagged = candidate.flagged
            if node.ragged and justified and not candidate.forced:
                # its spaces stretch as far as the limit and no further: the line ends short
                spaces = line.wordCount - 1 + sum(w.text.count("\xa0") for w in line.words
                                                  if not hasattr(w, "cbDefn"))
                line.extraSpace = min(line.extraSpace, spaces * stretch)
            if line_width - line.extraSpace > self._width_max:
                self._width_max = line_width - line.extraSpace
            lines.append(line)
        self.frags = pieces
        self._splitLongWordCount = 0
        self._hyphenations = sum(1 for line in lines if line._df_flagged)
        return ParaLines(kind=1, lines=lines, _df_typeset=True)


def _worst_ratio(end: _Node) -> float:
    worst = 0.0
    node = end
    while node.previous is not None:
        if node.ragged:
            return float("inf")
        if not node.candidate.forced and node.ratio > worst:
            worst = node.ratio
        node = node.previous
    return worst


def _frag_line(pieces: list, start: int, max_width: float) -> FragLine:
    """One line of frag words pieces[start:], assembled as reportlab's breakLines does
    (but its wordCount is the spaces + 1: reportlab counts a word cut at its hyphen as two
    words with a space between them, which would leave the line short of the margin)."""
    words: list = []
    current = 0.0
    space = 0.0
    count = 0
    line_break = False
    max_size = max_ascent = 0.0
    min_descent = 0.0
    g = g_source = measured = None
    for word in pieces[start:]:
        frag = word[1][0]
        if frag._fkind == _FK_BREAK:
            words.append(frag.clone())
            line_break = True
            break
        width = word[0]
        if width > 0:
            current += space + width
        text = word[1][1]
        if space and words:
            count += 1  # a space between this word and the one before: what justification stretches
        for f in [frag] + [part[0] for part in word[2:]] if len(word) > 2 else (frag,):
            if f is not measured:
                measured = f
                ascent, descent = _ascent_descent(f.fontName, f.fontSize)
                if f.fontSize > max_size:
                    max_size = f.fontSize
                if ascent > max_ascent:
                    max_ascent = ascent
                if descent < min_descent:
                    min_descent = descent
        if not words:
            g, g_source = frag.clone(), frag
            g.text = text
            words.append(g)
        elif frag is not g_source and not sameFrag(g, frag):
            if space:
                for previous in reversed(words):
                    if previous._fkind == 0:  # text
                        if not previous.text.endswith(" "):
                            previous.text += " "
                        break
            g, g_source = frag.clone(), frag
            g.text = text
            words.append(g)
        elif space:
            g.text += text if g.text.endswith(" ") else " " + text
        else:
            g.text += text
        tail = word[-1][0]
        space = _space_width(tail.fontName, tail.fontSize) if isinstance(word, _HSFrag) else 0.0
        extra_parts = word[2:]
        if extra_parts:
            for part_frag, part_text in extra_parts:
                g, g_source = part_frag.clone(), part_frag
                g.text = part_text
                words.append(g)
    return FragLine(extraSpace=max_width - current, wordCount=count + 1, lineBreak=line_break, words=words,
                    fontSize=max_size, ascent=max_ascent, descent=min_descent, maxWidth=max_width, sFW=start)


_ASCENTS: dict = {}
_SPACES: dict = {}


def _space_width(font: str, size: float) -> float:
    found = _SPACES.get((font, size))
    if found is None:
        found = _SPACES[(font, size)] = stringWidth(" ", font, size)
    return found


def _ascent_descent(font: str, size: float) -> tuple[float, float]:
    found = _ASCENTS.get((font, size))
    if found is None:
        found = _ASCENTS[(font, size)] = getAscentDescent(font, size)
    return found


_HYPHENATORS: dict[str, Hyphenator] = {}


def _hyphenator(language: str) -> Hyphenator:
    """One Hyphenator per language per process (pyphen's dictionaries take a while to load)."""
    found = _HYPHENATORS.get(language)
    if found is None:
        found = _HYPHENATORS[language] = Hyphenator(language)
    return found


def hyphenator(language: str) -> Hyphenator | None:
    """The Hyphenator of a pyphen language name ("en_US"), or None for "" or a language pyphen lacks."""
    if not language or language not in pyphen.LANGUAGES:
        return None
    return _hyphenator(language)
