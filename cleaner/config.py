"""Every tunable number of the cleaner in one frozen, picklable object, grouped by stage.

A `CleanerConfig` is built once (defaults, or keyword overrides) and handed to
every stage with the document; it is recorded in each result's provenance as
it is, so a result says exactly which settings made it.

>>> config = CleanerConfig().replace(max_bytes=1_000_000, languages=["ru", "en"])
>>> config.load.max_bytes, config.detect.languages
(1000000, ('en', 'ru'))
>>> config.to_dict()["rules"]["pattern_timeout"]
0.25
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any


# A setting added after results were recorded: in provenance only when it differs from its default.
_WHEN_ON = {"recorded": "when on"}


@dataclass(frozen=True)
class LoadConfig:
    """Decoding and sniffing (`cleaner.load`)."""

    # Real news pages are well under 5 MB of HTML; a bigger input is a dump or
    # an attack, and parsing it would hold a worker for minutes.  0: no limit.
    max_bytes: int = 10_000_000
    # Text with more control characters than this share is binary data, not a page.
    binary_control_share: float = 0.05


@dataclass(frozen=True)
class LimitsConfig:
    """What one page may cost (`cleaner.limits`, `cleaner.workers`): a hostile page ends, the batch goes on."""

    # Wall-clock seconds per page.  A news page cleans in well under a second;
    # a page still going after a minute is pathological (an attribute bomb,
    # a backtracking pattern), and in a batch it holds up every record after
    # it.  Checked between stages and by rule patterns; worker processes are
    # killed (and replaced) shortly after it.  0 or None: no limit.
    timeout: float | None = 60.0
    # Elements (start tags) an HTML page may have: real news pages have a few
    # thousand, the heaviest portals under 30,000; 200,000 paragraphs or two
    # million <br> take minutes and gigabytes in the parser and extractor.
    max_elements: int = 100_000
    # Attributes on the whole page and on any one element.  libxml2 checks an
    # element's attributes for duplicates pairwise, so 80,000 on one element
    # take minutes; real elements carry a handful (data-* heavy ones, ~30).
    max_attributes: int = 300_000
    max_element_attributes: int = 256


@dataclass(frozen=True)
class TextConfig:
    """Splitting text pages into blocks (`cleaner.extract`): hard-wrap detection."""

    # A group of lines is one wrapped paragraph when it has at least this many lines ...
    wrap_min_lines: int = 3
    # ... its widest line is this wide (mail, terminals and feeds wrap at 60-80) ...
    wrap_min_width: int = 40
    wrap_max_width: int = 100
    # ... and every line but the last is at least this share of the widest.
    wrap_shortest_share: float = 0.6


@dataclass(frozen=True)
class HtmlConfig:
    """Pruning and extraction of HTML pages (`cleaner.html`)."""

    # libxml2 stops building the tree deeper than this.
    parser_max_depth: int = 256
    # An element longer than this is never a chrome phrase.
    prune_max_chars: int = 120
    # A pruned container (a section a chrome heading titles, a consent box)
    # holds at most this share of the page's text: more is the article itself.
    container_max_share: float = 0.3
    # A share, advertising or newsletter label takes the small box it heads
    # (its buttons, the ad slot) when that box is at most this long.
    box_max_chars: int = 200
    # The box around a picture, its caption and its AI-image label holds at most
    # this much else (a credit, "Photo: Reuters"); more, and it is an article
    # box the label merely sits in: the label goes alone.
    caption_box_extra_chars: int = 80
    # An extraction this long is taken as it is; shorter ones are checked for missed paragraphs.
    sure_found_chars: int = 2000
    # A leaf <p> or <div> this long reads like an article paragraph.
    paragraph_min_chars: int = 150
    # Before the article's first paragraph or after its last, this many blocks
    # in a row that are each the whole text of one link are a teaser list.
    link_list_min_items: int = 3
    # ... each at most this long (a headline, not a paragraph that is one link).
    link_list_item_max_chars: int = 200
    # A page whose extraction is shorter than this and that holds a form to fill
    # in (not a search box) is a login wall.
    login_wall_max_chars: int = 300
    # Extracted text this much made of template expressions ("{{article.title}}")
    # is a page its scripts render: no article in its HTML.
    template_min_share: float = 0.5
    # Only extractions shorter than this are checked for being links and captions.
    short_extraction_chars: int = 2000
    # Extracted text made this much of link texts and captions is no article.
    non_prose_share: float = 0.8
    # The headline repeated in the body is looked for among the first blocks ...
    headline_search_blocks: int = 8
    # ... with room beside it for a section name and a date ...
    headline_extra_chars: int = 80
    # ... and lines above it longer than this are article text, not furniture.
    furniture_max_chars: int = 80
    # Link targets and image sources (alt text, caption) kept on the segments
    # for Markdown, HTML and JSON, as trafilatura's include_links and
    # include_images; off by default, as there (`cleaner.html.inline`).
    # Recorded in provenance only when on: results made without them stay as they were.
    links: bool = field(default=False, metadata=_WHEN_ON)
    images: bool = field(default=False, metadata=_WHEN_ON)


@dataclass(frozen=True)
class DetectConfig:
    """Language tagging (`cleaner.detect`)."""

    # The statistical backend: a name from `cleaner.detect.BACKENDS`, or an object with ``scores``.
    backend: Any = "py3langid"
    # Only these languages are answered where a script allows (a crawl known to hold them).
    languages: tuple[str, ...] | None = None
    # A short run with this many letters has a score of its own worth
    # reporting as its confidence, and a page's short runs read together need
    # this many to be read at all.  At 12 letters (about a word pair)
    # py3langid is right ~90% of the time on 16 languages.
    stat_min_letters: int = 12
    # Below this, even with no page to follow, a run is not worth asking a backend.
    guess_min_letters: int = 4
    # A run this long is tagged by the backend alone, and its language is one
    # the page is in.  Shorter ones (an interface line, a word pair: up to
    # ~30 letters) choose among the page's languages by their own scores: on
    # its own a backend tags a short UI string right only a third to a half
    # of the time, and a sentence (40+ letters) almost always.
    long_min_letters: int = 40
    # Short runs' own best guesses add a language to the page's once they add
    # up to this many letters (weighed by the backend's probability): two
    # or three interface labels, not one word.
    vote_min_letters: int = 12
    # A short text alone is weighed by how common its language is on the web:
    # each place down its script's list (`COMMON_LANGUAGES`) multiplies by this.
    common_prior_decay: float = 0.85
    # ... and make at least this share of the short runs' guesses: a stray
    # Bulgarian guess among Russian labels is the backend's noise.
    vote_min_share: float = 0.2
    # A short run chooses among its page's languages by its own scores times
    # a prior: the letters of the page's short runs guessed in each (labels
    # look like the page's other labels), plus this weight for a language of
    # the long runs, and every option is floored at this share of the mean
    # weight so that a run's own strong evidence can always win.
    long_weight: int = 12
    # A short run whose language only other short runs vote for (no long run,
    # declaration or pack phrase) keeps this share of its confidence: code,
    # names and labels look alike, and below the rules' foreign_min_confidence
    # no line is dropped for its language alone.
    unestablished_factor: float = 0.5
    prior_floor: float = 0.25
    # The page's short runs of one script read together add their language
    # to the page's when the backend gives it at least this.
    pool_min_confidence: float = 0.5
    # What a declared language (<html lang>, Content-Language, og:locale)
    # and a country domain weigh among a page's languages, in letters: about
    # a short line's worth, so that long runs outweigh a wrong declaration.
    declared_weight: int = 30
    tld_weight: int = 10
    # A run with this many letters is also cut after its sentences, so that
    # a quoted sentence of another language of the script is told apart.
    # 0 (the default) leaves sentences whole; lines and blocks are always
    # told apart.  At 80 on the 181 ScrapingHub pages, 1 of 22 new splits
    # was right (an English sentence in German); the others were one
    # sentence read as Malay in Indonesian or Pidgin in English: a sentence
    # alone is not yet strong enough evidence.
    sentence_min_letters: int = 0
    # Short text whose backend scores leave two close neighbours (ru/bg/sr,
    # es/pt, nl/de ...) within ``lexicon_margin`` of each other is reweighed
    # by how often each writes its words (`cleaner.detect.lexicon`, wordfreq's
    # lists): a word pair's n-grams do not tell them apart, its vocabulary does.
    lexicon: bool = True
    # Only text of at most this many words (a label, a word pair, a short sentence).
    lexicon_max_words: int = 8
    lexicon_margin: float = 0.1
    # A word a language's list lacks counts as this log10 frequency (the lists
    # stop at 10**-6).
    lexicon_floor: float = -7.0
    # Blocks with at least this many letters are article-like: they decide the
    # document language, and the rules weigh sections by them.
    article_min_letters: int = 60
    # A backend reads at most this much of a run: a few sentences tell a
    # language as well as a page does, at a fraction of the cost.
    backend_max_chars: int = 120
    # Once this many long runs of a script, and this share of them, agree, later
    # runs are confirmed on their first ``confirm_chars`` and read in full only
    # when they disagree.  One odd run (a table row) does not unsettle the page.
    settle_runs: int = 5
    settle_share: float = 0.8
    confirm_chars: int = 48
    # Backend answers kept per detector (a few hundred kilobytes): a site's
    # labels and captions come back on every page.
    memo_size: int = 4096


@dataclass(frozen=True)
class RulesConfig:
    """Rule packs and how they are matched (`cleaner.rules`)."""

    # The packs shipped in cleaner/packs, then these (paths or `RulePack` objects).
    builtin: bool = True
    packs: tuple[Any, ...] = ()
    # Seconds per pattern and block for user packs: a linear pattern needs
    # microseconds, a backtracking one is stopped with a clear error.
    pattern_timeout: float = 0.25
    # Seconds of user-pack pattern matching per page, all blocks together: 300
    # blocks each just under ``pattern_timeout`` would otherwise take a minute.
    pattern_page_budget: float = 2.0
    # A pattern rule never sees a longer block unless it says so (``max_chars``).
    pattern_max_chars: int = 500
    # Characters of a phrase's start and end compared (as phrase keys) before
    # the full match: most text fails on its second or third character.
    gate: int = 8
    # Gate answers kept per rule set.
    gate_memo: int = 8192
    # A block made of a few phrases glued together; a longer block is read at its edges only.
    whole_block_max_chars: int = 240
    # A longer block above (or around) an AI-image label is a paragraph, not its caption.
    caption_max_chars: int = 400
    # The same on a text page with no blank lines, where a caption must also be one sentence.
    lone_caption_max_chars: int = 250
    # A foreign-language block this short (or with this few words) beside chrome is interface.
    foreign_max_chars: int = 60
    foreign_max_words: int = 6
    # ... and its language must be this sure (share of the block times confidence):
    # below it, a few words may be the page's own language misread.
    foreign_min_confidence: float = 0.5
    # An HTML page with no article-length paragraph and fewer letters than this holds no article.
    not_article_max_letters: int = 300
    # ... unless it holds at least this many prose blocks (paragraphs ending like a
    # sentence) holding half its letters: a page of short real paragraphs is an
    # article; a login wall has one sentence ("Sign in to continue reading.").
    not_article_min_prose: int = 2
    # ... and it must have at least this many blocks to be shaped like a list:
    # a page of a line or two ("Test", one sentence) is a short page, kept.
    not_article_min_blocks: int = 4


@dataclass(frozen=True)
class SitesConfig:
    """Site packs learned from a crawl, and the learning (`cleaner.sites`)."""

    # A folder of learned packs (one TOML per host), or `RulePack` objects with a
    # host; each page gets its host's pack.  None: no site packs.
    site_packs: Any = None
    # A host with fewer distinct articles learns nothing: with three pages, two
    # stories that share a paragraph (a quote, a correction) look like a template.
    # bench/sites.py: at 3 the pass count is the same and the trap pages still pass;
    # 4 keeps a margin (see bench/RESULTS.md).
    min_articles: int = 4
    # A block is the site's own when it is on at least this share of the host's
    # distinct articles, and on at least ``min_seen`` of them.  Chrome is on
    # (nearly) every page; a teaser box rotates but holds a story for days.
    min_share: float = 0.5
    min_seen: int = 3
    # Blocks longer than this are article paragraphs, never learned (a long
    # disclaimer under every article is still shorter).
    max_chars: int = 600
    # Blocks at least this long tell an article's copies apart: two pages that share
    # two of them, found on exactly those few pages, carry the same story.  A
    # sentence of news prose is longer; a headline, a menu line or a byline shorter.
    same_article_chars: int = 80
    # A key (address, headline) or block on more pages than this (or than half of
    # the host's) joins none: no story has that many copies, a site-wide one names the site.
    max_copies: int = 8
    # Pages of one host that learning keeps, sampled by address: chrome is on half
    # of them or more, so 2,000 see it as surely as 200,000 do; memory stays flat
    # (about 10 MB per host at 2,000 pages, bench/sites.py --memory).
    max_pages: int = 2000


@dataclass(frozen=True)
class ResultConfig:
    """Building the result (`cleaner.result`)."""

    # A first block longer than this is not taken for an untitled page's headline.
    title_max_chars: int = 200
    # Pages whose language is not one of these come out with no text and a
    # "skipped" reason (trafilatura's target_language); None keeps every page.
    target_languages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CleanerConfig:
    """All settings, one group per stage; `replace` takes flat keyword overrides."""

    load: LoadConfig = field(default_factory=LoadConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    text: TextConfig = field(default_factory=TextConfig)
    html: HtmlConfig = field(default_factory=HtmlConfig)
    detect: DetectConfig = field(default_factory=DetectConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    sites: SitesConfig = field(default_factory=SitesConfig)
    result: ResultConfig = field(default_factory=ResultConfig)

    def replace(self, **overrides: Any) -> CleanerConfig:
        """A copy with settings changed by their field name (``max_bytes=...``) or alias.

        Aliases are the `Cleaner` keywords: ``rules`` (packs), ``builtin_rules``,
        ``detector`` (backend).  An unknown name is a `TypeError`, as for a function.
        """
        groups: dict[str, dict[str, Any]] = {}
        for name, value in overrides.items():
            group, key = _where(name)
            groups.setdefault(group, {})[key] = _normal(key, value)
        return replace(self, **{group: replace(getattr(self, group), **values) for group, values in groups.items()})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, as recorded in provenance: packs and backends by name.

        Built once per config (a config never changes) and copied for each caller.
        """
        return {group: {key: list(value) if isinstance(value, list) else value for key, value in values.items()}
                for group, values in self._dict().items()}

    @cache  # noqa: B019 - a frozen config is its own key, and there are a handful per process
    def _dict(self) -> dict[str, Any]:
        out = asdict(self)
        for part in fields(self):
            for setting in fields(getattr(self, part.name)):
                if setting.metadata == _WHEN_ON and out[part.name][setting.name] == setting.default:
                    del out[part.name][setting.name]
        out["rules"]["packs"] = [_describe(p) for p in self.rules.packs]
        site_packs = self.sites.site_packs
        if site_packs is not None and not isinstance(site_packs, (str, Path)):
            out["sites"]["site_packs"] = [_describe(p) for p in site_packs]
        elif site_packs is not None:
            out["sites"]["site_packs"] = str(site_packs)
        backend = self.detect.backend
        out["detect"]["backend"] = backend if isinstance(backend, str) else getattr(backend, "name", type(backend).__name__)
        for group, key in (("detect", "languages"), ("result", "target_languages")):
            value = getattr(getattr(self, group), key)
            out[group][key] = list(value) if value is not None else None
        return out


_ALIASES = {"rules": ("rules", "packs"), "builtin_rules": ("rules", "builtin"), "detector": ("detect", "backend")}


def _where(name: str) -> tuple[str, str]:
    if name in _ALIASES:
        return _ALIASES[name]
    for group in fields(CleanerConfig):
        if name in {f.name for f in fields(group.default_factory)}:  # type: ignore[arg-type]
            return group.name, name
    raise TypeError(f"unknown cleaner option {name!r}")


def _normal(key: str, value: Any) -> Any:
    """Lists become tuples (the config stays hashable); languages sorted and deduplicated."""
    if key in ("languages", "target_languages"):
        return tuple(sorted(set(value))) if value else None
    if key == "packs":
        return tuple(value)
    if key == "site_packs" and value is not None and not isinstance(value, (str, Path)):
        return tuple(value)
    if key == "backend" and value is None:
        return DetectConfig.backend
    return value


def _describe(pack: Any) -> str:
    if isinstance(pack, (str, Path)):
        return str(pack)
    return getattr(pack, "id", type(pack).__name__)


def flat_names() -> Iterable[str]:
    """Every keyword `CleanerConfig.replace` accepts."""
    yield from _ALIASES
    for group in fields(CleanerConfig):
        yield from (f.name for f in fields(group.default_factory))  # type: ignore[arg-type]
