import random

from apps.demo.names import FORENAMES_F, FORENAMES_M, NICKNAMES
from apps.people.demo import _preferred


def test_only_names_with_a_short_form_get_one_and_only_some_pupils_use_it():
    rng = random.Random(7)
    results = [(name, _preferred(rng, name)) for name in (FORENAMES_F + FORENAMES_M) * 30]
    used = [(name, nick) for name, nick in results if nick]
    assert all(nick in NICKNAMES[name] for name, nick in used)
    with_form = [r for r in results if r[0] in NICKNAMES]
    assert 0.2 < len(used) / len(with_form) < 0.5
    assert not any(nick == name[:3] and nick not in NICKNAMES.get(name, []) for name, nick in used)


def test_the_seed_gives_the_same_names():
    assert [_preferred(random.Random(3), "Thomas") for _ in range(5)] == [
        _preferred(random.Random(3), "Thomas") for _ in range(5)
    ]
