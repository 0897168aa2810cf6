"""What kind of answer a question asks for, read from its interrogative phrase.

"Hur många anställda …" asks for a count, "vad kostar …" for an amount, "när …" for a point in
time, "vilket SFS-nummer …" for an SFS number, "vem är regiondirektör …" for a person's name. A
passage that holds no such value cannot answer the question, however close its topic: this is the
signal that tells "the plans are silent" from "the plans talk about this", which similarity alone
cannot (a sentence about a dementia initiative is close to "how many dementia places?" but holds
no count). The check is Swedish grammar, not a model: `expectation` reads the interrogative, and
`typed_values` finds values of each kind in a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.law_question import asks_which_law
from ingest.laws import find_laws


class Expected(StrEnum):
    """The kinds of answer; the value is how a refusal names what was missing."""

    COUNT = "antal"
    AMOUNT = "belopp"
    #: "Hur mycket …": a sum or a share ("hur mycket höjs avgiften?" → "5,0 procent").
    QUANTITY = "belopp eller andel"
    SHARE = "andel"
    DATE = "tidpunkt"
    #: "Vilket datum …": a day or at least a month, not a year ("Under 2026 ska … etableras").
    DAY = "datum"
    DURATION = "tidslängd"
    FREQUENCY = "hur ofta"
    LAW = "lag"
    SFS = "SFS-nummer"
    PERSON = "namn"
    CONTACT = "kontaktuppgift"
    LIST = "uppräkning"
    STATEMENT = "uppgift"


#: Kinds whose value can be checked in a passage: without one, the passage does not answer.
CHECKED = frozenset(
    {
        Expected.COUNT,
        Expected.AMOUNT,
        Expected.QUANTITY,
        Expected.SHARE,
        Expected.DATE,
        Expected.DAY,
        Expected.DURATION,
        Expected.FREQUENCY,
        Expected.LAW,
        Expected.SFS,
        Expected.PERSON,
        Expected.CONTACT,
    }
)


#: Kinds of answer that a table states in its cells.
NUMBERS = frozenset({Expected.COUNT, Expected.AMOUNT, Expected.QUANTITY, Expected.SHARE})


@dataclass(frozen=True)
class Expectation:
    expected: Expected
    #: The noun the interrogative asks about ("hur många anställda" → "anställda"), if any.
    focus: str | None = None
    #: A part of a sum is asked for ("hur stor del av budgeten går till …"): the sum answers too.
    of_whole: bool = False
    #: Kronor are asked for ("hur många kronor …"): a multiple of a base amount is no answer.
    in_kronor: bool = False

    def values_in(self, text: str) -> str:
        """The text as read for a value of the kind asked for: without its amounts in
        prisbasbelopp when kronor are asked for."""
        return without_base_amounts(text) if self.in_kronor else text

    @property
    def rows_summed(self) -> int:
        """How many rows of one table answering bring the table's sum row: one when a part of the
        whole is asked for, else two ("Hur mycket investerar …?" answered by several rows)."""
        return 1 if self.of_whole else 2

    @property
    def checked(self) -> bool:
        return self.expected in CHECKED


_W = r"[\wåäöÅÄÖ-]+"
#: Nouns that name money: "vad är avgiften", "hur stor är budgeten", "vilken skattesats".
_MONEY_NOUN = (
    r"(?:\w*(?:budget|(?<!prog)(?<!diag)ram|anslag|kostnad|avgift|taxa|pris|hyra|ersättning"
    r"|arvode|lön|norm|bidrag|peng|belopp|intäkt|skatt|resultat"
    r"|överskott|underskott|investering|summa)(?:en|et|er|erna|ar|arna|n|na|s|ens|ets|e)?)"
)
#: Title nouns whose holder is a person: "vem är regiondirektör", "vad heter ordföranden".
_TITLE_NOUN = (
    r"(?:\w*(?:chef|direktör|ordförande|samordnare|ansvarig|handläggare|controller"
    r"|kontaktperson|sekreterare|ombud|föreståndare|ledamot|ledamöter)\w*)"
)
#: Words between an interrogative and its noun that are not the noun: "hur många nya platser".
_NOT_FOCUS = frozenset(
    "nya fler färre olika andra egna extra totalt lediga sådana det den de en ett per som "
    "av i på för till med om".split()
)
#: Nouns that count occurrences of what follows them: "hur många fall av våld" asks about våld,
#: and a plan's row says "Förekomst av våld i nära relationer".
_MEASURE_NOUNS = frozenset("fall tillfällen stycken exemplar".split())
#: Where an interrogative phrase starts: the question's start, or a clause start inside it
#: ("Skyddat boende i Norrtälje 2023: hur många dygn …", "… och vad kostar ett dygn?").
_INTERROGATIVE = re.compile(
    r"(?:^|[,:;–—-]\s*|\s(?:och|samt|eller)\s+|[.?!]\s+)"
    r"(?=(?P<phrase>(?:sedan|från och med|från|till|inom|enligt|med stöd av|med|i|på|för)?\s*"
    r"(?:vad|vilken|vilket|vilka|hur|när|var|vem|vems|varför)\b.*))",
)
#: A share of money may be stated as the two sums ("Hur stor del av budgeten går till …" →
#: "Barn- och ungdomsverksamheten: 428 360 tkr" of "654 848 tkr").
_PART_OF_SUM = re.compile(
    rf"(?:hur stor(?:t)?|vilken) (?:andel|del) av (?:\w+ ){{0,3}}?{_MONEY_NOUN}\b"
)
_IN_KRONOR = re.compile(r"hur många (?:kronor|miljoner|miljarder|tkr|mnkr)\b")
#: (pattern matched at the interrogative phrase, kind); the first that matches decides. The group
#: "focus" is the noun asked about, where the pattern has one.
_RULES: tuple[tuple[re.Pattern[str], Expected], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r".*\bsfs[- ]?num|.*\bsfs\b|.*\bmed nummer\b|vilket nummer\b", Expected.SFS),
        (
            r".*\b(?:telefon\w*|mobilnummer|e-?post\w*|mejl\w*|mailadress\w*|besöksadress\w*"
            r"|postadress\w*|adress(?:en)?|webbadress\w*|hemsida\w*)\b",
            Expected.CONTACT,
        ),
        (_PART_OF_SUM, Expected.QUANTITY),
        (
            r"hur många (?:procent|%)|hur stor(?:t)? (?:andel|del|procent)\b|vilken andel\b"
            r"|med hur många procent",
            Expected.SHARE,
        ),
        (r"hur lång(?:a)? (?:tid|\w*tid(?:en)?)\b|hur länge\b|inom hur lång", Expected.DURATION),
        (r"hur ofta\b|hur många gånger\b", Expected.FREQUENCY),
        (_IN_KRONOR, Expected.AMOUNT),
        (rf"hur många (?P<focus>(?:{_W} ){{0,2}}{_W})", Expected.COUNT),
        (r"vilket antal\b|hur stort antal\b", Expected.COUNT),
        (
            rf"vad (?:kostar|ska|kommer|skulle|får)? ?(?:\w+ ){{0,5}}?(?:att )?"
            rf"kosta(?:r)?\b ?(?:ett |en |det )?(?P<focus>{_W})?",
            Expected.AMOUNT,
        ),
        (r"hur mycket\b", Expected.QUANTITY),
        (
            rf"vad (?:får|ska|måste) (?:man|en {_W}|jag|vi|den {_W}) (?:\w+ )?betala\b",
            Expected.AMOUNT,
        ),
        (
            # A tax rate is stated as a share ("11,40 procent") or as money ("11,71 kronor").
            r"(?:vad|vilken|vilket|hur hög|hur högt|hur stor) (?:\w+ ){0,5}?"
            r"\w*(?:skattesats|utdebitering)\w*",
            Expected.QUANTITY,
        ),
        (
            # The money noun is the kind of answer, not its focus: a plan says "resultat" where
            # the question says "överskott".
            rf"(?:vad|hur hög|hur högt|hur stor|hur stort) (?:\w+ ){{0,5}}?{_MONEY_NOUN}\b"
            rf"|(?:vilken|vilket) (?:\w+ )?{_MONEY_NOUN}\b"
            # The largest or smallest sum: "vilken socialnämnd har störst budget".
            rf"|(?:vilken|vilket|vem) (?:\w+ ){{0,3}}?(?:störst|högst|lägst|minst)\w* "
            rf"{_MONEY_NOUN}\b",
            Expected.AMOUNT,
        ),
        (r"(?:sedan|från och med|från|till) vilket datum\b|vilket datum\b", Expected.DAY),
        (
            r"(?:sedan|från och med|från|till) när\b|när\b|vilken dag\b"
            r"|vilket år\b|vilken månad\b",
            Expected.DATE,
        ),
        (
            rf"(?:vem|vilken person) (?:är|var|blir) (?:\w+ )?(?P<focus>{_TITLE_NOUN})\b"
            rf"|vad heter (?:\w+ )?(?P<title>{_TITLE_NOUN})\b",
            Expected.PERSON,
        ),
        (r"var i \w*(?:lag|lagen|balk|balken)\b", Expected.LAW),
        (r"vilka\b|vad ingår\b|vad omfattar\b", Expected.LIST),
    )
)
#: Lists asked for without an interrogative at a clause start: "Nämn några …", "Ge exempel på …".
_LIST_REQUEST = re.compile(r"\bnämn\b|\bge (?:några )?exempel\b|\bräkna upp\b")
#: A question that compares sizes asks for sums or shares ("Tar Region Uppsala ut mer eller mindre
#: skatt än Region Dalarna?", "Har pengarna ökat sedan 2017?").
_COMPARES_SIZES = re.compile(
    r"\b(?:mer eller mindre|mer än|mindre än|större än|högre än|lägre än|ökat|minskat"
    r"|ökar|minskar|höjts|sänkts)\b"
)


def expectation(question: str) -> Expectation:
    """The kind of answer `question` asks for and its focus noun; a statement when no rule fits.
    The first interrogative phrase decides (a question of several parts is split first)."""
    lowered = " ".join(question.lower().split())
    for phrase in _interrogative_phrases(lowered):
        if asks_which_law(phrase):
            sfs = _RULES[0][0].match(phrase)
            return Expectation(Expected.SFS if sfs else Expected.LAW)
        for pattern, kind in _RULES:
            match = pattern.match(phrase)
            if match is not None:
                return Expectation(
                    kind,
                    _focus(match, _topic(lowered)),
                    of_whole=pattern is _PART_OF_SUM,
                    in_kronor=pattern is _IN_KRONOR,
                )
    if _LIST_REQUEST.search(lowered):
        return Expectation(Expected.LIST)
    if _COMPARES_SIZES.search(lowered):
        return Expectation(Expected.QUANTITY)
    return Expectation(Expected.STATEMENT)


def _interrogative_phrases(question: str) -> list[str]:
    return [match.group("phrase").strip() for match in _INTERROGATIVE.finditer(question)]


#: A question that names its topic first: "Glasögonbidraget i Örebro län: vad kostar …?".
_TOPIC = re.compile(r"^(?P<topic>[\wåäö-]+)[^:?]*:\s")
#: How a Swedish noun ends in the definite form: "satsningen", "bidraget", "barnen".
_DEFINITE = ("en", "et", "na")


def _topic(question: str) -> str | None:
    """The first word of what the question names before a colon, unless that already asks
    ("Vad säger planen om hemtjänst: …" names no topic first)."""
    match = _TOPIC.match(question)
    if match is None or _INTERROGATIVE.search(match.group()):
        return None
    return match.group("topic")


def _focus(match: re.Match[str], topic: str | None = None) -> str | None:
    """The noun asked about; a definite one that points back to the topic a question names
    first is that topic ("Glasögonbidraget …: vad kostar satsningen per år?")."""
    groups = match.groupdict()
    written = groups.get("focus") or groups.get("title")
    if not written:
        return None
    words = written.split()
    if len(words) > 2 and words[0] in _MEASURE_NOUNS and words[1] == "av":
        words = words[2:]
    nouns = [word for word in words if word not in _NOT_FOCUS]
    if nouns and topic is not None and nouns[0] != topic and nouns[0].endswith(_DEFINITE):
        return topic
    return nouns[0] if nouns else None


# --- values in a passage --------------------------------------------------------------------------

#: Not a number's tail ("3,5", "1.2"); after a dot leader it is one ("slutenvård ....130 kr").
_NOT_AFTER = r"(?<!\w)(?<!\d[,.])"
_NUMBER = rf"{_NOT_AFTER}\d{{1,3}}(?:[  ]\d{{3}})+(?:,\d+)?|{_NOT_AFTER}\d+(?:,\d+)?"
#: Number words; not "en"/"ett", which are mostly articles ("en plats där …").
_NUMBER_WORD = (
    r"\b(?:två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|femton|tjugo|trettio|fyrtio"
    r"|femtio|hundra|tusen|dubbelt|hälften)\b"
)
_MONTH = (
    r"(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)"
)
#: Numbers that count nothing: years, SFS numbers, dates, paragraph numbers, shares.
_NOT_A_COUNT = re.compile(
    r"\b(?:19|20)\d\d(?:[-:/]\d+)*\b|\d+\s*(?:§|kap)|§\s*\d+|\b\d{1,2}:e\b"
    r"|\d+(?:,\d+)?\s*(?:%|procent)"
)
_PATTERNS: dict[Expected, re.Pattern[str]] = {
    Expected.COUNT: re.compile(rf"{_NUMBER}|{_NUMBER_WORD}", re.IGNORECASE),
    Expected.AMOUNT: re.compile(
        rf"(?:{_NUMBER})\s*(?:kr\b|kronor|sek\b|tkr|mnkr|mkr|mdkr|miljon\w*|miljard\w*|tusen\w*"
        r"|öre\b|prisbasbelopp\w*|:-)"
        r"|\b(?:kostnadsfri\w*|avgiftsfri\w*|gratis|ingen avgift|utan avgift|utan kostnad)\b",
        re.IGNORECASE,
    ),
    Expected.SHARE: re.compile(
        rf"(?:{_NUMBER})\s*(?:%|procent)|\bprocent\b|\b(?:hälften|en tredjedel|en fjärdedel)\b",
        re.IGNORECASE,
    ),
    Expected.DATE: re.compile(
        rf"\b(?:19|20)\d\d\b|\b{_MONTH}\b|\b\d{{1,2}}:e\b|\b(?:vecka|v\.)\s*\d{{1,2}}\b"
        r"|\b(?:kvartal\w*|tertial\w*|halvår\w*|årsskift\w*|vår(?:en)?|höst(?:en)?|sommar(?:en)?"
        r"|vinter(?:n)?|årligen|löpande|dagligen)\b",
        re.IGNORECASE,
    ),
    Expected.DAY: re.compile(
        rf"\b(?:19|20)\d\d-\d\d-\d\d\b|\b{_MONTH}\b|\b\d{{1,2}}:e\b", re.IGNORECASE
    ),
    Expected.DURATION: re.compile(
        rf"(?:{_NUMBER}|{_NUMBER_WORD})\s*(?:arbets)?(?:dag|dagar|dygn|vecka|veckor|månad|månader"
        r"|år|timme|timmar|minut\w*)\b|\b(?:omgående|direkt|samma dag|skyndsamt)\b",
        re.IGNORECASE,
    ),
    Expected.FREQUENCY: re.compile(
        r"\b(?:varje|per (?:dag|vecka|månad|år|kvartal|tertial)|gång(?:er)?|månadsvis|veckovis"
        r"|årsvis|årligen|dagligen|kvartalsvis|löpande|återkommande|regelbundet|var \w+ vecka)\b",
        re.IGNORECASE,
    ),
    Expected.SFS: re.compile(r"\b(?:1[89]|20)\d\d:\d{1,4}\b"),
    Expected.CONTACT: re.compile(
        r"@|\bwww\.|https?://|\b\d{2,4}[- ]\d{2,3}[ ]?\d{2}[ ]?\d{2}\b"
        r"|\b[A-ZÅÄÖ][a-zåäö]+(?:gatan|vägen|gränd|torget|plan|backen|allén)\s+\d+"
        # An address after its label, whatever the street is called: "Besöksadress: Guldringen 50".
        r"|\b\w*adress\s*:\s*[A-ZÅÄÖ0-9]",
    ),
    #: Two capitalised words in a row, not at a sentence start: "Monica Holtstad".
    Expected.PERSON: re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÅÄÖ][a-zåäöé]+\s+[A-ZÅÄÖ][a-zåäöé]+\b"),
}


#: An amount stated as a multiple of the base amount: "en tolftedel av 0,5392 prisbasbelopp".
_BASE_AMOUNT = re.compile(rf"(?:{_NUMBER})\s*prisbasbelopp\w*", re.IGNORECASE)


def without_base_amounts(text: str) -> str:
    """The text without its amounts in prisbasbelopp: they answer "hur hög får avgiften vara",
    not "hur många kronor är prisbasbeloppet"."""
    return _BASE_AMOUNT.sub(" ", text)


def holds_expected(text: str, expected: Expected) -> bool:
    """Whether `text` holds a value of the kind asked for (always, for unchecked kinds)."""
    if expected not in CHECKED:
        return True
    if expected is Expected.LAW:
        return bool(find_laws(text))
    if expected is Expected.COUNT:
        text = _NOT_A_COUNT.sub(" ", text)
    if expected is Expected.QUANTITY:
        return any(_PATTERNS[kind].search(text) for kind in (Expected.AMOUNT, Expected.SHARE))
    return _PATTERNS[expected].search(text) is not None
