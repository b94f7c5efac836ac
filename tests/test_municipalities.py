import pytest

from indsatstrappe.core import municipalities as m
from indsatstrappe.core.errors import InputError


def test_98_municipalities_without_christiansoe():
    codes = m.codes()
    assert len(codes) == 98 and len(set(codes)) == 98
    assert 411 not in codes
    assert m.name_of(101) == "København"


def test_dst_groups_have_the_published_sizes():
    sizes = {g: len(m.dst_group(g).members) for g in range(1, 6)}
    assert sizes == {1: 24, 2: 3, 3: 16, 4: 24, 5: 31}


def test_regions_partition_the_country():
    members = [k for r in (81, 82, 83, 84, 85) for k in m.region(r).members]
    assert sorted(members) == sorted(m.codes())
    assert len(m.region(84).members) == 29


@pytest.mark.parametrize(("spec", "kode", "expected"), [
    (None, 751, "G2"), ("kommunegruppe", 253, "G1"), ("region", 253, "R85"), ("land", 101, "0"),
    ("G5", 101, "G5"), ("r81", 101, "R81"), ("Provinsbykommuner", 101, "G3"), ("Region Sjælland", 101, "R85"),
    ("Sjælland", 101, "R85"), ("101, 147", 101, "L"),
])
def test_comparison_group_choices(spec, kode, expected):
    assert m.comparison_group(spec, kode).kode == expected


def test_country_is_weighted_groups_are_not():
    """Two municipalities of group 3 with a share of 1/1 and 1/3 (B07, a share in per cent): the group is the
    mean of their values, (100 + 33,3) / 2; the country is all numerators over all denominators, 2/4."""
    import pandas as pd

    from indsatstrappe.core import keyfigures

    a, b = sorted(m.dst_group(3).members)[:2]
    values = pd.DataFrame({"noegletal_id": ["B07", "B07"], "kommune_kode": [a, b], "aar": [2024, 2024],
                           "taeller": [1.0, 1.0], "naevner": [1.0, 3.0], "vaerdi": [100.0, 100 / 3]})
    assert keyfigures.group_values(values, m.dst_group(3))["vaerdi"].iloc[0] == pytest.approx(200 / 3)
    assert keyfigures.group_values(values, m.country())["vaerdi"].iloc[0] == pytest.approx(50.0)


def test_bad_group_gets_a_danish_explanation():
    with pytest.raises(InputError) as info:
        m.comparison_group("Jylland", 101)
    assert "ikke en sammenligningsgruppe" in str(info.value)
    with pytest.raises(InputError, match="ukendt kommunekode 999"):
        m.comparison_group("101,999", 101)


def test_municipality_by_name_or_code():
    assert m.parse_kommune("læsø", "kommune") == 825
    assert m.parse_kommune("825", "kommune") == 825
    with pytest.raises(InputError):
        m.parse_kommune("411", "kommune")


def test_names_as_people_type_them():
    """#30: the ASCII form of our own file names, a space for the hyphen, and the start of one name only."""
    assert m.parse_kommune("Koebenhavn", "kommune") == 101
    assert m.parse_kommune("Høje Taastrup", "kommune") == 169
    assert m.parse_kommune("laesoe", "kommune") == 825
    assert m.parse_kommune("Frederiksb", "kommune") == 147
    with pytest.raises(InputError, match="passer på flere kommuner: Frederiksberg"):
        m.parse_kommune("Frederiks", "kommune")
