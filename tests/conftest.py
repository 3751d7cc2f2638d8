"""Shared test set-up: offscreen Qt and a hypothesis profile without deadlines (CI is noisy)."""

import os
import sys
from pathlib import Path

import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app's settings, autosave and recovery files go to folders of this test run, never to the
# user's own (QStandardPaths reads these on Linux; the app processes started by tests inherit them).
_SANDBOX = Path(tempfile.mkdtemp(prefix="bce_tests_"))
for _var, _sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
    os.environ[_var] = str(_SANDBOX / _sub)
# Qt's offscreen screen is 800×800 unless told otherwise: give it the size of an analyst's
# screen (1920×1080), on which the first window opens at its full 1400×860 (it fits the screen).
SCREEN_CONFIG = _SANDBOX / "screen-1920x1080.json"
SCREEN_CONFIG.write_text('{"screens": [{"name": "test", "x": 0, "y": 0, "width": 1920, "height": 1080, '
                         '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}', encoding="utf-8")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN_CONFIG}"

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _c_number_style():
    """Every test starts with numbers in C (a window test may set the user's locale's style)."""
    from bce_gui.core import formatting

    formatting.set_number_style(formatting.C_STYLE)
    yield
    formatting.set_number_style(formatting.C_STYLE)


try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "bce", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
    )
    settings.load_profile("bce")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
