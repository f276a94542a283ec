"""The one thing pyproject.toml cannot say: the notebooks, kept in notebooks/ at the top of
the repository, ship inside the package as `kit.notebooks` (kit/notebooks/ once installed,
where kit.config.NOTEBOOKS_DIR finds them). Everything else is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["kit", "kit.*"], exclude=["*.__pycache__"]),
        "kit.notebooks",
    ],
    package_dir={"kit.notebooks": "notebooks"},
)
