"""The README is the operator's manual: it must keep up with the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_READ = re.compile(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    # Infrastructure in config/settings, product settings in each app's conf.py.
    paths = [*(ROOT / "config" / "settings").glob("*.py"), *(ROOT / "apps").glob("*/conf.py")]
    names = {name for path in paths for name in ENV_READ.findall(path.read_text())}
    assert names, "no environment variables found; has the settings style changed?"
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, f"Document these in the README's table: {missing}"


def test_the_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    head = readme[: readme.index("### Demo accounts")]
    assert "make run" in head
    assert "make test" in head
