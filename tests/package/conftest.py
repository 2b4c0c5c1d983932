from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: needs headless Chromium (apt-get install -y chromium); fails without it"
    )


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parents[1] / "data"
