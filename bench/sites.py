"""Learning each site's own chrome: crawls built from the langid sentences, cleaned with and without learning.

Every page of a crawl is built here from a template of its site and
sentences of ``../shared/bench/langid/sentences`` (see ATTRIBUTION.md there):
article paragraphs are sentences never used twice, so what a page must keep
and what is chrome is known by construction.  The sites' chrome is written
here, in each site's language (a tagline, an app promo, an editor's note,
tips to the newsroom, a disclaimer, a "most read" box of other stories):
strings no shipped pack lists.  The traps of issue #16 are in the crawl:

- the "most read" box holds three stories' headlines on every page, and a
  "read next" link one other story's: teasers there, the headline on the
  story's own page (it must stay there);
- one story is served at three addresses (print and app copies);
- a site quotes its own tagline inside an article's running text;
- a small site (three pages) whose stories share a background paragraph;
- an editor's note under some stories only (about two in three), on two
  sites written into the story's last paragraph.

A page passes when every article paragraph and its headline are kept and no
chrome string is left.  It prints, for the cleaner without site packs, with
packs learned from the crawl, and for trafilatura with ``deduplicate=True``:
pages that pass, chrome leaked (chrome strings left / chrome strings on the
pages), retention (article paragraphs kept / article paragraphs), and the
cost of learning per page next to the cost of cleaning.  ``--sweep`` also
runs the thresholds of `cleaner.config.SitesConfig` at other values.
``--memory N`` learns N pages of one host and of ten hosts and prints the
peak memory (tracemalloc).

    PYTHONPATH=. .venv/bin/python bench/sites.py [--sweep] [--memory 10000]

This prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import random
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import ftfy

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = (REPO_ROOT.parent / "shared" / "bench" / "langid" / "sentences").resolve()


@dataclass
class Site:
    host: str
    lang: str
    template: str  # "portal" | "soup" | "blog"
    chrome: dict[str, str]  # role -> text in the site's language
    pages: int = 6
    nav: tuple[str, ...] = ()
    quote_tagline: bool = False  # one article quotes the tagline in a sentence
    copies: int = 1  # the first story is served at this many addresses
    shared_background: bool = False  # every story ends with the same background paragraph (an article's own)


SITES = [
    Site("novosti-dnya.example.ru", "ru", "portal", {
        "tagline": "Новости дня — честно и без спешки",
        "promo": "Скачайте наше приложение и читайте новости первыми",
        "note": "От редакции: мнение автора может не совпадать с позицией редакции.",
        "tips": "Есть чем поделиться? Пишите в редакцию: tips@novosti-dnya.example.ru",
        "disclaimer": "Материалы сайта предназначены для лиц старше 16 лет. Перепечатка только с разрешения редакции.",
        "most_read": "Самое читаемое",
    }, nav=("Главная", "Политика", "Экономика", "Общество", "Спорт")),
    Site("tagesblick.example.de", "de", "soup", {
        "tagline": "Der Tagesblick – unabhängig seit 1948",
        "promo": "Holen Sie sich die Tagesblick-App für Ihr Smartphone",
        "note": "Hinweis der Redaktion: Dieser Artikel wurde nach Erscheinen ergänzt.",
        "tips": "Sie haben einen Hinweis für uns? Schreiben Sie an hinweise@tagesblick.example.de",
        "disclaimer": "Alle Angaben ohne Gewähr. Kursdaten mit einer Verzögerung von 15 Minuten.",
        "most_read": "Meistgelesen",
    }, pages=8, copies=3, nav=("Startseite", "Politik", "Wirtschaft", "Kultur")),
    Site("diario-sur.example.es", "es", "blog", {
        "tagline": "La verdad no tiene dueño",
        "promo": "Descarga nuestra aplicación y recibe las noticias al instante",
        "note": "Nota del editor: este artículo forma parte de nuestra serie especial.",
        "tips": "¿Tienes información? Escríbenos a redaccion@diario-sur.example.es",
        "disclaimer": "Las opiniones de los lectores no representan la línea editorial de este diario.",
        "most_read": "Lo más leído",
    }, quote_tagline=True, nav=("Portada", "Nacional", "Internacional", "Deportes")),
    Site("xinwen.example.cn", "zh", "portal", {
        "tagline": "新闻每日 真实可信",
        "promo": "下载我们的客户端，第一时间获取新闻",
        "note": "编者按：本文观点仅代表作者本人。",
        "tips": "新闻线索请发送至 tips@xinwen.example.cn",
        "disclaimer": "未经授权不得转载，违者必究。",
        "most_read": "热门文章",
    }, nav=("首页", "国内", "国际", "财经")),
    Site("nippon-times.example.jp", "ja", "soup", {
        "tagline": "毎日の確かなニュースをあなたに",
        "promo": "公式アプリでニュースをいち早くチェック",
        "note": "編集部注：この記事は公開後に一部修正しました。",
        "tips": "情報提供はこちら：tips@nippon-times.example.jp",
        "disclaimer": "掲載された記事の無断転用を禁じます。",
        "most_read": "よく読まれている記事",
    }, nav=("トップ", "政治", "経済", "社会")),
    Site("wiadomosci.example.pl", "pl", "blog", {
        "tagline": "Wiadomości, którym możesz zaufać",
        "promo": "Pobierz naszą aplikację i czytaj bez reklam",
        "note": "Od redakcji: tekst ukazał się także w wydaniu papierowym.",
        "tips": "Masz temat? Napisz do nas: kontakt@wiadomosci.example.pl",
        "disclaimer": "Redakcja nie ponosi odpowiedzialności za treść komentarzy.",
        "most_read": "Najczęściej czytane",
    }, nav=("Strona główna", "Kraj", "Świat", "Sport")),
    # Too few stories to learn from: three stories of a series that share their background paragraph.
    Site("maly-portal.example.ua", "uk", "blog", {
        "tagline": "Наш маленький портал",
        "promo": "", "note": "", "tips": "", "disclaimer": "", "most_read": "",
    }, pages=3, shared_background=True, nav=("Головна", "Новини")),
]


@dataclass
class Page:
    host: str
    url: str
    html: str
    headline: str
    paragraphs: list[str]
    chrome: list[str] = field(default_factory=list)  # chrome strings on the page


class Sentences:
    """Sentences of one language, each used once."""

    def __init__(self, lang: str) -> None:
        lines = (DATA / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        # Some lines hold HTML entities ("&#151;") or mojibake: a page shows what they stand for.
        lines = [" ".join(ftfy.fix_text(html.unescape(line)).split()) for line in lines]  # and cp1252 quotes
        self.lines = [line for line in lines if len(line.split()) >= 4 or len(line) >= 25]
        self.at = 0

    def take(self, n: int = 1) -> str:
        taken = self.lines[self.at:self.at + n]
        self.at += n
        return " ".join(taken)


def build_site(site: Site) -> list[Page]:
    """The pages of one site: stories, each with the site's chrome around it."""
    words = Sentences(site.lang)
    rng = random.Random(site.host)
    stories = []
    background = words.take(2) if site.shared_background else None
    for i in range(site.pages - site.copies + 1):
        headline = words.take(1)[:90].rstrip(" ,.;:")
        paragraphs = [words.take(rng.choice((1, 2, 3))) for _ in range(rng.randint(3, 6))]
        if background:
            paragraphs.append(background)
        stories.append((f"https://{site.host}/{i + 1:03d}-story", headline, paragraphs))
    if site.quote_tagline:  # a sentence that quotes the site's tagline: the article's own words
        url, headline, paragraphs = stories[1]
        paragraphs.insert(1, f"El director recordó el lema «{site.chrome['tagline']}» durante la presentación del informe anual.")
    top = [headline for _, headline, _ in stories[:3]]  # the "most read" box: the first three stories
    pages = []
    for index, (url, headline, paragraphs) in enumerate(stories):
        following = stories[(index + 1) % len(stories)][1]  # "read next": one other story, a new one on each page
        addresses = [url] + ([f"{url}?print=1", url.replace(f"https://{site.host}/", f"https://{site.host}/app/")]
                             if index == 0 else [])
        for address in addresses[:site.copies if index == 0 else 1]:
            pages.append(_page(site, address, headline, paragraphs, top, rng, following))
    return pages


def digest(text: str) -> int:
    """A stable number for a text (``hash`` changes between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")


def _page(site: Site, url: str, headline: str, paragraphs: list[str], top: list[str], rng: random.Random,
          following: str | None = None) -> Page:
    c = {k: html.escape(v) for k, v in site.chrome.items()}
    e = html.escape
    teasers = [t for t in top if t != headline] if c["most_read"] else []
    if following and following != headline and c["most_read"]:
        teasers.append(following)
    # The editor's note sits under two stories in three (opinion pieces): chrome of the site, not of every page.
    if int(digest(url)) % 3 == 0 and url.endswith("story"):
        c["note"] = ""
    chrome = [v for k, v in site.chrome.items() if v and k not in ("most_read", "note")] + teasers
    chrome += [site.chrome["note"]] if c["note"] else []
    body = [f"<p>{e(p)}</p>" for p in paragraphs]
    if c["promo"]:
        body.insert(min(2, len(body)), f"<p class=\"app\"><strong>{c['promo']}</strong></p>" if site.template != "soup"
                    else f"<div class=\"box-app\">{c['promo']}</div>")
    if c["note"] and site.template == "blog":  # written into the story's last paragraph
        body[-1] = body[-1].replace("</p>", f" <em>{c['note']}</em></p>")
    elif c["note"]:
        body.append(f"<p><em>{c['note']}</em></p>")
    if c["tips"]:
        body.append(f"<p class=\"tips\">{c['tips']}</p>")
    nav = "".join(f"<li><a href=\"/{i}\">{e(n)}</a></li>" for i, n in enumerate(site.nav))
    box = ""
    if teasers:
        items = "".join(f"<li><a href=\"/t{i}\">{e(t)}</a></li>" for i, t in enumerate(top))
        box = f"<aside class=\"popular\"><h3>{c['most_read']}</h3><ol>{items}</ol></aside>"
        if following and following != headline:
            box += f"<div class=\"next\"><a href=\"/next\">{e(following)}</a></div>"
    footer = f"<footer><p>{c['disclaimer']}</p><p><a href=\"/about\">{e(site.nav[0])}</a></p></footer>" \
        if c["disclaimer"] else "<footer></footer>"
    title = f"<title>{e(headline)} | {e(site.host)}</title>"
    if site.template == "soup":
        page = (f"<html><head>{title}</head><body><div class=\"top\"><div class=\"logo\">{e(site.host)}</div>"
                f"<div class=\"claim\">{c['tagline']}</div></div><div class=\"menu\"><ul>{nav}</ul></div>"
                f"<div class=\"content\"><div class=\"story\"><h1>{e(headline)}</h1>{''.join(body)}</div>{box}</div>"
                f"{footer}</body></html>")
    else:
        page = (f"<html lang=\"{site.lang}\"><head>{title}<meta property=\"og:title\" content=\"{e(headline)}\">"
                f"</head><body><header><a class=\"logo\" href=\"/\">{e(site.host)}</a><p class=\"tagline\">{c['tagline']}</p>"
                f"<nav><ul>{nav}</ul></nav></header><main><article><h1>{e(headline)}</h1>{''.join(body)}</article>"
                f"{box}</main>{footer}</body></html>")
    return Page(site.host, url, page, headline, paragraphs, chrome)


def crawl() -> list[Page]:
    return [page for site in SITES for page in build_site(site)]


# Crawl B: other sites, other words and one more template ("magazine": <div> classes, a slogan in a
# <span>, a promo box between paragraphs, a disclaimer in <small> inside the last paragraph, a "related"
# link two stories on), written after the thresholds were chosen on the crawl above.
OTHER = [
    ("lemonde-x.example.fr", "fr", "L'information qui compte, chaque matin", "Abonnez-vous pour lire la suite de nos enquêtes exclusives",
     "Une info ? Contactez la rédaction en toute confidentialité", "Cet article est réservé à un usage personnel et ne peut être reproduit."),
    ("corriere-x.example.it", "it", "Il giornale della tua città", "Scarica la nostra app gratuita per restare sempre aggiornato",
     "Hai una segnalazione? Scrivi alla redazione", "La riproduzione di questo articolo è vietata senza autorizzazione."),
    ("folha-x.example.br", "pt", "Jornalismo independente desde 1921", "Receba as principais notícias do dia no seu e-mail",
     "Envie sua sugestão de pauta para a nossa equipe", "Os comentários não refletem a opinião do jornal."),
    ("nos-x.example.nl", "nl", "Nieuws dat ertoe doet", "Download onze app en mis geen enkel nieuwsbericht meer",
     "Tip de redactie via ons beveiligde formulier", "Overname van artikelen is niet toegestaan zonder toestemming."),
    ("dnes-x.example.bg", "bg", "Новините, на които вярвате", "Изтеглете нашето приложение за най-новите новини",
     "Имате сигнал? Пишете на редакцията", "Мненията в коментарите не отразяват позицията на редакцията."),
    ("kaz-x.example.kz", "kk", "Елдің жаңалықтары бір жерде", "Біздің қосымшаны жүктеп алыңыз",
     "Жаңалық бар ма? Редакцияға жазыңыз", "Материалдарды көшіруге тыйым салынады."),
]


def crawl_b() -> list[Page]:
    e, pages = html.escape, []
    for host, lang, slogan, promo, tips, disclaimer in OTHER:
        words, rng = Sentences(lang), random.Random(host)
        stories = [(f"https://{host}/2024/{i}/story.html", words.take(1)[:80].rstrip(" ,.;:"),
                    [words.take(rng.choice((1, 2))) for _ in range(rng.randint(3, 6))]) for i in range(6)]
        for i, (url, headline, paragraphs) in enumerate(stories):
            related = stories[(i + 2) % 6][1]
            body = "".join(f"<p>{e(p)}</p>" for p in paragraphs[:-1]) + \
                f"<p>{e(paragraphs[-1])} <small>{e(disclaimer)}</small></p>"
            body = body.replace("</p>", f"</p><div class='inline-promo'><span>{e(promo)}</span></div>", 1)
            page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{e(headline)} - {host}</title>"
                    f"<link rel='canonical' href='{url}'></head><body><div id='masthead'><a href='/'><img src='l.png' "
                    f"alt='{host}'></a><span class='slogan'>{e(slogan)}</span></div><div class='layout'>"
                    f"<div class='main-col'><h1 class='title'>{e(headline)}</h1><div class='article-body'>{body}</div>"
                    f"<div class='tipline'>{e(tips)}</div><div class='related'><a href='/r'>{e(related)}</a></div></div>"
                    f"<div class='sidebar'><p>{e(promo)}</p></div></div><div class='footer'>© {host}</div></body></html>")
            pages.append(Page(host, url, page, headline, paragraphs, [slogan, promo, tips, disclaimer, related]))
    return pages


# --- scoring ---------------------------------------------------------------------

def _norm(text: str) -> str:
    return " ".join(text.split())


def score(pages: list[Page], outputs: list[tuple[str, str]]) -> dict[str, float]:
    """Pages that pass, chrome leaked and retention of (title, text) outputs."""
    passed = leaked = chrome_total = kept = paragraphs = 0
    for page, (title, text) in zip(pages, outputs):
        body, everything = _norm(text), _norm(f"{title}\n{text}")
        own = [_norm(p) for p in page.paragraphs]
        keep = sum(p in body for p in own) + 0
        left = sum(_norm(c) in body and not any(_norm(c) in p for p in own) for c in page.chrome)
        headline_kept = _norm(page.headline) in everything
        kept += keep
        paragraphs += len(own)
        leaked += left
        chrome_total += len(page.chrome)
        passed += keep == len(own) and headline_kept and left == 0
    return {"pass": passed, "pages": len(pages), "leaked": leaked / max(1, chrome_total), "retention": kept / paragraphs}


def run_cleaner(pages: list[Page], site_packs=None) -> list[tuple[str, str]]:
    from cleaner import Cleaner

    cleaner = Cleaner(site_packs=site_packs)
    outs = []
    for page in pages:
        result = cleaner.clean(page.html, url=page.url)
        outs.append((result.title or "", result.text))
    return outs


def run_trafilatura(pages: list[Page]) -> list[tuple[str, str]]:
    import trafilatura
    from trafilatura.meta import reset_caches

    reset_caches()
    outs = []
    for page in pages:
        doc = trafilatura.bare_extraction(page.html, url=page.url, deduplicate=True, with_metadata=True)
        outs.append(((doc.title or "") if doc else "", (doc.text or "") if doc else ""))
    return outs


def learn(pages: list[Page], **settings):
    from cleaner import CleanerConfig
    from cleaner.sites import learn_sites

    config = CleanerConfig().replace(**settings) if settings else None
    return learn_sites(({"url": p.url, "html": p.html} for p in pages), config)


def timed(work) -> float:
    """Seconds of the fastest of three runs (the machine is shared: the least disturbed run)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweep", action="store_true", help="also try other learning thresholds")
    parser.add_argument("--memory", type=int, metavar="N", help="peak memory of learning N pages")
    args = parser.parse_args(argv)
    pages = crawl()
    print(f"crawl: {len(pages)} pages, {len(SITES)} sites ({', '.join(s.lang for s in SITES)})\n")
    packs = learn(pages)  # also loads the language model: the timings below are of warm runs
    rows = [("cleaner, no site packs", score(pages, run_cleaner(pages)))]
    learn_s, clean_s = timed(lambda: learn(pages)), timed(lambda: run_cleaner(pages))
    rows.append(("cleaner, learned site packs", score(pages, run_cleaner(pages, packs))))
    rows.append(("trafilatura deduplicate=True", score(pages, run_trafilatura(pages))))
    print("| run | pages that pass | chrome leaked | retention |")
    print("| --- | --- | --- | --- |")
    for name, s in rows:
        print(f"| {name} | {s['pass']}/{s['pages']} | {s['leaked']:.1%} | {s['retention']:.3f} |")
    print(f"\nlearning: {1000 * learn_s / len(pages):.1f} ms/page; cleaning (no packs): {1000 * clean_s / len(pages):.1f} ms/page; "
          f"{sum(1 for _ in packs)} packs, {sum(p.toml.count('[[rules]]') for p in packs)} rules")
    other = crawl_b()
    print(f"\ncrawl B: {len(other)} pages, {len(OTHER)} sites ({', '.join(o[1] for o in OTHER)}), another template\n")
    print("| run | pages that pass | chrome leaked | retention |")
    print("| --- | --- | --- | --- |")
    for name, outs in (("cleaner, no site packs", run_cleaner(other)),
                       ("cleaner, learned site packs", run_cleaner(other, learn(other))),
                       ("trafilatura deduplicate=True", run_trafilatura(other))):
        s = score(other, outs)
        print(f"| {name} | {s['pass']}/{s['pages']} | {s['leaked']:.1%} | {s['retention']:.3f} |")
    if args.sweep:
        print("\n| min_articles | min_seen | min_share | pages that pass | chrome leaked | retention |")
        print("| --- | --- | --- | --- | --- | --- |")
        for min_articles, min_seen, min_share in ((2, 2, 0.3), (3, 2, 0.5), (3, 3, 0.5), (4, 3, 0.5), (4, 3, 0.3),
                                                  (4, 3, 0.7), (4, 4, 0.5), (5, 3, 0.5)):
            settings = {"min_articles": min_articles, "min_seen": min_seen, "min_share": min_share}
            s = score(pages, run_cleaner(pages, learn(pages, **settings)))
            print(f"| {min_articles} | {min_seen} | {min_share} | {s['pass']}/{s['pages']} | {s['leaked']:.1%} "
                  f"| {s['retention']:.3f} |")
    if args.memory:
        memory(args.memory)
    return 0


def memory(n: int) -> None:
    """Peak traced memory of learning pages of one host and of ten hosts, n/10 and n pages in all."""
    from cleaner.sites import learn_sites

    site = SITES[0]
    pool = Sentences(site.lang).lines

    def pages(size: int, hosts: int):
        rng = random.Random(7)
        for i in range(size):
            host = f"h{i % hosts}.{site.host}"
            paragraphs = [" ".join(rng.sample(pool, 2)) for _ in range(5)]
            template = Site(host, site.lang, "portal", site.chrome, nav=site.nav)
            yield {"url": f"https://{host}/{i}",
                   "html": _page(template, f"https://{host}/{i}", f"{i} {pool[i % len(pool)][:60]}", paragraphs, [], rng).html}

    learn_sites(pages(20, 1))  # the language model loads once, before anything is measured
    for hosts in (1, 10):
        for size in (n // 10, n):
            tracemalloc.start()
            learn_sites(pages(size, hosts))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"learning {size:,} pages of {hosts} host(s): peak {peak / 2**20:.1f} MiB")
    built = list(pages(n, 1))
    print(f"learning {n:,} pages of 1 host, untraced: {1000 * timed(lambda: learn_sites(built)) / n:.2f} ms/page")


if __name__ == "__main__":
    sys.exit(main())
