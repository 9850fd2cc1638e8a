"""A test program: the stack of `__main__.py` plus the second service exactly as the README's "Adding a second
service" example writes it (the example runs in `__main__.py`'s namespace, as the README says to put it there).
tests/test_readme.py evaluates it."""

import re
import runpy
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECTION = "### Adding a second service"

readme = (PROJECT_DIR / "README.md").read_text()
(example,) = re.findall(r"```python\n(.*?)```", readme.split(SECTION, 1)[1].split("\n## ", 1)[0], re.S)
namespace = runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")
exec(compile(example, "README.md: " + SECTION, "exec"), namespace)  # the README's own example
