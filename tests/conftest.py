"""Shared test set-up: offscreen Qt and a hypothesis profile without deadlines (CI is noisy)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "bce", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
    )
    settings.load_profile("bce")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
