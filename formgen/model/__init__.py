"""Stage 1, the model: what the paper asks for, and what the notice requires of it.

Field types (`fields`), identifier checks (`checks`), character counting (`textcount`), the
rulebook's machinery (`rules`, `common_rules`), bilingual problems (`problems`) and the units a
notice registers (`registry`). It is the lowest stage: it imports no other part of formgen.
"""
