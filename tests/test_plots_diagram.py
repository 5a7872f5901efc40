"""gan.plots.diagram: the model graph lights the parts at work in each phase of a step."""
import re
import xml.etree.ElementTree as ET

import pytest

from gan.plots import diagram as Dg


def lit_nodes(svg: str) -> set[str]:
    return set(re.findall(r'data-node="([^"]+)" data-lit="true"', svg))


@pytest.mark.parametrize("kind,last,expected", [
    ("d", "update_d", {"D", "L_D"}), ("g", "update_g", {"G", "G(z)", "D", "L_G"}),
    ("both", "update_g", {"G", "G(z)", "D", "L_G"})])
def test_each_kind_of_step_ends_on_its_update(kind, last, expected):
    ph = Dg.phases(kind)
    assert ph[0] == "generate" and ph[1] == "classify" and ph[-1] == last
    assert lit_nodes(Dg.model_svg(last)) == expected


def test_generate_and_classify_light_the_right_parts():
    assert lit_nodes(Dg.model_svg("generate")) == {"z", "G", "G(z)"}
    assert lit_nodes(Dg.model_svg("classify")) == {"G(z)", "x", "D"}
    assert lit_nodes(Dg.model_svg("initialise")) == set(Dg.NODES)
    assert lit_nodes(Dg.model_svg("idle")) == set()


def test_svg_is_well_formed_and_shows_the_numbers_of_the_phase():
    vals = {"d_real": 0.81, "d_fake": 0.23, "loss_d": 0.74, "grad_norm_d": 1.5, "loss_g": 1.9, "grad_norm_g": 2.25}
    svg = Dg.model_svg("classify", Dg.values_seen("classify", vals), text={"classify": "分类"})
    ET.fromstring(svg)  # parses as XML
    assert "D(x) = 0.810" in svg and "D(G(z)) = 0.230" in svg and "0.740" not in svg and "分类" in svg
    svg = Dg.model_svg("update_g", Dg.values_seen("update_g", vals))
    assert "1.900 · |∇G| 2.250" in svg and "0.740 · |∇D| 1.500" in svg


def test_unknown_phase_or_kind():
    with pytest.raises(ValueError):
        Dg.model_svg("dance")
    with pytest.raises(ValueError):
        Dg.phases("x")


def test_loop_moves_the_lit_part_round_a_full_step_in_the_browser():
    svg = Dg.model_svg("loop", {"d_real": 0.5}, text={"generate": "gen", "update_g": "upd G"})
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    lit_copies = {g.get("data-node"): g.find(ns + "animate").get("values")
                  for g in root.iter(ns + "g") if g.get("data-lit") == "loop"}
    # one lit copy per node, shown (1) in the phases of generate, classify, update D, update G where it works
    assert lit_copies == {"z": "1;0;0;0", "G": "1;0;0;1", "G(z)": "1;1;0;1", "x": "0;1;0;0", "D": "0;1;1;1",
                          "L_D": "0;0;1;0", "L_G": "0;0;0;1"}
    assert "gen" in svg and "upd G" in svg and "D(x) = 0.500" in svg
    assert not lit_nodes(svg)  # nothing lit for good
