import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # samples.py


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: needs headless Chromium (apt-get install -y chromium); fails without it"
    )


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parents[1] / "data"
