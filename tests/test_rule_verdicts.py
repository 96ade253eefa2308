"""The rules on a `Document` built by hand: each action's verdict, without extraction or detection.

Blocks are laid out as an extractor would (a blank line between groups); every
run is tagged by its script (Latin English, Cyrillic Russian) with full confidence.
"""

from __future__ import annotations

import pytest

from cleaner.config import RulesConfig
from cleaner.detect import majority_language, script_runs
from cleaner.document import UNDETERMINED, Block, Document, Input, Layout, Removal
from cleaner.rules import Action, RuleSet, builtin_packs

RULES = RuleSet(builtin_packs())
LANG_OF_SCRIPT = {"Latn": "en", "Cyrl": "ru"}
STORY = "The regional council approved the new budget after a long debate on Tuesday evening."
MORE = "Spending on schools and roads rises next year, and the deficit narrows to two percent."


def page(*items: str | list[str] | Block, html: bool = False, language: str = "en") -> Document:
    """A document of blocks: a string is a paragraph, a list holds touching lines (one group),
    a `Block` keeps its kind and level."""
    doc = Document(Input(""))
    doc.input_kind, doc.language = ("html" if html else "text"), language
    for group, item in enumerate(items, start=1):
        for n, line in enumerate(item if isinstance(item, list) else [item]):
            doc.source += ("\n" if n else "\n\n") if doc.source else ""
            block = line if isinstance(line, Block) else Block(line, 0, 0)
            block.start, block.end, block.group = len(doc.source), len(doc.source) + len(block.text), group
            doc.source += block.text
            block.runs = script_runs(block.text, block.start)
            for run in block.runs:
                run.lang = LANG_OF_SCRIPT.get(run.script, UNDETERMINED)
                run.confidence = 1.0 if run.lang != UNDETERMINED else 0.0
            block.lang, block.confidence = majority_language(block.runs)
            doc.blocks.append(block)
    return doc


def heading(text: str, level: int = 2) -> Block:
    return Block(text, 0, 0, kind="heading", level=level)


def kept(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if not b.dropped]


def removal(block: Block, text: str, rule: str, category: str, lang: str, action: str) -> Removal:
    start = block.start + block.text.index(text)
    return Removal(text, rule, category, lang, start, start + len(text), action)


def test_a_block_that_is_a_phrase_is_dropped_by_its_rule():
    doc = RULES.apply(page("Budget approved", STORY, "Поделиться"))
    share = doc.blocks[2]
    assert share.dropped and share.cuts == [(0, len("Поделиться"))]
    assert share.removals == [removal(share, "Поделиться", "share/share-buttons", "share", "ru", "drop_block")]
    assert kept(doc) == ["Budget approved", STORY]


def test_glued_phrases_are_one_hit_each():
    doc = RULES.apply(page(STORY, "Поделиться • Share"))
    block = doc.blocks[1]
    assert block.dropped
    assert [(r.text, r.lang) for r in block.removals] == [("Поделиться", "ru"), ("Share", "en")]


def test_a_label_glued_to_its_caption_takes_the_caption():
    caption = "Diplomats meet in a hall, an illustration of historical aggression."
    label = "Изображение, созданное ИИ"
    doc = RULES.apply(page("Talks in Moscow", caption + label, STORY))
    block = doc.blocks[1]
    assert block.dropped
    assert block.removals == [
        removal(block, label, "ai-labels/ai-image-label", "ai_image_label", "ru", "drop_caption"),
        removal(block, caption, "ai-labels/ai-image-label", "ai_image_caption", "en", "drop_caption"),
    ]
    assert kept(doc) == ["Talks in Moscow", STORY]


def test_a_label_glued_to_the_start_of_a_paragraph_is_stripped_alone():
    text = "Сообщено ИИChina and Russia held talks in Moscow on Tuesday about regional security."
    doc = RULES.apply(page("Talks", text))
    block = doc.blocks[1]
    assert not block.dropped
    assert block.removals == [removal(block, "Сообщено ИИ", "ai-labels/ai-text-label", "ai_text_label", "ru", "strip")]
    assert [block.text[s:e] for s, e in block.kept_pieces()] == [text[len("Сообщено ИИ"):]]


def test_the_caption_above_a_standalone_label_goes_with_it():
    caption, label = "Diplomats meet in a hall in Moscow.", "Изображение, созданное ИИ"
    doc = RULES.apply(page("Talks in Moscow", [caption, label], STORY))
    above, under = doc.blocks[1], doc.blocks[2]
    assert under.removals == [removal(under, label, "ai-labels/ai-image-label", "ai_image_label", "ru", "drop_caption")]
    assert above.dropped
    assert above.removals == [removal(above, caption, "ai-labels/ai-image-label", "ai_image_caption", "en",
                                      "drop_caption")]
    assert kept(doc) == ["Talks in Moscow", STORY]


def test_a_label_keeps_a_caption_in_another_group():
    caption, label = "Diplomats meet in a hall in Moscow.", "Изображение, созданное ИИ"
    doc = RULES.apply(page("Talks in Moscow", caption, label, STORY))
    assert kept(doc) == ["Talks in Moscow", caption, STORY]


def test_a_section_heading_takes_its_section_up_to_the_next_heading_of_its_level():
    doc = RULES.apply(page(STORY, heading("Related articles"), "Teaser one about the port", heading("Harbour works", 3),
                           "Teaser two about the bridge", heading("What the council said"), MORE, html=True))
    assert kept(doc) == [STORY, "What the council said", MORE]
    section = doc.blocks[1:5]
    assert {(r.rule, r.category, r.action) for b in section for r in b.removals} == {
        ("related/related-heading", "related", "drop_section")}
    assert [r.text for b in section for r in b.removals] == [b.text for b in section]


def test_a_section_stops_at_the_article_when_more_article_follows_than_precedes():
    doc = RULES.apply(page("Related articles", "Teaser headline one", STORY, MORE))
    assert kept(doc) == [STORY, MORE]
    assert [r.category for b in doc.blocks for r in b.removals] == ["related", "related"]


def test_drop_rest_takes_everything_after_it_headings_too():
    doc = RULES.apply(page(STORY, MORE, heading("Comments"), "Great piece!", heading("Ports and harbours"),
                           "The ferry runs again", html=True))
    assert kept(doc) == [STORY, MORE]
    assert {(r.rule, r.action) for b in doc.blocks[2:] for r in b.removals} == {
        ("comments/comments-heading", "drop_rest")}


def test_a_short_foreign_block_beside_chrome_is_interface():
    doc = RULES.apply(page("Budget approved", STORY, "Слава героям", MORE, "Поделиться", "Наверх страницы"))
    last = doc.blocks[5]
    assert last.removals == [removal(last, "Наверх страницы", "language/foreign-short-block", "ui_foreign", "ru",
                                     "drop_block")]
    # Inside the story and beside no chrome, the same kind of line stays.
    assert kept(doc) == ["Budget approved", STORY, "Слава героям", MORE]


def test_an_html_page_of_short_blocks_is_no_article():
    lines = [f"Headline number {i} about the city" for i in range(5)]
    doc = RULES.apply(page(*lines, html=True))
    rule = RULES.markup("not-an-article")
    assert kept(doc) == []
    assert doc.reason == rule.reason("short")
    assert [b.removals for b in doc.blocks] == [[removal(b, b.text, rule.name, "not_article", "en", "drop_block")]
                                               for b in doc.blocks]
    # A text page is never judged so: it is what the caller gave as the article.
    assert kept(RULES.apply(page(*lines))) == lines


def test_a_pattern_rule_drops_the_block_it_matches():
    footer = "© 2024 Example News. All rights reserved."
    doc = RULES.apply(page("Budget approved", STORY, footer))
    block = doc.blocks[2]
    assert block.removals == [removal(block, footer, "site-chrome/copyright-footer", "navigation", "en", "drop_block")]


@pytest.mark.parametrize("line, rule", [
    ("CLICK HERE TO GET THE FOX NEWS APP", "advertising/app-promo"),
    ("Download our free app for breaking news alerts!", "advertising/app-promo"),
    ("Скачайте наше мобильное приложение", "advertising/app-promo"),
    ("Завантажуйте наш застосунок", "advertising/app-promo"),
    ("Laden Sie sich jetzt unsere News-App herunter", "advertising/app-promo"),
    ("Téléchargez l'application Le Monde", "advertising/app-promo"),
    ("Descarga la app de noticias", "advertising/app-promo"),
    ("Baixe o aplicativo do jornal", "advertising/app-promo"),
    ("Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", "share/follow-us"),
    ("Follow us on X", "share/follow-us"),
    ("Folgen Sie uns auf Facebook und Instagram", "share/follow-us"),
    ("Suivez-nous sur Twitter", "share/follow-us"),
    ("Síguenos en Facebook, X y TikTok", "share/follow-us"),
    ("Siga-nos no Instagram", "share/follow-us"),
    ("(Reporting by Tom Smith in London; Editing by Jane Doe)", "site-chrome/credit-line"),
    ("Additional reporting by Joseph Hudak", "site-chrome/credit-line"),
    ("Keith Bradsher contributed reporting from Hong Kong.", "site-chrome/credit-line"),
    ("SOURCE: News agencies", "site-chrome/credit-line"),
    ("Quelle: dpa", "site-chrome/credit-line"),
    ("Источник: ТАСС", "site-chrome/credit-line"),
    ("Published 18 November 2019", "site-chrome/dateline"),
    ("UPDATED: Tue., Nov. 19, 2019", "site-chrome/dateline"),
    ("Updated at 1:23 p.m.", "site-chrome/dateline"),
    ("기사입력 :[ 2018-09-28 17:32 ]", "site-chrome/dateline"),
    ("기사입력 2013-10-24 03:00:00 기사수정 2013-10-24 03:00:00", "site-chrome/dateline"),
    # With a time zone, the author or source after it, numbers only; in scripts of their own.
    ("November 20, 2019 - 11:28 AMT", "site-chrome/dateline"),
    ("24. März 2004, 19:49 | Genesis", "site-chrome/dateline"),
    ("11.09.2011, 16:20 von jovelstefan", "site-chrome/dateline"),
    ("Publié le 12/03/2020 à 10h32 par Jean Dupont", "site-chrome/dateline"),
    ("Monday, November 18, 2019 by Jeff Foust", "site-chrome/dateline"),
    ("Опубликовано 12.03.2020 в 10:32", "site-chrome/dateline"),
    ("2019-11-20 11:28", "site-chrome/dateline"),
    ("الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)", "site-chrome/dateline"),
    ("18 հունվարի 2018 - 15:01 AMT", "site-chrome/dateline"),
    ("2018/6/19 5:50", "site-chrome/dateline"),
    ("Page 1 of 3", "site-chrome/page-count"),
    ("This article is for subscribers only. Subscribe now for unlimited access.", "site-chrome/paywall-prompt"),
    ("Already a subscriber? Log in", "site-chrome/paywall-prompt"),
    ("Dieser Artikel ist nur für Abonnenten verfügbar.", "site-chrome/paywall-prompt"),
    ("Cet article est réservé aux abonnés.", "site-chrome/paywall-prompt"),
    ("¿Ya eres suscriptor? Inicia sesión", "site-chrome/paywall-prompt"),
    ("Чтобы продолжить чтение, оформите подписку", "site-chrome/paywall-prompt"),
    ("この記事は会員限定です。電子版に登録すると続きをお読みいただけます。", "site-chrome/paywall-prompt"),
    ("Seite 2 von 4", "site-chrome/page-count"),
    ("（1/3ページ）", "site-chrome/page-count"),
    ("Страница 2 из 5", "site-chrome/page-count"),
    ("AP-US--Trump-Impeachment, 4th Ld-Writethru", "site-chrome/wire-slug"),
    ("Keywords wine, frühburgunder, Ahr, Ahr Valley, pinot noir", "site-chrome/meta-line"),
    ("Permalink https://p.dw.com/p/18l3T", "site-chrome/meta-line"),
    ("05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde - Tags: sad arrombamento veiculo",
     "site-chrome/meta-line"),
    ("Schlagwörter: Bundestag, Wahl, SPD", "site-chrome/meta-line"),
    ("Mots-clés : élections, Macron", "site-chrome/meta-line"),
    ("Теги: политика, выборы", "site-chrome/meta-line"),
    ("Write to Al Root at allen.root@dowjones.com", "site-chrome/contact-line"),
    ("Reach the reporters on Twitter at http://twitter.com/MegKinnardAP and http://twitter.com/emarvelous",
     "site-chrome/contact-line"),
    ("Click here to subscribe to The Paradigm Newsletter", "newsletter/newsletter-signup"),
    ("Print article", "share/share-buttons"),
    # The phrase packs in twelve more languages: one UI line or more each.
    ("Lees ook: Kabinet valt over het stikstofplan", "read-also/read-also-line"),
    ("Deel dit artikel", "share/share-buttons"),
    ("Schrijf je in voor de dagelijkse nieuwsbrief van de krant", "newsletter/newsletter-signup"),
    ("İLGİLİ HABER: Ankara'da yeni bütçe kabul edildi", "read-also/read-also-line"),
    ("Reklam", "advertising/advertising-label"),
    ("Tümünü kabul et", "cookie-consent/cookie-button"),
    ("اقرأ أيضاً: الحكومة تقر الموازنة الجديدة", "read-also/read-also-line"),
    ("إعلان", "advertising/advertising-label"),
    ("[관련기사] 시의회, 새 예산안 통과", "read-also/read-also-line"),
    ("기사 공유하기", "share/share-buttons"),
    ("Čtěte také: Vláda schválila rozpočet na příští rok", "read-also/read-also-line"),
    ("Komerční sdělení", "advertising/advertising-label"),
    ("Läs mer: Regeringen lägger fram budgeten", "read-also/read-also-line"),
    ("Annons", "advertising/advertising-label"),
    ("Prenumerera på vårt nyhetsbrev", "newsletter/newsletter-signup"),
    ("Baca juga: DPR sahkan anggaran tahun depan", "read-also/read-also-line"),
    ("Bagikan artikel ini", "share/share-buttons"),
    (">> Xem thêm: Quốc hội thông qua ngân sách", "read-also/read-also-line"),
    ("Quảng cáo", "advertising/advertising-label"),
    ("קראו גם: הממשלה אישרה את התקציב", "read-also/read-also-line"),
    ("פרסומת", "advertising/advertising-label"),
    ("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ: Ψηφίστηκε ο νέος προϋπολογισμός", "read-also/read-also-line"),
    ("Διαφήμιση", "advertising/advertising-label"),
    ("Citește și: Guvernul a aprobat bugetul", "read-also/read-also-line"),
    ("Articolul continuă după reclamă", "advertising/advertising-label"),
    ("Distribuiţi", "share/share-buttons"),  # the cedilla letter older sites print
    ("Kapcsolódó: Elfogadták a költségvetést", "read-also/read-also-line"),
    ("Hirdetés", "advertising/advertising-label"),
    ("Iratkozzon fel napi hírlevelünkre!", "newsletter/newsletter-signup"),
])
def test_a_chrome_line_between_paragraphs_goes_by_its_rule(line, rule):
    # App promotions, follow-us lines, credits, sources, datelines, slugs, contact lines.
    doc = RULES.apply(page(STORY, line, MORE))
    assert kept(doc) == [STORY, MORE]
    assert doc.blocks[1].removals[0].rule == rule


def test_a_table_row_of_a_date_and_a_name_is_data_not_a_dateline():
    cells = ("Sat 12.10.2019 15:30", "Bayern München")
    row = Block(" | ".join(cells), 0, 0, kind="table", layout=Layout(cells=cells))
    assert kept(RULES.apply(page(STORY, row, MORE))) == [STORY, row.text, MORE]
    line = Block("Sat 12.10.2019 15:30 | Bayern München", 0, 0)  # the same text as a line is one
    assert kept(RULES.apply(page(STORY, line, MORE))) == [STORY, MORE]


def test_a_most_read_label_naming_its_section_goes_alone():
    # Where trafilatura already dropped the box, article text follows the label.
    doc = RULES.apply(page(STORY, heading("Most read in world news"), MORE))
    assert kept(doc) == [STORY, MORE]
    assert doc.blocks[1].removals[0].rule == "related/most-read-line"


@pytest.mark.parametrize("prose", [
    "Download the app, the regulator warned, and your data may be shared with advertisers abroad.",
    "Get the app now? Critics say the rollout was rushed and the privacy terms are unclear to users.",
    "Скачайте приложение банка, советуют в полиции, а не переходите по ссылкам из сообщений.",
    "Users who download the app get a discount on their first ride.",
    "Download the app, officials said.",
    "Скачайте приложение банка, советуют в полиции.",
    "Millions follow the president on Twitter, where he announced the decision late on Sunday.",
    "Reporting by the BBC found widespread abuse in the care homes.",
    "Three agencies contributed to this report, officials said.",
    "Published in 2019, the study followed 4,000 patients for a decade.",
    "May 5, 2020 - Opening night at the Coral Sky Amphitheatre, West Palm Beach",
    "11.09.2011 war ein Tag, den niemand vergisst.",
    "On 12.03.2020 at 10:32 the first case was confirmed by the ministry.",
    "2019-11-20 11:28 Die Polizei meldet einen Unfall auf der A7.",
    "Tags are useful.",
    "Page 3 of the report shows that the budget is short.",
    "The story is available to subscribers of the print edition, the publisher said, and online from Monday.",
    "To continue reading the report, the committee asked for more time.",
    "Para seguir leyendo libros en la cárcel, los presos piden una biblioteca.",
    "Этот материал подготовлен при поддержке фонда.",
    "Keywords, she said, are overrated.",
    "Author Julian Barnes has won the prize for his novel.",
    "Autor des Buches ist ein bekannter Journalist aus Berlin.",
    "Темы: что обсуждали на встрече министров и почему это важно для всех",
    "The source: a leaked memo that the ministry has not denied, and a second one from May.",
    "Up-to-date figures were not available.",
    "Reach the summit at dawn, the guide said, and you will see three countries.",
    "Contact the ministry at its Paris office for the full report, which runs to 300 pages.",
    # A listed UI word opening a sentence, in the twelve languages added later.
    "Delen van de opbrengst gaan naar de voedselbank, zei de wethouder dinsdag.",
    "Lees ook de brief die de minister dinsdag naar de Kamer stuurde.",
    "Reklam harcamaları bu yıl yüzde on artarak rekor seviyeye ulaştı.",
    "Yorumlar farklı: bazı ekonomistler bütçeyi olumlu buluyor.",
    "إعلان الحكومة عن الموازنة الجديدة جاء بعد نقاش طويل في البرلمان.",
    "광고 시장은 올해 10퍼센트 성장할 것으로 전망된다.",
    "Reklama na pivo se letos vrací do televize, uvedl svaz výrobců.",
    "Annons efter annons lovade snabba vinster, men ingen av dem höll.",
    "Iklan rokok kini dilarang tayang di televisi sebelum pukul sembilan malam.",
    "Quảng cáo trên mạng xã hội tăng mạnh trong năm nay, theo báo cáo của bộ.",
    "פרסומת הבחירות של המפלגה עוררה סערה ברשתות החברתיות.",
    "Σχόλια του υπουργού για τον προϋπολογισμό προκάλεσαν αντιδράσεις στη Βουλή.",
    "Comentarii răutăcioase au apărut imediat pe rețelele sociale după anunț.",
    "Hirdetés nélkül a lap nem tudna megélni, mondta a főszerkesztő.",
])
def test_a_sentence_that_starts_like_chrome_stays(prose):
    # About an app, following someone, a credit, a source or a date: article text.
    assert kept(RULES.apply(page(STORY, prose, MORE))) == [STORY, prose, MORE]


@pytest.mark.parametrize("title, rule", [
    ("Gerelateerde artikelen", "related/related-heading"),
    ("İLGİLİ HABERLER", "related/related-heading"),
    ("الأكثر قراءة", "related/most-read-heading"),
    ("많이 본 뉴스", "related/most-read-heading"),
    ("Související články", "related/related-heading"),
    ("Mest lästa", "related/most-read-heading"),
    ("Berita terkait", "related/related-heading"),
    ("Tin liên quan", "related/related-heading"),
    ("כתבות נוספות", "related/related-heading"),
    ("Σχετικά άρθρα", "related/related-heading"),
    ("Cele mai citite", "related/most-read-heading"),
    ("Kapcsolódó cikkek", "related/related-heading"),
    ("Yorumlar", "comments/comments-heading"),
    ("Komentáře", "comments/comments-heading"),
    ("Deze website maakt gebruik van cookies", "cookie-consent/cookie-heading"),
])
def test_a_section_heading_in_a_later_language_takes_its_teasers(title, rule):
    doc = RULES.apply(page(STORY, MORE, heading(title), "Teaser headline one", "Teaser headline two", html=True))
    assert kept(doc) == [STORY, MORE]
    assert doc.blocks[2].removals[0].rule == rule


ZH_STORY = "北京时间周二晚间，市议会经过长时间辩论后批准了新的预算方案，明年学校和道路的支出将增加。"


@pytest.mark.parametrize("line", [
    "2017-03-10 09:58 来源：网易科学人",  # date, time and source on one line
    "TNW中文站2016年10月14日07:17",  # the source's name before the date
    "来源：新华网",
    "[责任编辑:肖春芳]",
    "（責任編輯：王小明）",
])
def test_a_chinese_source_date_or_editor_line_is_furniture(line):
    doc = RULES.apply(page(ZH_STORY, line, language="zh"))
    assert kept(doc) == [ZH_STORY]
    assert doc.blocks[1].removals[0].category == "navigation"


@pytest.mark.parametrize("prose", [
    "据新华社报道，2016年10月14日07:17，一辆列车在郊区脱轨，造成多人受伤。",  # a date inside a sentence
    "来源：网易科学人。这项研究由三所大学的科学家共同完成，结果发表在本周的《自然》杂志上，引起了广泛关注。",
    "责任编辑王先生表示，报社将在下周公布调查的全部结果。",
])
def test_a_chinese_sentence_that_mentions_a_date_source_or_editor_stays(prose):
    doc = RULES.apply(page(ZH_STORY, prose, language="zh"))
    assert kept(doc) == [ZH_STORY, prose]


@pytest.mark.parametrize("prose", [
    "The photo was an AI-generated image, experts said, and the post was later labelled Reported by AI.",
    "AI-generated, the video spread quickly across social networks on Monday.",
])
def test_a_phrase_mentioned_in_prose_is_kept(prose):
    doc = RULES.apply(page("Fact-checkers on AI images", prose, STORY))
    assert kept(doc) == ["Fact-checkers on AI images", prose, STORY]
    assert all(not b.removals and not b.cuts for b in doc.blocks)


def test_the_numbers_come_from_the_config():
    narrow = RuleSet(builtin_packs(), RulesConfig(whole_block_max_chars=4))
    assert kept(narrow.apply(page(STORY, "Share", MORE))) == [STORY, "Share", MORE]
    assert kept(RULES.apply(page(STORY, "Share", MORE))) == [STORY, MORE]
    # With a higher bar for article text, the story no longer outweighs the section's teaser.
    strict = RuleSet(builtin_packs(), article_min_letters=1000)
    assert kept(strict.apply(page("Related articles", "Teaser headline one", STORY, MORE))) == []


def test_actions_are_an_enum():
    assert {rule.action for pack in builtin_packs() for rule in pack.rules} <= set(Action)
