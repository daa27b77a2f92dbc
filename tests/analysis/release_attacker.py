"""An attacker who holds every published quarterly report and nothing else.

Independent of the gate: this module imports nothing from ``analysis``. It
reads the plain dicts the product publishes (``QuarterlyReport.as_dict()``,
the same content as the JSON the CLI writes), rebuilds from the table
definitions alone which combinations of people could exist, turns every
published count into an equation over those combinations, and then tries to
pin counts the reports hide.

The attacker's unknowns (the *fine cells*) are people per
(source, quarter, administration, unit, occupational group, fine tenure band).
Assumptions, all read from the published tables or stated here:

* A table lists every non-empty group of its breakdown and no empty one, so a
  listed row whose count is hidden (null) holds at least one person, and a
  combination no covering table lists holds nobody (the cell is dropped).
* A unit belongs to the administration it is listed under in the
  administration x unit table (response rates) of the same quarter; a quarter
  without such a table gets one unknown unit per administration.
* Any unit may employ any occupational group (the attacker does not know the
  organisation chart; knowing it would only make the attack stronger).
* Tenure bands roll up as written in ``ROLL`` (the attacker's own copy of
  the published rules). Fine bands that every table published rolls up alike
  are indistinguishable and are kept as one *band class*.
* Response-rate ``responses`` count responses through an invitation. When no
  report mentions open-link responses, every response came through an
  invitation, so they count the same people as the reason tables, and a
  unit's responses are at most its ``invited`` (leavers of that unit).

The fine cells are not enumerated one by one. No published table breaks units
down by anything but administration, so for each (source, quarter,
administration) the cells form a two-way table *unit* x *profile*, where a
profile is (occupational group, band class); every published count is a sum
of unit totals ``y`` or of profile totals ``z``, never of a mixture. Given unit
totals and profile totals with the same sum, a non-negative whole-number
table with those margins always exists (all pairs are allowed: the two sides
are pruned independently), so the system over ``y`` and ``z`` plus
``sum(y) == sum(z)`` per (source, quarter, administration) is *exactly* the
fine-cell system, for every group that is not a unit x profile mixture.
Leavers (invitations) get their own cells ``w`` per (quarter, administration,
unit), with one unknown "other units" cell per administration and one
"other administrations" cell per quarter.

Groups that mix a unit with an occupational group or band, and bands finer
than a band class, are not attacked: the first are no sum of ``y`` or ``z``
(pinning one below k seems to need a pinned small unit total or profile total
of the same quarter, which are attacked: an argument, not a proof), the second
have minimum 0 (their class can hold everyone in the other fine bands).

Counts per answer (how many in a group named a reason, answered a question,
gave a score) are their own systems over the profile cells, bounded per cell
by the smallest shown group size covering it.

Read but redundant (sums of shown groups): comparisons and changes (n and
counts of early leavers and the rest). Not read: trends and associations
(sums over shown groups as well), recommend scores, open-link share texts,
and turnover and early-leaver rates (None without a headcount file).
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, hstack, vstack

ALL = "*"
FINE = ("lt_6m", "6_12m", "1_2y", "2_5y", "5_10y", "gt_10y")
#: The attacker's own copy of the tenure roll-ups (fine band -> shown band), from the published rules.
ROLL = {
    "fine": {b: b for b in FINE},
    "rollup": {"lt_6m": "lt_1y", "6_12m": "lt_1y", "1_2y": "1_2y", "2_5y": "gt_2y",
               "5_10y": "gt_2y", "gt_10y": "gt_2y"},
    "lt_2y": {"lt_6m": "lt_2y", "6_12m": "lt_2y", "1_2y": "lt_2y", "2_5y": "gt_2y",
              "5_10y": "gt_2y", "gt_10y": "gt_2y"},
}
#: "Early leavers" in comparisons and changes: those who left within two years.
EARLY = frozenset({"lt_6m", "6_12m", "1_2y"})
#: The sameness words a share is printed as instead of a number (the published rule).
WORDS = ("alla eller nästan alla", "inga eller nästan inga")
PEOPLE = "people"
LEAVERS = "leavers"
_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
_OPEN_LINK = ("öppen länk", "open link")
_EPS = 1e-6
CAP = 1e6
DIVERSE = 1  # LPs in random directions before the implicit equalities are sought
STATS: dict[str, int] = defaultdict(int)  # how each bound was settled, for timing notes


# --- what a published number is about ----------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A set of people: a source and quarters, optionally one administration, unit, group, bands."""

    source: str
    quarters: tuple[str, ...]
    administration: str | None = None
    unit: str | None = None
    occupational_group: str | None = None
    bands: frozenset[str] | None = None  # fine bands; None: every band

    def label(self) -> str:
        span = self.quarters[0] if len(self.quarters) == 1 else f"{self.quarters[0]}..{self.quarters[-1]}"
        parts = [self.source, span]
        for name, value in (("adm", self.administration), ("unit", self.unit),
                            ("grp", self.occupational_group)):
            if value is not None:
                parts.append(f"{name}={value}")
        if self.bands is not None:
            parts.append("bands=" + "+".join(b for b in FINE if b in self.bands))
        return " ".join(parts)


@dataclass(frozen=True)
class Row:
    """One published number (``value``) or one listed, hidden one (``value`` None)."""

    system: str  # PEOPLE, LEAVERS, or an answer feature like "reasons=pay"
    group: Group
    value: int | None
    where: str  # report, table and row, for messages
    at_least: int = 0  # a listed hidden group of people holds at least one


@dataclass(frozen=True)
class Listing:
    """A published table's breakdown: which combinations it lists (rows with no ``*``)."""

    source: str
    quarters: tuple[str, ...]
    dims: tuple[str, ...]
    scheme: str | None
    listed: frozenset[tuple[str, ...]]


@dataclass
class Publication:
    rows: list[Row] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    schemes: set[str] = field(default_factory=set)
    open_link: bool = False
    worded: set[str] = field(default_factory=set)  # ``where`` of counts printed as words


def _window_map(reports) -> dict[str, tuple[str, ...]]:
    spans = {}
    for report in reports:
        for window in report.get("windows", []):
            spans[window["label"]] = tuple(sorted(window["quarters"]))
    return spans


def _quarters(spans, label: str) -> tuple[str, ...]:
    if label in spans:
        return spans[label]
    if _QUARTER.match(label):
        return (label,)
    raise ValueError(f"unknown window {label!r}")


def _bands(scheme: str | None, value) -> frozenset[str] | None:
    if value is None or value == ALL:
        return None
    roll = ROLL[scheme or "rollup"]
    bands = frozenset(b for b in FINE if roll[b] == value)
    if not bands:
        raise ValueError(f"band {value!r} is not a {scheme} band")
    return bands


def _group(source, quarters, key: dict, scheme) -> Group:
    def get(dim):
        value = key.get(dim)
        return None if value is None or value == ALL else str(value)

    return Group(source, quarters, get("administration"), get("unit"), get("occupational_group"),
                 _bands(scheme, key.get("tenure_band")))


def _int(value) -> int | None:
    return None if value is None else int(round(float(value)))


def read_reports(reports) -> Publication:
    """Every count of people in the published dicts, as rows over groups, and every listing."""
    pub = Publication()
    spans = _window_map(reports)
    for report in reports:
        if not report.get("closed", True):
            continue
        tag = f"report {report['quarter']}"
        pub.open_link |= any(mark in note for note in report.get("notes", []) for mark in _OPEN_LINK)
        schemes = {}  # (source, window) -> scheme of its tenure-band table
        hidden_bands = defaultdict(list)  # (source, window) -> hidden groups of that table
        for table in report.get("reasons", []):
            source, dims, scheme = table["source"], tuple(table["dims"]), table["tenure_scheme"]
            quarters = _quarters(spans, table["window"])
            if dims == ("tenure_band",):
                schemes[source, table["window"]] = scheme
            if "tenure_band" in dims:
                pub.schemes.add(scheme or "rollup")
            listed, hidden = set(), []
            for g in table["groups"]:
                key = tuple(str(g[d]) for d in dims)
                if ALL not in key:
                    listed.add(key)
                group = _group(source, quarters, g, scheme)
                where = f"{tag} '{table['name']}' row {'/'.join(key)}"
                if g["shown"] and g["n"] is not None:
                    pub.rows.append(Row(PEOPLE, group, int(g["n"]), where))
                else:
                    pub.rows.append(Row(PEOPLE, group, None, where, at_least=1))
                    hidden.append((group, where))
            pub.listings.append(Listing(source, quarters, dims, scheme, frozenset(listed)))
            if dims == ("tenure_band",):
                hidden_bands[source, table["window"]] += hidden
            features = set()
            for s in table["shares"]:
                feature = f"{'reasons' if s['measure'] == 'mentioned' else 'main'}={s['reason']}"
                features.add(feature)
                key = "/".join(str(s[d]) for d in dims)
                where = f"{tag} '{table['name']}' shares {s['measure']} {s['reason']} {key}"
                pub.rows.append(Row(feature, _group(source, quarters, s, scheme), _int(s["count"]),
                                    where))
                if s.get("text_sv") in WORDS:
                    pub.worded.add(where)
            reasons = sorted(report.get("reason_labels", {}))
            features |= {f"{m}={r}" for m in ("reasons", "main") for r in reasons}
            for group, where in hidden:  # what a hidden group named is hidden too
                for feature in sorted(features):
                    pub.rows.append(Row(feature, group, None, where))
        _response_rates(pub, report, spans, tag)
        _tenure_figures(pub, report, spans, schemes, hidden_bands, tag)
        _comparisons(pub, report, spans, tag)
    return pub


def _response_rates(pub: Publication, report, spans, tag):
    by_window = defaultdict(list)
    for r in report.get("response_rates") or []:
        by_window[r["source"], r["window"]].append(r)
    for (source, label), rows in by_window.items():
        quarters = _quarters(spans, label)
        units = any(r["unit"] != ALL for r in rows)
        if units:
            pub.listings.append(Listing(source, quarters, ("administration", "unit"), None, frozenset(
                (str(r["administration"]), str(r["unit"])) for r in rows
                if r["administration"] != ALL and r["unit"] != ALL)))
        for r in rows:
            group = _group(source, quarters, r, None)
            where = f"{tag} response_rates {label} {r['administration']}/{r['unit']}"
            if r["shown"] and r["responses"] is not None:
                pub.rows.append(Row("responses", group, int(r["responses"]), where))
            elif not r["shown"]:
                pub.rows.append(Row("responses", group, None, where, at_least=1))
            pub.rows.append(Row(LEAVERS, Group("leavers", quarters, group.administration, group.unit),
                                _int(r["invited"]), where + " invited"))


_FIGURES = {
    "recommend": ("answered",),
    "come_back": ("answered", "yes", "no", "unsure"),
    "conditions": ("answered", "dont_know", "n1", "n2", "n3", "n4", "n5"),
}


def _tenure_figures(pub: Publication, report, spans, schemes, hidden_bands, tag):
    """Would recommend, would come back, conditions: counts per shown tenure group; the
    answers of the hidden groups of the same table are hidden too."""
    for name, columns in _FIGURES.items():
        covered = set()
        for r in report.get(name) or []:
            scheme = schemes[r["source"], r["window"]]
            group = _group(r["source"], _quarters(spans, r["window"]), r, scheme)
            prefix = f"{name}:{r['question']}" if name == "conditions" else name
            covered.add((r["source"], r["window"], prefix))
            for column in columns:
                feature = f"{prefix}={column}"
                pub.rows.append(Row(feature, group, _int(r[column]),
                                    f"{tag} {name} {r['window']} {r['tenure_band']} {column}"))
        for source, window, prefix in sorted(covered):
            for group, where in hidden_bands[source, window]:
                pub.rows += [Row(f"{prefix}={column}", group, None, where) for column in columns]


def _comparisons(pub: Publication, report, spans, tag):
    """Early leavers against the rest (and over time): sums of shown groups, read all the same."""
    rest = frozenset(FINE) - EARLY
    for r in report.get("comparisons") or []:
        quarters = _quarters(spans, r["window"])
        feature = f"{'reasons' if r['measure'] == 'mentioned' else 'main'}={r['reason']}"
        for side, bands in (("1", EARLY), ("2", rest)):
            group = Group(r["source"], quarters, bands=bands)
            where = f"{tag} comparisons {r['window']} side {side}"
            pub.rows.append(Row(PEOPLE, group, _int(r[f"n{side}"]), where))
            pub.rows.append(Row(feature, group, _int(r[f"count{side}"]), where))
    for r in report.get("changes") or []:
        bands = EARLY if r["population"] == "early" else None
        for side in ("1", "2"):
            group = Group(r["source"], _quarters(spans, r[f"period{side}"]), bands=bands)
            where = f"{tag} changes {r['population']} {r[f'period{side}']}"
            pub.rows.append(Row(PEOPLE, group, _int(r[f"n{side}"]), where))
            pub.rows.append(Row(f"reasons={r['reason']}", group, _int(r[f"count{side}"]), where))


# --- the attacker's unknowns -------------------------------------------------------------


@dataclass
class Model:
    """The unknowns (``kind`` y: unit totals, z: profile totals, w: leavers) and their groups."""

    publication: Publication
    classes: tuple[frozenset[str], ...]
    kind: np.ndarray
    source: np.ndarray
    quarter: np.ndarray
    administration: np.ndarray
    unit: np.ndarray
    group: np.ndarray
    band_class: np.ndarray  # index into classes, -1 for y and w

    @property
    def n(self) -> int:
        return len(self.kind)

    def z_index(self) -> np.ndarray:
        return np.flatnonzero(self.kind == "z")

    def __post_init__(self):
        self._codes = {}
        for name in ("administration", "unit", "group"):
            labels = {v: k for k, v in enumerate(sorted(set(getattr(self, name))))}
            self._codes[name] = (labels, np.asarray([labels[v] for v in getattr(self, name)],
                                                    dtype=np.int64))
        by = defaultdict(list)
        for i, key in enumerate(zip(self.kind, self.source, self.quarter, strict=True)):
            by[key].append(i)
        self._by = {k: np.asarray(v, dtype=np.int64) for k, v in by.items()}
        self._memo = {}

    def _code(self, name: str, value: str) -> int:
        return self._codes[name][0].get(value, -2)

    def cells(self, group: Group, system: str) -> np.ndarray | None:
        """The unknowns a group sums over in ``system``, or None if it mixes units and profiles."""
        key = (group, system)
        if key not in self._memo:
            self._memo[key] = self._cells(group, system)
        return self._memo[key]

    def _cells(self, group: Group, system: str) -> np.ndarray | None:
        if system == LEAVERS:
            kind, source = "w", "leavers"
        elif group.unit is not None:
            if group.occupational_group is not None or group.bands is not None:
                return None
            kind, source = "y", group.source
        else:
            kind, source = "z", group.source
        empty = np.zeros(0, dtype=np.int64)
        index = np.concatenate([self._by.get((kind, source, q), empty) for q in group.quarters])
        for name, value in (("administration", group.administration), ("unit", group.unit),
                            ("group", group.occupational_group)):
            if value is not None:
                index = index[self._codes[name][1][index] == self._code(name, value)]
        if group.bands is not None:
            inside = [i for i, c in enumerate(self.classes) if c <= group.bands]
            if any(c & group.bands and not c <= group.bands for c in self.classes):
                return None  # a band finer than anything published: never pinned above 0
            index = index[np.isin(self.band_class[index], inside)]
        return np.sort(index)


def band_classes(schemes) -> tuple[frozenset[str], ...]:
    """Fine bands grouped by how every scheme in use rolls them up."""
    used = sorted(schemes) or ["rollup"]
    classes = defaultdict(set)
    for band in FINE:
        classes[tuple(ROLL[s][band] for s in used)].add(band)
    return tuple(frozenset(c) for c in sorted(classes.values(), key=lambda c: FINE.index(min(
        c, key=FINE.index))))


def build_model(pub: Publication) -> Model:
    classes = band_classes(pub.schemes)
    rows = pub.rows
    sources = sorted({r.group.source for r in rows if r.system != LEAVERS})
    quarters = sorted({q for r in rows for q in r.group.quarters})
    # No table by administration (or group): one unknown administration (group) stands for all.
    admins = sorted({r.group.administration for r in rows if r.group.administration}) or ["?"]
    groups = sorted({r.group.occupational_group for r in rows if r.group.occupational_group}) or ["?"]
    covering = defaultdict(list)  # (source, quarter) -> listings
    for listing in pub.listings:
        for q in listing.quarters:
            covering[listing.source, q].append(listing)
    cols = defaultdict(list)

    def add(kind, s, q, a, u, g, c):
        for name, value in zip(("kind", "source", "quarter", "administration", "unit", "group",
                                "band_class"), (kind, s, q, a, u, g, c), strict=True):
            cols[name].append(value)

    def allowed(listing: Listing, a, u, g, c) -> bool:
        values = {"administration": a, "unit": u, "occupational_group": g}
        key = []
        for dim in listing.dims:
            if dim == "tenure_band":
                key.append(ROLL[listing.scheme or "rollup"][min(classes[c])])
            else:
                key.append(values[dim])
        return tuple(key) in listing.listed

    for s in sources:
        for q in quarters:
            tables = covering[s, q]
            profile = [t for t in tables if "unit" not in t.dims]
            units = [t for t in tables if "unit" in t.dims]
            for t in units:
                if set(t.dims) - {"administration", "unit"}:
                    raise NotImplementedError(f"units broken down by {t.dims}: no factorisation")
            present = set()
            for a in admins:
                for g in groups:
                    for c in range(len(classes)):
                        if all(allowed(t, a, None, g, c) for t in profile):
                            add("z", s, q, a, "", g, c)
                            present.add(a)
            for a in sorted(present):
                if units:
                    names = sorted({u for t in units for (aa, u) in t.listed if aa == a})
                    names = [u for u in names if all(allowed(t, a, u, None, 0) for t in units)]
                else:
                    names = [f"?{a}"]
                for u in names:
                    add("y", s, q, a, u, "", -1)
    if not pub.open_link:
        leaver_quarters = sorted({q for r in rows if r.system == LEAVERS for q in r.group.quarters})
        for q in leaver_quarters:
            units = sorted({(a, u) for (k, qq, a, u) in zip(cols["kind"], cols["quarter"],
                                                             cols["administration"], cols["unit"],
                                                             strict=True)
                            if k == "y" and qq == q and not u.startswith("?")})
            for a, u in units:
                add("w", "leavers", q, a, u, "", -1)
            for a in admins:
                add("w", "leavers", q, a, f"(other units of {a})", "", -1)
            add("w", "leavers", q, "(other administrations)", "(other units)", "", -1)
    arrays = {k: np.asarray(v, dtype=object) for k, v in cols.items()}
    arrays["band_class"] = np.asarray(cols["band_class"], dtype=np.int64)
    return Model(pub, classes, **arrays)


# --- systems of equations ----------------------------------------------------------------


@dataclass
class Target:
    """A count the attacker wants: a hidden listed row or a natural group no table lists."""

    system: str
    group: Group
    cells: tuple[int, ...]
    where: str
    listed: bool


#: One linear row: coefficients per cell, right-hand side, where it comes from.
Equation = tuple[dict[int, int], int, str]


@dataclass
class System:
    """Equalities ``eq``, inequalities ``ge`` (sum >= value), cells >= 0 and <= ``upper``, whole."""

    name: str
    n: int
    eq: list[Equation]
    ge: list[Equation]
    upper: np.ndarray
    targets: list[Target]
    shown: dict[tuple[int, ...], int]  # published sums of cells (not targets)
    lower: np.ndarray | None = None  # per-cell lower bounds (0 when None)

    def low(self) -> np.ndarray:
        return np.zeros(self.n) if self.lower is None else self.lower


def _published(eqs) -> tuple[list[Equation], dict]:
    """Rows of cells with their values, one per set of cells (a contradiction is an error)."""
    seen, out = {}, []
    for cells, value, where in eqs:
        if cells in seen:
            if seen[cells] != value:
                raise AssertionError(f"two published values for one group: {where}")
            continue
        seen[cells] = value
        out.append((dict.fromkeys(cells, 1), value, where))
    return out, seen


def _band_sets(classes):
    full = frozenset().union(*classes)
    sets = [frozenset().union(*combo) for r in range(1, len(classes) + 1)
            for combo in combinations(classes, r)]
    return [None if s == full else s for s in sets]


def natural_groups(model: Model, *, units: bool = True, administrations: bool = True,
                   groups: bool = True, detail: bool = True) -> list[Group]:
    """Quarter-level groups no table need list: per quarter, the whole quarter, every
    administration, occupational group and administration x group, each by every set of
    band classes (and in total), and every unit."""
    out = []
    z = model.z_index()
    bands = _band_sets(model.classes)
    for s, q in sorted({(model.source[i], model.quarter[i]) for i in z}):
        here = z[(model.source[z] == s) & (model.quarter[z] == q)]
        admins = sorted(set(model.administration[here])) if administrations else []
        occupations = sorted(set(model.group[here])) if groups else []
        for b in bands:
            out.append(Group(s, (q,), bands=b))
            out += [Group(s, (q,), administration=a, bands=b) for a in admins]
            out += [Group(s, (q,), occupational_group=g, bands=b) for g in occupations]
            if detail:
                out += [Group(s, (q,), administration=a, occupational_group=g, bands=b)
                        for a in admins for g in occupations]
        if units:
            y = np.flatnonzero((model.kind == "y") & (model.source == s) & (model.quarter == q))
            out += [Group(s, (q,), administration=model.administration[i], unit=model.unit[i])
                    for i in y if not str(model.unit[i]).startswith("?")]
    return out


def people_system(model: Model) -> System:
    """Group sizes (y, z) and leavers (w): every published count of people, listings, couplings."""
    pub = model.publication
    eqs, ge, targets = [], [], []
    systems = {PEOPLE, LEAVERS} | ({"responses"} if not pub.open_link else set())
    for row in pub.rows:
        if row.system not in systems:
            continue
        system = LEAVERS if row.system == LEAVERS else PEOPLE
        cells = model.cells(row.group, system)
        if cells is None:
            continue
        cells = tuple(int(i) for i in cells)
        if row.value is not None:
            eqs.append((cells, row.value, row.where))
        else:
            if row.at_least:
                ge.append((dict.fromkeys(cells, 1), row.at_least, ">=1 " + row.where))
            targets.append(Target(system, row.group, cells, row.where, True))
    eq, shown = _published(eqs)
    # sum of unit totals == sum of profile totals, per (source, quarter, administration)
    blocks = defaultdict(lambda: ([], []))
    for i in range(model.n):
        if model.kind[i] in "yz":
            blocks[model.source[i], model.quarter[i], model.administration[i]][
                model.kind[i] == "z"].append(i)
    for key, (ys, zs) in blocks.items():
        eq.append(({**dict.fromkeys(ys, 1), **dict.fromkeys(zs, -1)}, 0,
                   f"units = profiles {' '.join(key)}"))
    # leavers of a unit are at least its responses (all responses came through invitations)
    w = np.flatnonzero(model.kind == "w")
    for i in np.flatnonzero(model.kind == "y"):
        q, a, u = model.quarter[i], model.administration[i], model.unit[i]
        mine = w[(model.quarter[w] == q) & (model.administration[w] == a)]
        if len(mine) == 0:
            continue
        if not str(u).startswith("?"):
            mine = mine[model.unit[mine] == u]
        ge.append(({**dict.fromkeys(mine.tolist(), 1), int(i): -1}, 0,
                   f"invited >= responses {q} {a} {u}"))
    unique = {}
    for coefs, value, where in ge:
        unique.setdefault((tuple(sorted(coefs.items())), value), (coefs, value, where))
    ge = list(unique.values())
    for group in natural_groups(model):
        cells = model.cells(group, PEOPLE)
        if cells is not None and len(cells):
            targets.append(Target(PEOPLE, group, tuple(int(i) for i in cells), "unlisted", False))
    return System(PEOPLE, model.n, eq, ge, np.full(model.n, np.inf), targets, shown)


def feature_systems(model: Model, detail: bool = False) -> list[System]:
    """One system per answer feature over the profile cells (reasons named, answers given).

    Targets are the hidden listed rows of the feature and the natural quarter-level groups
    by the dimensions its own tables break down by (administration x group too with
    ``detail``). A cell holds no more answers than the smallest shown group around it.
    """
    pub = model.publication
    z = model.z_index()
    position = {int(i): k for k, i in enumerate(z)}
    upper = np.full(len(z), np.inf)
    for row in pub.rows:
        if row.system == PEOPLE and row.value is not None:
            cells = model.cells(row.group, PEOPLE)
            if cells is not None and len(cells) and model.kind[cells[0]] == "z":
                at = [position[int(i)] for i in cells]
                upper[at] = np.minimum(upper[at], row.value)
    by_feature = defaultdict(list)
    for row in pub.rows:
        if row.system not in (PEOPLE, LEAVERS, "responses"):
            by_feature[row.system].append(row)
    naturals = {}
    out = []
    for feature in sorted(by_feature):
        rows = by_feature[feature]
        dims = (any(r.group.administration for r in rows), any(r.group.occupational_group for r in rows))
        if dims not in naturals:
            found = []
            for group in natural_groups(model, units=False, administrations=dims[0],
                                        groups=dims[1], detail=detail):
                cells = model.cells(group, PEOPLE)
                if cells is not None and len(cells):
                    found.append((group, tuple(position[int(i)] for i in cells)))
            naturals[dims] = found
        eqs, targets = [], []
        for row in rows:
            cells = model.cells(row.group, PEOPLE)
            if cells is None:
                continue
            cells = tuple(position[int(i)] for i in cells)
            if row.value is not None:
                eqs.append((cells, row.value, row.where))
            else:
                targets.append(Target(feature, row.group, cells, row.where, True))
        eq, shown = _published(eqs)
        targets += [Target(feature, group, cells, "unlisted", False) for group, cells in naturals[dims]]
        out.append(System(feature, len(z), eq, [], upper.copy(), targets, shown))
    return out


# --- attack (a): exact linear algebra over the rationals ---------------------------------


class RowSpace:
    """Sparse row echelon form over the rationals; each row's pivot is its smallest column.

    Entries stay Python ints while the pivots are +-1 (almost always: the rows are sums
    of cells) and become Fractions otherwise, so the arithmetic is exact either way.
    ``values`` carries one right-hand side per system sharing these rows.
    """

    def __init__(self, rows=(), width: int = 1):
        self.width = width
        self.pivots: dict[int, tuple[dict, list]] = {}
        for coefs, value, _ in rows:
            self.add(coefs, [value] * width if not isinstance(value, list) else value)

    def _reduce(self, vec: dict, rhs: list, stop: bool):
        heap = list(vec)
        heapq.heapify(heap)
        pivots = self.pivots
        while heap:
            col = heapq.heappop(heap)
            coef = vec.get(col)
            if not coef:
                vec.pop(col, None)
                continue
            if col not in pivots:
                if stop:
                    return None, rhs
                continue
            prow, prhs = pivots[col]
            for c, v in prow.items():
                new = vec.get(c, 0) - coef * v
                if new:
                    if c not in vec:
                        heapq.heappush(heap, c)
                    vec[c] = new
                else:
                    vec.pop(c, None)
            rhs = [r - coef * p for r, p in zip(rhs, prhs, strict=True)]
        return vec, rhs

    def add(self, coefs: dict, values) -> bool:
        values = list(values) if isinstance(values, list | tuple) else [values] * self.width
        vec, rhs = self._reduce({c: v for c, v in coefs.items() if v}, values, stop=False)
        vec = {c: v for c, v in vec.items() if v}
        if not vec:
            if any(rhs):
                raise AssertionError("inconsistent published equations")
            return False
        lead = min(vec)
        scale = vec[lead]
        if scale in (1, -1):
            row = {c: v * scale for c, v in vec.items()}
            rhs = [r * scale for r in rhs]
        else:
            row = {c: Fraction(v) / scale for c, v in vec.items()}
            rhs = [Fraction(r) / scale for r in rhs]
        self.pivots[lead] = (row, rhs)
        return True

    def values(self, cells) -> list | None:
        """The values (one per right-hand side) of a sum of cells in the row space, else None."""
        vec, rhs = self._reduce(dict.fromkeys(cells, 1), [0] * self.width, stop=True)
        if vec is None or any(vec.values()):
            return None
        return [-r for r in rhs]

    def value(self, cells):
        found = self.values(cells)
        return None if found is None else found[0]


def rank_attack(system: System, targets: list[Target]) -> list[tuple[Target, Fraction]]:
    """Targets whose indicator lies in the span of the published rows, with their exact values."""
    space = RowSpace(system.eq)
    found = []
    for target in targets:
        value = space.value(target.cells)
        if value is not None:
            found.append((target, value))
    return found


def shared_rank_attack(systems: list[System], targets: dict[str, list[Target]]):
    """The rank attack on systems that share their rows (one echelon form for all of them).

    Systems whose published rows cover the same sets of cells (every reason, for
    instance, is counted in the same shown groups) differ only in their values.
    """
    by_pattern = defaultdict(list)
    for system in systems:
        by_pattern[tuple(tuple(sorted(c)) for c, _, _ in system.eq)].append(system)
    found = {}
    for group in by_pattern.values():
        space = RowSpace(width=len(group))
        for rows in zip(*(s.eq for s in group), strict=True):
            space.add(rows[0][0], [value for _, value, _ in rows])
        for k, system in enumerate(group):
            hits = []
            for target in targets.get(system.name, []):
                values = space.values(target.cells)
                if values is not None:
                    hits.append((target, values[k]))
            found[system.name] = hits
    return found


# --- attack (b): bounds by linear and integer programming --------------------------------


@dataclass
class Bound:
    target: Target
    low: float
    high: float
    exact: bool  # low/high are integer optima (or forced), not LP bounds
    how: list[str]


def _propagate(system: System, lo: np.ndarray, hi: np.ndarray, passes: int = 60):
    """Interval propagation over the rows (whole numbers): each cell's bounds from each row's
    other cells, repeated to a fixpoint. Returns the bounds and, per cell, the row index (eq
    rows first, then ge rows) that last moved its lower and upper bound (-1: none)."""
    rows = system.eq + system.ge
    n_eq = len(system.eq)
    r = np.asarray([i for i, (coefs, _, _) in enumerate(rows) for _ in coefs], dtype=np.int64)
    c = np.asarray([col for coefs, _, _ in rows for col in coefs], dtype=np.int64)
    a = np.asarray([v for coefs, _, _ in rows for v in coefs.values()], dtype=float)
    b = np.asarray([float(v) for _, v, _ in rows])
    is_eq = r < n_eq
    src_lo = np.full(system.n, -1)
    src_hi = np.full(system.n, -1)
    if not len(r):
        return lo, hi, src_lo, src_hi
    pos = a > 0
    for _ in range(passes):
        # contributions of each entry to its row's least and greatest activity
        cmin = np.where(pos, a * lo[c], a * hi[c])
        cmax = np.where(pos, a * hi[c], a * lo[c])
        ninf_min, ninf_max = np.isinf(cmin), np.isinf(cmax)
        fmin = np.bincount(r, np.where(ninf_min, 0, cmin), len(rows))
        fmax = np.bincount(r, np.where(ninf_max, 0, cmax), len(rows))
        kmin = np.bincount(r, ninf_min, len(rows))
        kmax = np.bincount(r, ninf_max, len(rows))
        with np.errstate(invalid="ignore"):
            others_min = np.where(kmin[r] - ninf_min > 0, -np.inf, fmin[r] - np.where(ninf_min, 0, cmin))
            others_max = np.where(kmax[r] - ninf_max > 0, np.inf, fmax[r] - np.where(ninf_max, 0, cmax))
            # a x = b - others (eq) or a x >= b - others_max (ge)
            top = np.where(is_eq, b[r] - others_min, np.inf)  # bound on a x from above
            bottom = b[r] - others_max  # bound on a x from below
            upper_x = np.where(pos, top / a, bottom / a)
            lower_x = np.where(pos, bottom / a, top / a)
        upper_x = np.floor(upper_x + _EPS)
        lower_x = np.ceil(lower_x - _EPS)
        new_hi, new_lo = hi.copy(), lo.copy()
        np.minimum.at(new_hi, c, upper_x)
        np.maximum.at(new_lo, c, lower_x)
        moved_hi = new_hi < hi - _EPS
        moved_lo = new_lo > lo + _EPS
        if not (moved_hi.any() or moved_lo.any()):
            break
        for moved, src, bound, new in ((moved_hi, src_hi, upper_x, new_hi),
                                       (moved_lo, src_lo, lower_x, new_lo)):
            at = np.flatnonzero(moved[c] & (bound == new[c]))
            src[c[at]] = r[at]
        hi, lo = new_hi, new_lo
        if np.any(lo > hi + _EPS):
            raise AssertionError(f"{system.name}: the published numbers contradict each other")
    return lo, hi, src_lo, src_hi


def presolve(system: System):
    """Cells whose value the rows force (interval propagation: a published zero, a one-cell
    row, a row at its bounds, and what follows from those), with why, and the rows left over.

    Returns ``(fixed values, why, rows left over, lower and upper bounds of every cell)``.
    """
    lo = np.zeros(system.n)
    hi = np.asarray(system.upper, dtype=float).copy()
    lo, hi, src_lo, src_hi = _propagate(system, lo, hi)
    names = [w for _, _, w in system.eq + system.ge]
    fixed, why = {}, {}
    for cell in np.flatnonzero(hi - lo < 0.5):
        fixed[int(cell)] = int(round(lo[cell]))
        why[int(cell)] = " & ".join(dict.fromkeys(names[k] for k in (src_lo[cell], src_hi[cell])
                                                  if k >= 0)) or "a zero"
    rows = []
    for coefs, value, where in system.eq:
        value -= sum(v * fixed[c] for c, v in coefs.items() if c in fixed)
        coefs = {c: v for c, v in coefs.items() if c not in fixed}
        if coefs:
            rows.append((coefs, value, where))
        elif value:
            raise AssertionError(f"{system.name}: forced cells contradict {where}")
    return fixed, why, rows, lo, hi


def _matrix(rows, n: int) -> csr_matrix:
    r = [i for i, (coefs, _, _) in enumerate(rows) for _ in coefs]
    c = [col for coefs, _, _ in rows for col in coefs]
    v = [val for coefs, _, _ in rows for val in coefs.values()]
    return csr_matrix((np.asarray(v, dtype=float), (np.asarray(r, dtype=np.int64),
                                                    np.asarray(c, dtype=np.int64))), shape=(len(rows), n))


class Solver:
    """LP and MILP over one system: non-negative cells, equalities, ``>=`` rows, upper bounds."""

    def __init__(self, system: System):
        self.system = system
        self.a_eq = _matrix(system.eq, system.n)
        self.b_eq = np.asarray([v for _, v, _ in system.eq], dtype=float)
        self.eq_where = [w for _, _, w in system.eq]
        self.a_ge = _matrix(system.ge, system.n)
        self.lo_ge = np.asarray([v for _, v, _ in system.ge], dtype=float)
        self.ge_where = [w for _, _, w in system.ge]
        # A cap instead of no bound keeps every LP bounded; a target that reaches it is not pinned.
        self.upper = np.minimum(system.upper, CAP)
        self.lower = system.low()
        self.bounds = [(float(lo), float(u)) for lo, u in zip(self.lower, self.upper, strict=True)]

    def lp(self, c: np.ndarray):
        kwargs = {}
        if self.a_eq.shape[0]:
            kwargs.update(A_eq=self.a_eq, b_eq=self.b_eq)
        if self.a_ge.shape[0]:
            kwargs.update(A_ub=-self.a_ge, b_ub=-self.lo_ge)
        res = linprog(c, bounds=self.bounds, method="highs-ds", options={"presolve": False}, **kwargs)
        if res.status != 0:
            raise AssertionError(f"{self.system.name}: LP failed ({res.message}); "
                                 "the attacker's model does not fit the published numbers")
        return res

    def milp(self, c: np.ndarray, time_limit: float = 20):
        constraints = []
        if self.a_eq.shape[0]:
            constraints.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
        if self.a_ge.shape[0]:
            constraints.append(LinearConstraint(self.a_ge, self.lo_ge, np.inf))
        res = milp(c, constraints=constraints, integrality=np.ones(self.system.n),
                   bounds=Bounds(self.lower, self.upper), options={"time_limit": time_limit})
        return res if res.status == 0 else None

    def explain(self, res) -> list[str]:
        """The published rows that bind at an LP optimum (non-zero duals), largest first."""
        parts = []
        if self.a_eq.shape[0]:
            parts += [(abs(m), self.eq_where[i]) for i, m in enumerate(res.eqlin.marginals) if abs(m) > _EPS]
        if self.a_ge.shape[0]:
            parts += [(abs(m), self.ge_where[i])
                      for i, m in enumerate(res.ineqlin.marginals) if abs(m) > _EPS]
        return [w for _, w in sorted(parts, key=lambda p: -p[0])]


def _integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) < _EPS))


def implicit_equalities(system: System, points=(), solver: Solver | None = None,
                        threshold: float = 1e-6) -> list[Equation]:
    """The inequalities (cells >= 0, cells <= upper, ``ge`` rows) tight at every LP-feasible
    point, as equations. A target is constant on the LP polytope exactly when it lies in the
    span of the equalities and these.

    Candidates are those tight at every feasible point already known (``points``). Each
    round maximises the sum of ``min(slack, cap)`` over the candidates; those that show
    slack are dropped, and a round whose optimum is 0 proves the rest tight (a point with
    slack in one of them would score above 0).
    """
    n = system.n
    lower = system.low()
    ineqs = [({c: 1}, float(lower[c]), f"cell {c} >= {lower[c]:g}") for c in range(n)]
    ineqs += [({c: -1}, -float(system.upper[c]), f"cell {c} <= {system.upper[c]:g}")
              for c in range(n) if np.isfinite(system.upper[c])]
    ineqs += [(coefs, float(value), where) for coefs, value, where in system.ge]
    a_all = _matrix([(coefs, 0, "") for coefs, _, _ in ineqs], n)
    b_all = np.asarray([b for _, b, _ in ineqs])
    tight = np.ones(len(ineqs), dtype=bool)
    for x in points:
        tight &= a_all @ x - b_all <= threshold
    candidates = np.flatnonzero(tight)
    base = solver or Solver(system)
    while len(candidates):
        m = len(candidates)
        # tau_k - slack_k(x) <= 0, i.e. tau_k - a_k x <= -b_k, with 0 <= tau_k <= 1
        a_tau = hstack([-a_all[candidates], csr_matrix(np.eye(m))]).tocsr()
        b_tau = -b_all[candidates]
        a_ub, b_ub = a_tau, b_tau
        if base.a_ge.shape[0]:
            a_ub = vstack([hstack([-base.a_ge, csr_matrix((base.a_ge.shape[0], m))]), a_tau]).tocsr()
            b_ub = np.r_[-base.lo_ge, b_tau]
        kwargs = {}
        if base.a_eq.shape[0]:
            kwargs.update(A_eq=hstack([base.a_eq, csr_matrix((base.a_eq.shape[0], m))]).tocsr(),
                          b_eq=base.b_eq)
        # A small cap: the mean of points each slack in one candidate is slack (by at least
        # cap) in all of them, so one round finds (nearly) every candidate that can be slack.
        cap = min(1.0, 0.1 / m)
        res = linprog(np.r_[np.zeros(n), -np.ones(m)], A_ub=a_ub, b_ub=b_ub,
                      bounds=base.bounds + [(0, cap)] * m, method="highs-ds",
                      options={"presolve": False}, **kwargs)
        STATS["hull LPs"] += 1
        if res.status != 0:
            raise AssertionError(f"{system.name}: hull LP failed ({res.message})")
        slack = a_all[candidates] @ res.x[:n] - b_all[candidates] > min(threshold, cap / 20)
        if not slack.any():
            break
        candidates = candidates[~slack]
    out = []
    for i in candidates:
        coefs, b, where = ineqs[i]
        out.append((dict(coefs), int(round(b)) if float(b).is_integer() else b, "tight: " + where))
    return out


def bounds_attack(system: System, targets: list[Target], *, max_witnesses: int = 12,
                  seed: int = 0) -> list[Bound]:
    """Min and max of every target subject to the published rows, listings, >= 0 and integrality.

    Returns the targets that could not be ruled out as pinned, with their bounds.

    1. Presolve: cells forced by a published zero, a one-cell row or a row at its upper
       bounds are fixed; a target made of fixed cells only is pinned.
    2. The rest lie in the span of the rows left over (exact, as in the rank attack): pinned.
    3. Witness points (optima of LPs with random objectives over the targets): a target
       seen at two whole-number values in whole-number feasible points, or whose LP values
       seen span a rounded width of 2 or more, is not pinned.
    3b. A survivor in the span of the rows and the polytope's implicit equalities (the
       inequalities tight everywhere, :func:`implicit_equalities`) has LP min == LP max: pinned.
    3c. The others are not pinned on the LP polytope; MILP optima in random directions
       (whole-number witnesses) rule out those seen at two values.
    4. Each remaining target gets its own LP min and max (every optimum is a witness for
       the others too), and MILP where the rounded LP interval is [v, v+1] and an LP optimum
       is fractional (a single rounded point is pinned already).
    """
    if not targets:
        return []
    fixed, why, rows, lo, hi = presolve(system)
    free = [c for c in range(system.n) if c not in fixed]
    remap = {c: k for k, c in enumerate(free)}
    reduced = System(system.name, len(free), [
        ({remap[c]: v for c, v in coefs.items()}, value, where) for coefs, value, where in rows], [],
        hi[free], [], {}, lo[free])
    for coefs, value, where in system.ge:
        rest = {remap[c]: v for c, v in coefs.items() if c not in fixed}
        value -= sum(v * fixed[c] for c, v in coefs.items() if c in fixed)
        if rest:
            reduced.ge.append((rest, value, where))
        elif value > 0:
            raise AssertionError(f"{system.name}: forced cells contradict {where}")
    out, pending = [], []
    space = RowSpace(reduced.eq)
    for target in targets:
        const = sum(fixed[c] for c in target.cells if c in fixed)
        rest = [remap[c] for c in target.cells if c not in fixed]
        forced = sorted({why[c] for c in target.cells if c in fixed})
        value = space.value(rest) if rest else 0
        if value is not None:
            STATS["presolve or span"] += 1
            how = ["forced: " + w for w in forced[:3]] + (["span of the other rows"] if rest else [])
            out.append(Bound(target, float(const + value), float(const + value), True, how))
        else:
            pending.append((target, const, rest))
    STATS["pending"] += len(pending)
    if not pending:
        return out
    solver = Solver(reduced)
    rng = np.random.default_rng(seed)
    matrix = _matrix([(dict.fromkeys(rest, 1), 0, "") for _, _, rest in pending], reduced.n)
    const = np.asarray([c for _, c, _ in pending], dtype=float)
    low = np.full(len(pending), np.inf)
    high = np.full(len(pending), -np.inf)
    int_low = np.full(len(pending), np.inf)
    int_high = np.full(len(pending), -np.inf)
    alive = np.ones(len(pending), dtype=bool)
    points = []

    def witness(x: np.ndarray) -> None:
        nonlocal low, high, int_low, int_high
        points.append(x)
        values = matrix @ x
        low, high = np.minimum(low, values), np.maximum(high, values)
        if _integral(x):
            rounded = np.round(values)
            int_low, int_high = np.minimum(int_low, rounded), np.maximum(int_high, rounded)
        wide = np.floor(high + _EPS) - np.ceil(low - _EPS) >= 2
        alive[wide | (int_high > int_low)] = False

    for round_ in range(max_witnesses):
        before = int(alive.sum())
        if not before:
            break
        signs = np.where(alive, rng.choice([-1.0, 1.0], size=len(pending)), 0.0)
        witness(solver.lp(matrix.T @ signs + rng.normal(0, 1e-3, size=reduced.n)).x)
        STATS["witness LPs"] += 1
        if round_ >= 2 and before == int(alive.sum()):
            break  # a witness no longer pays for itself
    # What survives is pinned on the LP polytope if it lies in the span of the polytope's
    # implicit equalities (found from the witnesses and a few more LPs), else it needs bounds.
    if alive.any():
        for _ in range(DIVERSE):  # random directions: vertices that leave many cells slack
            witness(solver.lp(rng.normal(0, 1, size=reduced.n)).x)
            STATS["diverse LPs"] += 1
        hull = implicit_equalities(reduced, points, solver)
        for coefs, value, _ in hull:
            space.add(coefs, value)
        for t in np.flatnonzero(alive):
            target, _, rest = pending[t]
            value = space.value(rest)
            if value is None:
                continue
            alive[t] = False
            STATS["affine hull"] += 1
            out.append(Bound(target, float(value + const[t]), float(value + const[t]), True,
                             ["LP min = LP max (span of the rows and the always-tight bounds)"]))
    # The rest are not pinned on the LP polytope; whole-number optima in random directions
    # rule out most of those that take two whole values.
    for round_ in range(max_witnesses if alive.any() else 0):
        before = int(alive.sum())
        signs = np.where(alive, rng.choice([-1.0, 1.0], size=len(pending)), 0.0)
        res = solver.milp(matrix.T @ signs + rng.normal(0, 1e-3, size=reduced.n), time_limit=5)
        STATS["witness MILPs"] += 1
        if res is not None:
            witness(res.x)
        if not alive.any() or (round_ >= 2 and before == int(alive.sum())):
            break
    # Smallest first; every pin found is a number the attacker now knows, so it joins the
    # rows and may put a later target in their span.
    for t in sorted(np.flatnonzero(alive), key=lambda t: len(pending[t][2])):
        target, _, rest = pending[t]
        if not alive[t]:
            continue
        derived = space.value(rest)
        if derived is not None:
            STATS["derived from pins"] += 1
            out.append(Bound(target, float(derived + const[t]), float(derived + const[t]), True,
                             ["span of the rows and the counts pinned before"]))
            continue
        STATS["full"] += 1
        c = np.zeros(reduced.n)
        c[rest] = 1
        ends, how = [], []
        for sense in (1, -1):
            res = solver.lp(sense * c)
            witness(res.x)
            how += solver.explain(res)[:4]
            ends.append((sense * res.fun, _integral(res.x)))
            if not alive[t]:
                break
        if not alive[t]:
            continue
        (lo, lo_int), (hi, hi_int) = ends
        ilo, ihi = np.ceil(lo - _EPS), np.floor(hi + _EPS)
        exact = lo_int and hi_int
        if ihi - ilo == 1 and not exact:  # a single rounded point is pinned already
            a = solver.milp(c) if not lo_int else None
            b = solver.milp(-c) if not hi_int else None
            if (a is not None or lo_int) and (b is not None or hi_int):
                ilo = ilo if lo_int else round(a.fun)
                ihi = ihi if hi_int else round(-b.fun)
                exact = True
        if ilo == ihi:
            space.add(dict.fromkeys(rest, 1), int(ilo))
        out.append(Bound(target, float(ilo + const[t]), float(ihi + const[t]), exact,
                         list(dict.fromkeys(how))))
    return out


def explain(system: System, target: Target, count: int = 4) -> list[str]:
    """The published rows that bind the LP min and max of a target (non-zero duals)."""
    solver = Solver(system)
    c = np.zeros(system.n)
    c[list(target.cells)] = 1
    how = solver.explain(solver.lp(c))[:count] + solver.explain(solver.lp(-c))[:count]
    return list(dict.fromkeys(how))


# --- the truth, for the test: which cells real people fall in ----------------------------


def cell_of(model: Model, kind: str, source, quarter, administration, unit=None, group=None,
            band=None) -> int | None:
    """The unknown a real person (or leaver) falls in, or None if the attacker ruled it out."""
    key = (kind, source, quarter, administration)
    index = getattr(model, "_index", None)
    if index is None:
        index = {}
        for i in range(model.n):
            k = model.kind[i]
            base = (k, model.source[i], model.quarter[i], model.administration[i])
            if k == "z":
                index[(*base, model.group[i], int(model.band_class[i]))] = i
            else:
                index[(*base, model.unit[i])] = i
        model._index = index
        model._class_of = {b: c for c, members in enumerate(model.classes) for b in members}
    if kind == "z":
        return index.get((*key, group, model._class_of[band]))
    found = index.get((*key, unit))
    if found is None and kind == "y":
        found = index.get((*key, f"?{administration}"))
    if found is None and kind == "w":
        found = index.get((*key, f"(other units of {administration})"))
        if found is None:
            found = index.get((kind, source, quarter, "(other administrations)", "(other units)"))
    return found
