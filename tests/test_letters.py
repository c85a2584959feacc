"""Letters: variants, deterministic seeds, supporter text as data only, and the sandbox."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

import jinja2
import pytest

from bot.campaign import Campaign
from bot.letters import (
    LetterRenderer,
    LetterTemplateError,
    RenderedLetter,
    Signer,
    join_and,
    letter_seed,
    long_date,
    personal_share,
    sentence,
    tidy,
)
from tests.support import BUNDLED_ONLY_WORDS

TODAY = date(2025, 1, 2)
STORY = "My grandparents survived 1915. I am writing so that it never happens again."
SIGNER = Signer("Ani Hakobyan", "Glendale, CA")


@pytest.fixture(scope="module")
def renderer(campaign: Campaign) -> LetterRenderer:
    return LetterRenderer(campaign)


def render(
    renderer: LetterRenderer,
    campaign: Campaign,
    seed: int,
    story: str | None = STORY,
    signer: Signer = SIGNER,
    target_index: int = 0,
) -> RenderedLetter:
    return renderer.render(
        campaign.targets[target_index], campaign.demands, signer, story, seed, today=TODAY
    )


def write_template(root: Path, name: str, source: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return root


# Variants and seeds


def test_bundled_campaign_has_three_genuinely_different_variants(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    assert len(renderer.variants) >= 3
    letters = [render(renderer, campaign, seed) for seed in range(len(renderer.variants))]
    assert len({letter.variant for letter in letters}) == len(renderer.variants)
    for a, b in itertools.combinations(letters, 2):
        assert difflib.SequenceMatcher(None, a.body, b.body).ratio() < 0.6
        # Different from the first sentence on, not just a reshuffled ending.
        assert a.body.split("\n\n")[1] != b.body.split("\n\n")[1]


def test_same_seed_same_letter(campaign: Campaign, renderer: LetterRenderer) -> None:
    assert render(renderer, campaign, 12345) == render(renderer, campaign, 12345)
    fresh = LetterRenderer(campaign)  # another process would build its own renderer
    assert render(fresh, campaign, 12345) == render(renderer, campaign, 12345)


@pytest.mark.parametrize("seed", [0, 1, 2, 41, 2**31 + 7])
def test_next_seed_is_another_variant(
    campaign: Campaign, renderer: LetterRenderer, seed: int
) -> None:
    one, two = render(renderer, campaign, seed), render(renderer, campaign, seed + 1)
    assert one.variant != two.variant
    assert one.body != two.body


def test_seed_also_moves_talking_points(campaign: Campaign, renderer: LetterRenderer) -> None:
    n = len(renderer.variants)
    same_variant = [seed for seed in range(0, 60, n) if (seed // 7) % 3 != 0]
    first, other = render(renderer, campaign, 0), render(renderer, campaign, same_variant[0])
    assert first.variant == other.variant
    assert first.body != other.body


def test_letter_seed_is_stable_across_processes() -> None:
    # crc32, not hash(): the same in every process, so a restart keeps a letter's wording.
    assert letter_seed("lachin-2023", 1, "president") == 453557636
    assert letter_seed("a", 1) != letter_seed("a", 2)


# What the supporter wrote appears, and nothing else of theirs is interpreted


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_salutation_words_name_and_place_appear(
    campaign: Campaign, renderer: LetterRenderer, seed: int
) -> None:
    for index, target in enumerate(campaign.targets):
        letter = render(renderer, campaign, seed, target_index=index)
        assert letter.body.startswith(f"{target.salutation},\n")
        assert STORY in letter.body
        assert letter.body.endswith("Ani Hakobyan\nGlendale, CA")
        for demand in campaign.demands:
            assert demand.ask in letter.body or sentence(demand.ask) in letter.body


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_without_story_or_place(campaign: Campaign, renderer: LetterRenderer, seed: int) -> None:
    letter = render(renderer, campaign, seed, story=None, signer=Signer("Ani"))
    assert letter.personal_chars == 0
    assert letter.score == 0.0
    assert "None" not in letter.body
    assert letter.body.endswith("\nAni")
    assert "\n\n\n" not in letter.body
    assert all(line == line.rstrip() for line in letter.body.splitlines())


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(10) %}{{ x }}{% endfor %}",
    "<b>bold</b> & <script>alert(1)</script>",
    "{{ ''.__class__.__mro__ }}",
    "{{ self.__init__.__globals__ }}",
    "{# comment #}{%raw%}",
]


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_supporter_text_is_never_template_source(
    campaign: Campaign, renderer: LetterRenderer, payload: str, seed: int
) -> None:
    story = f"Before {payload} after."
    letter = render(renderer, campaign, seed, story=story, signer=Signer(payload, payload))
    assert story in letter.body
    assert letter.body.count(payload) >= 3  # story, name and place, all verbatim
    assert "49" not in letter.body
    assert "0123456789" not in letter.body
    assert "<class" not in letter.body
    assert "&lt;" not in letter.body  # plain text: no HTML escaping either


@pytest.mark.parametrize(
    ("name", "place", "story"),
    [
        ("Անի Հակոբյան", "Երևան, Հայաստան", "Իմ տատիկը փրկվել է 1915-ին։ Ես գրում եմ նրա համար։"),
        ("مريم خوري", "بيروت، لبنان", "أكتب لأن عائلتي فقدت بيتها.\nهذا مهم لي."),
        ("אבי לוי", "חיפה", "אני כותב כי זה חשוב לי."),
        ("Ani 🇦🇲", "Glendale, CA", "Please act 🙏🏽 now — ❤️ from my family 👨‍👩‍👧."),
    ],
)
def test_non_latin_rtl_and_emoji_survive(
    campaign: Campaign, renderer: LetterRenderer, name: str, place: str, story: str
) -> None:
    for seed in range(3):
        letter = render(renderer, campaign, seed, story=story, signer=Signer(name, place))
        assert story in letter.body
        assert f"\n{name}\n{place}" in letter.body
        assert letter.personal_chars == len(story)


# The personalization score


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_score_is_share_of_supporter_text(
    campaign: Campaign, renderer: LetterRenderer, seed: int
) -> None:
    letter = render(renderer, campaign, seed)
    assert letter.personal_chars == len(STORY)
    assert letter.score == round(len(STORY) / len(letter.body), 3)
    assert 0 < letter.score < 1
    longer = render(renderer, campaign, seed, story=STORY + " " + STORY.upper())
    assert longer.score > letter.score


def test_personal_share() -> None:
    assert personal_share("abc my words xyz", ["my words"]) == 8
    assert personal_share("abc", ["missing", ""]) == 0
    assert RenderedLetter("", "v", 0).score == 0.0


# The second campaign brings its own templates


def test_library_campaign_uses_its_own_templates(library_campaign: Campaign) -> None:
    renderer = LetterRenderer(library_campaign)
    assert renderer.variants == [
        "letters/civic/a-neighbor.txt.j2",
        "letters/civic/b-budget.txt.j2",
    ]
    signer = Signer("Ada Reader", "Quillfield, OR")
    story = "I study there after my shift."
    bodies = []
    for target in library_campaign.targets:
        demands = library_campaign.demands_for([target.id])
        for seed in range(2):
            letter = renderer.render(target, demands, signer, story, seed, today=TODAY)
            body = letter.body
            bodies.append(body)
            assert body.startswith(f"{target.salutation},\n")
            assert target.office in body
            assert story in body
            assert body.endswith("Ada Reader\nQuillfield, OR")
            for demand in demands:
                assert demand.ask in body
            for word in BUNDLED_ONLY_WORDS:
                assert word not in body
    assert any("As a neighbor and a library card holder" in b for b in bodies)
    assert any("A library only serves the public" in b for b in bodies)
    council = [b for b in bodies if b.startswith("Dear Members of the Council")]
    assert council
    assert all("opening hours" not in b for b in council)  # only staffing goes to the council


def test_campaign_without_templates_is_a_clear_error(
    make_campaign: Callable[..., Campaign],
) -> None:
    c = make_campaign(letter_templates="letters/nowhere")
    with pytest.raises(LetterTemplateError) as info:
        LetterRenderer(c)
    assert "'letters/nowhere'" in str(info.value)
    assert "'tiny'" in str(info.value)


def test_single_demand_reads_naturally(
    make_campaign: Callable[..., Campaign],
) -> None:
    c = make_campaign(demands=("alpha",), targets={"solo": ["alpha"]})
    renderer = LetterRenderer(c)
    bodies = [
        renderer.render(c.targets[0], c.demands, SIGNER, None, seed, TODAY).body
        for seed in range(3)
    ]
    assert any("1 question." in b and "this call" in b for b in bodies)
    assert all("questions" not in b and "these calls" not in b for b in bodies)
    assert all("Pat Tester" in b and "2 January 2024" in b for b in bodies)


# The sandbox and StrictUndefined protect against a broken or hostile TEMPLATE


def test_sandbox_blocks_hostile_template(
    campaign: Campaign, renderer: LetterRenderer, tmp_path: Path
) -> None:
    hostile = "{{ salutation }}\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    extra = write_template(tmp_path, "letters/standard/a-direct.txt.j2", hostile)
    sandboxed = LetterRenderer(campaign, extra_dirs=[extra])
    assert sandboxed.variants == renderer.variants  # it overrides, it does not add
    seed = sandboxed.variants.index("letters/standard/a-direct.txt.j2")
    with pytest.raises(jinja2.exceptions.SecurityError):
        render(sandboxed, campaign, seed)
    # The other variants still come from the bundled templates.
    assert render(sandboxed, campaign, seed + 1) == render(renderer, campaign, seed + 1)


@pytest.mark.parametrize(
    "source",
    [
        "{{ signer.__class__ }}",
        "{{ demands.append(1) }}",
        "{% set d = {} %}{{ d.update(a=1) }}",
        "{{ range.__globals__ }}",
    ],
)
def test_sandbox_blocks_unsafe_calls(campaign: Campaign, tmp_path: Path, source: str) -> None:
    extra = write_template(tmp_path, "letters/standard/a-direct.txt.j2", source)
    sandboxed = LetterRenderer(campaign, extra_dirs=[extra])
    with pytest.raises(jinja2.exceptions.SecurityError):
        render(sandboxed, campaign, sandboxed.variants.index("letters/standard/a-direct.txt.j2"))


@pytest.mark.parametrize(
    "source", ["{{ salutation }} {{ not_a_variable }}", "{{ target.nickname }}"]
)
def test_undefined_variable_raises(campaign: Campaign, tmp_path: Path, source: str) -> None:
    extra = write_template(tmp_path, "letters/standard/a-direct.txt.j2", source)
    strict = LetterRenderer(campaign, extra_dirs=[extra])
    with pytest.raises(jinja2.exceptions.UndefinedError):
        render(strict, campaign, strict.variants.index("letters/standard/a-direct.txt.j2"))


def test_extra_dir_can_add_a_variant(campaign: Campaign, tmp_path: Path) -> None:
    extra = write_template(
        tmp_path, "letters/standard/d-short.txt.j2", "{{ salutation }},\n\n{{ story }}\n"
    )
    more = LetterRenderer(campaign, extra_dirs=[extra])
    assert "letters/standard/d-short.txt.j2" in more.variants
    seed = more.variants.index("letters/standard/d-short.txt.j2")
    letter = render(more, campaign, seed)
    assert letter.body == f"Dear Mr. President,\n\n{STORY}"
    assert letter.score == round(len(STORY) / len(letter.body), 3)


# Small helpers the templates use


@pytest.mark.parametrize(
    ("items", "text"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_and(items: list[str], text: str) -> None:
    assert join_and(items) == text


def test_sentence_capitalizes_only_the_first_letter() -> None:
    assert sentence("press Azerbaijan to open the US corridor") == (
        "Press Azerbaijan to open the US corridor"
    )
    assert sentence("") == ""


def test_tidy_and_long_date() -> None:
    assert tidy("\n\nDear X,  \n\n\n\nText.\t\n\n") == "Dear X,\n\nText."
    assert long_date(date(2023, 9, 8)) == "8 September 2023"
