"""Disclosure control across filters (`kpi.disclose_grid`): whatever areas, birth years, visit kinds and
population a manager asks for, and however many answers she puts side by side, no hidden cell of the
fixed table can be computed from what the answers publish.

A reader's knowledge is modelled exactly: every published figure is a linear equation over the
children per (visit kind, area, birth year, category) enrolled and not enrolled, to which she adds what
she knows about the table's shape (every visit kind counts the same children; the children not
enrolled add nothing to a cell where the two populations agree). A hidden cell is safe iff its
coefficient vector is not in the row space of those equations (exact elimination over fractions).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules import kpi
from domain.rules.kpi import Hidden, Population, Shown
from tests.domain.strategies import PROPERTY

Vector = dict[Hashable, Fraction]


class RowSpace:
    """The span of the equations added so far, kept in reduced echelon form (pivot -> row)."""

    def __init__(self) -> None:
        self.rows: dict[Hashable, Vector] = {}

    def reduce(self, vector: Mapping[Hashable, Fraction | int]) -> Vector:
        rest: Vector = {k: Fraction(v) for k, v in vector.items() if v}
        for pivot, row in self.rows.items():
            factor = rest.get(pivot)
            if factor:
                for k, v in row.items():
                    value = rest.get(k, Fraction(0)) - factor * v
                    if value:
                        rest[k] = value
                    else:
                        rest.pop(k, None)
        return rest

    def add(self, vector: Mapping[Hashable, Fraction | int]) -> None:
        rest = self.reduce(vector)
        if not rest:
            return
        pivot = min(rest, key=repr)
        scale = rest[pivot]
        row = {k: v / scale for k, v in rest.items()}
        for other in self.rows.values():
            factor = other.get(pivot)
            if factor:
                for k, v in row.items():
                    value = other.get(k, Fraction(0)) - factor * v
                    if value:
                        other[k] = value
                    else:
                        other.pop(k, None)
        self.rows[pivot] = row

    def determines(self, vector: Mapping[Hashable, Fraction | int]) -> bool:
        return not self.reduce(vector)


# -- grids ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Children enrolled and not enrolled per (kind, area, year, category), as a grid sees them."""

    grid: kpi.CoverageGrid
    areas: tuple[str, ...]
    years: tuple[int, ...]
    enrolled: dict[tuple[str, str, int, str], int]
    others: dict[tuple[str, str, int, str], int]  # the children not enrolled (resident only)

    @property
    def visit_like(self) -> bool:
        """Whether the children not enrolled are all in the last category (a visit's not_planned)."""
        last = self.grid.categories[-1]
        return all(n == 0 for (_k, _a, _y, category), n in self.others.items() if category != last)


counts = st.one_of(st.integers(0, 4), st.integers(0, 9), st.integers(5, 30))


def split(total: int, parts: int) -> st.SearchStrategy[list[int]]:
    """`total` children over `parts` categories (a category may get none)."""
    cuts = st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1).map(sorted)
    return cuts.map(lambda c: [b - a for a, b in zip([0, *c], [*c, total], strict=True)])


@st.composite
def tables(draw: st.DrawFn, *, max_areas: int = 4, max_years: int = 2, min_kinds: int = 1) -> Table:
    areas = tuple(f"area{i}" for i in range(draw(st.integers(1, max_areas))))
    years = tuple(sorted(draw(st.sets(st.integers(2021, 2024), min_size=1, max_size=max_years))))
    kinds = ("k0", "k1")[: draw(st.integers(min_kinds, 2))]
    categories = ("first", "second", "third", "last")[: draw(st.integers(2, 4))]
    populations = draw(st.sampled_from([(Population.RESIDENT,), (Population.ENROLLED,), tuple(Population)]))
    both = len(populations) == 2
    # A visit: a child not enrolled has no visit of the package, so is counted in the last category only.
    visit_like = draw(st.booleans())
    enrolled: dict[tuple[str, str, int, str], int] = {}
    others: dict[tuple[str, str, int, str], int] = {}
    for year, area in itertools.product(years, areas):
        children, outside = draw(counts), draw(counts) if both else 0
        for kind in kinds:
            for category, n in zip(categories, draw(split(children, len(categories))), strict=True):
                enrolled[(kind, area, year, category)] = n
            spread = [0] * (len(categories) - 1) + [outside] if visit_like else draw(split(outside, len(categories)))
            for category, n in zip(categories, spread, strict=True):
                others[(kind, area, year, category)] = n
    grid_counts: dict[tuple[Population, str, str, int, str], int] = {}
    for (kind, area, year, category), n in enrolled.items():
        m = others[(kind, area, year, category)]
        if Population.ENROLLED in populations:
            grid_counts[(Population.ENROLLED, kind, area, year, category)] = n
        if Population.RESIDENT in populations:
            grid_counts[(Population.RESIDENT, kind, area, year, category)] = n + m
    # A fixed group of areas (the designated ones), sometimes the headline.
    group = draw(st.sets(st.sampled_from(areas), max_size=len(areas)))
    grid = kpi.CoverageGrid.of(
        categories=categories,
        kinds=kinds,
        numerator=categories[0],
        populations=populations,
        counts=grid_counts,
        groups={"designated": group} if group else {},
        headline="designated" if group and draw(st.booleans()) else None,
    )
    return Table(grid, areas, years, enrolled, others)


# -- a reader's equations ---------------------------------------------------------------------------


def variables(table: Table, population: Population, kind: str, area: str, year: int, category: str) -> Vector:
    """A count as a sum of unknowns: the children enrolled, and for the resident population those not
    enrolled too."""
    vector: Vector = {("enrolled", kind, area, year, category): Fraction(1)}
    if population is Population.RESIDENT:
        vector[("others", kind, area, year, category)] = Fraction(1)
    return vector


def add_to(total: Vector, part: Mapping[Hashable, Fraction], times: int = 1) -> None:
    for k, v in part.items():
        total[k] = total.get(k, Fraction(0)) + times * v


def figure_vector(
    table: Table,
    population: Population,
    kinds: Sequence[str],
    areas: Iterable[str] | None,
    years: Iterable[int] | None,
    column: str,
) -> Vector:
    chosen_areas = table.areas if areas is None else tuple(areas)
    chosen_years = table.years if years is None else tuple(years)
    categories = table.grid.categories if column == "denominator" else (column,)
    vector: Vector = {}
    for kind, area, year, category in itertools.product(kinds, chosen_areas, chosen_years, categories):
        # A denominator is the first kind's children: every kind counts the same (a structural equation).
        counted = table.grid.kinds[0] if column == "denominator" else kind
        add_to(vector, variables(table, population, counted, area, year, category))
    return vector


def key_vector(table: Table, key: kpi.GridKey) -> Vector:
    """A cell of the fixed table (`view.hidden`'s keys) as a sum of unknowns."""
    if key[0] == "denominator":
        _, population, area, year = key
        kind, column = table.grid.kinds[0], "denominator"
    else:
        _, population, kind, area, year, column = key
    assert isinstance(population, Population) and isinstance(kind, str) and isinstance(year, int)
    assert isinstance(column, str)
    if area is None:
        areas = None
    elif isinstance(area, tuple):  # a fixed group's sum
        areas = list(dict(table.grid.groups)[area[1]])
    else:
        areas = [area]
    return figure_vector(table, population, [kind], areas, [year], column)


def shape_of_the_table(table: Table) -> list[Vector]:
    """What a reader knows without any answer: every kind counts the same children, and where the two
    populations agree the children not enrolled add nothing (assumed known, as the grid assumes)."""
    known: list[Vector] = []
    first = table.grid.kinds[0]
    for kind, area, year in itertools.product(table.grid.kinds[1:], table.areas, table.years):
        for population in table.grid.populations:
            difference: Vector = {}
            for category in table.grid.categories:
                add_to(difference, variables(table, population, kind, area, year, category))
                add_to(difference, variables(table, population, first, area, year, category), -1)
            known.append(difference)
    if Population.ENROLLED in table.grid.populations and Population.RESIDENT in table.grid.populations:
        for (kind, area, year, category), n in table.others.items():
            if n == 0:
                known.append({("others", kind, area, year, category): Fraction(1)})
        # Sums of them that are zero are implied by the cells.
    return known


def every_filter(
    table: Table,
) -> Iterable[tuple[Population, tuple[str, ...], tuple[str, ...] | None, tuple[int, ...] | None]]:
    """Every answer a manager can ask for: each population, each kind and the package's kinds together, any
    set of areas (or none given: all), any set of birth years (or none given: all)."""
    area_sets: list[tuple[str, ...] | None] = [None]
    area_sets += [c for r in range(1, len(table.areas) + 1) for c in itertools.combinations(table.areas, r)]
    year_sets: list[tuple[int, ...] | None] = [None]
    year_sets += [c for r in range(1, len(table.years) + 1) for c in itertools.combinations(table.years, r)]
    kind_sets = [(k,) for k in table.grid.kinds] + ([table.grid.kinds] if len(table.grid.kinds) > 1 else [])
    yield from itertools.product(table.grid.populations, kind_sets, area_sets, year_sets)


def true_value(table: Table, vector: Mapping[Hashable, Fraction]) -> int:
    total = Fraction(0)
    for variable, v in vector.items():
        assert isinstance(variable, tuple)
        source, kind, area, year, category = variable
        total += v * (table.enrolled if source == "enrolled" else table.others)[(kind, area, year, category)]
    assert total.denominator == 1
    return int(total)


def published_knowledge(
    table: Table, view: kpi.GridView, exact: frozenset[str], space: RowSpace | None = None
) -> RowSpace:
    """The row space of everything a reader knows: the table's shape, her exact areas, and every figure
    every answer of `view` publishes (added to `space` when given)."""
    space = space or RowSpace()
    for vector in shape_of_the_table(table):
        space.add(vector)
    for area in exact:  # a health visitor knows her team's areas' children exactly
        for kind, year, category in itertools.product(table.grid.kinds, table.years, table.grid.categories):
            space.add({("enrolled", kind, area, year, category): 1})
            space.add({("others", kind, area, year, category): 1})
    for population, kinds, areas, years in every_filter(table):
        for column in (*table.grid.categories, "denominator"):
            shown = view.figure(population, kinds, areas, years, column)
            vector = figure_vector(table, population, kinds, areas, years, column)
            assert shown.value == true_value(table, vector), "every figure is counted right"
            if shown.hidden is None:
                space.add(vector)
    return space


def assert_no_hidden_cell_is_determined(table: Table, view: kpi.GridView, exact: frozenset[str]) -> None:
    if table.visit_like:
        assert view.rescued == [], "the stages alone protect every hidden cell of a visit (no safety net)"
    space = published_knowledge(table, view, exact)
    for hidden in view.hidden.values():
        for key in hidden:
            vector = key_vector(table, key)
            assert not space.determines(vector), f"hidden cell {key} ({hidden[key]}) can be computed"


# -- properties -------------------------------------------------------------------------------------


@settings(PROPERTY, max_examples=60)
@given(tables(max_areas=3))
def test_no_combination_of_filters_gives_a_hidden_cell_away(table: Table) -> None:
    view = kpi.disclose_grid(table.grid)
    assert_no_hidden_cell_is_determined(table, view, frozenset())


@settings(PROPERTY, max_examples=40)
@given(tables(max_areas=3), st.data())
def test_a_health_visitor_sees_her_areas_exactly_and_no_other_areas_hidden_cell(
    table: Table, data: st.DataObject
) -> None:
    exact = frozenset(data.draw(st.sets(st.sampled_from(table.areas), max_size=len(table.areas) - 1)))
    view = kpi.disclose_grid(table.grid, exact_areas=exact)
    assert_no_hidden_cell_is_determined(table, view, exact)
    # She learns nothing a manager's view and her own areas do not tell: every figure she sees follows
    # from them (so a health visitor never sees more of another team's area than a manager).
    managers = published_knowledge(table, kpi.disclose_grid(table.grid), exact)
    for population, kinds, areas, years in every_filter(table):
        for column in (*table.grid.categories, "denominator"):
            if view.figure(population, kinds, areas, years, column).hidden is None:
                vector = figure_vector(table, population, kinds, areas, years, column)
                assert managers.determines(vector), (population, kinds, areas, years, column)
    for population in table.grid.populations:
        for area, kind, column in itertools.product(sorted(exact), table.grid.kinds, table.grid.categories):
            assert view.figure(population, [kind], [area], None, column).hidden is None, "her areas are exact"


@PROPERTY
@given(tables(max_areas=4, max_years=3), st.data())
def test_small_counts_are_hidden_and_the_same_data_gives_the_same_answer(table: Table, data: st.DataObject) -> None:
    view = kpi.disclose_grid(table.grid)
    shuffled = dict(data.draw(st.permutations(table.grid.counts)))
    kpi._slab_view.cache_clear()  # computed afresh, not taken from the cache of views
    again = kpi.disclose_grid(
        kpi.CoverageGrid.of(
            categories=table.grid.categories,
            kinds=table.grid.kinds,
            numerator=table.grid.numerator,
            populations=table.grid.populations[::-1],
            counts=shuffled,
            groups=dict(table.grid.groups),
            headline=table.grid.headline,
        )
    )
    assert again.hidden == view.hidden
    for population, kind, area, year in itertools.product(
        table.grid.populations, table.grid.kinds, [None, *table.areas], [None, *table.years]
    ):
        areas = None if area is None else [area]
        years = None if year is None else [year]
        for column in (*table.grid.categories, "denominator"):
            shown = view.figure(population, [kind], areas, years, column)
            assert again.figure(population, [kind], areas, years, column) == shown
            if 0 < shown.value < kpi.SMALL_COUNT_THRESHOLD:
                assert shown.hidden is not None, "a count from 1 to 4 is never shown"
            exact = kpi.disclose_grid(table.grid, applied=False).figure(population, [kind], areas, years, column)
            assert exact == Shown(shown.value), "without disclosure control every figure is exact"


def one_kind(table: Table, kind: str, headline: str | None) -> Table:
    """The table of one kind only: another measure counting the same children (its headline may be
    another: every area's total, or the designated areas')."""
    return Table(
        kpi.CoverageGrid.of(
            categories=table.grid.categories,
            kinds=[kind],
            numerator=table.grid.numerator,
            populations=table.grid.populations,
            counts={(p, k, a, y, c): n for (p, k, a, y, c), n in table.grid.counts if k == kind},
            groups=dict(table.grid.groups),
            headline=headline if table.grid.groups else None,
        ),
        table.areas,
        table.years,
        {key: n for key, n in table.enrolled.items() if key[0] == kind},
        {key: n for key, n in table.others.items() if key[0] == kind},
    )


@settings(PROPERTY, max_examples=40)
@given(tables(max_areas=3, min_kinds=2))
def test_measures_counting_the_same_children_give_no_hidden_cell_away_together(table: Table) -> None:
    """Two grids (two measures, or two packages' visit kinds) share the denominators: each is
    suppressed on its own, and every answer of both side by side gives no hidden cell of either away."""
    first, second = one_kind(table, "k0", table.grid.headline), one_kind(table, "k1", None)
    views = [(first, kpi.disclose_grid(first.grid)), (second, kpi.disclose_grid(second.grid))]
    space = RowSpace()
    for vector in shape_of_the_table(table):  # every kind counts the same children
        space.add(vector)
    for part, view in views:
        published_knowledge(part, view, frozenset(), space)
    for part, view in views:
        for hidden in view.hidden.values():
            for key in hidden:
                assert not space.determines(key_vector(part, key)), f"{key} can be computed from both measures"


# -- the reported attack ----------------------------------------------------------------------------


def seed_like_grid() -> kpi.CoverageGrid:
    """Seed 001's 6-month visit in 2023 (Ringparken 31 in window; Motalavej 21 in window, 3 late, 6 not
    done) and Centrum's 3 in window and 1 not done, everyone enrolled."""
    cells = {
        ("ringparken", "in_window"): 31,
        ("motalavej", "in_window"): 21,
        ("motalavej", "late"): 3,
        ("motalavej", "not_done"): 6,
        ("centrum", "in_window"): 3,
        ("centrum", "not_done"): 1,
    }
    return kpi.CoverageGrid.of(
        categories=[o.value for o in kpi.OUTCOME_ORDER],
        kinds=["extra_6_months"],
        numerator="in_window",
        populations=list(Population),
        counts={(p, "extra_6_months", a, 2023, c): n for (a, c), n in cells.items() for p in Population},
    )


def test_two_answers_with_different_areas_no_longer_give_away_centrum_s_not_done_of_1() -> None:
    view = kpi.disclose_grid(seed_like_grid())
    kinds = ["extra_6_months"]
    three = view.figure(Population.ENROLLED, kinds, ["ringparken", "motalavej", "centrum"], [2023], "not_done")
    two = view.figure(Population.ENROLLED, kinds, ["ringparken", "motalavej"], [2023], "not_done")
    centrum = view.figure(Population.ENROLLED, kinds, ["centrum"], [2023], "not_done")
    assert (three.value, two.value, centrum.value) == (7, 6, 1)
    assert centrum.hidden is Hidden.SMALL
    assert three.hidden is not None or two.hidden is not None, "7 - 6 would give the 1 away"
    # The headline of every area together stays exact.
    assert view.figure(Population.ENROLLED, kinds, None, [2023], "in_window") == Shown(55)
    assert view.figure(Population.ENROLLED, kinds, None, [2023], "denominator") == Shown(65)
