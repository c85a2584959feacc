"""The 30-second phone script: names the office and the asks, short, caller text as data only."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from bot.campaign import Campaign
from bot.delivery import PhoneScriptRenderer, speaking_seconds, word_count
from bot.letters import LetterTemplateError, Signer, with_article
from bot.paths import TEMPLATES_DIR
from tests.support import BUNDLED_ONLY_WORDS

CALLER = Signer("Ani Hakobyan", "Glendale, CA")
MAX_WORDS = 90  # about 30 seconds read aloud at a calm pace


@pytest.fixture(scope="module")
def phone(campaign: Campaign) -> PhoneScriptRenderer:
    return PhoneScriptRenderer(campaign)


def script_for(
    phone: PhoneScriptRenderer, campaign: Campaign, index: int, caller: Signer = CALLER
) -> str:
    target = campaign.targets[index]
    return phone.render(target, campaign.demands_for([target.id]), caller)


def test_bundled_campaign_scripts(campaign: Campaign, phone: PhoneScriptRenderer) -> None:
    for index, target in enumerate(campaign.targets):
        script = script_for(phone, campaign, index)
        first, asks, thanks = script.split("\n\n")
        assert first == (
            f"Hello, this is Ani Hakobyan from Glendale, CA, calling the office of the "
            f"{target.office}."
        )
        assert asks.startswith(f"I urge {target.holder} to ")
        for demand in campaign.demands_for([target.id]):
            assert (demand.call or demand.ask) in asks  # the short phone wording when given
        assert asks.endswith(".")  # the asks in one sentence
        assert "\n" not in asks
        assert thanks == "Thank you."
        assert word_count(script) < MAX_WORDS
        assert speaking_seconds(script) <= 30


def test_deterministic(campaign: Campaign, phone: PhoneScriptRenderer) -> None:
    fresh = PhoneScriptRenderer(campaign)
    for index in range(len(campaign.targets)):
        assert script_for(phone, campaign, index) == script_for(fresh, campaign, index)


@pytest.mark.parametrize(
    ("caller", "opening"),
    [
        (Signer("Ani"), "Hello, this is Ani, calling the office of"),
        (Signer("", "Glendale, CA"), "Hello, I live in Glendale, CA, and I'm calling the office"),
        (Signer("  ", " "), "Hello, I'm calling the office of"),
        (Signer("Անի Հակոբյան", "Երևան"), "Hello, this is Անի Հակոբյան from Երևան, calling"),
    ],
)
def test_name_and_place_are_optional(
    campaign: Campaign, phone: PhoneScriptRenderer, caller: Signer, opening: str
) -> None:
    script = script_for(phone, campaign, 0, caller)
    assert script.startswith(opening)
    assert "  " not in script
    assert " ," not in script


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(10) %}{{ x }}{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "<b>bold</b> & <script>alert(1)</script>",
    "{# comment #}{%raw%}",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_caller_text_is_never_template_source(
    campaign: Campaign, phone: PhoneScriptRenderer, payload: str
) -> None:
    script = script_for(phone, campaign, 0, Signer(payload, payload))
    assert script.startswith(f"Hello, this is {payload} from {payload}, calling")
    assert "49" not in script
    assert "0123456789" not in script
    assert "<class" not in script
    assert "&lt;" not in script  # plain text; the Telegram adapter escapes when it sends


def test_other_campaign_routes_and_reads_naturally(library_campaign: Campaign) -> None:
    phone = PhoneScriptRenderer(library_campaign)
    for target in library_campaign.targets:
        demands = library_campaign.demands_for([target.id])
        script = phone.render(target, demands, Signer("Ada Reader", "Quillfield, OR"))
        assert with_article(target.office) in script
        for demand in demands:
            assert demand.ask in script
        assert ";" not in script  # one or two asks: joined with "and"
        for word in BUNDLED_ONLY_WORDS:
            assert word not in script
        assert word_count(script) < MAX_WORDS


def test_campaign_can_bring_its_own_script(
    make_campaign: Callable[..., Campaign], tmp_path: Path
) -> None:
    campaign = make_campaign(demands=("alpha",))
    own = campaign.templates_dir
    assert own is not None
    (own / "phone").mkdir(parents=True)
    (own / "phone" / "standard.txt.j2").write_text(
        "Hi {{ target.holder }}, {{ caller.name }} here: {{ demands[0].title }}.\n",
        encoding="utf-8",
    )
    script = PhoneScriptRenderer(campaign).render(
        campaign.targets[0], campaign.demands, Signer("Pat")
    )
    assert script == "Hi Holder of office, Pat here: Demand alpha."


def test_missing_template_is_a_clear_error(campaign: Campaign) -> None:
    with pytest.raises(LetterTemplateError) as info:
        PhoneScriptRenderer(campaign, template="phone/nowhere.txt.j2")
    assert "'phone/nowhere.txt.j2'" in str(info.value)
    assert str(TEMPLATES_DIR) in str(info.value)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", jinja2.exceptions.SecurityError),
        ("{{ demands.append(1) }}", jinja2.exceptions.SecurityError),
        ("{{ caller.nickname }}", jinja2.exceptions.UndefinedError),
    ],
)
def test_sandbox_and_strict_undefined(
    campaign: Campaign, tmp_path: Path, source: str, error: type[Exception]
) -> None:
    (tmp_path / "phone").mkdir()
    (tmp_path / "phone" / "standard.txt.j2").write_text(source, encoding="utf-8")
    phone = PhoneScriptRenderer(campaign, extra_dirs=[tmp_path])
    with pytest.raises(error):
        phone.render(campaign.targets[0], campaign.demands, CALLER)


def test_helpers() -> None:
    assert with_article("President of the United States") == "the President of the United States"
    assert with_article("The Mayor") == "The Mayor"
    assert word_count(" one  two\nthree ") == 3
    assert speaking_seconds(" ".join(["word"] * 75)) == 30


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
