"""Fast template filling for the simulator's phrase banks.

Templates are compiled once into literal/slot parts; filling one costs a few list
look-ups, so millions of comments stay cheap.

Example:
    >>> import random
    >>> t = Template.compile("已拍{n}单")
    >>> t.fill(random.Random(0), {"n": ("3",)})
    '已拍3单'
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from botcomments.simulate.phrases import SLOTS

_SLOT_RE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled template: literal strings alternating with slot names.

    Attributes:
        parts: Pairs ``(literal, slot)``; ``slot`` is "" for a pure literal.
        source: The template text it was compiled from.
    """

    parts: tuple[tuple[str, str], ...]
    source: str

    @classmethod
    def compile(cls, source: str) -> Template:
        """Compile ``source`` ("已拍{n}单") into parts.

        Args:
            source: Template text with ``{slot}`` placeholders.

        Returns:
            The compiled template.
        """
        parts: list[tuple[str, str]] = []
        pos = 0
        for match in _SLOT_RE.finditer(source):
            parts.append((source[pos : match.start()], match.group(1)))
            pos = match.end()
        parts.append((source[pos:], ""))
        return cls(tuple(parts), source)

    def fill(self, rnd: random.Random, slots: Mapping[str, Sequence[str]] = SLOTS) -> str:
        """Fill every slot with a random value.

        Args:
            rnd: Random source.
            slots: Slot vocabularies.

        Returns:
            The filled text.

        Raises:
            KeyError: If the template names a slot missing from ``slots``.
        """
        if len(self.parts) == 1:
            return self.source
        out = []
        for literal, slot in self.parts:
            out.append(literal)
            if slot:
                out.append(rnd.choice(slots[slot]))
        return "".join(out)

    def slot_names(self) -> tuple[str, ...]:
        """Return the slot names used by the template."""
        return tuple(slot for _, slot in self.parts if slot)


def compile_bank(entries: Sequence[str]) -> tuple[Template, ...]:
    """Compile a whole phrase bank.

    Args:
        entries: Template strings.

    Returns:
        The compiled templates in the same order.
    """
    return tuple(Template.compile(e) for e in entries)


class TemplateBank:
    """A bank of compiled templates with uniform random picking and filling.

    Args:
        entries: Template strings.
        slots: Slot vocabularies to fill from.

    Raises:
        ValueError: If ``entries`` is empty.
    """

    def __init__(self, entries: Sequence[str], slots: Mapping[str, Sequence[str]] = SLOTS):
        if not entries:
            raise ValueError("a template bank needs at least one entry")
        self.templates = compile_bank(entries)
        self.slots = slots

    def __len__(self) -> int:
        return len(self.templates)

    def sample(self, rnd: random.Random) -> str:
        """Pick a template uniformly and fill it."""
        return rnd.choice(self.templates).fill(rnd, self.slots)

    def fill_index(self, index: int, rnd: random.Random) -> str:
        """Fill the template at ``index``."""
        return self.templates[index].fill(rnd, self.slots)
