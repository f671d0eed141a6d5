"""The one thing pyproject.toml cannot say stably: formgen's C module.

`formgen.pdf._eexec` is the Type 1 cipher of `formgen.pdf.type1` in C. It is optional: where
no C compiler or Python headers are found, the install goes on and the same code runs in Python.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("formgen.pdf._eexec", ["formgen/pdf/_eexec.c"], optional=True)])
