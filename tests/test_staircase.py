import pandas as pd
import pytest

from indsatstrappe.core.errors import InputError
from indsatstrappe.core.staircase import default_staircases, staircases_with_mapping


def test_children_staircase_has_six_official_steps():
    boern = default_staircases()["boern"]
    assert boern.step_numbers == [1, 2, 3, 4, 5, 6]
    assert boern.step_name(1) == "Tidligere indsatser i almenområdet"
    assert boern.step_name(6) == "Anbringelse på institution"
    assert boern.aldersgruppe == "0-17"


def test_adult_staircase_has_eight_steps_with_botilbud_on_top():
    voksne = default_staircases()["voksne"]
    assert voksne.n_steps == 8
    assert voksne.step_name(8) == "Længerevarende botilbud"
    assert voksne.aldersgruppe == "18-64"


@pytest.mark.parametrize(("trappe", "code", "step"), [
    ("boern", "ANBAAR12:1", 4), ("boern", "ANBAAR12:21", 5), ("boern", "ANBAAR12:26", 5),
    ("boern", "ANBAAR12:9", 6), ("boern", "ANBAAR12:7", 6), ("boern", "ANBAAR12:8", 6),
    ("boern", "ANBAAR12:27", 6), ("boern", "ANBAAR12:6", 6), ("boern", "ANBAAR12:11", 6),
    ("boern", "ISBU01:405", 2), ("boern", "ISBU01:401", 2), ("boern", "ISBU01:402", 2),
    ("voksne", "HAND07:31181", 3), ("voksne", "HAND07:31182", 3), ("voksne", "HAND07:31202", 4),
    ("voksne", "HAND07:31201", 6), ("voksne", "HAND07:30182", 7), ("voksne", "HAND07:30181", 8),
])
def test_register_codes_map_to_the_domain_steps(trappe, code, step):
    assert default_staircases()[trappe].step_of(code) == step


def test_known_codes_on_no_step_say_why():
    staircases = default_staircases()
    assert staircases["voksne"].step_of("HAND07:30013") is None
    assert staircases["voksne"].codes.loc["HAND07:30013", "uden_trin"] == "udenfor"
    assert staircases["boern"].step_of("ANBAAR12:99") is None
    assert staircases["boern"].codes.loc["ANBAAR12:99", "uden_trin"] == "uoplyst"


def test_unknown_code_is_not_silently_placed():
    with pytest.raises(KeyError):
        default_staircases()["boern"].step_of("ANBAAR12:12345")


def test_every_step_has_at_least_one_code():
    for staircase in default_staircases().values():
        assert set(staircase.codes["trin"].dropna().astype(int)) == set(staircase.step_numbers)


def test_user_mapping_replaces_the_default():
    own = pd.DataFrame({"trappe": ["boern", "boern"], "kode": ["ANBAAR12:6", "EGEN:X"],
                        "navn": ["Eget værelse", "X"], "trin": ["5", "3"], "uden_trin": ["", ""],
                        "bemaerkning": ["", ""]})
    boern = staircases_with_mapping(own, "mit_kort.csv")["boern"]
    assert boern.step_of("ANBAAR12:6") == 5
    assert not boern.knows("ANBAAR12:21")


def test_bad_user_mapping_lists_every_problem():
    bad = pd.DataFrame({"trappe": ["boern", "boern", "katte", "boern"],
                        "kode": ["ANBAAR12:6", "ANBAAR12:6", "K:1", "NOCOLON"],
                        "trin": ["7", "2", "1", ""], "uden_trin": ["", "", "", ""]})
    with pytest.raises(InputError) as info:
        staircases_with_mapping(bad, "mit_kort.csv")
    texts = [p.tekst() for p in info.value.problems]
    assert any("række 2" in t and "trin '7'" in t for t in texts)
    assert any("række 3" in t and "to gange" in t for t in texts)
    assert any("række 4" in t and "ukendt trappe 'katte'" in t for t in texts)
    assert any("række 5" in t and "KILDE:KODE" in t for t in texts)
