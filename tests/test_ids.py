from kit.ids import artist_id, slug


def test_names_become_ascii_slugs():
    assert artist_id("Tyler, The Creator") == "tyler-the-creator"
    assert slug("Solène Garnier") == "solene-garnier"


def test_letters_without_a_decomposition_are_transliterated():
    assert slug("Lina Sørberg") == "lina-sorberg"
    assert slug("Æsa Łukasz Straße") == "aesa-lukasz-strasse"
