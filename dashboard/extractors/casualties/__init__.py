"""Casualty figures: how many people were killed, injured, captured or went missing.

``extract_casualties(items)`` returns one row per figure (:data:`dashboard.schema.CASUALTIES`);
``find_casualties(text, ref_date)`` does the same for one text and returns dicts.

The rules are hand-written over word tokens (no statistical model: it must run at 100,000+
words per second). A sentence is looked at only when one cheap regex finds a casualty word in
it. Within it a figure is a number tied to a casualty word in one of these shapes:

* forward:  ``N [modifiers] [people noun] [were/have been ...] KIND``  ("3 soldiers killed")
* backward: ``VERB [hedge] N [people noun]``  ("killed 20 invaders", "lost 140 servicemen")
* tolls:    ``death toll rises to N``, ``losses amounted to N``, ``the lives of N``
* one:      a singular person with a casualty verb ("a woman died", "Gen. X ... died")
* lists:    ``N1 X, N2 Y and N3 Z`` after one of the above; ``including N children``

Conventions (side, group, per, claimant) are those of ``tests/data/CASUALTY_LABELLING.md``.

Modules: ``vocabulary`` (the word tables of ``dashboard/data/casualty_words.toml`` and the
regexes), ``shapes`` (the phrase shapes above), ``sides`` (which side a word names),
``attributes`` (side, group, per, period and claimant rules), ``pipeline`` (the glue).
"""

from .pipeline import extract_casualties, find_casualties

__all__ = ["extract_casualties", "find_casualties"]
