"""A test program: the stack of `__main__.py` with the second service exactly as the README's "Adding a second
service" example writes it, placed where the README says: at `__main__.py`'s comment that another service goes there,
before the redirect, the dashboard and the outputs read `services`. tests/test_readme.py evaluates it."""

import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECTION = "### Adding a second service"
PLACE = "# Another service behind the ALB goes here"

readme = (PROJECT_DIR / "README.md").read_text()
(example,) = re.findall(r"```python\n(.*?)```", readme.split(SECTION, 1)[1].split("\n## ", 1)[0], re.S)
main = (PROJECT_DIR / "__main__.py").read_text()
before, place, after = main.partition(PLACE)
assert place, f"__main__.py has no line starting {PLACE!r}"
program = before + example + place + after
exec(compile(program, "__main__.py with README.md's second service", "exec"), {"__name__": "__main__"})
