"""A browser's User-Agent header, kept short: what is stored with a browser session and the few words shown for it
("Chrome · Windows") on a 390 px phone. The words are product names, the same in every language: they go into the
audit trail as they are, and an entry is read in another language than it was written in."""

MAX_LENGTH = 200

# The first name found wins: Edge, Opera and WeChat also say "Chrome" and "Safari", Chrome also says "Safari".
_BROWSERS = (("MicroMessenger", "WeChat"), ("EdgA/", "Edge"), ("Edg/", "Edge"), ("OPR/", "Opera"),
             ("Firefox/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("HarmonyOS", "HarmonyOS"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def user_agent_shortened(header: str | None) -> str:
    """What is stored: the header's printable characters (a NUL cannot be stored in PostgreSQL), at most 200."""
    return "".join(ch for ch in (header or "") if ch.isprintable())[:MAX_LENGTH]


def user_agent_label(user_agent: str) -> str:
    """The browser and the system, when they are recognised; else the header's start; empty without a header
    (the page says "unknown browser")."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return " · ".join(part for part in (browser, system) if part) or user_agent[:40]
