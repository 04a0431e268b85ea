"""The console's sites, bookings-per-hour and leases pages (imported by `central.console.mount`
like every `stats*` module). Each reads the store once or twice (central/store/stats.py) and
renders what `central.console.stats` made of it; a bad date in the URL is a 400 page in the
operator's language, never a 500. Nothing personal is read: counts, sites and terminals only."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response

from central.console import stats
from central.console.i18n import translator
from central.console.web import OperatorDep, Refused, central_of, lang_of, render, router
from central.store.records import Site


def _bad_date(request: Request, operator: OperatorDep, exc: stats.BadDate) -> Response:
    return render(
        request,
        "stats_error.html",
        operator,
        message=exc.th if lang_of(request) == "th" else exc.en,
        request_path=request.url.path,
        title_key=exc.title_key,
        status_code=400,
    )


def _site_name(site: Site, lang: str) -> str:
    return site.name_th if lang == "th" else site.name_en


@router.get("/sites")
def sites_page(request: Request, operator: OperatorDep) -> Response:
    """Every site's fill today and over the range, and the fill of all sites by day."""
    central = central_of(request)
    today = central.today()
    q = request.query_params
    try:
        first, last = stats.parse_range(q.get("from"), q.get("to"), today)
    except stats.BadDate as exc:
        return _bad_date(request, operator, exc)
    lang = lang_of(request)
    sites = central.store.sites()
    days = central.store.fill_by_day(first, last)
    today_days = central.store.fill_by_day(today, today)
    rows = stats.fill_rows(days, first, last)
    return render(
        request,
        "sites.html",
        operator,
        first=first,
        last=last,
        rows=rows,
        total=stats.total_row(rows),
        summaries=stats.site_summaries(sites, days, today_days, today, first, last),
        chart=stats.fill_chart(rows, translator(lang)("sites.chart.all"), lang),
        today=stats.both_dates(today),
        now=central.now(),
    )


@router.get("/sites/{site_id}")
def site_page(request: Request, site_id: str, operator: OperatorDep) -> Response:
    """One site's fill by day."""
    central = central_of(request)
    site = central.store.site(site_id)
    if site is None:
        raise Refused(404, "error.not.found")
    q = request.query_params
    try:
        first, last = stats.parse_range(q.get("from"), q.get("to"), central.today())
    except stats.BadDate as exc:
        return _bad_date(request, operator, exc)
    lang = lang_of(request)
    rows = stats.fill_rows(central.store.fill_by_day(first, last, site_id), first, last)
    title = translator(lang)("sites.chart.one", name=_site_name(site, lang))
    return render(
        request,
        "site.html",
        operator,
        site=site,
        site_name=_site_name(site, lang),
        first=first,
        last=last,
        rows=rows,
        total=stats.total_row(rows),
        chart=stats.fill_chart(rows, title, lang),
        now=central.now(),
    )


@router.get("/bookings")
def bookings_page(request: Request, operator: OperatorDep) -> Response:
    """Bookings of one Bangkok day per hour and series, cancelled ones apart."""
    central = central_of(request)
    try:
        day = stats.parse_day(request.query_params.get("day"), central.today())
    except stats.BadDate as exc:
        return _bad_date(request, operator, exc)
    lang = lang_of(request)
    series, rows, total = stats.hour_rows(central.store.bookings_by_hour(day))
    shown = stats.both_dates(day)
    title = translator(lang)("bookings.chart", day=shown[lang])
    return render(
        request,
        "bookings.html",
        operator,
        day=shown,
        prev_day=(day - timedelta(days=1)).isoformat(),
        next_day=(day + timedelta(days=1)).isoformat(),
        series=[(s, stats.series_label(s, lang)) for s in series],
        rows=rows,
        total=total,
        chart=stats.hour_chart(series, rows, title, lang),
        now=central.now(),
    )


@router.get("/leases")
def leases_page(request: Request, operator: OperatorDep) -> Response:
    """Lease seats counting now: a summary against the 10 % budget, per terminal, per site."""
    central = central_of(request)
    now = central.now()
    try:
        page = stats.parse_page(request.query_params.get("page"))
    except stats.BadDate as exc:
        return _bad_date(request, operator, exc)
    terminals = central.store.terminal_leases(now)
    pages = max(1, -(-len(terminals) // stats.LEASES_PER_PAGE))
    page = min(page, pages)
    shown = terminals[(page - 1) * stats.LEASES_PER_PAGE : page * stats.LEASES_PER_PAGE]
    per_site = central.store.site_leases(now)
    names = {s.site_id: _site_name(s, lang_of(request)) for s in central.store.sites()}
    return render(
        request,
        "leases.html",
        operator,
        summary=stats.lease_summary(terminals, per_site),
        terminals=shown,
        page=page,
        pages=pages,
        sites=per_site,
        site_names=names,
        until_text=stats.until_text,
        now=now,
    )
