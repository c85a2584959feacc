"""Letters: variants and wordings by seed, the right ask for each office, constituents first,
dated history, supporter text as data only, and the sandbox."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import jinja2
import pytest

from bot.campaign import Campaign, Target
from bot.letters import (
    LetterRenderer,
    LetterRequest,
    LetterTemplateError,
    RenderedLetter,
    Signer,
    join_and,
    letter_seed,
    long_date,
    sentence,
    tidy,
)
from bot.places import Place
from tests.letters.offices import offices
from tests.support import BUNDLED_ONLY_WORDS

TODAY = date(2025, 1, 2)
STORY = "My grandparents survived 1915. I am writing so that it never happens again."
FRESNO = Place("Fresno", "CA", "93721")
SIGNER = Signer("Ani Hakobyan", FRESNO)
SEEDS = range(60)


@pytest.fixture(scope="module")
def renderer(campaign: Campaign) -> LetterRenderer:
    return LetterRenderer(campaign)


def render(
    renderer: LetterRenderer,
    campaign: Campaign,
    seed: int,
    story: str | None = STORY,
    signer: Signer = SIGNER,
    office: str = "president",
) -> RenderedLetter:
    target, routing = offices(campaign)[office]
    demands = campaign.demands_for([routing])
    return renderer.render(LetterRequest(target, demands, signer, story, seed, TODAY))


def write_template(root: Path, name: str, source: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return root


def ask_wordings(campaign: Campaign, kind: str) -> list[str]:
    return [w for d in campaign.demands if (a := d.ask_for(kind)) for w in a.ask]


# Variants, wordings and seeds


def test_bundled_campaign_has_three_genuinely_different_variants(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    assert len(renderer.variants) >= 3
    assert all("/_" not in v for v in renderer.variants)  # shared parts are not letters
    letters = [render(renderer, campaign, seed) for seed in range(len(renderer.variants))]
    assert len({letter.variant for letter in letters}) == len(renderer.variants)
    for a, b in itertools.combinations(letters, 2):
        assert difflib.SequenceMatcher(None, a.body, b.body).ratio() < 0.75


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


def test_every_wording_of_every_ask_is_used(campaign: Campaign, renderer: LetterRenderer) -> None:
    for office, kind in (("president", "executive"), ("senators", "congress")):
        bodies = " ".join(render(renderer, campaign, s, office=office).body for s in SEEDS)
        for wording in ask_wordings(campaign, kind):
            if any(wording in d.ask_for(kind).ask for d in campaign.demands_for([office])):
                assert wording in bodies or sentence(wording) in bodies


def test_openings_and_closings_come_in_three_wordings(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    for office in ("president", "senators"):
        letters = [render(renderer, campaign, s, office=office).body for s in SEEDS]
        openings = {re.sub(r"Ani Hakobyan", "", body.split("\n\n")[1]) for body in letters}
        closings = {body.split("\n\n")[-2].split(". ")[-1] for body in letters}
        signoffs = {body.split("\n\n")[-1].splitlines()[0] for body in letters}
        assert len(openings) >= 3 and len(closings) >= 3 and len(signoffs) >= 3


def test_letter_seed_is_stable_across_processes() -> None:
    # crc32, not hash(): the same in every process, so a restart keeps a letter's wording.
    assert letter_seed("lachin-2023", 1, "president") == 453557636
    assert letter_seed("a", 1) != letter_seed("a", 2)


# Each office is asked what it can do


@pytest.mark.parametrize("seed", range(9))
def test_the_executive_gets_executive_asks(
    campaign: Campaign, renderer: LetterRenderer, seed: int
) -> None:
    body = render(renderer, campaign, seed).body
    for demand in campaign.demands_for(["president"]):
        wordings = demand.ask_for("executive").ask
        assert any(w in body or sentence(w) in body for w in wordings)
    assert not any(w in body or sentence(w) in body for w in ask_wordings(campaign, "congress"))
    assert "constituent" not in body


@pytest.mark.parametrize("office", ["senators", "representative"])
@pytest.mark.parametrize("seed", range(9))
def test_congress_gets_congress_asks_from_a_constituent(
    campaign: Campaign, renderer: LetterRenderer, office: str, seed: int
) -> None:
    target, _ = offices(campaign)[office]
    body = render(renderer, campaign, seed, office=office).body
    assert not any(w in body or sentence(w) in body for w in ask_wordings(campaign, "executive"))
    for banned in ("will you impose", "Impose targeted", "Stop waiving", "stop waiving"):
        assert banned not in body  # no member of Congress sanctions or waives anything
    opening = next(p for p in body.split("\n\n")[1:] if "constituent" in p)
    assert body.split("\n\n").index(opening) == 1  # the first thing after the salutation
    assert "Fresno, California" in opening and "93721" in opening
    assert body.startswith(f"Dear {target.short_name}:\n")
    assert body.endswith("Ani Hakobyan\nFresno, CA 93721")


@pytest.mark.parametrize("office", ["president", "secstate", "senators", "representative"])
def test_salutation_takes_a_colon_and_signature_a_full_place(
    campaign: Campaign, renderer: LetterRenderer, office: str
) -> None:
    target, _ = offices(campaign)[office]
    for seed in range(6):
        body = render(renderer, campaign, seed, office=office).body
        assert body.startswith(target.salutation.rstrip(",:") + ":\n\n")
        assert body.endswith("\nAni Hakobyan\nFresno, CA 93721")
        assert STORY in body


# The op-ed is dated history; what changed since comes with the asks


@pytest.mark.parametrize("office", ["president", "secstate", "senators", "representative"])
@pytest.mark.parametrize("story", [None, STORY])
def test_every_letter_dates_the_op_ed_and_says_what_changed(
    campaign: Campaign, renderer: LetterRenderer, office: str, story: str | None
) -> None:
    recaps = campaign.since.recap or []
    kind = offices(campaign)[office][0].kind
    wordings = [w for d in campaign.demands if (ask := d.ask_for(kind)) for w in ask.ask]
    for seed in range(9):
        body = render(renderer, campaign, seed, story=story, office=office).body
        assert "8 September 2023" in body and campaign.source.outlet in body
        recap = next(r for r in recaps if " ".join(r.split()) in body)
        assert "8 August 2025" in recap and "Section 907" in recap
        first_ask = min(
            body.find(w) if w in body else body.find(sentence(w))
            for w in wordings
            if w in body or sentence(w) in body
        )
        assert body.find(" ".join(recap.split())) < first_ask  # the facts before the asks
        # Only what the op-ed asked is attributed to it.
        assert campaign.source.asked and " ".join(campaign.source.asked.split()) in body


# Singular and plural


def test_single_demand_reads_naturally(
    campaign: Campaign, renderer: LetterRenderer, make_campaign: Callable[..., Campaign]
) -> None:
    target, _ = offices(campaign)["president"]
    aid = [campaign.demand("aid")]
    bodies = [
        renderer.render(LetterRequest(target, aid, SIGNER, None, seed, TODAY)).body
        for seed in SEEDS
    ]
    for body in bodies:
        assert "1." not in body and "2." not in body  # no one-item list
        assert "questions" not in body and "These requests" not in body
        assert "each of them" not in body
    assert any("one question" in b.lower() for b in bodies)


def test_several_demands_are_counted_in_words(campaign: Campaign, renderer: LetterRenderer) -> None:
    bodies = [render(renderer, campaign, seed, office="senators").body for seed in SEEDS]
    assert any("two questions" in b for b in bodies)
    assert not any("2 questions" in b or "1 question" in b for b in bodies)


# What the supporter wrote appears, and nothing of theirs is interpreted


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_without_story_name_or_place(
    campaign: Campaign, renderer: LetterRenderer, seed: int
) -> None:
    letter = render(renderer, campaign, seed, story=None, signer=Signer("Ani"))
    assert letter.score == 0.0
    assert "None" not in letter.body
    assert letter.body.endswith("\nAni")
    assert "\n\n\n" not in letter.body and " ," not in letter.body
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
    signer = Signer(payload, Place(city=payload, region=payload))
    letter = render(renderer, campaign, seed, story=story, signer=signer)
    assert story in letter.body
    assert letter.body.count(payload) >= 3  # story, name and place, all verbatim
    assert "49" not in letter.body
    assert "0123456789" not in letter.body
    assert "<class" not in letter.body
    assert "&lt;" not in letter.body  # plain text: no HTML escaping either


@pytest.mark.parametrize(
    ("name", "place", "story"),
    [
        ("Անի Հակոբյան", Place("Երևան", region="Հայաստան"), "Իմ տատիկը փրկվել է 1915-ին։"),
        ("مريم خوري", Place("بيروت", region="لبنان"), "أكتب لأن عائلتي فقدت بيتها.\nهذا مهم لي."),
        ("אבי לוי", Place("חיפה", region="ישראל"), "אני כותב כי זה חשוב לי."),
        ("Ani 🇦🇲", FRESNO, "Please act 🙏🏽 now — ❤️ from my family 👨‍👩‍👧."),
    ],
)
def test_non_latin_rtl_and_emoji_survive(
    campaign: Campaign, renderer: LetterRenderer, name: str, place: Place, story: str
) -> None:
    signer = Signer(name, place)
    for seed in range(3):
        letter = render(renderer, campaign, seed, story=story, signer=signer)
        assert story in letter.body
        assert letter.body.endswith(f"\n{name}\n{signer.address_lines[-1]}")
        assert letter.score > 0


def test_sources_are_those_of_the_points_used(campaign: Campaign, renderer: LetterRenderer) -> None:
    for seed in range(9):
        letter = render(renderer, campaign, seed)
        used = [
            p
            for d in campaign.demands_for(["president"])
            for p in d.points_for("executive")
            if p.text in letter.body
        ]
        assert used and set(letter.sources) == {p.source for p in used}


# The second campaign brings its own templates


def test_library_campaign_uses_its_own_templates(library_campaign: Campaign) -> None:
    renderer = LetterRenderer(library_campaign)
    assert renderer.variants == [
        "letters/civic/a-neighbor.txt.j2",
        "letters/civic/b-budget.txt.j2",
    ]
    signer = Signer("Ada Reader", Place("Quillfield", "OR"))
    story = "I study there after my shift."
    bodies = []
    for target in library_campaign.targets:
        demands = library_campaign.demands_for([target.id])
        for seed in range(2):
            body = renderer.render(LetterRequest(target, demands, signer, story, seed)).body
            bodies.append(body)
            assert body.startswith(f"{target.salutation},\n")
            assert target.office in body and story in body
            assert body.endswith("Ada Reader\nQuillfield, OR")
            for demand in demands:
                assert demand.ask_for(target.kind).ask[0] in body
            for word in BUNDLED_ONLY_WORDS:
                assert word not in body
    assert any("As a neighbor and a library card holder" in b for b in bodies)
    council = [b for b in bodies if b.startswith("Dear Members of the Council")]
    assert council and all("opening hours" not in b for b in council)


def test_campaign_without_templates_is_a_clear_error(
    make_campaign: Callable[..., Campaign],
) -> None:
    c = make_campaign(letter_templates="letters/nowhere")
    with pytest.raises(LetterTemplateError) as info:
        LetterRenderer(c)
    assert "'letters/nowhere'" in str(info.value) and "'tiny'" in str(info.value)


def test_tiny_campaign_with_the_standard_templates(
    make_campaign: Callable[..., Campaign],
) -> None:
    """Any campaign can use the standard templates: nothing in them is the bundled one's."""
    c = make_campaign(demands=("alpha",), targets={"solo": ["alpha"]})
    renderer = LetterRenderer(c)
    for seed in SEEDS:
        body = renderer.render(LetterRequest(c.targets[0], c.demands, SIGNER, None, seed)).body
        assert "grant demand alpha" in body
        for word in ("Armenia", "Azerbaijan", "Kardashian", "Section 907", "{", "}"):
            assert word not in body


# The sandbox and StrictUndefined protect against a broken or hostile TEMPLATE

A_DIRECT = "letters/standard/a-direct.txt.j2"


def test_sandbox_blocks_hostile_template(
    campaign: Campaign, renderer: LetterRenderer, tmp_path: Path
) -> None:
    hostile = "{{ salutation }}\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    extra = write_template(tmp_path, A_DIRECT, hostile)
    sandboxed = LetterRenderer(campaign, extra_dirs=[extra])
    assert sandboxed.variants == renderer.variants  # it overrides, it does not add
    seed = sandboxed.variants.index(A_DIRECT)
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
        "{{ pick.__init__ }}",
    ],
)
def test_sandbox_blocks_unsafe_calls(campaign: Campaign, tmp_path: Path, source: str) -> None:
    sandboxed = LetterRenderer(campaign, extra_dirs=[write_template(tmp_path, A_DIRECT, source)])
    with pytest.raises(jinja2.exceptions.SecurityError):
        render(sandboxed, campaign, sandboxed.variants.index(A_DIRECT))


@pytest.mark.parametrize(
    "source", ["{{ salutation }} {{ not_a_variable }}", "{{ target.nickname }}"]
)
def test_undefined_variable_raises(campaign: Campaign, tmp_path: Path, source: str) -> None:
    strict = LetterRenderer(campaign, extra_dirs=[write_template(tmp_path, A_DIRECT, source)])
    with pytest.raises(jinja2.exceptions.UndefinedError):
        render(strict, campaign, strict.variants.index(A_DIRECT))


def test_extra_dir_can_add_a_variant(campaign: Campaign, tmp_path: Path) -> None:
    extra = write_template(
        tmp_path, "letters/standard/d-short.txt.j2", "{{ salutation }}:\n\n{{ story }}\n"
    )
    more = LetterRenderer(campaign, extra_dirs=[extra])
    assert "letters/standard/d-short.txt.j2" in more.variants
    letter = render(more, campaign, more.variants.index("letters/standard/d-short.txt.j2"))
    assert letter.body == f"Dear Mr. President:\n\n{STORY}"
    assert letter.score > 0.8  # all but the salutation is the supporter's


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


def test_signer_lines() -> None:
    assert Signer("A", FRESNO, "1 Main St").address_lines == ["1 Main St", "Fresno, CA 93721"]
    assert Signer("A", Place(state="IL")).home == "Illinois"
    assert Signer("A", Place("Yerevan", region="Armenia")).address_lines == ["Yerevan, Armenia"]
    assert Signer("A").address_lines == [] and Signer("A").home == ""


def test_target_spoken_name(campaign: Campaign) -> None:
    found: dict[str, Target] = {k: v[0] for k, v in offices(campaign).items()}
    assert found["president"].spoken == "the President"
    assert found["senators"].spoken == "Senator Cantwell"
    assert found["representative"].spoken == "Representative Jayapal"
