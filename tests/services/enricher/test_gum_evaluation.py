"""GUM scoring: typed matches by identity, unjudgeable names left out, splits and merges counted."""

import pytest

from newsflow.evaluation import gum

pytestmark = pytest.mark.unit

# Two sentences in WebAnno TSV 3.2: "Donald Trump met Kim ." / "Trump said ."
_TSV = """#FORMAT=WebAnno TSV 3.2


#Text=Donald Trump met Kim .
1-1\t0-6\tDonald\tperson[1]\tnew[1]\ts[1]\tDonald_Trump[1]\tcf1[1]\t_\t_\t
1-2\t7-12\tTrump\tperson[1]\tnew[1]\ts[1]\tDonald_Trump[1]\tcf1[1]\t_\t_\t
1-3\t13-16\tmet\t_\t_\t_\t_\t_\t_\t_\t
1-4\t17-20\tKim\tperson\tnew\ts\tKim_Jong-un\tcf2\t_\t_\t
1-5\t21-22\t.\t_\t_\t_\t_\t_\t_\t_\t

#Text=Trump said .
2-1\t23-28\tTrump\tperson\tgiv\ts\tDonald_Trump\tcf1\t_\t_\t
2-2\t29-33\tsaid\t_\t_\t_\t_\t_\t_\t_\t
2-3\t34-35\t.\t_\t_\t_\t_\t_\t_\t_\t
"""


@pytest.fixture()
def doc(tmp_path):
    path = tmp_path / "GUM_news_test.tsv"
    path.write_text(_TSV, encoding="utf-8")
    assert gum.is_gum(tmp_path)
    return gum.load_document(path)


def test_text_and_mentions_are_rebuilt_from_offsets(doc):
    assert doc.text == "Donald Trump met Kim .\nTrump said ."
    assert doc.gold() == {("person", "Donald_Trump"), ("person", "Kim_Jong-un")}
    assert {(doc.text[m.start:m.end], m.identity) for m in doc.mentions} == {
        ("Donald Trump", "Donald_Trump"), ("Kim", "Kim_Jong-un"), ("Trump", "Donald_Trump")}


def test_wrong_type_counts_against_precision_and_a_split_is_counted(doc):
    preds = [
        gum.PredEntity("person", frozenset({"donald trump"}), ((0, 12),)),
        gum.PredEntity("person", frozenset({"trump"}), ((23, 28),)),  # same person, second entity: a split
        gum.PredEntity("organization", frozenset({"kim"}), ((17, 20),)),  # right identity, wrong type
        gum.PredEntity("person", frozenset({"said"}), ((29, 33),)),  # no entity there at all
    ]
    result = gum.score([doc], [preds])
    assert result["person"]["recall"] == 0.5
    assert result["person"]["precision"] == 0.5  # Donald_Trump right, "said" wrong
    assert result["organization"]["precision"] == 0.0
    assert result["splits"] == 1 and result["merges"] == 0


def test_one_entity_over_two_identities_is_a_merge(doc):
    preds = [gum.PredEntity("person", frozenset({"x"}), ((0, 12), (17, 20)))]
    assert gum.score([doc], [preds])["merges"] == 1
