"""An AI-image label takes its caption in any markup, and never a paragraph (cleaner.html.captions)."""

from __future__ import annotations

import pytest

from cleaner import clean

STORY = {
    "en": ["The city council voted on Monday to extend the tram line to the new hospital in the north, after "
           "residents had pressed for it for years.",
           "Construction is due to start in spring and last about three years; the region pays most of the cost "
           "and the city covers the rest from its budget.",
           "Residents welcomed the decision but fear noise and closed streets while the work goes on, several of "
           "them said at a meeting in the evening."],
    "ru": ["Городской совет в понедельник решил продлить трамвайную линию до новой больницы на севере, после "
           "того как жители годами добивались этого.",
           "Строительство должно начаться весной и продлиться около трёх лет; большую часть расходов возьмёт на "
           "себя область, остальное город оплатит из бюджета.",
           "Жители приветствовали решение, но опасаются шума и перекрытых улиц на время работ, рассказали "
           "несколько из них на вечернем собрании."],
}
CAPTION = {"en": "A tram crosses the snowy city centre early in the morning.",
           "ru": "Трамвай проезжает по заснеженному центру города ранним утром."}
LABEL = {"de": "KI-generiertes Bild", "fr": "Image générée par IA", "ru": "Изображение, созданное ИИ",
         "es": "Imagen generada por IA", "en": "AI-generated image"}
LAYOUTS = {
    "label after caption": '<div class="m"><div class="i"><img src="x.jpg"></div><span>{c}</span><span>{l}</span></div>',
    "label before caption": '<div class="m"><div class="i"><img src="x.jpg"></div><div>{l}</div><div>{c}</div></div>',
    "caption box beside the image box": '<div class="i"><img src="x.jpg"></div><div class="meta"><span>{c}</span>'
                                        '<span>{l}</span></div>',
    "badge over the image": '<div class="m"><div class="i"><img src="x.jpg"><span class="badge">{l}</span></div>'
                            '<div class="c">{c}</div></div>',
    "label in the alt text": '<div class="m"><div class="i"><img src="x.jpg" alt="{l}"></div><div>{c}</div></div>',
}


def page(article: str, media: str) -> str:
    paragraphs = "".join(f'<div class="t">{p}</div>' for p in STORY[article])
    return (f'<html><head><title>Headline</title></head><body><div class="a"><div class="h">Headline</div>'
            f'{media}{paragraphs}</div></body></html>')


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("ui", "article"), [("de", "en"), ("fr", "ru"), ("ru", "en"), ("es", "ru"), ("en", "ru")])
def test_a_label_takes_its_caption_whatever_the_markup_and_languages(layout, ui, article):
    result = clean(page(article, LAYOUTS[layout].format(c=CAPTION[article], l=LABEL[ui])))
    assert result.text.split("\n\n") == STORY[article]
    removed = {(r.category, r.text) for r in result.removed}
    assert ("ai_image_caption", CAPTION[article]) in removed
    assert ("ai_image_label", LABEL[ui]) in removed


def test_a_label_alone_between_paragraphs_takes_no_paragraph():
    story = STORY["en"]
    html = (f'<html><body><div class="a"><img src="x.jpg"><div>{story[0]}</div><div>{LABEL["en"]}</div>'
            f'<div>{story[1]}</div><div>{story[2]}</div></div></body></html>')
    result = clean(html)
    assert result.text.split("\n\n") == story
    assert [r.category for r in result.removed] == ["ai_image_label"]


def test_a_label_beside_a_paragraph_in_an_image_box_with_more_text_takes_nothing():
    # The box holds a picture, a short paragraph, the label and another paragraph: an article box, not a caption's.
    story = STORY["ru"]
    html = (f'<html><body><div class="a"><div class="i"><img src="x.jpg"></div><div class="box">'
            f'<div>{story[0]}</div><span>{LABEL["de"]}</span><div>{story[1]}</div></div>'
            f'<div>{story[2]}</div></div></body></html>')
    result = clean(html)
    assert result.text.split("\n\n") == story


@pytest.mark.parametrize("label_first", [False, True])
def test_a_label_beside_a_figure_takes_the_figure_with_its_caption(label_first):
    story = STORY["en"]
    figure = f'<figure><img src="x.jpg"><figcaption>{CAPTION["en"]}</figcaption></figure>'
    label = f'<p class="note">{LABEL["de"]}</p>'
    media = label + figure if label_first else figure + label
    html = (f'<html><body><div class="a"><div>{story[0]}</div>{media}<div>{story[1]}</div>'
            f'<div>{story[2]}</div></div></body></html>')
    result = clean(html)
    assert result.text.split("\n\n") == story
    assert ("ai_image_caption", CAPTION["en"]) in {(r.category, r.text) for r in result.removed}


def test_teaser_cards_lose_their_captions_with_their_badges():
    story = STORY["ru"]
    cards = "".join(f'<div class="card"><div class="pic"><img src="{i}.jpg"><span>{LABEL["ru"]}</span></div>'
                    f'<a href="/t{i}">Тизер номер {i}: город обсуждает новые маршруты</a></div>' for i in range(3))
    html = (f'<html><body><div class="a">{"".join(f"<div>{p}</div>" for p in story)}</div>'
            f'<div class="more">{cards}</div></body></html>')
    result = clean(html)
    assert result.text.split("\n\n") == story
    captions = [r.text for r in result.removed if r.category == "ai_image_caption"]
    assert captions == [f"Тизер номер {i}: город обсуждает новые маршруты" for i in range(3)]
