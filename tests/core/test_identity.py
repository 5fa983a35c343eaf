"""Tests for busfactor.core.identity: email keys, names, bots and merging into people (§4)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.identity import Identities, email_key, is_bot, merge_identities, name_key
from busfactor.core.model import IdentityActivity, RawIdentity
from busfactor.core.settings import IdentitySettings

DEFAULT = IdentitySettings()


def merge(
    *identities: tuple[str, str, int],
    settings: IdentitySettings = DEFAULT,
) -> Identities:
    """merge_identities over (name, email, commits); identity i commits from time 10·i + 1 on."""
    raw = [RawIdentity(email, name) for name, email, _ in identities]
    activity = [
        IdentityActivity(n, 10 * i + 1, 10 * i + n) for i, (_, _, n) in enumerate(identities)
    ]
    return merge_identities(raw, activity, settings)


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("Ada@Example.COM", "ada@example.com"),
        ("  ada@example.com\t", "ada@example.com"),
        ("123+ada@users.noreply.github.com", "github:ada"),
        ("ada@users.noreply.github.com", "github:ada"),
        ("42+Ada@Users.NoReply.GitHub.com", "github:ada"),
        ("ada@noreply.github.com", "ada@noreply.github.com"),
        ("", ""),
    ],
)
def test_email_key(email: str, key: str) -> None:
    """Emails are trimmed and lower-cased; both GitHub noreply forms become one key per login."""
    assert email_key(email) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("José Pérez", "jose perez"),
        ("  JOSE   PEREZ ", "jose perez"),
        ("Straße", "strasse"),
        ("\uff26\uff55\uff4c\uff4c\u3000\uff37\uff49\uff44\uff54\uff48", "full width"),
        ("Zoë\tvan  Dijk", "zoe van dijk"),
        ("", ""),
    ],
)
def test_name_key(name: str, key: str) -> None:
    """Names lose accents (NFKD), are case-folded and have white space collapsed."""
    assert name_key(name) == key


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_name_key_takes_the_short_way_for_ascii_alike(name: str) -> None:
    """ASCII names skip the Unicode steps (they change nothing there): same key as the spec's
    three steps, written out here, for ASCII and any other text."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    assert name_key(name) == " ".join(stripped.casefold().split())


@pytest.mark.parametrize(
    ("name", "email", "bot"),
    [
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", True),
        ("Renovate[Bot]", "renovate@example.com", True),
        ("Some Tool", "29139614+renovate[bot]@users.noreply.github.com", True),
        ("Robot Bob", "bob@example.com", False),
        ("bot", "bot@example.com", False),
        ("[bot] helper", "helper@example.com", False),
    ],
)
def test_is_bot_by_pattern(name: str, email: str, bot: bool) -> None:
    """A name ending in [bot] or an email with "[bot]@" marks a bot; other "bot" text does not."""
    assert is_bot(RawIdentity(email, name)) is bot


def test_is_bot_by_configured_list() -> None:
    """Configured names and emails mark bots, exactly but case-insensitively."""
    listed = ("CI Runner", "deploy@example.com")
    assert is_bot(RawIdentity("x@example.com", "ci runner"), listed)
    assert is_bot(RawIdentity("Deploy@Example.com", "Deployer"), listed)
    assert not is_bot(RawIdentity("deploy2@example.com", "CI Runner 2"), listed)


def test_same_email_in_any_case_is_one_person() -> None:
    """Identities whose emails differ only in case merge, even with different names."""
    result = merge(("Ada", "ada@example.com", 3), ("A. Lovelace", "ADA@example.com", 1))
    assert len(result.people) == 1
    assert result.person_of == ("ada@example.com", "ada@example.com")


def test_noreply_forms_are_one_person() -> None:
    """`123+login@users.noreply…` and `login@users.noreply…` merge, names aside."""
    result = merge(
        ("ada-l", "123+ada@users.noreply.github.com", 2),
        ("Ada", "ada@users.noreply.github.com", 1),
        settings=IdentitySettings(merge_by_name=False),
    )
    assert len(result.people) == 1
    person = result.people["123+ada@users.noreply.github.com"]
    assert person.aliases == ("Ada", "ada@users.noreply.github.com")


def test_names_differing_in_accents_and_case_merge() -> None:
    """ "José Pérez" and "jose  perez" with different emails are one person by default."""
    result = merge(("José Pérez", "jose@work.example", 5), ("jose  perez", "jp@home.example", 2))
    assert len(result.people) == 1
    person = result.people["jose@work.example"]
    assert person.name == "José Pérez"
    assert person.aliases == ("jose  perez", "jp@home.example")
    assert person.commits == 7


def test_merge_by_name_false_keeps_same_named_people_apart() -> None:
    """With merge_by_name off, two "Alex Smith" identities with different emails stay apart."""
    identities = (("Alex Smith", "alex@a.example", 1), ("Alex Smith", "alex@b.example", 1))
    assert len(merge(*identities).people) == 1
    apart = merge(*identities, settings=IdentitySettings(merge_by_name=False))
    assert set(apart.people) == {"alex@a.example", "alex@b.example"}


def test_merging_is_transitive() -> None:
    """Email and name edges chain: A shares an email with B, B a name with C, so all are one."""
    result = merge(
        ("Ada", "ada@example.com", 1),
        ("Ada Lovelace", "ada@example.com", 1),
        ("ada lovelace", "countess@example.org", 1),
    )
    assert len(set(result.person_of)) == 1


def test_config_aliases_merge_unrelated_identities() -> None:
    """A configured alias group joins identities no heuristic would, by email or by name."""
    aliases = (("ada@example.com", "The Countess"),)
    result = merge(
        ("Ada", "ada@example.com", 2),
        ("The Countess", "countess@example.org", 1),
        ("Bob", "bob@example.com", 1),
        settings=IdentitySettings(aliases=aliases),
    )
    assert result.person_of[0] == result.person_of[1] == "ada@example.com"
    assert result.person_of[2] == "bob@example.com"


def test_config_aliases_are_case_insensitive() -> None:
    """Alias entries match emails and names regardless of case."""
    aliases = (("ADA@EXAMPLE.COM", "the countess"),)
    result = merge(
        ("Ada", "ada@example.com", 2),
        ("The Countess", "countess@example.org", 1),
        settings=IdentitySettings(aliases=aliases, merge_by_name=False),
    )
    assert len(result.people) == 1


def test_canonical_id_is_the_most_used_email_lower_cased() -> None:
    """The person id is the lower-cased email with the most commits, whatever came first."""
    result = merge(
        ("Ada", "ada@old.example", 2),
        ("Ada", "Ada@New.Example", 9),
        ("Ada", "ada@other.example", 4),
    )
    (person,) = result.people.values()
    assert person.id == person.email == "ada@new.example"
    assert person.aliases == ("ada@old.example", "ada@other.example")


def test_canonical_id_ties_go_to_the_alphabetically_first_email() -> None:
    """Equally used emails: the alphabetically first one is the id."""
    result = merge(("Ada", "zz@example.com", 3), ("Ada", "aa@example.com", 3))
    assert set(result.people) == {"aa@example.com"}


def test_most_used_name_is_the_display_name() -> None:
    """The person's name is the name used in most commits; the others become aliases."""
    result = merge(("ada", "ada@example.com", 1), ("Ada Lovelace", "ada@example.com", 5))
    person = result.people["ada@example.com"]
    assert person.name == "Ada Lovelace"
    assert person.aliases == ("ada",)


def test_activity_is_summed_over_identities() -> None:
    """A person's commits add up and their first and last commit span every identity."""
    raw = [RawIdentity("ada@example.com", "Ada"), RawIdentity("ada@example.com", "A. L.")]
    activity = [IdentityActivity(2, 100, 500), IdentityActivity(3, 50, 300)]
    person = merge_identities(raw, activity, DEFAULT).people["ada@example.com"]
    assert (person.commits, person.first_commit, person.last_commit) == (5, 50, 500)


def test_bots_are_left_out_of_people() -> None:
    """Bots get no person (None), are listed with their commits, and are never merged in."""
    result = merge(
        ("Ada", "ada@example.com", 3),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", 7),
        ("Ada", "ci@example.com", 2),
        settings=IdentitySettings(bots=("ci@example.com",)),
    )
    assert result.person_of == ("ada@example.com", None, None)
    assert set(result.people) == {"ada@example.com"}
    assert [(bot.name, bot.commits) for bot in result.bots] == [
        ("dependabot[bot]", 7),
        ("Ada", 2),
    ]


def test_identities_of_one_bot_are_counted_together() -> None:
    """Two raw identities of the same bot email appear as one bot with their commits summed."""
    result = merge(
        ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com", 2),
        ("Renovate Bot[bot]", "29139614+renovate[bot]@users.noreply.github.com", 3),
    )
    assert [bot.commits for bot in result.bots] == [5]
    assert result.people == {}


def test_a_bot_sharing_a_name_with_a_human_does_not_merge() -> None:
    """Bots are split off before merging, so a human named like a bot's alias stays separate."""
    result = merge(
        ("Release Bot", "release@example.com", 1),
        ("Release Bot", "ci@example.com", 4),
        settings=IdentitySettings(bots=("ci@example.com",)),
    )
    assert result.person_of == ("release@example.com", None)


def test_identities_without_email_merge_by_name_only() -> None:
    """An identity with an empty email is keyed by its name and gets a name-based id."""
    result = merge(("Ada", "", 1), settings=IdentitySettings(merge_by_name=False))
    assert result.person_of == ("ada",)


def test_every_human_gets_a_person() -> None:
    """Every non-bot identity maps to a person that exists in `people`."""
    result = merge(
        ("Ada", "ada@example.com", 1),
        ("Bob", "bob@example.com", 1),
        ("Cy", "cy@example.com", 1),
    )
    assert all(person in result.people for person in result.person_of)
    assert len(result.people) == 3


def test_an_author_with_neither_name_nor_email_is_named_so() -> None:
    """git accepts the author line `  <>`: such commits are one person, never a blank one;
    a blank name with an email shows the email."""
    result = merge(("  ", "", 2), ("", "", 1), ("   ", "ws@example.com", 3), ("Ann", "", 1))
    assert set(result.people) == {"(no name or email)", "ws@example.com", "ann"}
    assert result.people["(no name or email)"].name == "(no name or email)"
    assert result.people["(no name or email)"].commits == 3
    assert result.people["ws@example.com"].name == "ws@example.com"
    assert result.people["ann"].name == "Ann"


def test_thousands_of_alias_groups_merge_what_they_name() -> None:
    """Each alias group was searched for in every identity (5,000 groups on 5,000 identities:
    25 million comparisons); now each entry is looked up. Groups still join only the
    identities they name, by email or by name, and leave the rest alone."""
    people = [(f"Person {n}", f"p{n}@example.com", 1) for n in range(5_000)]
    aliases = tuple(
        (f"P{n}@EXAMPLE.COM", f"person {n + 1}") for n in range(0, 5_000, 2)
    )  # joins 0+1, 2+3, ...
    result = merge(*people, settings=IdentitySettings(aliases=aliases, merge_by_name=False))
    assert len(set(result.person_of)) == 2_500
    assert result.person_of[10] == result.person_of[11] != result.person_of[12]


def test_thousands_of_configured_bots_are_read_once() -> None:
    """The configured bot list was lower-cased again for every identity (5,000 names on
    5,000 identities); every listed name or email is still a bot, and no one else."""
    people = [(f"Person {n}", f"p{n}@example.com", 1) for n in range(5_000)]
    bots = tuple(f"P{n}@Example.com" if n % 2 else f"person {n}" for n in range(0, 5_000, 5))
    result = merge(*people, settings=IdentitySettings(bots=bots))
    assert len(result.bots) == 1_000
    assert result.person_of[5] is None
    assert result.person_of[10] is None
    assert result.person_of[6] == "p6@example.com"
