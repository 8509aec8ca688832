"""Which pages a `mkdocs serve --dirty` rebuild must make again (no MkDocs import).

MkDocs' dirty mode rebuilds a page when its source file is newer than its built file, and
every generated page always. Both are wrong for this site: an edit to one postmortem changes
the summary cards of the incidents related to it (their sources did not change), and most
generated pages (one a service, the handbook) do not change at all but cost the most to make
(each service page draws two charts). So the plugin compares what each page is made from
with the previous rebuild's:
- a postmortem page: its incident, its relations, the incidents they name, its repeat group,
  today's date and the history pass (the card); rebuilt when any of them changed, even if its file did not;
- a service page: the service's incidents, which of them are repeats, which services get
  charts, and today; a handbook page: its Markdown. Kept when unchanged;
- the pages about the whole knowledge base (incidents, trends, action items, repeat causes,
  the services index): every visible incident, the relations and today; an edit to a
  postmortem's prose (outside its Root Cause Analysis) keeps them;
- pages that are not the plugin's (the tags page, a home page with charts): always rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable

from .relations import repeat_stems
from .site import SitePlan

Inputs = dict[str, object]


def page_inputs(plan: SitePlan, generated: dict[str, tuple[str, bool]]) -> Inputs:
    """src_uri -> what the page is made from, for the pages that can be kept when it is unchanged."""
    out: Inputs = {}
    today = plan.today
    for src_uri, entry in plan.corpus.entries.items():
        incident = entry.incident
        if incident is None:
            out[src_uri] = (entry.findings, today)
            continue
        relations = tuple(plan._relations_of.get(incident.stem, ()))
        partners = tuple(plan._by_stem.get(s) for r in relations for s in (r.a, r.b))
        group = plan._group_of.get(incident.stem)
        repeat = None if group is None else (tuple(group.incidents), tuple(group.reasons), group.after_fix_pairs)
        out[src_uri] = (incident, relations, partners, repeat, today, plan.read_history)
    repeats = repeat_stems(plan.repeat_groups)
    charted = tuple((slug, len(members)) for slug, members in plan.groups.items())
    services = plan.settings.pages.services
    for slug, members in plan.groups.items():
        src_uri = f"{services}/{slug}/index.md"
        if src_uri in generated:
            stems = {i.stem for i in members}
            out[src_uri] = (generated[src_uri][0], tuple(members), stems & repeats, charted, today)
    handbook = f"{plan.settings.pages.handbook}/"
    whole = corpus_inputs(plan)
    for src_uri, (markdown, _in_nav) in generated.items():
        if src_uri.startswith(handbook):
            out[src_uri] = (markdown,)
        elif src_uri not in out:
            out[src_uri] = (markdown, whole)
    return out


def corpus_inputs(plan: SitePlan) -> object:
    """What the pages about the whole knowledge base (incidents, trends, action items, repeat
    causes, the services index) and the data exports are made from. An edit to a postmortem's
    prose outside its Root Cause Analysis leaves it unchanged."""
    # read_history stands for the history pass: the same while HEAD stays, another once it moves
    return (plan.settings, tuple(plan.incidents), tuple(plan.relations), plan.today, plan.read_history)


def changed(now: Inputs, before: Inputs, keys: Iterable[str]) -> set[str]:
    """The pages among `keys` whose inputs differ from the previous rebuild's (or are unknown)."""
    return {k for k in keys if k not in now or k not in before or now[k] != before[k]}
