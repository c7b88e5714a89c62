"""Packaging beyond pyproject.toml: the top-level templates/ folder is installed as the data
package ``zet_templates``, so a plain (non-editable) ``pip install .`` serves every page. The
app looks for templates/ beside the zet package first (a source checkout), then there."""
from setuptools import find_namespace_packages, find_packages, setup

TEMPLATES = ["zet_templates"] + [f"zet_templates.{name}"
                                 for name in find_namespace_packages("templates")]

setup(packages=find_packages(include=["zet", "zet.*", "forms", "forms.*", "analysis",
                                      "analysis.*"]) + TEMPLATES,
      package_dir={"zet_templates": "templates"})
