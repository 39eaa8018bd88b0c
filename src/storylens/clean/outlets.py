"""Who wrote a report: the outlet, from a field, the URL, or the image host.

:data:`DOMAINS` is the built-in table of well-known news domains; ``[outlets]`` in
``storylens.toml`` adds to it (``"example.com" = "Example News"``). A domain matches itself and
its subdomains (``i.dailymail.co.uk`` → Daily Mail).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DOMAINS: dict[str, str] = {
    "dailymail.co.uk": "Daily Mail", "mailonline.co.uk": "Daily Mail",
    "bbc.co.uk": "BBC", "bbc.com": "BBC", "bbci.co.uk": "BBC",
    "reuters.com": "Reuters", "apnews.com": "AP", "afp.com": "AFP",
    "theguardian.com": "The Guardian", "guim.co.uk": "The Guardian",
    "nytimes.com": "The New York Times", "nyt.com": "The New York Times",
    "washingtonpost.com": "The Washington Post", "wsj.com": "The Wall Street Journal",
    "cnn.com": "CNN", "foxnews.com": "Fox News", "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News", "abcnews.go.com": "ABC News", "npr.org": "NPR",
    "aljazeera.com": "Al Jazeera", "dw.com": "DW", "france24.com": "France 24",
    "euronews.com": "Euronews", "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph", "thetimes.co.uk": "The Times", "ft.com": "Financial Times",
    "bloomberg.com": "Bloomberg", "economist.com": "The Economist", "sky.com": "Sky News",
    "news.sky.com": "Sky News", "mirror.co.uk": "Daily Mirror", "thesun.co.uk": "The Sun",
    "express.co.uk": "Daily Express", "standard.co.uk": "Evening Standard",
    "hindustantimes.com": "Hindustan Times", "indiatimes.com": "The Times of India",
    "indianexpress.com": "The Indian Express", "ndtv.com": "NDTV", "wionews.com": "WION",
    "thehindu.com": "The Hindu", "rferl.org": "RFE/RL", "themoscowtimes.com": "The Moscow Times",
    "tass.com": "TASS", "rt.com": "RT", "politico.com": "Politico", "politico.eu": "Politico",
    "axios.com": "Axios", "usatoday.com": "USA Today", "latimes.com": "Los Angeles Times",
    "venturebeat.com": "VentureBeat", "techcrunch.com": "TechCrunch", "theverge.com": "The Verge",
    "abc.net.au": "ABC News (Australia)", "smh.com.au": "The Sydney Morning Herald",
    "cbc.ca": "CBC", "theglobeandmail.com": "The Globe and Mail",
    "irishtimes.com": "The Irish Times",
}  # fmt: skip

_DOMAINISH = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.I)


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.").lower()


def outlet_for_host(host: str, extra: dict[str, str] | None = None) -> str | None:
    """The outlet name a host belongs to: itself or its closest listed parent domain."""
    tables = [extra or {}, DOMAINS]
    parts = host.split(".")
    for i in range(len(parts) - 1):
        candidate = ".".join(parts[i:])
        for table in tables:
            if candidate in table:
                return table[candidate]
    return None


def resolve_outlet(
    named: str | None,
    url: str | None,
    image: str | None,
    fallback: str | None,
    extra: dict[str, str] | None = None,
) -> tuple[str | None, str | None, str | None]:
    """Return (outlet, domain, how) — ``how`` says which clue decided, for the notes."""
    if named:
        match = _DOMAINISH.match(named.strip())
        if match:  # "dailymail.co.uk" given as the source name
            host = match.group(1).lower()
            return outlet_for_host(host, extra) or host, host, "source field (a domain)"
        return named.strip(), host_of(url), None
    host = host_of(url)
    if host:
        return outlet_for_host(host, extra) or host, host, f"URL domain {host}"
    image_host = host_of(image)
    if image_host:
        name = outlet_for_host(image_host, extra)
        if name:
            return name, image_host, f"image host {image_host}"
    if fallback:
        return fallback, image_host, "--outlet option"
    return None, image_host, None
