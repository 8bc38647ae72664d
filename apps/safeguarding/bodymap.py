"""Where each body-map region sits on the outline drawn in `safeguarding/_body_map.html`
(a 120 x 260 figure; the back view is drawn 150 units to the right). The drawing is an aid: the
numbered list beside it carries the same information in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REGION_POINTS: dict[str, tuple[int, int]] = {
    "head": (60, 18),
    "face": (60, 24),
    "neck": (60, 45),
    "chest": (60, 75),
    "abdomen": (60, 110),
    "buttocks": (60, 135),
    "l_upper_arm": (95, 75),
    "r_upper_arm": (25, 75),
    "l_forearm": (102, 110),
    "r_forearm": (18, 110),
    "l_hand": (106, 138),
    "r_hand": (14, 138),
    "l_thigh": (72, 170),
    "r_thigh": (48, 170),
    "l_lower_leg": (74, 215),
    "r_lower_leg": (46, 215),
    "l_foot": (76, 250),
    "r_foot": (44, 250),
}
BACK_OFFSET = 150


@dataclass
class PlacedMark:
    number: int
    x: int
    y: int
    side: str
    region: str
    note: str


def place(marks: list[Any]) -> list[PlacedMark]:
    placed = []
    for number, mark in enumerate(marks, start=1):
        x, y = REGION_POINTS.get(mark.region, (60, 130))
        if mark.side == "back":
            # Seen from behind, the pupil's left is on the viewer's left.
            x = BACK_OFFSET + (120 - x)
        placed.append(PlacedMark(number, x, y, mark.get_side_display(), mark.get_region_display(), mark.note))
    return placed
