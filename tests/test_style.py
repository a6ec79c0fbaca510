import pytest

from docforge.errors import StyleError
from docforge.style import builtin_styles, load_style


def test_default_theme_loads_with_every_section():
    style = load_style()
    assert style.name == "default"
    assert style.page.size == "A4" and style.fonts.size == 11.0
    assert style.page_size_mm == (210.0, 297.0)


def test_a_theme_extends_another_and_overrides_only_what_it_says(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text('[fonts]\nsize = 9.5\n[colors]\nlink = "#ff0000"\n')
    child = tmp_path / "child.toml"
    child.write_text('extends = "base.toml"\n[fonts]\nbody = "Liberation Serif"\n')
    style = load_style(child)
    assert style.fonts.size == 9.5 and style.fonts.body == "Liberation Serif"
    assert style.colors.link == "#ff0000"
    assert style.table == load_style().table  # untouched sections come from default


@pytest.mark.parametrize("content, fragment", [
    ('[fonts]\nsize = "big"\n', "fonts.size"),
    ('[fonts]\nsize = 500\n', "between 5 and 36"),
    ('[colors]\nlink = "blue"\n', "colour"),
    ('[page]\nsize = "B7"\n', "one of A4"),
    ('[page]\nsizee = "A4"\n', "unknown key `sizee`"),
    ('[pages]\nsize = "A4"\n', "unknown theme section [pages]"),
    ('[toc]\nenabled = "yes"\n', "true or false"),
    ('extends = "nope"\n', "no such built-in theme"),
    ('[fonts\n', "not valid TOML"),
])
def test_bad_themes_give_one_line_errors_naming_file_and_key(tmp_path, content, fragment):
    theme = tmp_path / "bad.toml"
    theme.write_text(content)
    with pytest.raises(StyleError) as info:
        load_style(theme)
    message = str(info.value)
    assert fragment in message and "bad.toml" in message and "\n" not in message


def test_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(StyleError, match="cycle"):
        load_style(tmp_path / "a.toml")


def test_builtin_themes_are_all_valid():
    assert "default" in builtin_styles()
    for name in builtin_styles():
        assert load_style(name).name == name
