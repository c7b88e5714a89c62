"""Analysis pages: the analyseschema per casus, the totaalbeeld per gemeente, the comparison,
the agreement between double ratings."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

import analysis
from analysis import agreement as agreement_stats
from zet import audit
from zet.access import get_casus, get_gemeente
from zet.db import get_session
from zet.services import analyse as service
from zet.services.overeenstemming import overeenstemming as agreement_of
from zet.views.common import comparison_scope, current_scope, must_anonymise, records
from zet.views.dubbel import blind_gemeente_response, blind_response
from zet.vocabulary import DOELGROEPEN
from zet.instrument.current import active_instrument

IMAGE_AUDIT_MINUTES = 10   # an image is fetched with every page view: one event per 10 min
bp = Blueprint("analyse", __name__)


@bp.get("/casussen/<int:casus_id>/analyseschema")
def analyseschema(casus_id):
    session = get_session()
    casus = get_casus(session, current_scope(), casus_id, with_scores=False)
    blind = blind_response(casus)
    if blind:
        return blind
    schema, evidence, quotes, completeness = service.casus_schema(
        session, current_scope(), active_instrument(), casus)
    audit.record("bekeken", "casus", casus.id, f"analyseschema {casus.code}")
    return render_template("analyse/analyseschema.html", casus=casus, rows=records(schema),
                           evidence=evidence, quotes=quotes, completeness=completeness)


def _gemeente_filters(gemeente):
    onderzoek_id = request.args.get("onderzoek", type=int)
    if onderzoek_id not in {o.id for o in gemeente.onderzoeken}:
        onderzoek_id = None
    return service.Filters(gemeente_ids=(gemeente.id,), onderzoek_id=onderzoek_id,
                           alleen_compleet=_alleen_compleet())


def _alleen_compleet() -> bool:
    """The filter "alleen complete casussen" (?compleet=1) of every analysis page."""
    return request.args.get("compleet") == "1"


def _gemeente_request(gemeente_id):
    """Session, scope, the gemeente (404 outside the scope) and the onderzoek filter."""
    session, scope = get_session(), current_scope()
    gemeente = get_gemeente(session, scope, gemeente_id)
    return session, scope, gemeente, _gemeente_filters(gemeente)


@bp.get("/gemeenten/<int:gemeente_id>/totaalbeeld")
def totaalbeeld(gemeente_id):
    session, scope, gemeente, filters = _gemeente_request(gemeente_id)
    instrument = active_instrument()
    blind = blind_gemeente_response(gemeente.id) if request.args.get("afdruk") else None
    if blind:   # the printed totaalbeeld holds every toelichting
        return blind
    audit.record("bekeken", "analyse", gemeente.id, "totaalbeeld")
    rows = service.cached_rows(session, scope, ("totaalbeeld", filters, instrument.version),
                               lambda: _totaalbeeld_rows(session, scope, instrument, filters,
                                                         gemeente))
    return render_template(
        "analyse/totaalbeeld.html", gemeente=gemeente, filters=filters,
        settings=service.SETTINGS, **rows,
        names={e.code: e.name for e in instrument.elements},
        afdruk={code: service.element_evidence(session, scope, filters, code)
                for code in instrument.codes} if request.args.get("afdruk") else None)


TOTAALBEELD_TABLES = ("casussen", "basis", "gemeente_scores", "samenvatting",
                      "doelgroep_scores", "perspectief_scores", "dossier")


def _totaalbeeld_rows(session, scope, instrument, filters, gemeente) -> dict:
    """The totaalbeeld's tables as template rows (built once per data state)."""
    rows = service.gemeente_rows(session, scope, instrument, filters, gemeente,
                                 TOTAALBEELD_TABLES, _cache_dir())
    summary, basis = rows["samenvatting"], rows["basis"]
    return {"casussen": rows["casussen"], "basis": basis[0] if basis else None,
            "scores": rows["gemeente_scores"],
            "knelpunten": [r for r in summary if r["soort"] == "knelpunt"],
            "succesfactoren": [r for r in summary if r["soort"] == "succesfactor"],
            "doelgroepen": _pivot(rows["doelgroep_scores"], "doelgroep"),
            "perspectieven": _pivot(rows["perspectief_scores"], "perspectief"),
            "dossier": {r["element"]: r for r in rows["dossier"]}}


@bp.get("/gemeenten/<int:gemeente_id>/totaalbeeld/<code>")
def onderbouwing(gemeente_id, code):
    """The evidence behind one element of a totaalbeeld: every score, toelichting and quote."""
    session, scope, gemeente, filters = _gemeente_request(gemeente_id)
    element = active_instrument().element(code)
    if element is None:
        abort(404)
    blind = blind_gemeente_response(gemeente.id)
    if blind:
        return blind
    audit.record("bekeken", "analyse", gemeente.id, f"onderbouwing {code}")
    evidence = service.element_evidence(session, scope, filters, code)
    template = "analyse/_onderbouwing.html" if request.args.get("deel") else \
        "analyse/onderbouwing.html"
    return render_template(template, gemeente=gemeente, element=element, filters=filters,
                           evidence=evidence)


@bp.get("/gemeenten/<int:gemeente_id>/totaalbeeld.png")
def totaalbeeld_png(gemeente_id):
    session, scope, gemeente, filters = _gemeente_request(gemeente_id)
    instrument = active_instrument()

    def draw():
        result = service.gemeente_analysis(session, scope, instrument, filters, gemeente,
                                           _cache_dir())
        matrix = analysis.element_matrix(result.schema, "casus", "casusscore",
                                         service.elements_frame(instrument))
        return analysis.heatmap_png(matrix, f"{gemeente.naam}: casusscore per werkzaam element",
                                    xlabel="Casus")
    audit.record("bekeken", "analyse", gemeente.id, "heatmap totaalbeeld",
                 once_per_minutes=IMAGE_AUDIT_MINUTES)
    png = service.cached_png(session, ("totaalbeeld", gemeente.id, filters), draw)
    return Response(png, mimetype="image/png")


def _comparison_filters():
    doelgroep = request.args.get("doelgroep") or None
    if doelgroep not in DOELGROEPEN:
        doelgroep = None
    return service.Filters(onderzoek_titel=request.args.get("onderzoek") or None,
                           doelgroep=doelgroep, alleen_compleet=_alleen_compleet())


def comparison_detail(filters, anonymous: bool) -> str:
    """What the audit log says about a comparison: its filters, never an onderzoek's title."""
    parts = ["vergelijking"]
    if filters.onderzoek_titel:
        parts.append("één onderzoek")
    if filters.doelgroep:
        parts.append(filters.doelgroep)
    if filters.alleen_compleet:
        parts.append("alleen compleet")
    if anonymous:
        parts.append("geanonimiseerd")
    return ", ".join(parts)


def _comparison(anonymous: bool):
    filters = _comparison_filters()
    scores, table = service.comparison_table(get_session(), comparison_scope(),
                                             active_instrument(), filters, anonymous,
                                             cache_dir=_cache_dir())
    return filters, scores, table


def _cache_dir() -> Path:
    return Path(current_app.config["CACHE_DIR"])


@bp.get("/vergelijking")
def vergelijking():
    anonymous = must_anonymise() or request.args.get("anoniem") == "1"
    filters, _, table = _comparison(anonymous)
    audit.record("bekeken", "analyse", None, comparison_detail(filters, anonymous))
    return render_template(
        "analyse/vergelijking.html", filters=filters, table=table,
        tabel=_comparison_html(filters, table, anonymous),
        anonymous=anonymous, forced_anonymous=must_anonymise(),
        onderzoeken=service.onderzoek_titles(get_session(), current_scope()),
        doelgroepen=DOELGROEPEN, settings=service.SETTINGS)


def _comparison_html(filters, table, anonymous: bool) -> Markup:
    """The comparison table (hundreds of gemeenten x 15 elements, every cell escaped) as HTML,
    rendered once per data version and scope: the same for everyone who may see it."""
    instrument = active_instrument()
    return service.cached_rows(
        get_session(), comparison_scope(), ("html", filters, anonymous, instrument.version),
        lambda: Markup(render_template(
            "analyse/_vergelijking_tabel.html", table=table, anonymous=anonymous,
            settings=service.SETTINGS, names={e.code: e.name for e in instrument.elements})),
        kind="vergelijking")


@bp.get("/vergelijking.png")
def vergelijking_png():
    anonymous = must_anonymise() or request.args.get("anoniem") == "1"
    session = get_session()

    def draw():
        _, scores, _ = _comparison(anonymous)
        if "onderdrukt" in scores:
            scores = scores.assign(score=scores["score"].where(~scores["onderdrukt"]))
        matrix = analysis.element_matrix(scores, "gemeente", "score",
                                         service.elements_frame(active_instrument()))
        return analysis.heatmap_png(matrix, "Gemiddelde casusscore per gemeente",
                                    xlabel="Gemeente")
    key = ("vergelijking", anonymous, comparison_scope(), _comparison_filters())
    audit.record("bekeken", "analyse", None, "heatmap " + comparison_detail(
        _comparison_filters(), anonymous), once_per_minutes=IMAGE_AUDIT_MINUTES)
    return Response(service.cached_png(session, key, draw), mimetype="image/png")


@bp.get("/overeenstemming")
def overeenstemming():
    """Agreement between the first and second ratings of double-rated perspectives, in the
    comparison's scope; without gemeente names for those who see comparisons anonymised."""
    anonymous = must_anonymise()
    result = agreement_of(get_session(), comparison_scope(), active_instrument())
    audit.record("bekeken", "analyse", None, "overeenstemming")
    return render_template("analyse/overeenstemming.html", result=result, anonymous=anonymous,
                           per_element=records(result.per_element),
                           per_gemeente=[] if anonymous else records(result.per_gemeente),
                           per_beoordelaars=records(result.per_beoordelaars),
                           min_pairs=agreement_stats.MIN_PAIRS,
                           certain_pairs=agreement_stats.CERTAIN_PAIRS)


def _pivot(rows, column) -> dict:
    """{element: {column value: row}} for element x doelgroep / perspectief tables."""
    table: dict = {}
    for row in rows:
        table.setdefault(row["element"], {})[str(row[column])] = row
    return table
