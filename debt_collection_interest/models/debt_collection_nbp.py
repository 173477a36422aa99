import logging
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import nbp

_logger = logging.getLogger(__name__)

# Seconds to connect, and to wait for each part of the answer: a failing NBP
# must not hold a user's action or the cron for long.
TIMEOUT = 15
# How far back the previous exchange rate table is looked for (NBP publishes
# one every business day; the longest gap is Christmas and a weekend).
PREVIOUS_TABLE_DAYS = 14


class NbpUnavailableError(UserError):
    """NBP's data could not be had: the message says what and why."""


class DebtCollectionNbp(models.AbstractModel):
    """Talks to NBP over the network: its interest-rate file (for the
    statutory tables) and its table A mid rates (for the compensation).
    Reading and deriving is done by the pure tools/nbp.py."""

    _name = "debt.collection.nbp"
    _description = "NBP Rates"

    @api.model
    def _download(self, url, missing_ok=False):
        """The body at ``url``; None for HTTP 404 when ``missing_ok``."""
        try:
            response = requests.get(url, timeout=TIMEOUT)
        except requests.exceptions.Timeout as error:
            _logger.warning("NBP did not answer in time at %s: %s", url, error)
            reason = _("no answer in time")
        except requests.exceptions.RequestException as error:
            _logger.warning("NBP could not be reached at %s: %s", url, error)
            reason = _("no connection (is this server online?)")
        else:
            if missing_ok and response.status_code == 404:
                return None
            if response.status_code == 200:
                return response.content
            reason = _("HTTP error %(status)s", status=response.status_code)
        raise NbpUnavailableError(
            _("NBP could not be read at %(url)s: %(reason)s.", url=url, reason=reason)
        )

    @api.model
    def _import_rates(self, company):
        """Read the reference rate's history from ``company``'s NBP file and
        store both statutory tables derived from it; returns the (added,
        changed, removed) counts. Raises NbpUnavailableError."""
        url = company.debt_collection_nbp_rates_url
        if not url:
            raise NbpUnavailableError(
                _(
                    "No address of NBP's interest rate file is set in Settings > "
                    "Debt Collection."
                )
            )
        content = self._download(url)
        try:
            reference = nbp.parse_reference_rates(content)
        except nbp.NbpFormatError as error:
            raise NbpUnavailableError(
                _(
                    "The file at %(url)s is not NBP's interest rate file (%(reason)s).",
                    url=url,
                    reason=error,
                )
            ) from error
        today = fields.Date.context_today(self)
        try:
            return self.env["debt.collection.interest.rate"]._store_nbp_tables(
                nbp.derive_tables(reference, today), reference[0].start, today
            )
        except ValidationError as error:
            raise NbpUnavailableError(
                _(
                    "The rates derived from %(url)s are refused: %(reason)s",
                    url=url,
                    reason=error.args[0],
                )
            ) from error

    @api.model
    def _get_currency_rate(self, currency, day, company):
        """The rate of ``currency`` in force on ``day`` for ``company`` that is
        not among its currency rates yet: NBP's table A mid rate of that day
        (the previous table when the day has none), kept as a company rate
        with its source. With OCA's currency_rate_update, the company's own
        rate providers fetch it instead. Raises NbpUnavailableError."""
        if not company.debt_collection_nbp_online:
            raise NbpUnavailableError(
                _(
                    "this company does not fetch rates from NBP (no internet access, "
                    "see Settings > Debt Collection)."
                )
            )
        if company.currency_id.name != "PLN":
            raise NbpUnavailableError(
                _(
                    "NBP quotes rates in PLN, and the company's currency is %(currency)s.",
                    currency=company.currency_id.name,
                )
            )
        providers = self._rate_providers(currency, company)
        if providers:
            return self._get_provider_rate(providers, currency, day, company)
        rate = self._fetch_exchange_rate(currency, day, company)
        Rate = self.env["res.currency.rate"].sudo()  # sudo: NBP's public rate, kept
        existing = Rate.search(
            [
                ("currency_id", "=", currency.id),
                ("name", "=", rate.day),
                ("company_id", "in", [False, company.root_id.id]),
            ],
            limit=1,
        )
        return existing or Rate.with_company(company).create(
            {
                "currency_id": currency.id,
                "company_id": company.root_id.id,
                "name": rate.day,
                "inverse_company_rate": float(rate.mid),
                "debt_collection_source": _(
                    "NBP table %(table)s of %(date)s, mid rate",
                    table=rate.table,
                    date=rate.day,
                ),
            }
        )

    @api.model
    def _fetch_exchange_rate(self, currency, day, company):
        """NBP's table A mid rate of ``currency`` in force on ``day``."""
        base = (
            f"{company.debt_collection_nbp_api_url.rstrip('/')}/exchangerates/rates/a"
        )
        code = currency.name.lower()
        url = f"{base}/{code}/{day}/?format=json"
        content = self._download(url, missing_ok=True)
        if content is None:  # no table that day (holiday): the previous one
            first = day - timedelta(days=PREVIOUS_TABLE_DAYS)
            url = f"{base}/{code}/{first}/{day - timedelta(days=1)}/?format=json"
            content = self._download(url, missing_ok=True)
        try:
            rate = content and nbp.parse_exchange_rate(content, currency.name, day)
        except nbp.NbpFormatError as error:
            raise NbpUnavailableError(
                _(
                    "NBP's answer at %(url)s is not a rate table (%(reason)s).",
                    url=url,
                    reason=error,
                )
            ) from error
        if not rate:
            raise NbpUnavailableError(
                _(
                    "NBP has no %(currency)s rate in table A for %(date)s or the "
                    "%(days)s days before.",
                    currency=currency.name,
                    date=day,
                    days=PREVIOUS_TABLE_DAYS,
                )
            )
        return rate

    # OCA currency_rate_update -------------------------------------------------

    @api.model
    def _rate_providers(self, currency, company):
        """The company's active rate providers of OCA's currency_rate_update
        that update ``currency`` (none when that module is not installed)."""
        if "res.currency.rate.provider" not in self.env:
            return None
        # sudo: reading the company's configuration, whatever the user
        return (
            self.env["res.currency.rate.provider"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("currency_ids", "in", currency.ids),
                ]
            )
        )

    @api.model
    def _get_provider_rate(self, providers, currency, day, company):
        """Let the company's own providers fetch the days up to ``day`` (no
        rate of ours beside theirs), then take the last rate on or before it."""
        first = day - timedelta(days=PREVIOUS_TABLE_DAYS)
        providers._update(first, day)
        rate = (
            self.env["res.currency.rate"]
            .sudo()
            .search(
                [
                    ("currency_id", "=", currency.id),
                    ("name", ">=", first),
                    ("name", "<=", day),
                    ("company_id", "in", [False, company.root_id.id]),
                ],
                order="name desc",
                limit=1,
            )
        )
        if not rate:
            raise NbpUnavailableError(
                _(
                    "the currency rate providers %(providers)s (OCA Currency Rate "
                    "Update) found no %(currency)s rate for %(date)s.",
                    providers=", ".join(providers.mapped("name")),
                    currency=currency.name,
                    date=day,
                )
            )
        return rate
