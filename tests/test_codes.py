from gebiedskompas.codes import gemeente_van, niveau_van, normaliseer, ouder_van


def test_normaliseer_strips_padding_and_maps_nl01() -> None:
    assert normaliseer("GM0917    ") == "GM0917"
    assert normaliseer(" nl01 ") == "NL00"
    assert normaliseer("NL00") == "NL00"


def test_levels_including_amsterdam_letter_codes() -> None:
    assert niveau_van("PV31") == "provincie"
    assert niveau_van("GM0917") == "gemeente"
    assert niveau_van("WK091712") == "wijk"
    assert niveau_van("WK0363AA") == "wijk"
    assert niveau_van("BU09173300") == "buurt"
    assert niveau_van("BU0363AA01") == "buurt"
    assert niveau_van("PC6211") == "pc4"
    assert niveau_van("GM917") is None
    assert niveau_van("XX1234") is None


def test_parent_chain_from_code() -> None:
    assert ouder_van("BU09173300") == "WK091733"
    assert ouder_van("WK091733") == "GM0917"
    assert ouder_van("GM0917") is None
    assert gemeente_van("BU09173300") == "GM0917"
