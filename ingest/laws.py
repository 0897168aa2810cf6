"""Finding the laws (and the authorities' regulations) a Swedish plan refers to.

Plans name a law in many ways: "socialtjänstlagen", "Socialtjänstlagen (2001:453)", "SoL",
"lagen (1990:52) med särskilda bestämmelser om vård av unga (LVU)", "Lag (1988:870) om vård av
missbrukare i vissa fall". Each mention keeps what was written and gets a `key` that groups the
ways of writing one law: a known abbreviation, a known SFS number or a known name decides it;
otherwise the name itself, normalised to its definite form ("socialtjänstlag" →
"socialtjänstlagen").

Regulations such as "SOSFS 2014:5" or "(HSLF-FS 2019:30)" are included too, keyed by their code:
they bind the social services like laws do, people ask about them by code, and the code cannot be
mistaken for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LawMention:
    """One reference to a law or regulation; `text` is exactly the characters at [start, end)."""

    text: str
    start: int
    end: int
    name: str  # as written, line breaks collapsed: "Alkohollagen", "lag om vård av missbrukare"
    sfs: str | None  # "2010:1622" when written
    abbreviation: str | None  # "LVU" when written, bare or in parentheses after the name
    key: str  # groups mentions of one law: "socialtjänstlagen", "SOSFS 2014:5", "sfs 2001:454"


@dataclass(frozen=True, slots=True)
class _KnownLaw:
    key: str
    abbreviations: tuple[str, ...] = ()
    sfs: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # other normalised names (see _normalise_name) of the same law


#: Laws a social-services plan often refers to. Only needed to group different ways of writing one
#: law; an unknown law still gets a key from its own name.
_KNOWN_LAWS: tuple[_KnownLaw, ...] = (
    _KnownLaw("socialtjänstlagen", ("SoL",), ("2001:453", "2025:400")),
    _KnownLaw(
        "lagen med särskilda bestämmelser om vård av unga",
        ("LVU",),
        ("1990:52",),
        ("lagen om särskilda bestämmelser om vård av unga", "lagen om vård av unga"),
    ),
    _KnownLaw(
        "lagen om vård av missbrukare i vissa fall",
        ("LVM",),
        ("1988:870",),
        ("lagen om vård av missbrukare",),
    ),
    _KnownLaw("lagen om stöd och service till vissa funktionshindrade", ("LSS",), ("1993:387",)),
    _KnownLaw("hälso- och sjukvårdslagen", ("HSL",), ("2017:30", "1982:763")),
    _KnownLaw("föräldrabalken", ("FB",), ("1949:381",)),
    _KnownLaw(
        "lagen med särskilda bestämmelser om unga lagöverträdare",
        ("LUL",),
        ("1964:167",),
        ("lagen om unga lagöverträdare",),
    ),
    _KnownLaw("offentlighets- och sekretesslagen", ("OSL",), ("2009:400",)),
    _KnownLaw("kommunallagen", ("KL",), ("2017:725",)),
    _KnownLaw("förvaltningslagen", ("FL",), ("2017:900",)),
    _KnownLaw("socialförsäkringsbalken", ("SFB",), ("2010:110",)),
    _KnownLaw("socialtjänstförordningen", ("SoF",), ("2001:937",)),
    _KnownLaw("dataskyddsförordningen", ("GDPR",), (), ("eu:s dataskyddsförordningen",)),
    _KnownLaw("dataskyddslagen", (), ("2018:218",)),
    _KnownLaw("lagen om offentlig upphandling", ("LOU",), ("2016:1145",)),
    _KnownLaw("lagen om valfrihetssystem", ("LOV",), ("2008:962",)),
    _KnownLaw("patientsäkerhetslagen", ("PSL",), ("2010:659",)),
    _KnownLaw("lagen om psykiatrisk tvångsvård", ("LPT",), ("1991:1128",)),
    _KnownLaw("brottsbalken", ("BrB",), ("1962:700",)),
    _KnownLaw("plan- och bygglagen", ("PBL",), ("2010:900",)),
    _KnownLaw("arbetsmiljölagen", ("AML",), ("1977:1160",)),
    _KnownLaw("lagen om anställningsskydd", ("LAS",), ("1982:80",)),
)

_KEY_BY_ABBREVIATION = {a: law.key for law in _KNOWN_LAWS for a in law.abbreviations}
_KEY_BY_SFS = {sfs: law.key for law in _KNOWN_LAWS for sfs in law.sfs}
_KEY_BY_NAME = {name: law.key for law in _KNOWN_LAWS for name in (law.key, *law.names)}

#: Abbreviations that also mean other things when they stand alone ("20 MB"); they only count in
#: parentheses right after a law's name.
_ABBREVIATIONS_ONLY_AFTER_NAME = frozenset({"TF", "MB"})
_BARE_ABBREVIATIONS = sorted(set(_KEY_BY_ABBREVIATION) - _ABBREVIATIONS_ONLY_AFTER_NAME)

#: The "balkar" of Swedish law; any other "-balk" is a beam ("takbalk").
_BALK_STEMS = frozenset(
    {
        "föräldra", "ärvda", "brotts", "miljö", "jorda", "äktenskaps", "socialförsäkrings",
        "rättegångs", "utsöknings", "handels", "giftermåls",
    }
)  # fmt: skip
#: Words that end in "lag" but are no law: proposals, bases, companies, teams ("arbetslag"),
#: "överlag" (on the whole), Roslagen (a region).
_NOT_LAW_ENDINGS = (
    "förslag", "anslag", "beslag", "utslag", "inslag", "avslag", "påslag", "uppslag", "omslag",
    "genomslag", "nedslag", "tillslag", "handslag", "underlag", "bolag", "förlag", "arbetslag",
    "samlag", "upplag", "mellanlag", "idrottslag", "fotbollslag", "lärarlag", "landslag",
    "överlag", "roslag",
)  # fmt: skip

_LETTER = r"A-Za-zÅÄÖåäöÉé"
#: An SFS number: "2001:453".
_SFS_NUMBER = r"(?:1[89]|20)\d\d:\d{1,4}"
_SFS = rf"\(\s*(?:SFS\s*)?(?P<sfs>{_SFS_NUMBER})\s*\)"
_TRAILING_SFS = re.compile(r"\s*" + _SFS)
_BARE_SFS = re.compile(_SFS_NUMBER)
# An abbreviation in parentheses after a name: "(SoL)", "(LVU)", "(GDPR)"; two capitals at least.
_TRAILING_ABBREVIATION = re.compile(
    rf"\s*\((?P<abbreviation>(?=(?:[^)]*[A-ZÅÄÖ]){{2}})[A-ZÅÄÖ][{_LETTER}]{{1,7}})\)"
)

#: One word naming a law: "socialtjänstlagen", "Föräldrabalken", "hälso- och sjukvårdslagen".
_LAW_WORD = re.compile(
    rf"(?<![\w-])(?:[{_LETTER}]+-\s+(?:och|eller)\s+)?[{_LETTER}]{{3,}}"
    r"(?:lag|lagen|lagens|balk|balken|balkens|förordning|förordningen|förordningens)(?!\w)",
    re.IGNORECASE,
)
#: A law named by a description: "Lag (1988:870) om vård av missbrukare i vissa fall",
#: "lagen med särskilda bestämmelser om vård av unga", or just "Förordning (2001:637)".
#: Its number may also stand bare: "Lag 1994:137 om mottagande av asylsökande m.fl. (LMA)".
_LAW_HEAD = re.compile(
    rf"(?<![\w-])(?P<head>[Ll]ag(?:en)?|[Ff]örordning(?:en)?)"
    rf"(?:\s*{_SFS}|\s+(?P<bare_sfs>{_SFS_NUMBER})(?!\d))?"
    r"(?P<title>\s+(?:om|med)\s)?"
)
_REGULATION = re.compile(
    r"(?<![\w-])(?P<code>HSLF-FS|SOSFS|AFS|SKVFS|MSBFS|BFS|KIFS)\s*(?P<number>\d{4}:\d{1,4})(?!\d)"
)
_BARE_ABBREVIATION = re.compile(
    r"(?<!\w)(?P<abbreviation>" + "|".join(_BARE_ABBREVIATIONS) + r")(?!\w)"
)
_STANDALONE_SFS = re.compile(rf"(?<!\w)SFS\s*(?P<sfs>{_SFS_NUMBER})(?!\d)")

#: A descriptive title ends before these words: they start the sentence's next clause.
_TITLE_STOP_WORDS = frozenset(
    {
        "ska", "skall", "är", "var", "har", "hade", "som", "samt", "enligt", "där", "vilket",
        "vilken", "vilka", "men", "eller", "kan", "får", "gäller", "finns", "blev", "när",
    }
)  # fmt: skip
#: ...and "och" ends it when one of these follows ("lag om X och annan lagstiftning").
_AFTER_OCH = frozenset({"annan", "andra", "den", "det", "de"})
_LAW_HEAD_WORDS = frozenset({"lag", "lagen", "förordning", "förordningen"})
_TITLE_TOKEN = re.compile(r"(?P<space>\s*)(?P<token>[^\s(),;–—•]+)")
_MAX_TITLE_WORDS = 14
_LAW_WORD_ENDINGS = ("lag", "balk", "förordning")
_DANGLING_WORDS = frozenset({"och", "i", "om", "med", "av", "till", "för"})


def find_laws(text: str) -> list[LawMention]:
    """Every law and regulation mention in the text, in order; overlapping candidates are resolved
    in favour of the earliest, then the longest (a description beats a law named inside it)."""
    candidates = [
        *_descriptive_laws(text),
        *_law_words(text),
        *_regulations(text),
        *_standalone_sfs(text),
        *_bare_abbreviations(text),
    ]
    chosen: list[LawMention] = []
    for mention in sorted(candidates, key=lambda m: (m.start, -(m.end - m.start))):
        if not chosen or mention.start >= chosen[-1].end:
            chosen.append(mention)
    return chosen


def law_labels(mentions: Iterable[LawMention]) -> list[str]:
    """One human label per law, in order of first mention: the name and the SFS number as first
    written ("alkohollagen (2010:1622)", "socialtjänstlagen", "LVU")."""
    labels: dict[str, str] = {}
    for mention in mentions:
        labels.setdefault(mention.key, _label(mention))
    return list(labels.values())


def _label(mention: LawMention) -> str:
    if mention.sfs and mention.sfs not in mention.name:
        return f"{mention.name} ({mention.sfs})"
    return mention.name


# --- the kinds of mentions ---------------------------------------------------------------------


def _law_words(text: str) -> Iterator[LawMention]:
    for match in _LAW_WORD.finditer(text):
        name = _collapse(match.group())
        if _is_law_word(name):
            yield _with_trailing_parts(text, match.start(), match.end(), name, sfs=None)


def _descriptive_laws(text: str) -> Iterator[LawMention]:
    for match in _LAW_HEAD.finditer(text):
        sfs = match.group("sfs") or match.group("bare_sfs")
        end = _title_end(text, match.end("title") - 1) if match.group("title") else match.end()
        if end <= match.end():  # no title: "den nya lagen", "svensk lag", "lag (2001:454) och"
            if not sfs:
                continue  # no law is named
            if match.group("sfs"):
                end = match.end("sfs") + text[match.end("sfs") :].index(")") + 1
            else:
                end = match.end("bare_sfs")
        name = _collapse(text[match.start() : end])
        yield _with_trailing_parts(text, match.start(), end, name, sfs)


def _regulations(text: str) -> Iterator[LawMention]:
    for match in _REGULATION.finditer(text):
        key = f"{match.group('code')} {match.group('number')}"
        yield _mention(text, match.start(), match.end(), _collapse(match.group()), None, None, key)


def _standalone_sfs(text: str) -> Iterator[LawMention]:
    for match in _STANDALONE_SFS.finditer(text):
        sfs = match.group("sfs")
        key = _KEY_BY_SFS.get(sfs, f"sfs {sfs}")
        yield _mention(text, match.start(), match.end(), _collapse(match.group()), sfs, None, key)


def _bare_abbreviations(text: str) -> Iterator[LawMention]:
    for match in _BARE_ABBREVIATION.finditer(text):
        abbreviation = match.group("abbreviation")
        key = _KEY_BY_ABBREVIATION[abbreviation]
        yield _mention(text, match.start(), match.end(), abbreviation, None, abbreviation, key)


# --- helpers -----------------------------------------------------------------------------------


def _is_law_word(word: str) -> bool:
    base = _definite_stem(word.lower())
    if base.endswith("balk"):
        return base.split()[-1].removesuffix("balk") in _BALK_STEMS
    return base.endswith("förordning") or not base.endswith(_NOT_LAW_ENDINGS)


def _definite_stem(word: str) -> str:
    """ "socialtjänstlagens" → "socialtjänstlag", "föräldrabalken" → "föräldrabalk"."""
    for suffix in ("ens", "en", "s"):
        base = word.removesuffix(suffix)
        if base != word and base.endswith(_LAW_WORD_ENDINGS):
            return base
    return word


def _title_end(text: str, position: int) -> int:
    """Where a descriptive law title that starts at `position` ends ("om vård av unga (LVU), ...").

    Titles run on over PDF line breaks, even blank lines, while the next line goes on in lower case;
    they stop at punctuation, a parenthesis, a bullet, a word that starts the next clause or the
    next law ("Förordning (1999:1134) om belastningsregister Förordning (1999:1135) ...").
    """
    words: list[tuple[str, int]] = []  # each word, lower-cased, with where it ends
    expected_start = position
    for match in _TITLE_TOKEN.finditer(text, position):
        space, token = match.group("space"), match.group("token")
        if match.start() != expected_start or ("\n" in space and token[0].isupper()):
            break  # punctuation, a parenthesis or a bullet came between, or a new line began
        expected_start = match.end()
        sentence_ends = token.endswith((".", ":")) and not token.endswith("m.fl.")
        word = token.rstrip(".:") if sentence_ends else token
        lower = word.lower()
        if lower in _TITLE_STOP_WORDS or lower in _LAW_HEAD_WORDS:
            break
        if words and words[-1][0] == "och" and lower in _AFTER_OCH:
            break
        words.append((lower, match.start("token") + len(word)))
        if sentence_ends or len(words) >= _MAX_TITLE_WORDS:
            break
    while words and words[-1][0] in _DANGLING_WORDS:  # "lag om X och" + a stop word
        words.pop()
    return words[-1][1] if words else position


def _with_trailing_parts(text: str, start: int, end: int, name: str, sfs: str | None) -> LawMention:
    """Extend a named law over "(2010:1622)" and "(LVU)" written right after it."""
    if sfs is None and (match := _TRAILING_SFS.match(text, end)):
        sfs, end = match.group("sfs"), match.end()
    abbreviation = None
    if match := _TRAILING_ABBREVIATION.match(text, end):
        abbreviation, end = match.group("abbreviation"), match.end()
    key = _key(name, sfs, abbreviation)
    return _mention(text, start, end, name, sfs, abbreviation, key)


def _key(name: str, sfs: str | None, abbreviation: str | None) -> str:
    """The grouping key: a known abbreviation, then a known SFS number, then the name."""
    if abbreviation in _KEY_BY_ABBREVIATION:
        return _KEY_BY_ABBREVIATION[abbreviation]
    if sfs in _KEY_BY_SFS:
        return _KEY_BY_SFS[sfs]
    normalised = _normalise_name(name)
    if normalised in _KEY_BY_NAME:
        return _KEY_BY_NAME[normalised]
    if normalised in {"lagen", "förordningen"} and sfs:
        return f"sfs {sfs}"  # "Lag (2001:454)": only the number names it
    return normalised


def _normalise_name(name: str) -> str:
    """ "Lag (1990:52) med särskilda bestämmelser" → "lagen med särskilda bestämmelser";
    "Socialtjänstlag" → "socialtjänstlagen"."""
    without_sfs = re.sub(_SFS, " ", name.lower())
    words = without_sfs.split()
    if not words:
        return ""
    if len(words) > 1 and _BARE_SFS.fullmatch(words[1]):
        del words[1]  # "Lag 1994:137 om …"
    stem = _definite_stem(words[0])
    if stem.endswith(_LAW_WORD_ENDINGS):
        words[0] = stem + "en"
    if len(words) > 1 and _definite_stem(words[-1]).endswith(_LAW_WORD_ENDINGS):
        words[-1] = _definite_stem(words[-1]) + "en"  # "hälso- och sjukvårdslag"
    return " ".join(words)


def _collapse(text: str) -> str:
    """Text with PDF line breaks and runs of spaces turned into single spaces."""
    return " ".join(text.split())


def _mention(
    text: str,
    start: int,
    end: int,
    name: str,
    sfs: str | None,
    abbreviation: str | None,
    key: str,
) -> LawMention:
    return LawMention(text[start:end], start, end, name, sfs, abbreviation, key)
