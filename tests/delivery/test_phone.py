"""Phone scripts: one ask per call, about 30 seconds, the official named as people say it, a
constituent saying so with their ZIP code, and caller text as data only."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from bot.campaign import Campaign, Demand, Target
from bot.delivery import PhoneScript, PhoneScriptRenderer, speaking_seconds, word_count
from bot.flow import MAX_NAME_LENGTH
from bot.letters import LetterTemplateError, Signer, with_article
from bot.paths import TEMPLATES_DIR
from bot.places import Place
from tests.letters.offices import offices
from tests.support import BUNDLED_ONLY_WORDS

MAX_WORDS = 75  # about 30 seconds read aloud at a calm pace
MAX_SECONDS = 30
CALLER = Signer("Ani Hakobyan", Place(city="Fresno", state="CA", zip="93721"))
LONG_NAME = "Maria Guadalupe Anahit Hernández-Papazian de la Cruz Ter-Petrosyan"
LONG_CALLER = Signer(
    LONG_NAME, Place(city="Rancho Santa Margarita", state="CA", zip="92688"), "1 Long Street"
)
OFFICES = ("president", "secstate", "senators", "representative")
CONGRESS = ("senators", "representative")
EXECUTIVE = ("president", "secstate")
SPOKEN_NAMES = {
    "president": "the President",
    "secstate": "the Secretary of State",
    "senators": "Senator Cantwell",
    "representative": "Representative Jayapal",
}


@pytest.fixture(scope="module")
def phone(campaign: Campaign) -> PhoneScriptRenderer:
    return PhoneScriptRenderer(campaign)


@pytest.fixture(scope="module")
def recipients(campaign: Campaign) -> dict[str, tuple[Target, str]]:
    """Every bundled kind of office: the two fixed ones, a senator and a representative."""
    found = offices(campaign)
    assert set(found) == set(OFFICES)
    return found


ScriptsFor = Callable[..., list[tuple[Target, Demand, PhoneScript]]]


@pytest.fixture(scope="module")
def scripts_for(
    campaign: Campaign, phone: PhoneScriptRenderer, recipients: dict[str, tuple[Target, str]]
) -> ScriptsFor:
    """A script for each demand the campaign routes to an office, by `phone` or `renderer`."""

    def routed(
        office: str, caller: Signer = CALLER, renderer: PhoneScriptRenderer | None = None
    ) -> list[tuple[Target, Demand, PhoneScript]]:
        target, routing = recipients[office]
        demands = campaign.demands_for([routing])
        assert demands
        return [(target, d, (renderer or phone).render(target, d, caller)) for d in demands]

    return routed


def call_of(demand: Demand, kind: str | None) -> str:
    ask = demand.ask_for(kind)
    assert ask is not None
    return ask.call or ask.ask[0]


# One ask per call, in the office's own wording, in about 30 seconds


@pytest.mark.parametrize("caller", [CALLER, LONG_CALLER], ids=["usual", "long"])
@pytest.mark.parametrize("office", OFFICES)
def test_one_short_ask_per_call(
    campaign: Campaign, scripts_for: ScriptsFor, office: str, caller: Signer
) -> None:
    assert len(LONG_NAME) <= MAX_NAME_LENGTH  # a name the bot accepts
    for target, demand, script in scripts_for(office, caller):
        assert script.demand == demand
        spoken = script.spoken
        assert word_count(spoken) <= MAX_WORDS, spoken
        assert speaking_seconds(spoken) <= MAX_SECONDS
        assert script.seconds == speaking_seconds(spoken)
        ask = demand.ask_for(target.kind)
        assert ask is not None
        assert ask.call  # the bundled campaign gives every ask a short phone wording
        assert f"I'm calling to ask {target.spoken} to {ask.call}." in spoken
        assert spoken.count(ask.call) == 1
        for wording in ask.ask:  # the letters' longer wordings stay in letters
            assert wording not in spoken
        for other in campaign.demands:
            for kind, other_ask in other.asks.items():
                if (other.id, kind) == (demand.id, target.kind):
                    continue
                assert other_ask.call is not None
                assert other_ask.call not in spoken, (other.id, kind)
        assert "  " not in spoken
        assert " ," not in spoken
        assert " ." not in spoken


@pytest.mark.parametrize("office", OFFICES)
def test_official_is_named_as_people_say_it(scripts_for: ScriptsFor, office: str) -> None:
    for target, _, script in scripts_for(office):
        assert target.spoken == SPOKEN_NAMES[office]
        assert f"ask {SPOKEN_NAMES[office]} to " in script.spoken
        assert f"where {SPOKEN_NAMES[office]} stands" in script.spoken
        for formal in (target.office, target.holder, target.salutation, "The Honorable"):
            assert formal not in script.spoken


@pytest.mark.parametrize("office", CONGRESS)
def test_member_of_congress_hears_from_a_constituent(scripts_for: ScriptsFor, office: str) -> None:
    for target, _, script in scripts_for(office):
        assert target.constituent
        first = script.spoken.split("\n\n")[0]
        assert first == (
            "Hi, my name is Ani Hakobyan, and I'm a constituent from Fresno, California, "
            "ZIP code 93721."
        )
        assert "United States Senator" not in script.spoken
        assert "Senator for WA" not in script.spoken
        assert "for Washington" not in script.spoken
        assert script.spoken.endswith("Thank you for passing my message on.")
        assert "address" in script.voicemail
        assert "street address" in script.voicemail  # so the office can log a constituent
        assert "phone number" in script.voicemail


@pytest.mark.parametrize("office", EXECUTIVE)
def test_executive_hears_from_a_supporter_not_a_constituent(
    scripts_for: ScriptsFor, office: str
) -> None:
    for target, _, script in scripts_for(office):
        assert not target.constituent
        first = script.spoken.split("\n\n")[0]
        assert first == "Hi, my name is Ani Hakobyan, and I'm calling from Fresno, California."
        assert "constituent" not in script.spoken
        assert "ZIP" not in script.spoken
        assert "address" in script.voicemail
        assert "phone number" in script.voicemail
        assert "constituent" not in script.voicemail


def test_president_is_called_the_president(scripts_for: ScriptsFor) -> None:
    for _, _, script in scripts_for("president"):
        assert "I'm calling to ask the President to " in script.spoken
        assert "Mr. President" not in script.spoken
        assert "Donald" not in script.spoken


def test_each_kind_of_office_is_asked_what_it_can_do(scripts_for: ScriptsFor) -> None:
    """The executive waives Section 907 and imposes sanctions; Congress legislates and presses."""
    executive = [s for o in EXECUTIVE for s in scripts_for(o)]
    congress = [s for o in CONGRESS for s in scripts_for(o)]
    for _, demand, script in executive:
        congress_ask = demand.ask_for("congress")
        if "congress" in demand.asks and congress_ask and congress_ask.call:
            assert congress_ask.call not in script.spoken
        assert "support legislation" not in script.spoken
        assert "urge the administration" not in script.spoken
    for _, demand, script in congress:
        executive_ask = demand.asks["executive"]
        assert executive_ask.call is not None
        assert executive_ask.call not in script.spoken
        assert "stop waiving" not in script.spoken
        assert "sanction the Azerbaijani officials" not in script.spoken
    # Diplomacy is the executive's: the corridor is never asked of Congress.
    assert {d.id for _, d, _ in congress} == {"sanctions", "aid"}
    assert "corridor" in {d.id for _, d, _ in executive}


def test_a_demand_without_an_ask_for_the_office_is_refused(
    campaign: Campaign, phone: PhoneScriptRenderer, recipients: dict[str, tuple[Target, str]]
) -> None:
    senator = recipients["senators"][0]
    corridor = campaign.demand("corridor")
    assert corridor is not None
    assert corridor.ask_for(senator.kind) is None
    with pytest.raises(LetterTemplateError, match="'corridor'"):
        phone.render(senator, corridor, CALLER)


@pytest.mark.parametrize("office", OFFICES)
def test_scripts_one_per_demand_in_the_supporters_order(
    campaign: Campaign,
    phone: PhoneScriptRenderer,
    recipients: dict[str, tuple[Target, str]],
    office: str,
) -> None:
    target, routing = recipients[office]
    chosen = list(reversed(campaign.demands_for([routing])))  # not the campaign's order
    scripts = phone.scripts(target, chosen, CALLER)
    assert [s.demand.id for s in scripts] == [d.id for d in chosen]
    assert scripts == [phone.render(target, d, CALLER) for d in chosen]
    assert len({s.spoken for s in scripts}) == len(chosen)  # a different call for each
    assert phone.scripts(target, [], CALLER) == []


def test_deterministic_across_renderers(campaign: Campaign, scripts_for: ScriptsFor) -> None:
    fresh = PhoneScriptRenderer(campaign)
    for office in OFFICES:
        for caller in (CALLER, LONG_CALLER):
            first = scripts_for(office, caller)
            again = scripts_for(office, caller, fresh)
            assert first == again


# Who calls: name and place are optional, and only ever data


@pytest.mark.parametrize(
    ("office", "caller", "opening"),
    [
        ("president", Signer("Ani"), "Hi, my name is Ani."),
        ("president", Signer(" Ani ", Place(state="CA")), "Hi, my name is Ani, and I'm calling"),
        ("president", Signer("", Place(city="Fresno", state="CA")), "Hi, I'm calling from Fresno"),
        ("president", Signer("  "), "Hi."),
        ("president", Signer("Անի", Place(city="Երևան", region="Հայաստան")), "Hi, my name is Անի,"),
        ("senators", Signer("Ani"), "Hi, my name is Ani, and I'm a constituent from your state."),
        ("senators", Signer("", Place(state="WA", zip="98101")), "Hi, I'm a constituent from "),
        ("representative", Signer("  ", Place(city="Seattle", state="WA")), "Hi, I'm a const"),
    ],
)
def test_name_and_place_are_optional(
    scripts_for: ScriptsFor, office: str, caller: Signer, opening: str
) -> None:
    for _, _, script in scripts_for(office, caller):
        assert script.spoken.startswith(opening)
        assert "my name is ," not in script.spoken
        assert "  " not in script.spoken
        assert " ," not in script.spoken
        assert " ." not in script.spoken


def test_place_reads_as_people_say_it(
    campaign: Campaign,
    phone: PhoneScriptRenderer,
    recipients: dict[str, tuple[Target, str]],
    scripts_for: ScriptsFor,
) -> None:
    abroad = Signer("Ani", Place(city="Yerevan", region="Armenia"))
    for _, _, script in scripts_for("secstate", abroad):
        assert script.spoken.startswith(
            "Hi, my name is Ani, and I'm calling from Yerevan, Armenia."
        )
    senator = recipients["senators"][0]
    only_zip = Signer("Ani", Place(state="WA", zip="98101"))
    spoken = phone.render(senator, campaign.demands[0], only_zip).spoken
    assert spoken.startswith(
        "Hi, my name is Ani, and I'm a constituent from Washington, ZIP code 98101."
    )


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(10) %}{{ x }}{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "<b>bold</b> & <script>alert(1)</script>",
    "{# comment #}{%raw%}",
]


@pytest.mark.parametrize("office", ["president", "senators"])
@pytest.mark.parametrize("payload", HOSTILE)
def test_caller_text_is_never_template_source(
    scripts_for: ScriptsFor, office: str, payload: str
) -> None:
    caller = Signer(payload, Place(city=payload, state="CA", zip="93721"), street=payload)
    for _, _, script in scripts_for(office, caller):
        assert script.spoken.startswith(f"Hi, my name is {payload}, and I'm ")
        assert f"from {payload}, California" in script.spoken
        for text in (script.spoken, script.voicemail):
            assert "49" not in text
            assert "0123456789" not in text
            assert "<class" not in text
            assert "&lt;" not in text  # plain text; the Telegram adapter escapes when it sends


# Other campaigns and their own templates


def test_other_campaign_reads_naturally(library_campaign: Campaign) -> None:
    phone = PhoneScriptRenderer(library_campaign)
    caller = Signer("Ada Reader", Place(city="Quillfield", state="OR", zip="97201"))
    for target in library_campaign.targets:
        demands = library_campaign.demands_for([target.id])
        scripts = phone.scripts(target, demands, caller)
        assert [s.demand for s in scripts] == demands
        for demand, script in zip(demands, scripts, strict=True):
            ask = call_of(demand, target.kind)  # no phone wording given: the letters' first
            assert target.spoken == "the " + target.label.removeprefix("The ")
            assert f"I'm calling to ask {target.spoken} to {ask}." in script.spoken
            others = [call_of(d, target.kind) for d in library_campaign.demands if d != demand]
            for other in others:
                assert other not in script.spoken
            assert "constituent" not in script.spoken
            for word in BUNDLED_ONLY_WORDS:
                assert word not in script.spoken
                assert word not in script.voicemail
            assert word_count(script.spoken) <= MAX_WORDS


TWO_MACROS = (
    "{% macro spoken() %}Hi {{ target.spoken }}, {{ supporter.name }} here: {{ ask }} "
    "({{ demand.title }}).{% endmacro %}\n"
    "{% macro voicemail() %}Call me back, {{ target.holder }}.{% endmacro %}\n"
)


def test_campaign_can_bring_its_own_script(make_campaign: Callable[..., Campaign]) -> None:
    campaign = make_campaign(demands=("alpha", "beta"))
    own = campaign.templates_dir
    assert own is not None
    (own / "phone").mkdir(parents=True)
    (own / "phone" / "standard.txt.j2").write_text(TWO_MACROS, encoding="utf-8")
    scripts = PhoneScriptRenderer(campaign).scripts(
        campaign.targets[0], campaign.demands, Signer(" Pat ")
    )
    assert [(s.spoken, s.voicemail) for s in scripts] == [
        (
            "Hi Office office, Pat here: grant demand alpha (Demand alpha).",
            "Call me back, Holder of office.",
        ),
        (
            "Hi Office office, Pat here: grant demand beta (Demand beta).",
            "Call me back, Holder of office.",
        ),
    ]


def test_missing_template_is_a_clear_error(campaign: Campaign) -> None:
    with pytest.raises(LetterTemplateError) as info:
        PhoneScriptRenderer(campaign, template="phone/nowhere.txt.j2")
    assert "'phone/nowhere.txt.j2'" in str(info.value)
    assert str(TEMPLATES_DIR) in str(info.value)


def own_template(tmp_path: Path, source: str) -> Path:
    (tmp_path / "phone").mkdir(exist_ok=True)
    (tmp_path / "phone" / "standard.txt.j2").write_text(source, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        ("Hello {{ ask }}.", "spoken() or voicemail()"),  # a one-piece script, as before
        ("{% macro spoken() %}Hello.{% endmacro %}", "voicemail()"),
        ("{% macro voicemail() %}Call back.{% endmacro %}", "spoken()"),
        ("{% macro speak() %}{% endmacro %}{% macro voicemail() %}{% endmacro %}", "spoken()"),
        # Imported names are not exported from a template: they must be set to be found.
        ('{% from "phone/_parts.txt.j2" import spoken, voicemail %}', "spoken() or voicemail()"),
    ],
)
def test_template_without_the_macros_is_a_clear_error_at_start(
    campaign: Campaign, tmp_path: Path, source: str, missing: str
) -> None:
    with pytest.raises(LetterTemplateError) as info:
        PhoneScriptRenderer(campaign, extra_dirs=[own_template(tmp_path, source)])
    assert "'phone/standard.txt.j2'" in str(info.value)
    assert f"no {missing} macro" in str(info.value)


@pytest.mark.parametrize(
    "source",
    [
        "{% set spoken = 'not a macro' %}{% set voicemail = 'nor this' %}",
        "{% if false %}{% macro spoken() %}{% endmacro %}{% macro voicemail() %}{% endmacro %}"
        "{% endif %}",
    ],
)
def test_macros_that_are_not_there_when_called_are_a_clear_error(
    campaign: Campaign, tmp_path: Path, source: str
) -> None:
    phone = PhoneScriptRenderer(campaign, extra_dirs=[own_template(tmp_path, source)])
    with pytest.raises(LetterTemplateError, match=r"spoken\(\) and voicemail\(\)"):
        phone.render(campaign.targets[0], campaign.demands[0], CALLER)


def test_macros_may_come_from_another_template(campaign: Campaign, tmp_path: Path) -> None:
    folder = own_template(
        tmp_path,
        '{% import "phone/_parts.txt.j2" as parts with context %}'
        "{% set spoken = parts.spoken %}{% set voicemail = parts.voicemail %}",
    )
    (folder / "phone" / "_parts.txt.j2").write_text(TWO_MACROS, encoding="utf-8")
    script = PhoneScriptRenderer(campaign, extra_dirs=[folder]).render(
        campaign.targets[0], campaign.demands[0], CALLER
    )
    assert script.spoken.startswith("Hi the President, Ani Hakobyan here: sanction the")
    assert script.voicemail == "Call me back, Donald J. Trump."


def wrapped(spoken: str) -> str:
    return (
        f"{{% macro spoken() %}}{spoken}{{% endmacro %}}{{% macro voicemail() %}}{{% endmacro %}}"
    )


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            wrapped("{{ ''.__class__.__mro__[1].__subclasses__() }}"),
            jinja2.exceptions.SecurityError,
        ),
        (wrapped("{{ demand.update({'id': 1}) }}"), jinja2.exceptions.SecurityError),
        (wrapped("{{ supporter.nickname }}"), jinja2.exceptions.UndefinedError),
        (wrapped("{{ caller.name }}"), jinja2.exceptions.UndefinedError),  # the old variable
    ],
)
def test_sandbox_and_strict_undefined(
    campaign: Campaign, tmp_path: Path, source: str, error: type[Exception]
) -> None:
    phone = PhoneScriptRenderer(campaign, extra_dirs=[own_template(tmp_path, source)])
    with pytest.raises(error):
        phone.render(campaign.targets[0], campaign.demands[0], CALLER)


def test_helpers() -> None:
    assert with_article("President of the United States") == "the President of the United States"
    assert with_article("The Mayor") == "The Mayor"
    assert word_count(" one  two\nthree ") == 3
    assert word_count("") == 0
    assert speaking_seconds(" ".join(["word"] * MAX_WORDS)) == MAX_SECONDS
    assert speaking_seconds(" ".join(["word"] * 150), words_per_minute=100) == 90


def test_delivery_core_imports_no_telegram() -> None:
    package = Path(__file__).resolve().parents[2] / "bot" / "delivery"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(
                n == "telegram" or n.startswith(("telegram.", "bot.telegram")) for n in names
            ), f"{path.name} imports {names}"
